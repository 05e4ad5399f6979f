package tokens

import "embed"

// OpenAPI holds this package's part of the OpenAPI document (openapi/*.yaml).
//
//go:embed openapi/*.yaml
var OpenAPI embed.FS

package app

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"gopkg.in/yaml.v3"

	"quire/pages"
	"quire/people"
)

//go:embed openapi.yaml
var openAPIFrame []byte

// OpenAPIDocument merges the frame and every domain's fragment into the OpenAPI document, as
// JSON. A path or schema defined twice is an error, so the fragments cannot silently shadow each
// other.
func OpenAPIDocument() ([]byte, error) {
	var doc map[string]any
	if err := yaml.Unmarshal(openAPIFrame, &doc); err != nil {
		return nil, fmt.Errorf("openapi frame: %w", err)
	}
	for _, fsys := range []fs.FS{people.OpenAPI, pages.OpenAPI} {
		files, err := fs.Glob(fsys, "openapi/*.yaml")
		if err != nil {
			return nil, err
		}
		for _, name := range files {
			fragment, err := fs.ReadFile(fsys, name)
			if err != nil {
				return nil, err
			}
			var part map[string]any
			if err := yaml.Unmarshal(fragment, &part); err != nil {
				return nil, fmt.Errorf("openapi fragment %s: %w", name, err)
			}
			if err := mergeInto(doc, part, name, ""); err != nil {
				return nil, err
			}
		}
	}
	return json.Marshal(doc)
}

// mergeInto adds src's paths and components to dst, refusing duplicates; top-level x- keys of a
// fragment only hold YAML anchors and are dropped.
func mergeInto(dst, src map[string]any, fragment, at string) error {
	for key, value := range src {
		if at == "" && strings.HasPrefix(key, "x-") {
			continue
		}
		existing, present := dst[key]
		if !present {
			dst[key] = value
			continue
		}
		em, eok := existing.(map[string]any)
		vm, vok := value.(map[string]any)
		if !eok || !vok || at == "/paths" || strings.HasPrefix(at, "/components/") {
			return fmt.Errorf("openapi fragment of %s defines %s/%s again", fragment, at, key)
		}
		if err := mergeInto(em, vm, fragment, at+"/"+key); err != nil {
			return err
		}
	}
	return nil
}

// serveOpenAPI answers the merged document, built once at start.
func serveOpenAPI(doc []byte) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-cache")
		c.Data(http.StatusOK, "application/json; charset=utf-8", doc)
	}
}

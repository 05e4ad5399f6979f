package pages

import (
	"encoding/json"
)

// MaxWidgetsPerRequest is the most widgets one pages/create or markdown/create may make.
const MaxWidgetsPerRequest = 200

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

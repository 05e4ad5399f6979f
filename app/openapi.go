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
	addHeadOperations(doc)
	return json.Marshal(doc)
}

// addHeadOperations describes the HEAD that every GET path answers (Server.ServeHTTP): the GET's
// parameters, statuses and headers, without bodies.
func addHeadOperations(doc map[string]any) {
	paths, _ := doc["paths"].(map[string]any)
	components, _ := doc["components"].(map[string]any)
	shared, _ := components["responses"].(map[string]any)
	for _, item := range paths {
		pathItem, _ := item.(map[string]any)
		get, ok := pathItem["get"].(map[string]any)
		if !ok || pathItem["head"] != nil {
			continue
		}
		head := map[string]any{}
		for k, v := range get {
			head[k] = v
		}
		if summary, ok := get["summary"].(string); ok {
			head["summary"] = summary + " (headers only)"
		}
		if id, ok := get["operationId"].(string); ok {
			head["operationId"] = id + "Head"
		}
		responses := map[string]any{}
		getResponses, _ := get["responses"].(map[string]any)
		for status, r := range getResponses {
			resp, _ := r.(map[string]any)
			if ref, ok := resp["$ref"].(string); ok {
				resp, _ = shared[strings.TrimPrefix(ref, "#/components/responses/")].(map[string]any)
			}
			bodiless := map[string]any{"description": resp["description"]}
			if h, ok := resp["headers"]; ok {
				bodiless["headers"] = h
			}
			responses[status] = bodiless
		}
		head["responses"] = responses
		pathItem["head"] = head
	}
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

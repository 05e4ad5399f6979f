package app

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"
	"gopkg.in/yaml.v3"

	"quire/app/hooks"
	"quire/pages"
	"quire/pages/links"
	"quire/pages/search"
	"quire/people"
	"quire/people/tokens"
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
	for _, fsys := range []fs.FS{people.OpenAPI, tokens.OpenAPI, pages.OpenAPI, search.OpenAPI, hooks.OpenAPI, links.OpenAPI} {
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
	if err := completeOperations(doc); err != nil {
		return nil, err
	}
	addHeadOperations(doc)
	return json.Marshal(doc)
}

// httpMethods are the operations a path item may hold, in the order they are completed.
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// Error answers every operation behind the API's gate may give, by status: the name of the
// response in components/responses. POST adds the statuses of postErrors.
var (
	gatedErrors = map[string]string{"400": "BadRequest", "401": "Unauthorized", "403": "Forbidden",
		"404": "NotFound", "429": "RateLimited", "500": "InternalError", "503": "Unavailable"}
	postErrors = map[string]string{"408": "RequestTimeout", "409": "Conflict", "413": "TooLarge"}
)

// completeOperations adds to every operation of doc what the frame's comment lists: an
// operationId, the shared error answers, the answer headers and the request headers. Two
// operations with one operationId are an error.
func completeOperations(doc map[string]any) error {
	paths, _ := doc["paths"].(map[string]any)
	names := make([]string, 0, len(paths))
	for p := range paths {
		names = append(names, p)
	}
	sort.Strings(names)
	seen := map[string]string{}
	for _, path := range names {
		item, _ := paths[path].(map[string]any)
		var methods []string
		for _, m := range httpMethods {
			if _, ok := item[m].(map[string]any); ok {
				methods = append(methods, m)
			}
		}
		for _, method := range methods {
			op := item[method].(map[string]any)
			id, _ := op["operationId"].(string)
			if id == "" {
				id = operationID(path, method, len(methods) > 1)
				op["operationId"] = id
			}
			if other, dup := seen[id]; dup {
				return fmt.Errorf("openapi: operationId %q of %s %s is also %s's; give one of them its own", id, method, path, other)
			}
			seen[id] = method + " " + path
			completeOperation(op, method)
		}
	}
	return nil
}

// operationID makes an operation's id from the words of its path, in camel case, with the method
// in front when withMethod: "/page/{page_id}/paragraph/create/" is pageParagraphCreate.
func operationID(path, method string, withMethod bool) string {
	var b strings.Builder
	if withMethod {
		b.WriteString(method)
	}
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") {
			continue
		}
		for _, word := range strings.FieldsFunc(seg, func(r rune) bool { return r == '.' || r == '_' || r == '-' }) {
			if b.Len() == 0 {
				b.WriteString(word)
			} else {
				b.WriteString(strings.ToUpper(word[:1]) + word[1:])
			}
		}
	}
	return b.String()
}

func ref(kind, name string) map[string]any {
	return map[string]any{"$ref": "#/components/" + kind + "/" + name}
}

// completeOperation adds the shared answers and headers to one operation.
func completeOperation(op map[string]any, method string) {
	sec, hasSec := op["security"].([]any)
	gated := !hasSec || len(sec) > 0
	responses, _ := op["responses"].(map[string]any)
	if responses == nil {
		responses = map[string]any{}
		op["responses"] = responses
	}
	delete(responses, "default")
	errs := map[string]string{"500": "InternalError"}
	if gated {
		errs = gatedErrors
	}
	for status, name := range errs {
		if _, ok := responses[status]; !ok {
			responses[status] = ref("responses", name)
		}
	}
	if gated && method == "post" {
		for status, name := range postErrors {
			if _, ok := responses[status]; !ok {
				responses[status] = ref("responses", name)
			}
		}
	}
	list := takesCursor(op)
	for status, r := range responses {
		resp, ok := r.(map[string]any)
		if !ok || resp["$ref"] != nil {
			continue // a shared response: its component has its headers
		}
		headers, _ := resp["headers"].(map[string]any)
		if headers == nil {
			headers = map[string]any{}
			resp["headers"] = headers
		}
		add := []string{"X-Request-Id"}
		if gated {
			add = append(add, "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")
		}
		if method == "post" {
			add = append(add, "Idempotent-Replayed")
		}
		if list && status == "200" {
			add = append(add, "Link")
		}
		if status == "429" || status == "503" && gated {
			add = append(add, "Retry-After")
		}
		for _, h := range add {
			if _, ok := headers[h]; !ok {
				headers[h] = ref("headers", h)
			}
		}
	}
	params, _ := op["parameters"].([]any)
	params = append(params, ref("parameters", "RequestId"))
	if gated && method == "post" {
		params = append(params, ref("parameters", "IdempotencyKey"))
	}
	op["parameters"] = params
}

// takesCursor reports whether op is a list: one that takes the cursor parameter.
func takesCursor(op map[string]any) bool {
	params, _ := op["parameters"].([]any)
	for _, p := range params {
		if m, ok := p.(map[string]any); ok && (m["$ref"] == "#/components/parameters/cursor" || m["name"] == "cursor") {
			return true
		}
	}
	return false
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

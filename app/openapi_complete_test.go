package app_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"quire/app"
)

// exampleOf returns the examples a media type gives: its own (example, examples), else its
// schema's, else, for a list, its items' schema's (what a reader such as Scalar shows).
func exampleOf(mt *openapi3.MediaType) []any {
	var out []any
	if mt.Example != nil {
		out = append(out, mt.Example)
	}
	for _, ex := range mt.Examples {
		if ex != nil && ex.Value != nil && ex.Value.Value != nil {
			out = append(out, ex.Value.Value)
		}
	}
	if len(out) > 0 || mt.Schema == nil || mt.Schema.Value == nil {
		return out
	}
	s := mt.Schema.Value
	if s.Example != nil {
		return []any{s.Example}
	}
	if len(s.Examples) > 0 {
		return s.Examples
	}
	if s.Items != nil && s.Items.Value != nil {
		if s.Items.Value.Example != nil {
			return []any{[]any{s.Items.Value.Example}}
		}
		if len(s.Items.Value.Examples) > 0 {
			return []any{s.Items.Value.Examples}
		}
	}
	return nil
}

// withoutExamples are the examples the document still lacks (53 of them), by operation and
// request or answer; the test fails for any other missing example, and for one listed here that
// is no longer missing, so the list only shrinks. The shared objects (widgets, pages, people,
// subsites, folders) have theirs, and so every operation answering one.
var withoutExamples = map[string]bool{
	"GET /avatar/{file} answer":                                                                    true,
	"GET /feed/all/ answer":                                                                        true,
	"GET /feed/page/{page_id}/ answer":                                                             true,
	"GET /files/{file_id}/{filename} answer":                                                       true,
	"GET /mail/outbox/ answer":                                                                     true,
	"GET /openapi.json answer":                                                                     true,
	"GET /pages/records/{page_id}/ answer":                                                         true,
	"GET /search/query/ answer":                                                                    true,
	"POST /feed/post/ answer":                                                                      true,
	"POST /feed/post/ request application/json":                                                    true,
	"POST /feed/post/ request application/x-www-form-urlencoded":                                   true,
	"POST /feed/post/{page_id}/ answer":                                                            true,
	"POST /feed/post/{page_id}/ request application/json":                                          true,
	"POST /feed/post/{page_id}/ request application/x-www-form-urlencoded":                         true,
	"POST /folder/copy/ answer":                                                                    true,
	"POST /folder/copy/ request application/json":                                                  true,
	"POST /folder/create/ request application/json":                                                true,
	"POST /folder/delete/ answer":                                                                  true,
	"POST /folder/delete/ request application/json":                                                true,
	"POST /page/{page_id}/attachment/create/ request multipart/form-data":                          true,
	"POST /page/{page_id}/attachment/update/{widget_id}/ request multipart/form-data":              true,
	"POST /page/{page_id}/discussion/create/ request application/json":                             true,
	"POST /page/{page_id}/discussion/create/ request application/x-www-form-urlencoded":            true,
	"POST /page/{page_id}/form/create/ request application/json":                                   true,
	"POST /page/{page_id}/form/create/ request application/x-www-form-urlencoded":                  true,
	"POST /page/{page_id}/form/update/{widget_id}/ request application/json":                       true,
	"POST /page/{page_id}/form/update/{widget_id}/ request application/x-www-form-urlencoded":      true,
	"POST /page/{page_id}/heading/update/{widget_id}/ request application/json":                    true,
	"POST /page/{page_id}/heading/update/{widget_id}/ request application/x-www-form-urlencoded":   true,
	"POST /page/{page_id}/image/create/ request multipart/form-data":                               true,
	"POST /page/{page_id}/image/update/{widget_id}/ request multipart/form-data":                   true,
	"POST /page/{page_id}/markdown/create/ answer":                                                 true,
	"POST /page/{page_id}/markdown/create/ request application/json":                               true,
	"POST /page/{page_id}/paragraph/update/{widget_id}/ request application/json":                  true,
	"POST /page/{page_id}/paragraph/update/{widget_id}/ request application/x-www-form-urlencoded": true,
	"POST /page/{page_id}/widgets/move/ request application/json":                                  true,
	"POST /pages/copy/{page_id}/ request application/json":                                         true,
	"POST /pages/delete/{page_id}/ answer":                                                         true,
	"POST /pages/records/{page_id}/ answer":                                                        true,
	"POST /pages/records/{page_id}/ request application/json":                                      true,
	"POST /pages/records/{page_id}/ request application/x-www-form-urlencoded":                     true,
	"POST /pages/restore/{page_id}/ answer":                                                        true,
	"POST /pages/update/{page_id}/ request application/json":                                       true,
	"POST /pages/update/{page_id}/ request application/x-www-form-urlencoded":                      true,
	"POST /people/add_to_subsite/{user_id}/ request application/json":                              true,
	"POST /people/invite/ request application/json":                                                true,
	"POST /people/invite/ request application/x-www-form-urlencoded":                               true,
	"POST /people/reset_link/{user_id}/ answer":                                                    true,
	"POST /people/set_notifications/{user_id}/ request application/json":                           true,
	"POST /people/set_permission/{user_id}/ request application/json":                              true,
	"POST /subsites/update/{subsite_id}/ request application/json":                                 true,
	"POST /subsites/update/{subsite_id}/ request application/x-www-form-urlencoded":                true,
}

// TestOpenAPIOperationsComplete walks the OpenAPI document, as /docs shows it, and fails for an
// operation without an operationId, a summary, its error statuses, an example of its request body
// (each media type it takes) or an example of its answer; and for an example that does not
// validate against its own schema, so that the examples stay true to what the server answers.
// (HEAD operations are their GET's, without bodies.) The examples still missing are listed in
// withoutExamples.
func TestOpenAPIOperationsComplete(t *testing.T) {
	t.Parallel()
	raw, err := app.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := doc.Validate(ctx, openapi3.IsOpenAPI31OrLater(), openapi3.EnableExamplesValidation()); err != nil {
		t.Fatalf("the document or one of its examples is invalid: %v", err)
	}
	check := func(where string, mt *openapi3.MediaType) bool {
		examples := exampleOf(mt)
		for _, ex := range examples {
			if mt.Schema == nil || mt.Schema.Value == nil {
				continue
			}
			if err := mt.Schema.Value.VisitJSON(ex, openapi3.EnableJSONSchema2020()); err != nil {
				t.Errorf("%s: the example does not validate against its schema: %v", where, err)
			}
		}
		return len(examples) > 0
	}
	var missing []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if method == "HEAD" {
				continue
			}
			name := method + " " + path
			if op.OperationID == "" {
				t.Errorf("%s has no operationId", name)
			}
			if strings.TrimSpace(op.Summary) == "" {
				t.Errorf("%s has no summary", name)
			}
			errorStatus, answered := false, false
			for status, r := range op.Responses.Map() {
				if status[0] == '4' || status[0] == '5' {
					errorStatus = true
				}
				if status[0] != '2' || r.Value == nil {
					continue
				}
				if len(r.Value.Content) == 0 {
					answered = true // an answer without a body has nothing to show
				}
				for ctype, mt := range r.Value.Content {
					if check(fmt.Sprintf("%s answer %s %s", name, status, ctype), mt) {
						answered = true
					}
				}
			}
			if !errorStatus {
				t.Errorf("%s lists no error status", name)
			}
			if !answered {
				missing = append(missing, name+" answer")
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for ctype, mt := range op.RequestBody.Value.Content {
					if !check(fmt.Sprintf("%s request %s", name, ctype), mt) {
						missing = append(missing, name+" request "+ctype)
					}
				}
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		if !withoutExamples[m] {
			t.Errorf("no example: %s", m)
		}
	}
	for m := range withoutExamples {
		if !slices.Contains(missing, m) {
			t.Errorf("%s has its example now: take it off withoutExamples", m)
		}
	}
}

package apptest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"quire/app"
)

// The OpenAPI document is the contract: every answer a test receives is validated against it, so
// a field renamed, a null where the document promises a string, or an endpoint the document
// does not list fails the test that met it.

const specHost = "http://quire.test"

var spec = sync.OnceValues(func() (routers.Router, error) {
	raw, err := app.OpenAPIDocument()
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("load OpenAPI document: %w", err)
	}
	if err := doc.Validate(context.Background(), openapi3.IsOpenAPI31OrLater()); err != nil {
		return nil, fmt.Errorf("the OpenAPI document is invalid: %w", err)
	}
	// Route on a fixed host, so that one router serves every test site's port; paths outside
	// the API (files, avatars, health) name their own servers, relative to the site's root.
	doc.Servers = openapi3.Servers{
		{URL: specHost + "/api/v1"},
		{URL: specHost + "/@{subsite}/api/v1", Variables: map[string]*openapi3.ServerVariable{"subsite": {Default: "home"}}},
	}
	for _, item := range doc.Paths.Map() {
		for _, srv := range item.Servers {
			srv.URL = specHost + srv.URL
		}
	}
	return gorillamux.NewRouter(doc)
})

// quireHeaders are the answer headers Quire sets that the OpenAPI document declares where they
// occur: an answer that carries one its operation's response does not declare breaks the
// document as surely as a declared one missing.
var quireHeaders = []string{"X-Request-Id", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset",
	"Retry-After", "Link", "Idempotent-Replayed"}

// CheckContract returns a description of how an answer breaks the OpenAPI document, or "", for
// tests that read answers without a Client (over a raw connection).
func CheckContract(method, rawURL string, status int, header http.Header, body []byte) string {
	return checkContract(method, rawURL, status, header, body)
}

// checkContract returns a description of how an answer breaks the OpenAPI document, or "".
func checkContract(method, rawURL string, status int, header http.Header, body []byte) string {
	router, err := spec()
	if err != nil {
		return err.Error()
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return err.Error()
	}
	if _, allow := header["Allow"]; status == http.StatusMethodNotAllowed && !allow {
		// RFC 9110, 15.5.6: a 405 lists the methods the target allows (an empty list for none).
		return fmt.Sprintf("%s %s answered 405 without an Allow header", method, u.Path)
	}
	api := strings.Contains(u.Path, "/api/v1/")
	if api && !strings.HasSuffix(u.Path, "/") && !strings.HasSuffix(u.Path, ".json") {
		u.Path += "/" // the server serves a path without its trailing slash as if it were there
	}
	probe, _ := http.NewRequest(method, specHost+u.RequestURI(), nil)
	route, params, err := router.FindRoute(probe)
	if err != nil {
		if !api {
			return "" // a web page, not part of the API's document
		}
		// An unknown action or wrong method answers 405 (or 429 past the rate limit); nothing
		// else may be undocumented.
		if status == http.StatusMethodNotAllowed || status == http.StatusNotFound || status == http.StatusTooManyRequests {
			return ""
		}
		return fmt.Sprintf("%s %s answered %d but the OpenAPI document has no such operation", method, u.Path, status)
	}
	// kin-openapi lets some statuses pass unchecked (304, 301, 307, 308): the document must list
	// every status and its required headers all the same.
	r := route.Operation.Responses.Status(status)
	if r == nil || r.Value == nil {
		return fmt.Sprintf("%s %s answered %d, a status the OpenAPI document does not list for it", method, u.Path, status)
	}
	for _, h := range quireHeaders {
		if header.Get(h) != "" && r.Value.Headers[h] == nil {
			return fmt.Sprintf("%s %s answered %d with header %s, which the OpenAPI document does not declare there", method, u.Path, status, h)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(r.Value.Headers)) {
		if h := r.Value.Headers[name]; h.Value != nil && h.Value.Required && header.Get(name) == "" {
			return fmt.Sprintf("%s %s answered %d without a header the OpenAPI document requires there: %q missing", method, u.Path, status, name)
		}
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: probe, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{
			IncludeResponseStatus:   true,
			MultiError:              true,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.EnableJSONSchema2020()},
		},
	}
	if ct := header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		input.Options.ExcludeResponseBody = true
	}
	if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
		return fmt.Sprintf("%s %s answered %d against the OpenAPI document: %v", method, u.Path, status, err)
	}
	return ""
}

package apptest

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestCheckContractHeaders feeds the contract check answers with right and wrong headers: every
// header the document declares must be present when required and well formed, and Quire's own
// headers may appear only where the document declares them.
func TestCheckContractHeaders(t *testing.T) {
	t.Parallel()
	gated := func(extra ...string) http.Header {
		h := http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"req_0123456789abcdef"},
			"Ratelimit-Limit": {"6"}, "Ratelimit-Remaining": {"5"}, "Ratelimit-Reset": {"10"}}
		for i := 0; i+1 < len(extra); i += 2 {
			if extra[i+1] == "" {
				h.Del(extra[i])
			} else {
				h.Set(extra[i], extra[i+1])
			}
		}
		return h
	}
	errBody := `{"error":"x","status":400,"code":"invalid_request","type":"validation_error","request_id":"req_1"}`
	tooMany := strings.Replace(strings.Replace(errBody, "400", "429", 1), `"invalid_request","type":"validation_error"`, `"rate_limited","type":"rate_limit_error"`, 1)
	link := `<http://quire.test/api/v1/pages/all/?cursor=abc>; rel="next"`
	for _, tc := range []struct {
		name, method, url string
		status            int
		header            http.Header
		body              string
		want              string // a part of the complaint; "" for none
	}{
		{"a list with its headers", "GET", "/api/v1/pages/all/", 200, gated(), "[]", ""},
		{"a list's next page", "GET", "/@eng/api/v1/pages/all/", 200, gated("Link", link), "[]", ""},
		{"a Link that is not one", "GET", "/api/v1/pages/all/", 200, gated("Link", "next page please"), "[]", `header "Link"`},
		{"a Link where none is declared", "GET", "/api/v1/auth/debug/", 400, gated("Link", link), errBody, "does not declare"},
		{"no RateLimit-Remaining", "GET", "/api/v1/pages/all/", 200, gated("RateLimit-Remaining", ""), "[]", `"RateLimit-Remaining" missing`},
		{"a RateLimit-Limit that is no number", "GET", "/api/v1/pages/all/", 200, gated("RateLimit-Limit", "six"), "[]", "RateLimit-Limit"},
		{"no X-Request-Id", "GET", "/api/v1/pages/all/", 200, gated("X-Request-Id", ""), "[]", `"X-Request-Id" missing`},
		{"an X-Request-Id with a space", "GET", "/api/v1/pages/all/", 200, gated("X-Request-Id", "a b"), "[]", "X-Request-Id"},
		{"an undocumented status", "GET", "/api/v1/pages/all/", 418, gated(), errBody, "does not list"},
		{"an undocumented 304", "GET", "/api/v1/pages/all/", 304, gated(), "", "does not list"},
		{"a file's 304", "GET", "/@eng/files/3/a.pdf", 304, gated("ETag", `"abc"`), "", ""},
		{"a file's 304 without its rate headers", "GET", "/files/3/a.pdf", 304, http.Header{"X-Request-Id": {"r1"}, "Etag": {`"abc"`}}, "", `"RateLimit-Limit" missing`},
		{"a HEAD's 304", "HEAD", "/files/3/a.pdf", 304, gated("ETag", `"abc"`), "", ""},
		{"a 413 without its rate headers", "POST", "/api/v1/folder/create/", 413, http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"r1"}},
			strings.Replace(strings.Replace(errBody, "400", "413", 1), `"invalid_request"`, `"too_large"`, 1), `"RateLimit-Limit" missing`},
		{"a GET has no 413", "GET", "/api/v1/pages/all/", 413, gated(),
			strings.Replace(strings.Replace(errBody, "400", "413", 1), `"invalid_request"`, `"too_large"`, 1), "does not list"},
		{"health has no 413", "GET", "/healthz", 413, http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"r1"}},
			strings.Replace(strings.Replace(errBody, "400", "413", 1), `"invalid_request"`, `"too_large"`, 1), "does not list"},
		{"a 429 with Retry-After", "GET", "/api/v1/pages/all/", 429, gated("Retry-After", "7"), tooMany, ""},
		{"a 429 without Retry-After", "GET", "/api/v1/pages/all/", 429, gated(), tooMany, `"Retry-After" missing`},
		{"a replayed POST", "POST", "/api/v1/folder/create/", 400, gated("Idempotent-Replayed", "true"), errBody, ""},
		{"a replay flag that is not true", "POST", "/api/v1/folder/create/", 400, gated("Idempotent-Replayed", "yes"), errBody, "Idempotent-Replayed"},
		{"a POST's 409", "POST", "/api/v1/folder/create/", 409, gated(), strings.Replace(errBody, "400", "409", 1), ""},
		{"a GET has no 409", "GET", "/api/v1/pages/all/", 409, gated(), strings.Replace(errBody, "400", "409", 1), "does not list"},
		{"health outside the gate", "GET", "/healthz", 200, http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"r1"}}, `{"status":"ok"}`, ""},
		{"health without a request id", "GET", "/healthz", 200, http.Header{"Content-Type": {"application/json"}}, `{"status":"ok"}`, `"X-Request-Id" missing`},
		{"a file's range", "GET", "/@eng/files/3/a.pdf", 206, gated("Content-Type", "application/pdf"), "%PDF", ""},
		{"a file without its rate headers", "GET", "/files/3/a.pdf", 200, http.Header{"X-Request-Id": {"r1"}}, "x", `"RateLimit-Limit" missing`},
		{"a web page is not checked", "GET", "/invite/abc", 200, http.Header{}, "<html>", ""},
		{"a 405 with Allow", "GET", "/api/v1/pages/create/", 405, gated("Allow", "POST"), strings.Replace(errBody, "400", "405", 1), ""},
		{"a 405 of an unknown action, Allow empty", "GET", "/api/v1/pages/nosuch/", 405, http.Header{"Allow": {""}}, "", ""},
		{"a 405 without Allow", "GET", "/api/v1/pages/nosuch/", 405, gated(), strings.Replace(errBody, "400", "405", 1), "without an Allow header"},
		{"a web page's 405 without Allow", "PUT", "/invite/abc", 405, http.Header{}, "", "without an Allow header"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := checkContract(tc.method, "http://127.0.0.1:1"+tc.url, tc.status, tc.header, []byte(tc.body))
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("complaint %q, want one with %q", got, tc.want)
			}
		})
	}
}

// TestHeadersOfRealAnswers makes a server give the answers whose headers are rarest (a 429, a
// replayed POST, health, a file, an avatar, the document itself), which Do checks against the
// document.
func TestHeadersOfRealAnswers(t *testing.T) {
	t.Parallel()
	site := Start(t)
	slow := site.Client(site.Token(site.Owner, "1/60s"))
	slow.Get("pages/all/").Want(200)
	if r := slow.Get("pages/all/").Want(429); r.Header.Get("Retry-After") == "" {
		t.Errorf("429 without Retry-After")
	}
	c := site.Client(site.OwnerTk)
	c.Headers = http.Header{"Idempotency-Key": {"k1"}}
	c.Post("folder/create/", map[string]any{"path": "Once"}).Want(200)
	if r := c.Post("folder/create/", map[string]any{"path": "Once"}).Want(200); r.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("the retry was not replayed: %v", r.Header)
	}
	c.Headers = nil
	c.Do("GET", site.URL+"/healthz", nil, "").Want(200)
	c.Do("GET", site.URL+"/api/v1/openapi.json", nil, "").Want(200)
	c.Do("GET", site.URL+"/avatar/"+strconv.FormatInt(site.Owner.ID, 10)+".svg", nil, "").Want(200)
	c.Do("GET", site.URL+"/@home/avatar/99999.svg", nil, "").Want(404)
	c.Do("GET", site.URL+"/files/99999/x.pdf", nil, "").Want(404)
	site.Client("").Do("GET", site.URL+"/files/1/x.pdf", nil, "").Want(401)
}

package app_test

import (
	"bufio"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quire/app/apptest"
)

// A body that breaks off in its transfer encoding is refused with a message a person can act on;
// the reader's own error text (net/http's words about chunk lengths) never reaches the client.
func TestBrokenBodyAnswersNoReaderText(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	u, _ := url.Parse(site.URL)
	for _, path := range []string{
		"/api/v1/people/invite/",
		"/api/v1/subsites/create/",
		"/api/v1/pages/create/",
	} {
		conn, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		// A valid first chunk, then a chunk length that is not hexadecimal.
		req := "POST " + path + " HTTP/1.1\r\nHost: " + u.Host + "\r\nX-Auth-Token: " + site.OwnerTk +
			"\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"tit\r\nzz\r\n"
		if _, err := conn.Write([]byte(req)); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var body struct {
			Error string `json:"error"`
			Code  string `json:"code"`
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		conn.Close()
		if err != nil || resp.StatusCode != http.StatusBadRequest || body.Code != "invalid_request" {
			t.Errorf("%s: %d %+v (%v), want 400 invalid_request", path, resp.StatusCode, body, err)
		}
		if strings.Contains(body.Error, "chunk") || strings.Contains(body.Error, "byte") ||
			!strings.Contains(body.Error, "Send the request again") {
			t.Errorf("%s: message %q, want one without the reader's words that says to send again", path, body.Error)
		}
	}
}

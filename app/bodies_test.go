package app_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"quire/app"
	"quire/app/apptest"
)

// sendCap bounds what rawPost sends of an endless body: a server still reading at this point
// reads past every limit.
const sendCap = 96 << 20

// socketSlack is what the kernel may buffer on both sides of a loopback connection: bytes sent
// that the server never read.
const socketSlack = 24 << 20

// rawPost sends a POST over its own connection, with a body of prefix and then filler (declared
// as length bytes, or chunked when length is -1) that it sends until the server stops taking it
// or sendCap is reached; when size is above 0, a chunked body ends after size bytes of filler. It
// returns the answer's status and error code, and how many body bytes it sent.
func rawPost(t *testing.T, site *apptest.Site, path string, header http.Header, prefix string, length, size int64) (int, string, int64) {
	t.Helper()
	u, _ := url.Parse(site.URL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var head strings.Builder
	fmt.Fprintf(&head, "POST %s HTTP/1.1\r\nHost: %s\r\n", path, u.Host)
	if length < 0 {
		head.WriteString("Transfer-Encoding: chunked\r\n")
	} else {
		fmt.Fprintf(&head, "Content-Length: %d\r\n", length)
	}
	for k, vs := range header {
		fmt.Fprintf(&head, "%s: %s\r\n", k, vs[0])
	}
	head.WriteString("\r\n")
	if _, err := conn.Write([]byte(head.String())); err != nil {
		t.Fatal(err)
	}
	sent := make(chan int64, 1)
	go func() {
		chunk := []byte(strings.Repeat("a", 64<<10))
		first := []byte(prefix)
		var n, filler int64
		for n < sendCap && (size <= 0 || filler < size) {
			data := chunk
			if first != nil {
				data, first = first, nil
			} else {
				if size > 0 {
					data = data[:min(int64(len(data)), size-filler)]
				}
				filler += int64(len(data))
			}
			frame := data
			if length < 0 {
				frame = append([]byte(fmt.Sprintf("%x\r\n", len(data))), append(data, "\r\n"...)...)
			}
			conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
			if _, err := conn.Write(frame); err != nil {
				break
			}
			n += int64(len(data))
		}
		if size > 0 && n < sendCap {
			conn.Write([]byte("0\r\n\r\n"))
		}
		sent <- n
	}()
	conn.SetReadDeadline(time.Now().Add(60 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("POST %s: no answer: %v", path, err)
	}
	var body struct {
		Code string `json:"code"`
	}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		json.NewDecoder(resp.Body).Decode(&body)
	}
	resp.Body.Close()
	conn.Close() // a server that still reads would keep the sender going
	return resp.StatusCode, body.Code, <-sent
}

// No reader of a request body reads past its limit, with or without an Idempotency-Key: a
// declared Content-Length over it is refused before reading, an endless chunked body is cut at
// the limit, bytes after an upload's closing boundary count towards the upload's limit (not the
// larger one of the server), and the retry of a keyed request is read no further than the first
// one's size. A key changes no answer.
func TestBodiesAreNotReadPastTheirLimit(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, apptest.WithEnv("QUIRE_MAX_UPLOAD_MB", "1"))
	owner := site.Client(site.OwnerTk)
	pageID := owner.Post("pages/create/", map[string]any{"title": "Uploads", "json": [][]any{{}}}).Want(200).ID()

	keyed := site.Client(site.OwnerTk)
	keyed.Headers = http.Header{"Idempotency-Key": {"small-first"}}
	keyed.Post("pages/create/", map[string]any{"title": "Small", "json": [][]any{{}}}).Want(200)

	asJSON := http.Header{"X-Auth-Token": {site.OwnerTk}, "Content-Type": {"application/json"}}
	withKey := func(h http.Header, key string) http.Header {
		h = h.Clone()
		h.Set("Idempotency-Key", key)
		return h
	}
	multipart := http.Header{"X-Auth-Token": {site.OwnerTk}, "Content-Type": {"multipart/form-data; boundary=XyZ"}}
	filePart := "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n\r\n"
	// A small file and the closing boundary, then bytes that go on past the upload's limit.
	smallFile := "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"small.txt\"\r\n\r\nsmall\r\n--XyZ--\r\n"
	upload := fmt.Sprintf("/api/v1/page/%d/attachment/create/", pageID)
	owner.SiteWide().Post("people/invite/", map[string]any{"email_address": "mae@example.com", "name": "Mae"}).Want(200)
	var mails []struct {
		Body string `json:"body"`
	}
	owner.SiteWide().Get("mail/outbox/").Want(200).Decode(&mails)
	link := regexp.MustCompile(`/invite/[A-Za-z0-9_-]+`).FindString(mails[0].Body)
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	const gb = 1 << 30
	for _, tc := range []struct {
		name, path string
		header     http.Header
		prefix     string
		length     int64
		size       int64 // of a chunked body that ends, after prefix
		status     int
		code       string
		limit      int64 // the most the server may read
	}{
		{"JSON declared 1 GB", "/api/v1/pages/create/", asJSON, `{"title": "`, gb, 0, 413, "too_large", 0},
		{"JSON declared 1 GB, keyed", "/api/v1/pages/create/", withKey(asJSON, "big-1"), `{"title": "`, gb, 0, 413, "too_large", 0},
		{"JSON declared 20 MB", "/api/v1/pages/create/", asJSON, `{"title": "`, 20 << 20, 0, 413, "too_large", 0},
		{"JSON chunked", "/api/v1/pages/create/", asJSON, `{"title": "`, -1, 0, 413, "too_large", 16 << 20},
		{"JSON chunked, keyed", "/api/v1/pages/create/", withKey(asJSON, "big-2"), `{"title": "`, -1, 0, 413, "too_large", 16 << 20},
		{"upload declared 1 GB", upload, multipart, filePart, gb, 0, 413, "too_large", 0},
		{"upload declared 1 GB, keyed", upload, withKey(multipart, "big-3"), filePart, gb, 0, 413, "too_large", 0},
		{"upload chunked", upload, multipart, filePart, -1, 0, 413, "too_large", 2 << 20},
		{"upload chunked, keyed", upload, withKey(multipart, "big-4"), filePart, -1, 0, 413, "too_large", 2 << 20},
		{"retry of a keyed request, declared 10 MB", "/api/v1/pages/create/", withKey(asJSON, "small-first"), `{"title": "`, 10 << 20, 0, 409, "conflict", 0},
		{"retry of a keyed request, chunked", "/api/v1/pages/create/", withKey(asJSON, "small-first"), `{"title": "`, -1, 0, 409, "conflict", 1 << 10},
		{"invitation form declared 1 GB", link, form, "name=", gb, 0, 413, "", 0},
		{"invitation form declared 1 MB", link, form, "name=", 1 << 20, 0, 413, "", 0},
		{"invitation form chunked", link, form, "name=", -1, 0, 413, "", 64 << 10},
		{"upload chunked, 12 MB after its closing boundary", upload, multipart, smallFile, -1, 12 << 20, 413, "too_large", 2 << 20},
		{"upload chunked, 12 MB after its closing boundary, keyed", upload, withKey(multipart, "big-5"), smallFile, -1, 12 << 20, 413, "too_large", 2 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, code, sent := rawPost(t, site, tc.path, tc.header, tc.prefix, tc.length, tc.size)
			if status != tc.status || code != tc.code {
				t.Errorf("status %d %q, want %d %q", status, code, tc.status, tc.code)
			}
			if sent > tc.limit+socketSlack {
				t.Errorf("%d MB sent; the server read past its limit of %d MB", sent>>20, tc.limit>>20)
			}
		})
	}
	// The refused requests changed nothing, and kept no answer: the keys are free.
	if n := len(owner.Get("pages/all/").Want(200).List()); n != 2 {
		t.Errorf("%d pages, want 2", n)
	}
	if n := countFiles(t, site); n != 0 {
		t.Errorf("%d rows of files, want none", n)
	}
	keyed.Headers = http.Header{"Idempotency-Key": {"big-1"}}
	keyed.Post("pages/create/", map[string]any{"title": "Fits", "json": [][]any{{}}}).Want(200)
}

// rawHead sends a request's head over its own connection, declaring a body of length bytes
// (chunked when -1) and sending first of it and nothing more, and returns the answer, read
// whole and checked against the OpenAPI document, and the connection, to see what follows.
func rawHead(t *testing.T, site *apptest.Site, method, path string, header http.Header, length int64, first string) (*http.Response, []byte, net.Conn, *bufio.Reader) {
	t.Helper()
	u, _ := url.Parse(site.URL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	var head strings.Builder
	fmt.Fprintf(&head, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, path, u.Host)
	if length < 0 {
		head.WriteString("Transfer-Encoding: chunked\r\n")
		if first != "" {
			first = fmt.Sprintf("%x\r\n%s\r\n", len(first), first)
		}
	} else {
		fmt.Fprintf(&head, "Content-Length: %d\r\n", length)
	}
	for k, vs := range header {
		fmt.Fprintf(&head, "%s: %s\r\n", k, vs[0])
	}
	head.WriteString("\r\n" + first)
	if _, err := io.WriteString(conn, head.String()); err != nil {
		t.Fatal(err)
	}
	// A bound for a server that never answers, not a measure: the answer needs no more of the body.
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, &http.Request{Method: method})
	if err != nil {
		t.Fatalf("%s %s: no answer while the body is unsent: %v", method, path, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if msg := apptest.CheckContract(method, site.URL+path, resp.StatusCode, resp.Header, body); msg != "" {
		t.Errorf("%s; body: %.300s", msg, body)
	}
	return resp, body, conn, r
}

// A route answers a request whose body it does not read without waiting for that body, whatever
// the body declares, with the statuses and headers the OpenAPI document gives it: a GET (or
// HEAD, or health) is answered as if it had no body, not 413; a POST is authenticated and
// counted against the rate limit before its body is judged, so its 413 carries the RateLimit
// headers, and a request without a token is a 401. The connection closes after each answer,
// the body unread.
func TestDeclaredBodiesAreJudgedByTheRouteThatReadsThem(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	token := http.Header{"X-Auth-Token": {site.OwnerTk}, "Content-Type": {"application/json"}}
	const gb = 1 << 30
	for _, tc := range []struct {
		method, path string
		header       http.Header
		length       int64
		status       int
	}{
		{"GET", "/api/v1/pages/all/", token, gb, 200},
		{"HEAD", "/api/v1/pages/all/", token, gb, 200},
		{"GET", "/@home/api/v1/auth/debug/", token, 200, 200},
		{"GET", "/healthz", nil, gb, 200},
		{"GET", "/api/v1/openapi.json", nil, gb, 200},
		{"POST", "/api/v1/pages/create/", token, gb, 413},
		{"POST", "/api/v1/pages/create/", token, 20 << 20, 413},
		{"POST", "/api/v1/pages/create/", nil, gb, 401},
		{"POST", "/api/v1/folder/create/", http.Header{"X-Auth-Token": {"qt_unknown"}}, gb, 401},
	} {
		t.Run(fmt.Sprintf("%s %s %d", tc.method, tc.path, tc.length), func(t *testing.T) {
			t.Parallel()
			resp, _, _, r := rawHead(t, site, tc.method, tc.path, tc.header, tc.length, "")
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if !resp.Close {
				t.Errorf("the answer keeps the connection (%v), whose unread body would be taken for the next request", resp.Header)
			}
			if _, err := r.ReadByte(); !app.ConnectionClosed(err) {
				t.Errorf("after the answer the connection gave %v, want it closed (EOF, or a reset when bytes the server never read were still arriving)", err)
			}
		})
	}
}

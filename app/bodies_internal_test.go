package app

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"quire/people"
)

// pacedServer serves a new site through its Server with the body grace shortened to half a
// second (the server's is ten). It returns the server, its site, an owner's token and the id of
// a page.
func pacedServer(t *testing.T) (*httptest.Server, *Site, string, int64) {
	t.Helper()
	cfg, err := ConfigFromEnv(map[string]string{"QUIRE_DATA": t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	site, err := OpenSite(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { site.Close() })
	s, err := NewServer(site, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	s.pace = bodyPace{grace: 500 * time.Millisecond, rate: minBodyRate}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	owner, err := site.People.CreateUser(t.Context(), people.NewUser{Email: "o@example.com", Name: "Owner", Owner: true})
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := site.People.CreateToken(t.Context(), people.NewToken{UserID: owner.ID, Name: "t", Rate: "1000/1s"})
	if err != nil {
		t.Fatal(err)
	}
	home, _ := site.People.DefaultSubsite(t.Context(), site.DB.R)
	if _, err := site.People.AddToSubsite(t.Context(), home, owner.ID, people.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	page, err := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/pages/create/", strings.NewReader(`{"title": "Upload here", "json": [[]]}`))
	if err != nil {
		t.Fatal(err)
	}
	page.Header.Set("X-Auth-Token", token)
	resp, err := http.DefaultClient.Do(page)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("create a page: %v %v", resp, err)
	}
	var created struct{ ID int64 }
	json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	return ts, site, token, created.ID
}

// A client that sends its body too slowly gets a 408 saying so, and its connection is closed;
// nothing it sent is kept.
func TestSlowBodiesTimeOut(t *testing.T) {
	t.Parallel()
	ts, site, token, pageID := pacedServer(t)
	cfg := site.Config
	created := struct{ ID int64 }{pageID}

	t.Run("trickle", func(t *testing.T) { // its subtests run in parallel; the checks below wait for them
		for _, tc := range []struct {
			name, path, contentType, first string
			length                         int // declared; -1 for chunked
		}{
			{"JSON, declared length", "/api/v1/pages/create/", "application/json", `{"title": "`, 100_000},
			{"JSON, chunked", "/api/v1/pages/create/", "application/json", `{"title": "`, -1},
			{"upload, chunked", fmt.Sprintf("/api/v1/page/%d/attachment/create/", created.ID), "multipart/form-data; boundary=XyZ",
				"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.txt\"\r\n\r\n" + strings.Repeat("x", 8<<10), -1},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				length := "Transfer-Encoding: chunked"
				if tc.length >= 0 {
					length = fmt.Sprintf("Content-Length: %d", tc.length)
				}
				fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: quire\r\nX-Auth-Token: %s\r\nContent-Type: %s\r\n%s\r\n\r\n",
					tc.path, token, tc.contentType, length)
				frame := func(data string) string {
					if tc.length < 0 {
						return fmt.Sprintf("%x\r\n%s\r\n", len(data), data)
					}
					return data
				}
				io.WriteString(conn, frame(tc.first))
				// Trickle a byte every 50 ms (20 bytes a second) until the server answers.
				stop := make(chan struct{})
				defer close(stop)
				go func() {
					for {
						select {
						case <-stop:
							return
						case <-time.After(50 * time.Millisecond):
							if _, err := io.WriteString(conn, frame("a")); err != nil {
								return
							}
						}
					}
				}()
				conn.SetReadDeadline(time.Now().Add(30 * time.Second))
				r := bufio.NewReader(conn)
				resp, err := http.ReadResponse(r, nil)
				if err != nil {
					t.Fatalf("no answer: %v", err)
				}
				var body struct{ Code, Error string }
				json.NewDecoder(resp.Body).Decode(&body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusRequestTimeout || body.Code != "request_timeout" || !strings.Contains(body.Error, "too slowly") {
					t.Errorf("answer %d %+v, want 408 request_timeout saying the body arrived too slowly", resp.StatusCode, body)
				}
				if _, err := r.ReadByte(); !ConnectionClosed(err) {
					t.Errorf("after the answer the connection gave %v, want it closed (EOF, or a reset when bytes the server never read were still arriving)", err)
				}
			})
		}
	})
	var pages int
	site.DB.R.QueryRow(`SELECT COUNT(*) FROM pages`).Scan(&pages)
	leftovers, _ := filepath.Glob(filepath.Join(cfg.Data, "files", "tmp", "*"))
	if pages != 1 || len(leftovers) != 0 {
		t.Errorf("%d pages and temporary files %v after the slow requests; want the one page and none", pages, leftovers)
	}
}

// Every route answers a request whose body it does not read (a 401, 404, 405, 429, the redirect
// of /@slug, a GET sent with a body, the invitation page of an unknown link) as soon as it has
// the answer, while a slow client is still sending, and closes the connection after it instead
// of waiting for the rest of the body; what the client still sends is read for no longer than
// the body's pace allows. Before, net/http read up to 256 KB of such a body first, with no
// deadline, and a client sending a byte now and then held the answer and the connection.
func TestUnreadBodiesHoldNoAnswer(t *testing.T) {
	t.Parallel()
	ts, site, token, pageID := pacedServer(t)
	owner, err := people.FindUserByEmail(t.Context(), site.DB.R, "o@example.com")
	if err != nil {
		t.Fatal(err)
	}
	spent, _, err := site.People.CreateToken(t.Context(), people.NewToken{UserID: owner.ID, Name: "spent", Rate: "1/1h"})
	if err != nil {
		t.Fatal(err)
	}
	use, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/pages/all/", nil)
	use.Header.Set("X-Auth-Token", spent)
	if resp, err := http.DefaultClient.Do(use); err != nil || resp.StatusCode != 200 {
		t.Fatalf("spend the token: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	for _, tc := range []struct {
		name, method, path, token string
		length                    int // declared; -1 for chunked
		status                    int
	}{
		{"no token", "POST", "/api/v1/pages/create/", "", 200, 401},
		{"no token, 100 KB", "POST", "/api/v1/pages/create/", "", 100_000, 401},
		{"no token, chunked", "POST", "/api/v1/pages/create/", "", -1, 401},
		{"an unknown token", "POST", "/api/v1/folder/create/", "qt_unknown", 200, 401},
		{"rate limited", "POST", "/api/v1/pages/create/", spent, 200, 429},
		{"no such path", "POST", "/nothing/here", "", 200, 404},
		{"wrong method", "GET", "/api/v1/pages/create/", token, 200, 405},
		{"unknown action", "POST", "/api/v1/pages/nosuch/", token, 200, 405},
		{"subsite without its slash", "POST", "/@home", "", 200, 308},
		{"a GET with a body", "GET", fmt.Sprintf("/api/v1/pages/get/%d/", pageID), token, 200, 200},
		{"health with a body", "GET", "/healthz", "", 200, 200},
		{"an unknown invitation", "POST", "/invite/zzz", "", 200, 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			length := "Transfer-Encoding: chunked"
			if tc.length >= 0 {
				length = fmt.Sprintf("Content-Length: %d", tc.length)
			}
			fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: quire\r\nX-Auth-Token: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n%s\r\n\r\n",
				tc.method, tc.path, tc.token, length)
			// Five bytes every 200 ms: the body would take minutes to arrive whole.
			stop := make(chan struct{})
			defer close(stop)
			go func() {
				for {
					data := "name="
					if tc.length < 0 {
						data = fmt.Sprintf("%x\r\n%s\r\n", len(data), data)
					}
					if _, err := io.WriteString(conn, data); err != nil {
						return
					}
					select {
					case <-stop:
						return
					case <-time.After(200 * time.Millisecond):
					}
				}
			}()
			// A bound for a server that waits for the body, not a measure of speed.
			conn.SetReadDeadline(time.Now().Add(20 * time.Second))
			r := bufio.NewReader(conn)
			resp, err := http.ReadResponse(r, nil)
			if err != nil {
				t.Fatalf("no answer while the body is still arriving: %v", err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || !resp.Close {
				t.Errorf("answer %d, Connection %q; want %d and the connection closed after it", resp.StatusCode, resp.Header.Get("Connection"), tc.status)
			}
			if _, err := r.ReadByte(); !ConnectionClosed(err) {
				t.Errorf("after the answer the connection gave %v, want it closed (EOF, or a reset when bytes the server never read were still arriving)", err)
			}
		})
	}
}

// An invitation form that arrives too slowly answers the form again with a 408 saying so (an
// HTML page, as the form is), not a 500: the request's context, which net/http cancels when the
// body cannot be read, is not what the form's CSRF token is read with. The invitation still
// works afterwards.
func TestSlowInvitationFormAnswersTheForm(t *testing.T) {
	t.Parallel()
	ts, site, _, _ := pacedServer(t)
	owner, err := people.FindUserByEmail(t.Context(), site.DB.R, "o@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := site.People.Invite(t.Context(), people.NewInvite{Email: "mae@example.com", Name: "Mae", By: owner.ID}); err != nil {
		t.Fatal(err)
	}
	var mail string
	if err := site.DB.R.QueryRow(`SELECT body FROM outbox ORDER BY id DESC LIMIT 1`).Scan(&mail); err != nil {
		t.Fatal(err)
	}
	link := regexp.MustCompile(`/invite/[A-Za-z0-9_-]+`).FindString(mail)
	if link == "" {
		t.Fatalf("no invitation link in %q", mail)
	}
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// 200 bytes declared, 9 sent, then nothing: the form never arrives whole.
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: quire\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\nname=Mae&", link)
	conn.SetReadDeadline(time.Now().Add(20 * time.Second)) // a bound for a server that never answers
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csrf := regexp.MustCompile(`name="csrf_token" value="[^"]+"`)
	if resp.StatusCode != http.StatusRequestTimeout || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(string(body), "too slowly") || !csrf.Match(body) {
		t.Errorf("answer %d %q:\n%s\nwant 408, the form again (with its CSRF token) saying it arrived too slowly",
			resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if _, err := r.ReadByte(); !ConnectionClosed(err) {
		t.Errorf("after the answer the connection gave %v, want it closed (EOF, or a reset when bytes the server never read were still arriving)", err)
	}
	page, err := http.Get(ts.URL + link)
	if err != nil {
		t.Fatal(err)
	}
	page.Body.Close()
	if page.StatusCode != http.StatusOK {
		t.Errorf("the invitation page after the slow form: %d, want 200 (nothing changed)", page.StatusCode)
	}
}

// ConnectionClosed reports whether a read after the answer found the connection closed: an EOF,
// or a reset, which TCP sends instead when the server closes while bytes of the body it chose
// not to read are still arriving (how soon depends on the load of the machine, not on the server).
func ConnectionClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)
}

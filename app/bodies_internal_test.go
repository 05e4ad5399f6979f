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
	"strings"
	"testing"
	"time"

	"quire/people"
)

// A client that sends its body too slowly gets a 408 saying so, and its connection is closed;
// nothing it sent is kept. The grace is shortened here to half a second (the server's is ten).
func TestSlowBodiesTimeOut(t *testing.T) {
	t.Parallel()
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
				if _, err := r.ReadByte(); !errors.Is(err, io.EOF) {
					t.Errorf("after the answer the connection gave %v, want it closed (EOF)", err)
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

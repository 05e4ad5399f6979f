package app_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"quire/app"
	"quire/app/apptest"
)

// TestIdempotencyCrashChild is the server process that TestIdempotencyAcrossACrash kills: it
// serves the data directory QUIRE_CRASH_DATA and kills itself (SIGKILL: no deferred function, no
// clean close of the database) when a keyed request reaches QUIRE_CRASH_AT. With QUIRE_LOCK_AT,
// it takes the database's write lock from a connection of its own at that point, as another
// process would, and lets it go once that lock has refused a try to keep the answer.
func TestIdempotencyCrashChild(t *testing.T) {
	dir, point, lockAt := os.Getenv("QUIRE_CRASH_DATA"), os.Getenv("QUIRE_CRASH_AT"), os.Getenv("QUIRE_LOCK_AT")
	if dir == "" {
		t.Skip("the server process of TestIdempotencyAcrossACrash")
	}
	var lock *sql.Tx
	app.SetCrashHook(func(p string) {
		switch {
		case p == point:
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
		case p == lockAt && lock == nil:
			db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, app.DatabaseFile)+"?_txlock=immediate")
			if err == nil {
				lock, err = db.Begin()
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "take the write lock:", err)
				os.Exit(3)
			}
		case p == "keep-refused" && lock != nil:
			lock.Rollback()
		}
	})
	cfg, err := app.ConfigFromEnv(map[string]string{"QUIRE_DATA": dir, "QUIRE_ADDR": "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	inst, err := app.Start(context.Background(), cfg, io.Discard, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("\nURL %s\n", inst.URL)
	time.Sleep(2 * time.Minute) // the parent kills it long before
	t.Fatal("the crash point was never reached")
}

// A keyed request is killed (SIGKILL) at each point where a crash matters; after a restart, its
// retry runs it exactly once: anew when nothing committed, never again when its change committed
// (answering that the answer was lost), and replays the answer once it was kept.
func TestIdempotencyAcrossACrash(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		point    string
		status   int
		replayed bool
		message  string // in the retry's error, the first retry and a retry two minutes later
		later    string
	}{
		{point: "recorded", status: 200},
		{point: "committed", status: 409, message: "Retry in a moment", later: "its answer was lost"},
		{point: "kept", status: 200, replayed: true},
	} {
		t.Run(tc.point, func(t *testing.T) {
			t.Parallel()
			site := apptest.Start(t)
			site.Stop()
			child, url := startCrashChild(t, site, "QUIRE_CRASH_AT="+tc.point)
			body := `{"title": "Crash test", "json": [[{"classname": "Paragraph", "val": "once"}]]}`
			req, _ := http.NewRequest(http.MethodPost, url+"/api/v1/pages/create/", strings.NewReader(body))
			req.Header.Set("X-Auth-Token", site.OwnerTk)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", "crash-1")
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close() // the answer may have left before the kill: what matters is the retry
			}
			if err := child.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
				t.Fatalf("the server process ended with %v, want killed at %q", err, tc.point)
			}

			site.Restart()
			c := site.Client(site.OwnerTk)
			c.Headers = http.Header{"Idempotency-Key": {"crash-1"}}
			retry := c.PostRaw("pages/create/", "application/json", body).Want(tc.status)
			if got := retry.Header.Get("Idempotent-Replayed") == "true"; got != tc.replayed {
				t.Errorf("Idempotent-Replayed %v, want %v", got, tc.replayed)
			}
			if tc.message != "" {
				if msg := retry.Error(tc.status, "conflict")["error"].(string); !strings.Contains(msg, tc.message) {
					t.Errorf("retry: %q, want it to say %q", msg, tc.message)
				}
				site.Inst.DB.Now = func() time.Time { return time.Now().Add(2 * time.Minute) }
				msg := c.PostRaw("pages/create/", "application/json", body).Error(tc.status, "conflict")["error"].(string)
				if !strings.Contains(msg, tc.later) {
					t.Errorf("retry two minutes later: %q, want it to say %q", msg, tc.later)
				}
			}
			c.Headers = nil
			pages := c.Get("pages/all/").Want(200).List()
			if len(pages) != 1 || pages[0]["title"] != "Crash test" {
				t.Errorf("pages after the crash and the retry: %v, want the one page once", pages)
			}
		})
	}
}

// startCrashChild runs TestIdempotencyCrashChild on the site's data directory (the site must be
// stopped) with the environment given, and returns its URL; it is killed when the test ends.
func startCrashChild(t *testing.T, site *apptest.Site, env ...string) (*exec.Cmd, string) {
	t.Helper()
	child := exec.Command(os.Args[0], "-test.run=^TestIdempotencyCrashChild$")
	child.Env = append(append(os.Environ(), "QUIRE_CRASH_DATA="+site.Data), env...)
	child.Stderr = os.Stderr
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill(); child.Wait() })
	url := ""
	for lines := bufio.NewScanner(out); url == "" && lines.Scan(); {
		url, _ = strings.CutPrefix(lines.Text(), "URL ")
	}
	if url == "" {
		t.Fatal("the server process printed no URL")
	}
	return child, url
}

// When another process takes the write lock between a keyed request's commit and the keeping of
// its answer, the answer is kept once the lock is free (the request's answer waits for it), so
// that a retry replays it instead of saying it was lost.
func TestIdempotentAnswerKeptPastAForeignWriteLock(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	site.Stop()
	_, url := startCrashChild(t, site, "QUIRE_LOCK_AT=committed")
	body := `{"title": "Locked after commit", "json": [[]]}`
	post := func() (*http.Response, []byte) {
		req, _ := http.NewRequest(http.MethodPost, url+"/api/v1/pages/create/", strings.NewReader(body))
		req.Header.Set("X-Auth-Token", site.OwnerTk)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "locked-1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	first, firstBody := post()
	if first.StatusCode != 200 {
		t.Fatalf("first answer %d %s, want 200", first.StatusCode, firstBody)
	}
	retry, retryBody := post()
	if retry.StatusCode != 200 || retry.Header.Get("Idempotent-Replayed") != "true" || string(retryBody) != string(firstBody) {
		t.Errorf("retry %d (replayed %q) %s, want the first answer replayed: %s", retry.StatusCode,
			retry.Header.Get("Idempotent-Replayed"), retryBody, firstBody)
	}
}

// A keyed request's answer is kept before any of it is sent: when a client has the answer, a
// retry replays it. An answer too large to keep is marked so as soon as it passes the bound,
// before its first bytes go out, and a retry is told so.
func TestIdempotentAnswerKeptBeforeItIsSent(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	big := strings.Repeat("x", 900<<10)
	for _, tc := range []struct {
		key         string
		body        map[string]any
		contentType string // kept, as soon as the answer's headers arrive
	}{
		{"small", map[string]any{"title": "Small", "json": [][]any{{}}}, "application/json; charset=utf-8"},
		{"large", map[string]any{"title": "Large", "json": [][]any{{
			map[string]any{"classname": "Paragraph", "val": big}, map[string]any{"classname": "Paragraph", "val": big},
			map[string]any{"classname": "Paragraph", "val": big}, map[string]any{"classname": "Paragraph", "val": big},
		}}}, "quire/too-large-to-keep"},
	} {
		payload, _ := json.Marshal(tc.body)
		req, _ := http.NewRequest(http.MethodPost, site.URL+"/api/v1/pages/create/", bytes.NewReader(payload))
		req.Header.Set("X-Auth-Token", site.OwnerTk)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", tc.key)
		resp, err := http.DefaultClient.Do(req) // returns once the headers are in
		if err != nil {
			t.Fatal(err)
		}
		var status int
		var contentType string
		err = site.Inst.DB.R.QueryRow(`SELECT status, content_type FROM idempotency_keys WHERE idem_key = ?`, tc.key).Scan(&status, &contentType)
		if err != nil || status != 200 || contentType != tc.contentType {
			t.Errorf("%s: when the answer's headers arrived, the key held status %d, %q (%v); want 200, %q", tc.key, status, contentType, err, tc.contentType)
		}
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		c := site.Client(site.OwnerTk)
		c.Headers = http.Header{"Idempotency-Key": {tc.key}}
		retry := c.PostRaw("pages/create/", "application/json", string(payload))
		switch tc.key {
		case "small":
			if retry.Want(200).Header.Get("Idempotent-Replayed") != "true" || string(retry.Body) != string(answer) {
				t.Errorf("small: retry %s, want the answer replayed: %s", retry.Body, answer)
			}
		case "large":
			if len(answer) < 4<<20 {
				t.Fatalf("large: the answer has %d bytes; the test needs one over 4 MB", len(answer))
			}
			if msg := retry.Error(409, "conflict")["error"].(string); !strings.Contains(msg, "too large to keep") {
				t.Errorf("large: retry says %q, want that the answer was too large to keep", msg)
			}
		}
	}
}

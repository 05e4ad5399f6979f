package app_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"quire/app"
	"quire/app/apptest"
)

// TestIdempotencyCrashChild is the server process that TestIdempotencyAcrossACrash kills: it
// serves the data directory QUIRE_CRASH_DATA and kills itself (SIGKILL: no deferred function, no
// clean close of the database) when a keyed request reaches QUIRE_CRASH_AT.
func TestIdempotencyCrashChild(t *testing.T) {
	dir, point := os.Getenv("QUIRE_CRASH_DATA"), os.Getenv("QUIRE_CRASH_AT")
	if dir == "" {
		t.Skip("the server process of TestIdempotencyAcrossACrash")
	}
	app.SetCrashHook(func(p string) {
		if p == point {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
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
			child := exec.Command(os.Args[0], "-test.run=^TestIdempotencyCrashChild$")
			child.Env = append(os.Environ(), "QUIRE_CRASH_DATA="+site.Data, "QUIRE_CRASH_AT="+tc.point)
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

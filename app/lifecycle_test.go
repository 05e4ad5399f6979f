package app_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"quire/app"
	"quire/app/apptest"
	"quire/app/apptest/syncbuf"
	"quire/people"
)

// eventually polls cond until it holds, failing the test after a deadline.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestGracefulShutdown stops the server while a write waits for the database: the write
// finishes and is answered, then the server stops and the database closes cleanly.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	owner := site.Client(site.OwnerTk)
	p := owner.Post("pages/create/", map[string]any{"title": "Shutdown", "json": [][]any{{}}}).Want(200).ID()

	// Hold the only writer connection, so that the next write request waits inside its handler.
	ctx := context.Background()
	held, release, released := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		released <- site.Inst.DB.Write(ctx, func(*sql.Tx) error { close(held); <-release; return nil })
	}()
	<-held
	waits := site.Inst.DB.WriterWaits()
	type answer struct {
		status int
		body   string
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/page/%d/paragraph/create/", site.URL, p),
			strings.NewReader(`{"widget": {"val": "written during shutdown"}}`))
		req.Header.Set("X-Auth-Token", site.OwnerTk)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		answered <- answer{resp.StatusCode, string(b), err}
	}()
	eventually(t, "the request waits for the writer", func() bool { return site.Inst.DB.WriterWaits() > waits })

	stopped := make(chan struct{})
	go func() {
		site.Stop()
		close(stopped)
	}()
	addr := strings.TrimPrefix(site.URL, "http://")
	eventually(t, "the server stops accepting connections", func() bool {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			conn.Close()
		}
		return err != nil
	})
	select {
	case <-stopped:
		t.Fatal("Stop returned while a request was in flight")
	case a := <-answered:
		t.Fatalf("the request was answered while the writer was held: %+v", a)
	default:
	}
	close(release)
	if err := <-released; err != nil {
		t.Fatal(err)
	}
	select {
	case a := <-answered:
		if a.err != nil || a.status != 200 || !strings.Contains(a.body, "written during shutdown") {
			t.Errorf("the request in flight got %d %q %v, want its widget", a.status, a.body, a.err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the request in flight was never answered")
	}
	select {
	case <-stopped:
	case <-time.After(20 * time.Second):
		t.Fatal("Stop did not return")
	}
	if _, err := os.Stat(filepath.Join(site.Data, app.DatabaseFile+"-wal")); !os.IsNotExist(err) {
		t.Errorf("the write-ahead log is still there after Stop (%v): the database was not closed cleanly", err)
	}
	site.Restart()
	if got := owner.Get(fmt.Sprintf("pages/get/%d/", p)).Object()["json"]; !strings.Contains(fmt.Sprint(got), "written during shutdown") {
		t.Errorf("after a restart the page holds %v", got)
	}
	owner.Do(http.MethodGet, site.URL+"/healthz", nil, "").Want(200)
}

// TestRestartKeepsEverything compares what the API answers before and after a restart.
func TestRestartKeepsEverything(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	eng := site.Subsite("Engineering", "eng")
	ed, edC := site.Member("Eddie Editor", eng, people.RoleEditor)
	_, viewC := site.Member("Vi Viewer", eng, people.RoleViewer)
	revoked, tok, err := site.Inst.People.CreateToken(t.Context(), people.NewToken{UserID: ed.ID, Name: "old", Rate: "50/1m"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := site.Inst.People.RevokeToken(t.Context(), tok.ID); err != nil {
		t.Fatal(err)
	}
	owner := site.Client(site.OwnerTk)
	owner.Post("subsites/create/", map[string]any{"title": "Later", "default_role": "viewer"}).Want(200)

	var p struct {
		ID   int64 `json:"id"`
		JSON [][]struct {
			ID int64 `json:"id"`
		} `json:"json"`
	}
	edC.Post("pages/create/", map[string]any{"title": "Persistent", "path": "Docs/Ops", "tags": "keep,me",
		"json": [][]map[string]any{{{"classname": "Paragraph", "val": "v1"}, {"classname": "Heading", "val": "H", "heading": "h3"}},
			{{"classname": "Paragraph", "val": "gone"}}}}).Want(200).Decode(&p)
	w := p.JSON[0][0].ID
	edC.Post(fmt.Sprintf("page/%d/paragraph/update/%d/", p.ID, w), map[string]any{"val": "v2", "styleclass": "note"}).Want(200)
	edC.Post(fmt.Sprintf("page/%d/paragraph/update/%d/", p.ID, w), map[string]any{"val": "v3"}).Want(200)
	edC.Post(fmt.Sprintf("page/%d/paragraph/delete/%d/", p.ID, p.JSON[1][0].ID), nil).Want(200)
	edC.Post(fmt.Sprintf("page/%d/markdown/create/", p.ID), map[string]any{"val": "# Added\n\ntext"}).Want(200)
	trashed := edC.Post("pages/create/", map[string]any{"title": "Binned", "json": [][]any{{}}}).Want(200).ID()
	edC.Post(fmt.Sprintf("pages/delete/%d/", trashed), nil).Want(200)
	owner.In("eng").Post(fmt.Sprintf("people/set_notifications/%d/", ed.ID), map[string]any{"notifications": "digest"}).Want(200)

	reads := []struct {
		c    *apptest.Client
		path string
	}{
		{edC, fmt.Sprintf("pages/get/%d/", p.ID)},
		{edC, "pages/all/"},
		{edC, "pages/trash/"},
		{viewC, fmt.Sprintf("page/%d/paragraph/versions/%d/", p.ID, w)},
		{viewC, fmt.Sprintf("page/%d/paragraph/versions/%d/", p.ID, p.JSON[1][0].ID)},
		{viewC, "people/all/"},
		{edC, "auth/debug/"},
		{owner, "subsites/all/"},
		{owner, "people/all/"},
	}
	snapshot := func() []string {
		out := make([]string, len(reads))
		for i, r := range reads {
			out[i] = strings.ReplaceAll(string(r.c.Get(r.path).Want(200).Body), site.URL, "BASE")
		}
		return out
	}
	before := snapshot()
	site.Restart()
	after := snapshot()
	for i := range reads {
		if before[i] != after[i] {
			t.Errorf("%s changed across the restart:\nbefore %s\nafter  %s", reads[i].path, before[i], after[i])
		}
	}
	site.Client(revoked).Get("auth/debug/").Error(401, "invalid_token")
	site.Client("").Get("auth/debug/").Error(401, "invalid_token")
	viewC.Post("pages/create/", map[string]any{"title": "x", "json": [][]any{{}}}).Error(403, "forbidden")
	// Writing goes on where it stopped.
	var next struct {
		VersionOfID int64 `json:"version_of_id"`
	}
	edC.Post(fmt.Sprintf("page/%d/paragraph/update/%d/", p.ID, w), map[string]any{"val": "v4"}).Want(200).Decode(&next)
	if next.VersionOfID != w {
		t.Errorf("update after restart: version_of_id %d, want %d", next.VersionOfID, w)
	}
}

// TestServeCommand runs "quire serve" as a person would on an empty directory: it prints where
// the wiki is, an owner login and a first token that works, and stops cleanly when told.
func TestServeCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"QUIRE_OWNER_EMAIL": "boss@example.com", "QUIRE_ADDR": "127.0.0.1:0"}
	serve := func() (stdout string, stop func() (int, string)) {
		ctx, cancel := context.WithCancel(context.Background())
		out, errOut := &syncbuf.Buffer{}, &syncbuf.Buffer{}
		code := make(chan int, 1)
		go func() { code <- app.Run(ctx, []string{"serve", "--data", dir}, env, out, errOut) }()
		eventually(t, "serve greets", func() bool {
			return strings.Contains(out.String(), "curl -H") || strings.Contains(out.String(), "token create --data")
		})
		return out.String(), func() (int, string) {
			cancel()
			select {
			case c := <-code:
				return c, out.String()
			case <-time.After(30 * time.Second):
				t.Fatal("serve did not stop")
				return 0, ""
			}
		}
	}

	out, stop := serve()
	base := regexp.MustCompile(`Quire is running at (http://127\.0\.0\.1:\d+)/`).FindStringSubmatch(out)
	login := regexp.MustCompile(`Owner login:\s+(\S+)\n\s+Password:\s+(\S+)\n\s+API token:\s+(qt_\S+)`).FindStringSubmatch(out)
	if base == nil || login == nil || login[1] != "boss@example.com" {
		stop()
		t.Fatalf("serve's greeting lacks the URL, login, password or token:\n%s", out)
	}
	req, _ := http.NewRequest(http.MethodGet, base[1]+"/api/v1/auth/debug/", nil)
	req.Header.Set("Authorization", "Bearer "+login[3])
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("the printed token: %v %v", resp, err)
	} else {
		// The first token's rate lets the README's examples run one after the other.
		var debug struct {
			Rate string `json:"rate"`
		}
		json.NewDecoder(resp.Body).Decode(&debug)
		resp.Body.Close()
		if debug.Rate != app.FirstTokenRate || resp.Header.Get("RateLimit-Limit") != "100" {
			t.Errorf("the first token's rate %q, limit %q; want %s", debug.Rate, resp.Header.Get("RateLimit-Limit"), app.FirstTokenRate)
		}
	}
	// The greeting says where a browser signs in, and that page is there.
	if !strings.Contains(out, "Sign in with a browser at "+base[1]+"/login") {
		t.Errorf("serve's greeting does not say where to sign in:\n%s", out)
	} else if resp, err := http.Get(base[1] + "/login"); err != nil || resp.StatusCode != 200 {
		t.Errorf("the sign-in page: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	if resp, err := http.Get(base[1] + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Errorf("healthz: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	code, final := stop()
	if code != 0 || !strings.Contains(final, "Stopped; the database is closed cleanly.") {
		t.Errorf("serve stopped with %d:\n%s", code, final)
	}

	// The printed password signs in; a second start makes no new owner and shows no secret.
	cfg, err := app.ConfigFromEnv(map[string]string{"QUIRE_DATA": dir})
	if err != nil {
		t.Fatal(err)
	}
	s, err := app.OpenSite(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.People.CheckPassword(t.Context(), "boss@example.com", login[2]); err != nil {
		t.Errorf("the printed password does not sign in: %v", err)
	}
	s.Close()
	out, stop = serve()
	stop()
	if strings.Contains(out, "API token:") || strings.Contains(out, "Password:") || !strings.Contains(out, "token create") {
		t.Errorf("the second start printed:\n%s", out)
	}
}

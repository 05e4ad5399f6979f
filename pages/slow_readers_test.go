package pages_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"quire/app/apptest"
	"quire/app/sqldb"
)

// slowReader asks for an API path over a connection whose receive buffer is 4 KB, reads its
// status line and nothing more, as a client on a slow link (or one that means harm) would, and
// returns the status. The connection stays open until the test ends: the server cannot send
// more than its socket and this one's buffer hold.
func slowReader(t *testing.T, site *apptest.Site, path string) int {
	t.Helper()
	u, err := url.Parse(site.URL)
	if err != nil {
		t.Fatal(err)
	}
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		var err error
		if cerr := rc.Control(func(fd uintptr) {
			err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4<<10)
		}); cerr != nil {
			return cerr
		}
		return err
	}}
	conn, err := d.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "GET /api/v1/%s HTTP/1.1\r\nHost: %s\r\nX-Auth-Token: %s\r\n\r\n", path, u.Host, site.OwnerTk)
	_ = conn.SetReadDeadline(time.Now().Add(2 * time.Minute)) // a hung test fails instead of hanging
	line, err := bufio.NewReaderSize(conn, 256).ReadString('\n')
	if err != nil {
		t.Fatalf("GET %s: status line: %v", path, err)
	}
	f := strings.Fields(line)
	if len(f) < 2 {
		t.Fatalf("GET %s: status line %q", path, line)
	}
	code, _ := strconv.Atoi(f[1])
	return code
}

// checkpointWhole copies the whole WAL into the database file (a passive checkpoint, which
// waits for no one) and reports whether it could: it cannot while a read transaction that
// began before the last write is open.
func checkpointWhole(t *testing.T, db *sqldb.DB) bool {
	t.Helper()
	whole, err := db.Checkpoint(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return whole
}

// TestSlowReadersHoldNothingShared: clients that ask for whole lists, a large page and a CSV
// export and then read nothing each get their answer, hold no read transaction while they do not read it, and leave every
// other list answering.
func TestSlowReadersHoldNothingShared(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	ctx := context.Background()
	c := site.Client(site.OwnerTk)
	home := site.Home()
	// Each answer is larger than what two sockets' buffers hold (at most 4 MB here), so that a
	// client that does not read stops the server's writing.
	seedBarePages(t, site, home.ID, 40_000) // pages/all: 13 MB
	texts := make([]string, 4)
	for i := range texts {
		texts[i] = strings.Repeat("y", 1_000_000)
	}
	large, err := site.Inst.Pages.SeedLegacyPage(ctx, home, site.Owner.ID, "Large", texts) // 8 MB
	if err != nil {
		t.Fatal(err)
	}
	formPageID, _ := formPage(t, c, "Survey", []map[string]any{{"label": "Essay", "type": "textarea"}})
	c.Post("pages/records/"+formPageID+"/", map[string]any{"essay": strings.Repeat("z", 20_000)}).Want(http.StatusOK)
	if _, err := site.Inst.DB.Exec(ctx, `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < 400)
		INSERT INTO records (page_id, widget_id, version_id, answers, created_at, created_by)
		SELECT page_id, widget_id, version_id, answers, created_at, created_by FROM records, seq`); err != nil {
		t.Fatal(err) // 400 records more: a CSV of 8 MB
	}

	slow := []string{fmt.Sprintf("pages/get/%d/", large), "pages/records/" + formPageID + "/?format=csv"}
	// Long reads once had half the read pool, 2 connections per core, and held one as long as
	// their client took: as many slow readers as that, and two more, are answered.
	for range min(2*runtime.NumCPU(), 8) {
		slow = append(slow, "pages/all/")
	}
	for _, path := range slow {
		if code := slowReader(t, site, path); code != http.StatusOK {
			t.Errorf("a slow reader of %s got %d; want 200", path, code)
		}
	}
	// A write, then the WAL copied back whole: no read transaction older than it is open.
	newPage(t, c, "Written meanwhile")
	deadline := time.Now().Add(30 * time.Second)
	for !checkpointWhole(t, site.Inst.DB) {
		if time.Now().After(deadline) {
			t.Fatal("the WAL cannot be checkpointed whole: a read transaction from before the last write is still open")
		}
		time.Sleep(50 * time.Millisecond) // a poll: another short read may hold a snapshot
	}
	for _, path := range []string{"folder/tree/", "people/all/", "pages/all/", "pages/all/?limit=10", "pages/trash/",
		fmt.Sprintf("pages/get/%d/", large), "pages/records/" + formPageID + "/?format=csv"} {
		if r, _ := fetch(t, site, http.DefaultClient, path); r.StatusCode != http.StatusOK {
			t.Errorf("GET %s while slow readers wait: %d; want 200", path, r.StatusCode)
		}
	}
	c.Get("subsites/all/").Want(http.StatusOK)
}

package app_test

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"quire/app"
	"quire/app/apptest"
)

// untar extracts the archive into dir and returns the names it held, sorted.
func untar(t *testing.T, archive, dir string) []string {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, hdr.Name)
		path := filepath.Join(dir, filepath.FromSlash(hdr.Name))
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, tr); err != nil {
			t.Fatal(err)
		}
		out.Close()
	}
	sort.Strings(names)
	return names
}

// countPages counts the pages of the database file.
func countPages(t *testing.T, file string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+file+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM pages`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A backup is an archive of a whole data directory: the database, integrity checked, and the
// uploaded files it refers to (not leftovers); it restores by extracting it and starting Quire on
// it. A name ending in .db gets the database alone. A missing uploaded file is reported, and the
// rest is written.
func TestCLIBackup(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	owner := site.Client(site.OwnerTk)
	page := owner.Post("pages/create/", map[string]any{"title": "Backed up", "json": [][]any{{}}}).Want(200).ID()
	upload := fmt.Sprintf("page/%d/attachment/create/", page)
	var w struct {
		Files []struct{ URL string } `json:"files"`
	}
	owner.Upload(upload, nil, "handbook.txt", strings.NewReader("the handbook")).Want(200).Decode(&w)
	owner.Upload(upload, nil, "same.txt", strings.NewReader("the handbook")).Want(200)
	owner.Upload(upload, nil, "notes.txt", strings.NewReader("notes")).Want(200)
	owner.Upload(upload, map[string]string{"column": "9"}, "left.txt", strings.NewReader("a leftover")).Error(400, "invalid_request")

	dir := t.TempDir()
	archive := filepath.Join(dir, "site.tar")
	out, _ := cli(t, site, 0, "backup", archive)
	for _, want := range []string{"backup: database 100%", "backup: files 100%", "Wrote " + archive, "integrity checked",
		"2 uploaded files", "tar -xf"} {
		if !strings.Contains(out, want) {
			t.Errorf("backup printed %q; want it to say %q", out, want)
		}
	}
	restored := filepath.Join(dir, "restored")
	names := untar(t, archive, restored)
	want := []string{"files/" + relBlob("notes"), "files/" + relBlob("the handbook"), "quire.db"}
	sort.Strings(want)
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("the archive holds %v, want %v (the database and the two referenced files)", names, want)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "*partial*"))
	if len(leftovers) != 0 {
		t.Errorf("the backup left %v behind", leftovers)
	}
	again := apptest.Start(t, apptest.WithEnv("QUIRE_DATA", restored))
	path := w.Files[0].URL[strings.Index(w.Files[0].URL, "/@home/"):]
	resp := again.Client(again.OwnerTk).Do(http.MethodGet, again.URL+path, nil, "").Want(200)
	if string(resp.Body) != "the handbook" {
		t.Errorf("the restored file holds %q", resp.Body)
	}

	dbFile := filepath.Join(dir, "copy.db")
	out, _ = cli(t, site, 0, "backup", dbFile)
	if !strings.Contains(out, "Wrote "+dbFile) || countPages(t, dbFile) != 1 {
		t.Errorf("backup to a .db printed %q", out)
	}
	_, errOut := cli(t, site, 1, "backup", dbFile)
	if !strings.Contains(errOut, "exists already") {
		t.Errorf("backup over an existing file: %q", errOut)
	}
	cli(t, site, 1, "backup")

	if err := os.Remove(filepath.Join(site.Data, "files", relBlob("notes"))); err != nil {
		t.Fatal(err)
	}
	incomplete := filepath.Join(dir, "incomplete.tar")
	_, errOut = cli(t, site, 1, "backup", incomplete)
	if !strings.Contains(errOut, "1 uploaded files the database refers to are missing") || !strings.Contains(errOut, relBlob("notes")[3:]) {
		t.Errorf("backup with a file missing: %q", errOut)
	}
	if names := untar(t, incomplete, filepath.Join(dir, "incomplete")); len(names) != 2 {
		t.Errorf("the incomplete backup holds %v, want the database and the one file left", names)
	}
}

// relBlob is where the bytes of content lie below DATA/files, with a slash.
func relBlob(content string) string {
	sum := sha256.Sum256([]byte(content))
	h := hex.EncodeToString(sum[:])
	return h[:2] + "/" + h[2:]
}

// A backup taken while eight writers write without pause finishes while they write, from one
// consistent snapshot: it holds every row written before it began and none written after it
// ended, and passes the integrity check. (Copying in steps without a snapshot restarted at every
// write and never finished under this load.)
func TestBackupWhileWriting(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	// 48 MB of incompressible ballast, so that the copy takes many steps of the backup API.
	for _, q := range append([]string{`CREATE TABLE ballast (data BLOB)`, `CREATE TABLE ticks (writer INTEGER, n INTEGER)`},
		slices.Repeat([]string{`INSERT INTO ballast (data) VALUES (randomblob(1048576))`}, 48)...) {
		if _, err := site.Inst.DB.Exec(t.Context(), q); err != nil {
			t.Fatal(err)
		}
	}
	// The writers stop after writesCap transactions each at the latest: a backup that cannot
	// finish while they write finishes after them, and the test says so.
	const writers, writesCap = 8, 20_000
	var written, stopped atomic.Int64
	done := make(chan struct{})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer stopped.Add(1)
			for i := 0; i < writesCap; i++ {
				select {
				case <-done:
					return
				default:
				}
				err := site.Inst.DB.Write(context.Background(), func(tx *sql.Tx) error {
					_, err := tx.Exec(`INSERT INTO ticks (writer, n) VALUES (?, ?)`, w, i)
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
				written.Add(1)
			}
		}()
	}
	for written.Load() < writers { // writing is under way
		time.Sleep(time.Millisecond)
	}
	before := countTicks(t, site.Inst.DB.R)
	file := filepath.Join(t.TempDir(), "busy.db")
	out, _ := cli(t, site, 0, "backup", file)
	running := stopped.Load() == 0
	after := countTicks(t, site.Inst.DB.R)
	close(done)
	wg.Wait()
	if !running {
		t.Errorf("the backup finished only after the writers stopped (%d writes)", written.Load())
	}
	db, err := sql.Open("sqlite3", "file:"+file+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := countTicks(t, db); n < before || n > after {
		t.Errorf("the backup holds %d rows of ticks; %d existed when it began and %d when it ended", n, before, after)
	}
	if !strings.Contains(out, "backup: database 100%") {
		t.Errorf("no progress in %q", out)
	}
	t.Logf("%d transactions committed during the backup", after-before)
}

// countTicks counts the rows of ticks in db.
func countTicks(t *testing.T, db *sql.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM ticks`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A backup copies one snapshot, taken as it begins: a write between every two of its steps
// neither restarts it nor gets into it.
func TestBackupIsOneSnapshot(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	for _, q := range append([]string{`CREATE TABLE ballast (data BLOB)`, `CREATE TABLE ticks (n INTEGER)`},
		slices.Repeat([]string{`INSERT INTO ballast (data) VALUES (randomblob(1048576))`}, 48)...) {
		if _, err := site.Inst.DB.Exec(t.Context(), q); err != nil {
			t.Fatal(err)
		}
	}
	tick := func() {
		err := site.Inst.DB.Write(context.Background(), func(tx *sql.Tx) error {
			_, err := tx.Exec(`INSERT INTO ticks (n) VALUES (1)`)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for range 5 {
		tick()
	}
	var done []int64
	file := filepath.Join(t.TempDir(), "snapshot.db")
	_, err := site.Inst.Site.Backup(context.Background(), file, func(p app.BackupProgress) {
		done = append(done, p.Done)
		if len(done) < 1000 { // a copy that restarts at every write would never end
			tick()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(done) < 2 {
		t.Fatalf("progress %v: want several steps", done)
	}
	for i := 1; i < len(done); i++ {
		if done[i] <= done[i-1] {
			t.Fatalf("progress went from %d to %d pages at step %d of %d: the copy restarted", done[i-1], done[i], i, len(done))
		}
	}
	db, err := sql.Open("sqlite3", "file:"+file+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := countTicks(t, db); n != 5 {
		t.Errorf("the backup holds %d ticks, want the 5 written before it began (%d were written during it)", n, len(done))
	}
}

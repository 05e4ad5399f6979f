package app_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"quire/app/apptest"
	"quire/widgets"
	"quire/widgets/blobs"
)

// blobPath is where the bytes of content are stored.
func blobPath(site *apptest.Site, content string) string {
	sum := sha256.Sum256([]byte(content))
	h := hex.EncodeToString(sum[:])
	return filepath.Join(site.Data, "files", h[:2], h[2:])
}

// age sets a file's times to two hours ago, past the grace period.
func age(t *testing.T, path string) {
	t.Helper()
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// What uploads leave behind (the blob of an upload whose transaction failed, the temporary file
// of a crash) is removed at start and then periodically once older than the grace period; a
// blob a row refers to, a recent one, and one an upload has just reused are never removed, and
// nothing is while a backup holds the blobs.
func TestLeftoverUploadsAreCollected(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	owner := site.Client(site.OwnerTk)
	page := owner.Post("pages/create/", map[string]any{"title": "Files", "json": [][]any{{}}}).Want(200).ID()
	upload := fmt.Sprintf("page/%d/attachment/create/", page)
	failing := map[string]string{"column": "9"} // refused after the file is stored: its transaction fails
	owner.Upload(upload, nil, "kept.txt", strings.NewReader("kept")).Want(200)
	for _, content := range []string{"orphan", "young orphan", "reused"} {
		owner.Upload(upload, failing, "x.txt", strings.NewReader(content)).Error(400, "invalid_request")
	}
	tmp := filepath.Join(site.Data, "files", "tmp")
	for _, name := range []string{"upload-crashed", "upload-in-progress"} {
		if err := os.WriteFile(filepath.Join(tmp, name), []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, path := range []string{blobPath(site, "kept"), blobPath(site, "orphan"), blobPath(site, "reused"), filepath.Join(tmp, "upload-crashed")} {
		age(t, path)
	}
	// An upload of the same bytes as an old leftover reuses its blob and renews it, so that the
	// blob stays while the upload's row commits (here the row fails again, and the blob waits).
	owner.Upload(upload, failing, "again.txt", strings.NewReader("reused")).Error(400, "invalid_request")

	site.Restart() // collects at start
	for deadline := time.Now().Add(30 * time.Second); exists(blobPath(site, "orphan")) || exists(filepath.Join(tmp, "upload-crashed")); {
		if time.Now().After(deadline) {
			t.Fatal("the leftovers were not removed at start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	got, err := site.Inst.Pages.Blobs.Collect(context.Background(), widgets.BlobsInUse(site.Inst.DB.R), time.Now().Add(-blobs.Grace))
	if err != nil || got != (blobs.Leftovers{}) {
		t.Errorf("a second collection removed %+v (%v), want nothing more", got, err)
	}
	for name, path := range map[string]string{"referenced": blobPath(site, "kept"), "recent": blobPath(site, "young orphan"),
		"just reused": blobPath(site, "reused"), "recent temporary": filepath.Join(tmp, "upload-in-progress")} {
		if !exists(path) {
			t.Errorf("the %s file %s was removed", name, path)
		}
	}

	// While a backup holds the blobs, nothing goes; after, the leftover does.
	age(t, blobPath(site, "young orphan"))
	release, err := site.Inst.Pages.Blobs.Hold()
	if err != nil {
		t.Fatal(err)
	}
	if got, err := site.Inst.Pages.Blobs.Collect(context.Background(), widgets.BlobsInUse(site.Inst.DB.R), time.Now().Add(-blobs.Grace)); err != nil || got.Blobs != 0 {
		t.Errorf("while held, a collection removed %+v (%v)", got, err)
	}
	release()
	got, err = site.Inst.Pages.Blobs.Collect(context.Background(), widgets.BlobsInUse(site.Inst.DB.R), time.Now().Add(-blobs.Grace))
	if err != nil || got != (blobs.Leftovers{Blobs: 1, Bytes: int64(len("young orphan"))}) {
		t.Errorf("after the hold: removed %+v (%v), want the one leftover", got, err)
	}
	if !exists(blobPath(site, "kept")) {
		t.Errorf("the referenced blob was removed")
	}
}

// An upload whose request outlasts the grace period after its file arrived (the client holds
// back the rest of the body; the pace rule allows a large body well over an hour) never leaves a
// row that refers to nothing: a blob cleared away meanwhile fails the upload with a 408 that
// changes nothing, whether its bytes were new or reused, and a temporary file still being
// written is never cleared away, however slowly it arrives. Collect is driven with a cutoff two
// hours ahead, as it would run two hours later.
func TestUploadOutlastingTheGrace(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	owner := site.Client(site.OwnerTk)
	page := owner.Post("pages/create/", map[string]any{"title": "Slow uploads", "json": [][]any{{}}}).Want(200).ID()
	upload := owner.URL(fmt.Sprintf("page/%d/attachment/create/", page))
	tmp := filepath.Join(site.Data, "files", "tmp")
	const boundary = "XyZ"
	head := func(name string) string {
		return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\n" +
			"Content-Type: text/plain\r\n\r\n"
	}
	column := "Content-Disposition: form-data; name=\"column\"\r\n\r\n0\r\n--" + boundary + "--\r\n"
	for _, tc := range []struct {
		name, content string
		storedBefore  bool // an earlier failed upload stored the same bytes
		collected     blobs.Leftovers
		status        int
	}{
		{name: "file arrived, new bytes", content: "new bytes held back",
			collected: blobs.Leftovers{Blobs: 1, Bytes: int64(len("new bytes held back"))}, status: 408},
		{name: "file arrived, reused bytes", content: "reused bytes held back", storedBefore: true,
			collected: blobs.Leftovers{Blobs: 1, Bytes: int64(len("reused bytes held back"))}, status: 408},
		{name: "file half arrived", content: strings.Repeat("half a file ", 20000), status: 200},
	} {
		if tc.storedBefore {
			owner.Upload(fmt.Sprintf("page/%d/attachment/create/", page), map[string]string{"column": "9"}, "x.txt",
				strings.NewReader(tc.content)).Error(400, "invalid_request")
			age(t, blobPath(site, tc.content))
		}
		// The body up to the pause, and after it: either the whole file and the start of the
		// next part, or half the file.
		first, rest := head(tc.name+".txt")+tc.content+"\r\n--"+boundary+"\r\n", column
		arrived := func() bool { // the blob is stored, or renewed by its reuse
			info, err := os.Stat(blobPath(site, tc.content))
			return err == nil && time.Since(info.ModTime()) < time.Hour
		}
		if tc.status == 200 {
			half := len(tc.content) / 2
			first, rest = head(tc.name+".txt")+tc.content[:half], tc.content[half:]+"\r\n--"+boundary+"--\r\n"
			arrived = func() bool { // some of the file is in its temporary file
				temps, _ := os.ReadDir(tmp)
				for _, e := range temps {
					if info, err := e.Info(); err == nil && info.Size() > 0 {
						return true
					}
				}
				return false
			}
		}
		filesBefore := countFiles(t, site)
		body, send := io.Pipe()
		answer := make(chan *apptest.Response, 1)
		go func() { answer <- owner.Do(http.MethodPost, upload, body, "multipart/form-data; boundary="+boundary) }()
		if _, err := send.Write([]byte(first)); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(30 * time.Second); !arrived(); {
			if time.Now().After(deadline) {
				t.Fatalf("%s: the server did not store what was sent", tc.name)
			}
			time.Sleep(10 * time.Millisecond)
		}
		got, err := site.Inst.Pages.Blobs.Collect(context.Background(), widgets.BlobsInUse(site.Inst.DB.R), time.Now().Add(2*time.Hour))
		if err != nil || got != tc.collected {
			t.Errorf("%s: Collect two hours later removed %+v (%v), want %+v", tc.name, got, err, tc.collected)
		}
		send.Write([]byte(rest))
		send.Close()
		resp := <-answer
		if resp.Status != tc.status {
			t.Fatalf("%s: status %d, want %d; body %s", tc.name, resp.Status, tc.status, resp.Body)
		}
		wantFiles := filesBefore + 1
		if tc.status == 200 {
			var w struct {
				Files []struct {
					URL string `json:"url"`
				} `json:"files"`
			}
			resp.Decode(&w)
			if len(w.Files) != 1 {
				t.Fatalf("%s: answer %s, want the widget with its file", tc.name, resp.Body)
			}
			if got := owner.Do(http.MethodGet, w.Files[0].URL, nil, "").Want(200).Body; string(got) != tc.content {
				t.Errorf("%s: the file downloads as %d bytes, want the %d uploaded", tc.name, len(got), len(tc.content))
			}
		} else {
			if msg := resp.Error(tc.status, "request_timeout")["error"].(string); !strings.Contains(msg, "send the upload again") {
				t.Errorf("%s: message %q does not say to send the upload again", tc.name, msg)
			}
			if n := countFiles(t, site); n != filesBefore {
				t.Errorf("%s: %d rows of files after the failed upload, want %d", tc.name, n, filesBefore)
			}
			// Sent again, the upload works.
			owner.Upload(fmt.Sprintf("page/%d/attachment/create/", page), nil, "again.txt", strings.NewReader(tc.content)).Want(200)
		}
		if n := countFiles(t, site); n != wantFiles {
			t.Errorf("%s: %d rows of files, want %d", tc.name, n, wantFiles)
		}
		if missing := unstoredBlobs(t, site); len(missing) > 0 {
			t.Errorf("%s: rows of files refer to blobs that are not stored: %v", tc.name, missing)
		}
	}
}

func countFiles(t *testing.T, site *apptest.Site) int {
	t.Helper()
	var n int
	if err := site.Inst.DB.R.QueryRow(`SELECT COUNT(*) FROM files`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// unstoredBlobs returns the hashes that rows of files refer to but that are not on disk.
func unstoredBlobs(t *testing.T, site *apptest.Site) []string {
	t.Helper()
	rows, err := site.Inst.DB.R.Query(`SELECT DISTINCT sha256 FROM files`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var missing []string
	for rows.Next() {
		var sum string
		if err := rows.Scan(&sum); err != nil {
			t.Fatal(err)
		}
		if !exists(filepath.Join(site.Data, "files", sum[:2], sum[2:])) {
			missing = append(missing, sum)
		}
	}
	return missing
}

package app_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"quire/app/apptest"
	"quire/widgets"
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
	got, err := site.Inst.Pages.Blobs.Collect(context.Background(), site.Inst.DB.R, widgets.BlobGrace)
	if err != nil || got != (widgets.Leftovers{}) {
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
	if got, err := site.Inst.Pages.Blobs.Collect(context.Background(), site.Inst.DB.R, widgets.BlobGrace); err != nil || got.Blobs != 0 {
		t.Errorf("while held, a collection removed %+v (%v)", got, err)
	}
	release()
	got, err = site.Inst.Pages.Blobs.Collect(context.Background(), site.Inst.DB.R, widgets.BlobGrace)
	if err != nil || got != (widgets.Leftovers{Blobs: 1, Bytes: int64(len("young orphan"))}) {
		t.Errorf("after the hold: removed %+v (%v), want the one leftover", got, err)
	}
	if !exists(blobPath(site, "kept")) {
		t.Errorf("the referenced blob was removed")
	}
}

package pages_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"quire/app/apptest"
	"quire/people"
)

// blobFiles lists the stored blobs under DATA/files, without the temporary folder.
func blobFiles(t *testing.T, site *apptest.Site) (blobs []string, temps []string) {
	t.Helper()
	root := filepath.Join(site.Data, "files")
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		if strings.HasPrefix(rel, "tmp"+string(filepath.Separator)) {
			temps = append(temps, rel)
		} else {
			blobs = append(blobs, rel)
		}
		return nil
	})
	return blobs, temps
}

type fileAnswer struct {
	ID          int64  `json:"id"`
	Filename    string `json:"filename"`
	Size        int64  `json:"size"`
	VanitySize  string `json:"vanity_size"`
	ContentType string `json:"content_type"`
	URL         string `json:"url"`
}

type widgetAnswer struct {
	ID          int64        `json:"id"`
	VersionOfID *int64       `json:"version_of_id"`
	Classname   string       `json:"classname"`
	Text        string       `json:"text"`
	Files       []fileAnswer `json:"files"`
	Caption     *string      `json:"caption"`
	Column      int          `json:"column"`
	Position    int          `json:"position"`
}

// pngBytes is a 4x4 PNG with one pixel of the shade.
func pngBytes(t *testing.T, shade uint8) []byte { return apptest.PNG(t, shade) }

func TestAttachmentUploadDownloadAndVersions(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	pageID := c.Post("pages/create/", map[string]any{"title": "Handbook", "json": body1("intro")}).Want(200).ID()
	text := "Holiday policy: 25 days.\nCarry-over: 5 days.\n"
	var w widgetAnswer
	c.Upload(fmt.Sprintf("page/%d/attachment/create/", pageID), nil, "policy.txt", strings.NewReader(text)).Want(200).Decode(&w)
	if w.Classname != "Attachment" || len(w.Files) != 1 || w.VersionOfID != nil || w.Position != 1 {
		t.Fatalf("created %+v", w)
	}
	f := w.Files[0]
	if f.Filename != "policy.txt" || f.Size != int64(len(text)) || f.ContentType != "text/plain; charset=utf-8" ||
		f.VanitySize != fmt.Sprintf("%d bytes", len(text)) || !strings.HasPrefix(f.URL, site.URL+"/@home/files/") {
		t.Errorf("file %+v", f)
	}

	got := c.Do(http.MethodGet, f.URL, nil, "").Want(200)
	sum := sha256.Sum256([]byte(text))
	if string(got.Body) != text || got.Header.Get("ETag") != `"`+hex.EncodeToString(sum[:])+`"` ||
		!strings.HasPrefix(got.Header.Get("Content-Disposition"), "attachment") || got.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("download: %q %v", got.Body, got.Header)
	}
	cond := site.Client(site.OwnerTk)
	cond.Headers = http.Header{"If-None-Match": {got.Header.Get("ETag")}}
	cond.Do(http.MethodGet, f.URL, nil, "").Want(http.StatusNotModified)
	cond.Do(http.MethodHead, f.URL, nil, "").Want(http.StatusNotModified)
	cond.Headers = http.Header{"Range": {"bytes=9-14"}}
	part := cond.Do(http.MethodGet, f.URL, nil, "").Want(http.StatusPartialContent)
	if string(part.Body) != text[9:15] || part.Header.Get("Content-Range") != fmt.Sprintf("bytes 9-14/%d", len(text)) {
		t.Errorf("range: %q %q", part.Body, part.Header.Get("Content-Range"))
	}

	// update adds a file, as a new version; both ids address the widget.
	var v2 widgetAnswer
	c.Upload(fmt.Sprintf("page/%d/attachment/update/%d/", pageID, w.ID), nil, "form.csv", strings.NewReader("a,b\n1,2\n")).Want(200).Decode(&v2)
	if v2.ID == w.ID || v2.VersionOfID == nil || *v2.VersionOfID != w.ID || len(v2.Files) != 2 || v2.Files[1].Filename != "form.csv" {
		t.Fatalf("update: %+v", v2)
	}
	var v3 widgetAnswer
	c.Upload(fmt.Sprintf("page/%d/attachment/update/%d/", pageID, v2.ID), nil, "third.txt", strings.NewReader("3")).Want(200).Decode(&v3)
	if len(v3.Files) != 3 || *v3.VersionOfID != w.ID {
		t.Errorf("second update: %+v", v3)
	}
	var versions []widgetAnswer
	c.Get(fmt.Sprintf("page/%d/attachment/versions/%d/", pageID, w.ID)).Want(200).Decode(&versions)
	if len(versions) != 3 || len(versions[2].Files) != 1 {
		t.Errorf("versions: %+v", versions)
	}
	c.Do(http.MethodGet, v3.Files[1].URL, nil, "").Want(200)

	// Errors: no file, the wrong field, not multipart, a paragraph's id.
	c.Upload(fmt.Sprintf("page/%d/attachment/create/", pageID), map[string]string{"caption": "x"}, "", nil).Error(400, "invalid_request")
	c.Upload(fmt.Sprintf("page/%d/attachment/create/", pageID), nil, "x.txt", strings.NewReader("x"), "upload").Error(400, "invalid_request")
	c.Post(fmt.Sprintf("page/%d/attachment/create/", pageID), map[string]any{"val": "x"}).Error(400, "invalid_request")
	c.Upload(fmt.Sprintf("page/%d/attachment/update/%d/", pageID, 1), nil, "x.txt", strings.NewReader("x")).Error(400, "invalid_request")
	c.Upload("page/999/attachment/create/", nil, "x.txt", strings.NewReader("x")).Error(404, "not_found")
}

func TestUploadsAreStoredOnceAndLimited(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, apptest.WithEnv("QUIRE_MAX_UPLOAD_MB", "1"))
	c := site.Client(site.OwnerTk)
	pageID := c.Post("pages/create/", map[string]any{"title": "Files", "json": body1("x")}).Want(200).ID()
	same := strings.Repeat("the same bytes ", 1000)
	for i := 0; i < 3; i++ {
		c.Upload(fmt.Sprintf("page/%d/attachment/create/", pageID), nil, fmt.Sprintf("copy%d.txt", i), strings.NewReader(same)).Want(200)
	}
	c.Upload(fmt.Sprintf("page/%d/attachment/create/", pageID), nil, "other.txt", strings.NewReader("other")).Want(200)
	if blobs, temps := blobFiles(t, site); len(blobs) != 2 || len(temps) != 0 {
		t.Errorf("blobs on disk %v (temps %v), want 2 and none", blobs, temps)
	}
	before := c.Get(fmt.Sprintf("pages/get/%d/", pageID)).Want(200).Body

	big := bytes.Repeat([]byte("x"), 1<<20+10)
	c.Upload(fmt.Sprintf("page/%d/attachment/create/", pageID), nil, "big.bin", bytes.NewReader(big)).Error(413, "too_large")
	if blobs, temps := blobFiles(t, site); len(blobs) != 2 || len(temps) != 0 {
		t.Errorf("after a refused upload: blobs %v, temps %v", blobs, temps)
	}
	if after := c.Get(fmt.Sprintf("pages/get/%d/", pageID)).Want(200).Body; !bytes.Equal(before, after) {
		t.Errorf("a refused upload changed the page:\n%s\n%s", before, after)
	}
}

func TestFilesAreForMembersOnly(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	eng := site.Subsite("Engineering", "eng")
	owner := site.Client(site.OwnerTk).In("eng")
	pageID := owner.Post("pages/create/", map[string]any{"title": "Secrets", "json": body1("x")}).Want(200).ID()
	var w widgetAnswer
	owner.Upload(fmt.Sprintf("page/%d/attachment/create/", pageID), nil, "plan.html", strings.NewReader("<script>alert(1)</script>")).Want(200).Decode(&w)
	fileURL := w.Files[0].URL
	if w.Files[0].ContentType != "text/plain; charset=utf-8" {
		t.Errorf("an HTML upload is typed %q; it must never be served as HTML", w.Files[0].ContentType)
	}

	_, viewer := site.Member("Vera Viewer", eng, people.RoleViewer)
	_, outsider := site.Member("Otto Outsider", site.Home(), people.RoleEditor)
	r := viewer.Do(http.MethodGet, fileURL, nil, "").Want(200)
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("HTML served as %v", r.Header)
	}
	viewer.Upload(fmt.Sprintf("page/%d/attachment/create/", pageID), nil, "x.txt", strings.NewReader("x")).Error(403, "forbidden")
	outsider.Do(http.MethodGet, fileURL, nil, "").Error(404, "not_found")
	// The same file id through a subsite the outsider belongs to is still not theirs.
	outsider.Do(http.MethodGet, strings.Replace(fileURL, "/@eng/", "/@home/", 1), nil, "").Error(404, "not_found")
	site.Client("").Do(http.MethodGet, fileURL, nil, "").Error(401, "invalid_token")

	// A copy in home gives home's members their own file; the original stays closed to them.
	var copied struct {
		JSON [][]widgetAnswer `json:"json"`
	}
	owner.Post(fmt.Sprintf("pages/copy/%d/", pageID), map[string]any{"subsite_id": site.Home().ID}).Want(200).Decode(&copied)
	copyURL := copied.JSON[0][1].Files[0].URL
	if copyURL == fileURL || !strings.Contains(copyURL, "/@home/files/") {
		t.Fatalf("the copy's file URL %q", copyURL)
	}
	outsider.Do(http.MethodGet, copyURL, nil, "").Want(200)
	outsider.Do(http.MethodGet, fileURL, nil, "").Error(404, "not_found")
	if blobs, _ := blobFiles(t, site); len(blobs) != 1 {
		t.Errorf("a copy stored the bytes again: %v", blobs)
	}

	// A page in the trash takes its files with it.
	owner.Post(fmt.Sprintf("pages/delete/%d/", pageID), nil).Want(200)
	viewer.Do(http.MethodGet, fileURL, nil, "").Error(404, "not_found")
}

func TestImageWidget(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	pageID := c.Post("pages/create/", map[string]any{"title": "Office", "json": [][]map[string]any{{}, {}}}).Want(200).ID()
	var img widgetAnswer
	c.Upload(fmt.Sprintf("page/%d/image/create/", pageID), map[string]string{"caption": "The <new> office", "column": "1"},
		"office.png", bytes.NewReader(pngBytes(t, 200))).Want(200).Decode(&img)
	if img.Classname != "Image" || img.Caption == nil || *img.Caption != "The <new> office" || img.Column != 1 ||
		len(img.Files) != 1 || img.Files[0].ContentType != "image/png" {
		t.Fatalf("image: %+v", img)
	}
	got := c.Do(http.MethodGet, img.Files[0].URL, nil, "").Want(200)
	if !strings.HasPrefix(got.Header.Get("Content-Disposition"), "inline") || got.Header.Get("Content-Type") != "image/png" {
		t.Errorf("image served with %v", got.Header)
	}
	// A caption alone makes a new version with the same picture; a new picture keeps the caption.
	var v2, v3 widgetAnswer
	c.Upload(fmt.Sprintf("page/%d/image/update/%d/", pageID, img.ID), map[string]string{"caption": "Desks"}, "", nil).Want(200).Decode(&v2)
	if *v2.Caption != "Desks" || v2.Files[0].ID != img.Files[0].ID || *v2.VersionOfID != img.ID {
		t.Errorf("caption update: %+v", v2)
	}
	c.Upload(fmt.Sprintf("page/%d/image/update/%d/", pageID, v2.ID), nil, "new.png", bytes.NewReader(pngBytes(t, 10))).Want(200).Decode(&v3)
	if *v3.Caption != "Desks" || v3.Files[0].ID == img.Files[0].ID {
		t.Errorf("picture update: %+v", v3)
	}
	c.Upload(fmt.Sprintf("page/%d/image/create/", pageID), nil, "notes.txt", strings.NewReader("not an image")).Error(400, "invalid_request")
	c.Upload(fmt.Sprintf("page/%d/image/create/", pageID), nil, "evil.svg", strings.NewReader(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)).Error(400, "invalid_request")
	c.Upload(fmt.Sprintf("page/%d/image/update/%d/", pageID, img.ID), nil, "", nil).Error(400, "invalid_request")
	c.Upload(fmt.Sprintf("page/%d/image/create/", pageID), map[string]string{"caption": strings.Repeat("c", 501)}, "a.png", bytes.NewReader(pngBytes(t, 1))).Error(400, "invalid_request")
}

func TestFilesAreSearchable(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	pageID := c.Post("pages/create/", map[string]any{"title": "Docs", "json": body1("x")}).Want(200).ID()
	var w widgetAnswer
	c.Upload(fmt.Sprintf("page/%d/attachment/create/", pageID), nil, "quarterly-report.md", strings.NewReader("# Revenue\nThe flamingo project grew.")).Want(200).Decode(&w)
	for _, q := range []string{"quarterly", "flamingo"} {
		got := searchResults(t, c, q, "cat", "File")
		if len(got) != 1 || got[0]["title"] != "quarterly-report.md" || got[0]["lnk"] != fmt.Sprintf("/@home/files/%d/quarterly-report.md", w.Files[0].ID) {
			t.Errorf("search %q: %v", q, got)
		}
	}
	c.Post(fmt.Sprintf("page/%d/attachment/delete/%d/", pageID, w.ID), nil).Want(200)
	if got := searchResults(t, c, "flamingo"); len(got) != 0 {
		t.Errorf("a removed attachment is still found: %v", titles(got))
	}
}

// An upload streams: the server's memory does not grow with the file.
// It measures the whole process's heap, so it does not run in parallel with other tests.
func TestUploadStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("uploads 48 MB")
	}
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	pageID := c.Post("pages/create/", map[string]any{"title": "Big", "json": body1("x")}).Want(200).ID()
	const size = 48 << 20
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	var w widgetAnswer
	c.Upload(fmt.Sprintf("page/%d/attachment/create/", pageID), nil, "big.bin", io.LimitReader(zeroes{}, size)).Want(200).Decode(&w)
	close(stop)
	if w.Files[0].Size != size {
		t.Fatalf("stored %d bytes, want %d", w.Files[0].Size, size)
	}
	if grown := int64(peak.Load()) - int64(base.HeapInuse); grown > size/3 {
		t.Errorf("the heap grew by %d MB during a %d MB upload: the upload is held in memory", grown>>20, size>>20)
	}
	r := c.Do(http.MethodGet, w.Files[0].URL, nil, "").Want(200)
	if len(r.Body) != size {
		t.Errorf("downloaded %d bytes", len(r.Body))
	}
}

type zeroes struct{}

func (zeroes) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestUploadFieldGivenTwice checks that a multipart field given twice, or in the form and the URL
// with two texts, is refused naming it and stores nothing: neither text may silently win.
func TestUploadFieldGivenTwice(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	pageID := c.Post("pages/create/", map[string]any{"title": "Office", "json": [][]map[string]any{{}, {}}}).Want(200).ID()
	post := func(query string, fields [][2]string) *apptest.Response {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for _, f := range fields {
			mw.WriteField(f[0], f[1])
		}
		part, _ := mw.CreateFormFile("file", "office.png")
		part.Write(pngBytes(t, 20))
		mw.Close()
		return c.Do(http.MethodPost, c.URL(fmt.Sprintf("page/%d/image/create/", pageID))+query, &body, mw.FormDataContentType())
	}
	for _, tc := range []struct {
		name, query, field string
		fields             [][2]string
	}{
		{"caption twice in the form", "", "caption", [][2]string{{"caption", "First"}, {"caption", "Second"}}},
		{"column twice in the form", "", "column", [][2]string{{"column", "0"}, {"column", "1"}}},
		{"caption in the URL and the form", "?caption=First", "caption", [][2]string{{"caption", "Second"}}},
		{"column in the URL and the form", "?column=0", "column", [][2]string{{"column", "1"}}},
		{"position in the URL and the form", "?position=0", "position", [][2]string{{"position", "1"}}},
	} {
		if got := post(tc.query, tc.fields).Error(400, "invalid_request"); got["field"] != tc.field {
			t.Errorf("%s: field %v, want %q (%v)", tc.name, got["field"], tc.field, got["error"])
		}
	}
	var page struct {
		JSON [][]widgetAnswer `json:"json"`
	}
	c.Get(fmt.Sprintf("pages/get/%d/", pageID)).Want(200).Decode(&page)
	if n := len(page.JSON[0]) + len(page.JSON[1]); n != 0 {
		t.Errorf("refused uploads left %d widgets on the page", n)
	}
	// The same text in the URL and the form says one thing: it is taken.
	var img widgetAnswer
	post("?column=1&caption=Desks", [][2]string{{"column", "1"}, {"caption", "Desks"}}).Want(200).Decode(&img)
	if img.Column != 1 || img.Caption == nil || *img.Caption != "Desks" {
		t.Errorf("the same column and caption in both places: %+v", img)
	}
}

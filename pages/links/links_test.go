package links_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"quire/app/apptest"
	"quire/people"
)

// wiki is a test site with a page to share: a paragraph, an attachment, an image, a form and a
// discussion; another page and another subsite with files of their own.
type wiki struct {
	site                      *apptest.Site
	owner, editor, viewer     *apptest.Client
	page, other               int64
	attachment, image, otherF int64 // file ids
	boardFile                 int64
}

func seed(t *testing.T) *wiki {
	t.Helper()
	s := apptest.Start(t)
	w := &wiki{site: s, owner: s.Client(s.OwnerTk)}
	_, w.editor = s.Member("Eddie Editor", s.Home(), people.RoleEditor)
	_, w.viewer = s.Member("Vera Viewer", s.Home(), people.RoleViewer)
	w.page = w.owner.Post("pages/create/", map[string]any{"title": "Quarterly report", "json": [][]map[string]any{{
		{"classname": "Paragraph", "val": "<p>Revenue grew <b>12%</b>.</p>"},
		{"classname": "Form", "fields": []map[string]any{{"name": "q", "label": "Your question", "type": "text"}}},
		{"classname": "Discussion", "val": "Internal remarks"},
	}}}).Want(200).ID()
	w.owner.Post(fmt.Sprintf("feed/post/%d/", w.page), map[string]any{"msg": "Members only remark"}).Want(200)
	w.attachment = fileID(t, w.owner.Upload(fmt.Sprintf("page/%d/attachment/create/", w.page), nil, "figures.csv",
		strings.NewReader("q,revenue\nQ4,112\n")).Want(200))
	w.image = fileID(t, w.owner.Upload(fmt.Sprintf("page/%d/image/create/", w.page), map[string]string{"caption": "Chart"},
		"chart.png", bytes.NewReader(pngImage(t))).Want(200))
	w.other = w.owner.Post("pages/create/", map[string]any{"title": "Salaries", "json": [][]map[string]any{{
		{"classname": "Paragraph", "val": "<p>Confidential.</p>"}}}}).Want(200).ID()
	w.otherF = fileID(t, w.owner.Upload(fmt.Sprintf("page/%d/attachment/create/", w.other), nil, "salaries.csv",
		strings.NewReader("name,salary\n")).Want(200))
	s.Subsite("Board", "board")
	board := w.owner.In("board")
	bp := board.Post("pages/create/", map[string]any{"title": "Minutes", "json": [][]map[string]any{{}}}).Want(200).ID()
	w.boardFile = fileID(t, board.Upload(fmt.Sprintf("page/%d/attachment/create/", bp), nil, "minutes.txt",
		strings.NewReader("board minutes\n")).Want(200))
	return w
}

func fileID(t *testing.T, r *apptest.Response) int64 {
	t.Helper()
	var w struct {
		Files []struct {
			ID int64 `json:"id"`
		} `json:"files"`
	}
	r.Decode(&w)
	if len(w.Files) != 1 {
		t.Fatalf("no file in %s", r.Body)
	}
	return w.Files[0].ID
}

func pngImage(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 320, 120))
	draw.Draw(img, img.Bounds(), &image.Uniform{color.RGBA{40, 90, 200, 255}}, image.Point{}, draw.Src)
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// link is a link as the API answers it.
type link struct {
	ID            int64   `json:"id"`
	PageID        int64   `json:"page_id"`
	URL           string  `json:"url"`
	Name          string  `json:"name"`
	HasPassword   bool    `json:"has_password"`
	RequireEmail  bool    `json:"require_email"`
	AllowDownload bool    `json:"allow_download"`
	ExpiresAt     *string `json:"expires_at"`
	RevokedAt     *string `json:"revoked_at"`
	Active        bool    `json:"active"`
	Views         int     `json:"views"`
	Downloads     int     `json:"downloads"`
}

func (w *wiki) create(t *testing.T, c *apptest.Client, body map[string]any) link {
	t.Helper()
	var l link
	var b any
	if body != nil {
		b = body
	}
	c.Post(fmt.Sprintf("page/%d/links/create/", w.page), b).Want(200).Decode(&l)
	return l
}

var linkURL = regexp.MustCompile(`/s/[A-Za-z0-9_-]{43}$`)

// TestLinksAPI creates, lists, revokes and reads the views of links through the API, as an
// editor; viewers, other subsites' members and bad input are refused, and passwords never
// answered.
func TestLinksAPI(t *testing.T) {
	t.Parallel()
	w := seed(t)
	s := w.site
	expires := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	l := w.create(t, w.editor, map[string]any{"name": "Auditors", "password": "open sesame", "expires_at": expires,
		"require_email": true, "allow_download": true})
	if !linkURL.MatchString(l.URL) || !strings.HasPrefix(l.URL, s.URL+"/s/") || !l.HasPassword || !l.RequireEmail ||
		!l.AllowDownload || l.ExpiresAt == nil || *l.ExpiresAt != expires || !l.Active || l.Name != "Auditors" {
		t.Errorf("created link: %+v", l)
	}
	plain := w.create(t, w.owner, nil)
	if plain.HasPassword || plain.RequireEmail || plain.AllowDownload || plain.ExpiresAt != nil || plain.URL == l.URL {
		t.Errorf("a link without options: %+v", plain)
	}

	r := w.editor.Get(fmt.Sprintf("page/%d/links/", w.page)).Want(200)
	if strings.Contains(string(r.Body), "open sesame") || strings.Contains(string(r.Body), "$2a$") {
		t.Errorf("the list answers a password: %s", r.Body)
	}
	var list []link
	r.Decode(&list)
	if len(list) != 2 || list[0].ID != plain.ID || list[1].ID != l.ID || list[1].URL != l.URL {
		t.Errorf("list, newest first: %+v", list)
	}

	// Who may manage links: editors and up of the page's subsite.
	w.viewer.Post(fmt.Sprintf("page/%d/links/create/", w.page), nil).Error(403, "forbidden")
	w.viewer.Get(fmt.Sprintf("page/%d/links/", w.page)).Error(403, "forbidden")
	w.viewer.Post(fmt.Sprintf("links/revoke/%d/", l.ID), nil).Error(403, "forbidden")
	w.viewer.Get(fmt.Sprintf("links/views/%d/", l.ID)).Error(403, "forbidden")
	_, outsider := s.Member("Olga Outsider", s.Subsite("Sales", "sales"), people.RoleAdmin)
	outsider.In("sales").Get(fmt.Sprintf("links/views/%d/", l.ID)).Error(404, "not_found") // not that subsite's link
	s.Client(s.ScopedToken(s.Owner, "read")).Post(fmt.Sprintf("page/%d/links/create/", w.page), nil).
		Error(403, "missing_scope")
	w.owner.In("board").Post(fmt.Sprintf("links/revoke/%d/", l.ID), nil).Error(404, "not_found")
	w.owner.Post("page/999999/links/create/", nil).Error(404, "not_found")
	w.owner.Get("links/views/999999/").Error(404, "not_found")

	for _, bad := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"expires_at": "2020-01-01T00:00:00Z"}, "expires_at"},
		{map[string]any{"expires_at": "tomorrow"}, "expires_at"},
		{map[string]any{"password": "abc"}, "password"},
		{map[string]any{"password": strings.Repeat("x", 73)}, "password"},
		{map[string]any{"name": "two\nlines"}, "name"},
		{map[string]any{"require_email": "yes please"}, "require_email"},
		{map[string]any{"colour": "red"}, "colour"},
	} {
		e := w.owner.Post(fmt.Sprintf("page/%d/links/create/", w.page), bad.body).Error(400, "invalid_request")
		if e["field"] != bad.field {
			t.Errorf("%v: field %v, want %s", bad.body, e["field"], bad.field)
		}
	}

	var revoked link
	w.editor.Post(fmt.Sprintf("links/revoke/%d/", plain.ID), nil).Want(200).Decode(&revoked)
	if revoked.Active || revoked.RevokedAt == nil {
		t.Errorf("revoked: %+v", revoked)
	}
	var again link
	w.editor.Post(fmt.Sprintf("links/revoke/%d/", plain.ID), nil).Want(200).Decode(&again)
	if *again.RevokedAt != *revoked.RevokedAt {
		t.Errorf("revoking again moved revoked_at: %v, then %v", *revoked.RevokedAt, *again.RevokedAt)
	}
	w.editor.Post(fmt.Sprintf("links/revoke/%d/", plain.ID), map[string]any{"now": true}).Error(400, "invalid_request")
}

// visitor is someone without an account: a cookie jar, no redirects followed.
type visitor struct {
	t      *testing.T
	client *http.Client
}

func newVisitor(t *testing.T) *visitor {
	jar, _ := cookiejar.New(nil)
	return &visitor{t: t, client: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type answer struct {
	status int
	header http.Header
	body   string
}

func (b *visitor) do(method, u string, form url.Values) answer {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", u[:strings.Index(u[8:], "/")+8])
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, string(got)}
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// pass fills the link's form with the fields given, and answers what the POST answered.
func (b *visitor) pass(linkURL string, fields url.Values) answer {
	b.t.Helper()
	gate := b.do("GET", linkURL, nil)
	m := csrfField.FindStringSubmatch(gate.body)
	if m == nil {
		b.t.Fatalf("no form at %s: %d %s", linkURL, gate.status, gate.body)
	}
	fields.Set("csrf_token", m[1])
	return b.do("POST", linkURL, fields)
}

// views reads a link's views as the API answers them.
func (w *wiki) views(t *testing.T, id int64) (views []map[string]any, l link) {
	t.Helper()
	var v struct {
		Link  link             `json:"link"`
		Views []map[string]any `json:"views"`
	}
	w.owner.Get(fmt.Sprintf("links/views/%d/", id)).Want(200).Decode(&v)
	return v.Views, v.Link
}

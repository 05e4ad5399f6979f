package links_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestLinkShowsOnlyItsPage opens a link without an account: the page's text, headings and image
// show, read-only, with the link's headers; its form and discussion do not, and nothing links
// into the wiki. The link reaches no other page's file, no other subsite's, no old URL of the
// page, not the API, the page's JSON, its history or the folder tree.
func TestLinkShowsOnlyItsPage(t *testing.T) {
	t.Parallel()
	w := seed(t)
	s := w.site
	l := w.create(t, w.owner, nil)
	b := newVisitor(t)

	r := b.do("GET", l.URL, nil)
	if r.status != 200 {
		t.Fatalf("GET the link: %d %s", r.status, r.body)
	}
	for _, want := range []string{"Quarterly report", "Revenue grew <b>12%</b>.", "figures.csv", "Downloads are not allowed",
		fmt.Sprintf(`src="/s/%s/files/%d/chart.png"`, secretOf(l.URL), w.image)} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the link's page lacks %q:\n%s", want, r.body)
		}
	}
	for _, absent := range []string{"<form", "Your question", "Internal remarks", "Members only remark", "topbar",
		`href="/@`, `href="/search`, "Eddie", "owner@example.com", `<script`} {
		if strings.Contains(r.body, absent) {
			t.Errorf("the link's page shows %q:\n%s", absent, r.body)
		}
	}
	for h, want := range map[string]string{"X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer",
		"X-Frame-Options": "DENY", "Cache-Control": "no-store"} {
		if got := r.header.Get(h); got != want {
			t.Errorf("%s: %q, want %q", h, got, want)
		}
	}
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP: %q", csp)
	}

	base := l.URL + "/files/"
	if img := b.do("GET", fmt.Sprintf("%s%d/chart.png", base, w.image), nil); img.status != 200 || img.header.Get("Content-Type") != "image/png" {
		t.Errorf("the page's image through the link: %d %v", img.status, img.header)
	}
	if a := b.do("GET", fmt.Sprintf("%s%d/figures.csv", base, w.attachment), nil); a.status != 403 || strings.Contains(a.body, "Q4,112") {
		t.Errorf("an attachment of a link without downloads: %d %s", a.status, a.body)
	}
	for _, id := range []int64{w.otherF, w.boardFile, 999999} {
		if r := b.do("GET", fmt.Sprintf("%s%d/x", base, id), nil); r.status != 404 {
			t.Errorf("file %d (not on the page) through the link: %d", id, r.status)
		}
	}
	secret := secretOf(l.URL)
	for _, u := range []string{
		"/@home/s/" + secret, "/@board/s/" + secret, // a link is the site's, not a subsite's
		"/s/" + secret + "x", "/s/" + strings.ToUpper(secret),
	} {
		if r := b.do("GET", s.URL+u, nil); r.status != 404 {
			t.Errorf("%s: %d, want 404", u, r.status)
		}
	}
	// The secret is no credential anywhere else; the visitor has no session.
	for _, u := range []string{
		fmt.Sprintf("/api/v1/pages/get/%d/?auth_token=%s", w.page, secret),
		"/api/v1/folder/tree/?auth_token=" + secret,
		fmt.Sprintf("/files/%d/figures.csv?auth_token=%s", w.attachment, secret),
	} {
		if r := b.do("GET", s.URL+u, nil); r.status != 401 {
			t.Errorf("%s: %d, want 401", u, r.status)
		}
	}
	for _, u := range []string{"/@home/quarterly-report/?json", "/@home/quarterly-report/history", "/@home/salaries/",
		"/@home/", "/@board/minutes/", fmt.Sprintf("/@home/files/%d/figures.csv", w.attachment)} {
		r := b.do("GET", s.URL+u, nil)
		if r.status != 303 && r.status != 401 || strings.Contains(r.body, "Revenue") || strings.Contains(r.body, "q,revenue") {
			t.Errorf("%s with the link's cookies: %d %s", u, r.status, r.body)
		}
	}

	// Downloads allowed: the attachment downloads, and counts as a download.
	dl := w.create(t, w.owner, map[string]any{"allow_download": true})
	r = b.do("GET", dl.URL, nil)
	if !strings.Contains(r.body, fmt.Sprintf(`href="/s/%s/files/%d/figures.csv" download`, secretOf(dl.URL), w.attachment)) {
		t.Errorf("no download link on a link that allows downloads:\n%s", r.body)
	}
	a := b.do("GET", fmt.Sprintf("%s/files/%d/figures.csv", dl.URL, w.attachment), nil)
	if a.status != 200 || a.body != "q,revenue\nQ4,112\n" || !strings.HasPrefix(a.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("download: %d %v %q", a.status, a.header, a.body)
	}
	if r := b.do("GET", fmt.Sprintf("%s/files/%d/x", dl.URL, w.otherF), nil); r.status != 404 {
		t.Errorf("another page's file through a link with downloads: %d", r.status)
	}
	views, got := w.views(t, dl.ID)
	if got.Views != 1 || got.Downloads != 1 || len(views) != 2 || views[0]["download"] != true ||
		views[0]["file_id"] != float64(w.attachment) || views[1]["download"] != false || views[0]["email"] != nil {
		t.Errorf("views of the download link: %+v %v", got, views)
	}

	// Revoked: at once, the page and its files are the site's one 404.
	w.owner.Post(fmt.Sprintf("links/revoke/%d/", dl.ID), nil).Want(200)
	r = b.do("GET", dl.URL, nil)
	if r.status != 404 || strings.Contains(r.body, "Quarterly") || !strings.Contains(r.body, "There is nothing here") {
		t.Errorf("a revoked link: %d %s", r.status, r.body)
	}
	if r := b.do("GET", fmt.Sprintf("%s/files/%d/figures.csv", dl.URL, w.attachment), nil); r.status != 404 {
		t.Errorf("a revoked link's file: %d", r.status)
	}
	// Expired (its expiry moved into the past, as time would): 404.
	if _, err := s.Inst.DB.Exec(context.Background(), `UPDATE share_links SET expires_at = '2020-01-01T00:00:00.000000Z' WHERE id = ?`, l.ID); err != nil {
		t.Fatal(err)
	}
	if r := b.do("GET", l.URL, nil); r.status != 404 {
		t.Errorf("an expired link: %d", r.status)
	}
	// A link to a page in the trash: 404 too.
	tl := w.create(t, w.owner, nil)
	w.owner.Post(fmt.Sprintf("pages/delete/%d/", w.page), nil).Want(200)
	if r := b.do("GET", tl.URL, nil); r.status != 404 {
		t.Errorf("a link to a page in the trash: %d", r.status)
	}
}

func secretOf(u string) string { return u[strings.LastIndex(u, "/")+1:] }

// TestLinkPasswordAndEmail holds the page behind the link's form: a wrong password is refused
// and, past five from one address, held back (429); a bad email address is refused; the right
// ones give a cookie for this link alone, and each view is recorded with the email.
func TestLinkPasswordAndEmail(t *testing.T) {
	t.Parallel()
	w := seed(t)
	l := w.create(t, w.owner, map[string]any{"password": "open sesame", "require_email": true})
	other := w.create(t, w.owner, map[string]any{"password": "open sesame"})
	b := newVisitor(t)

	r := b.do("GET", l.URL, nil)
	if r.status != 200 || strings.Contains(r.body, "Revenue") || !strings.Contains(r.body, `name="password"`) ||
		!strings.Contains(r.body, `name="email"`) || r.header.Get("X-Robots-Tag") == "" {
		t.Fatalf("the link's form: %d %s", r.status, r.body)
	}
	if r := b.do("GET", fmt.Sprintf("%s/files/%d/chart.png", l.URL, w.image), nil); r.status != 404 {
		t.Errorf("an image before the form: %d", r.status)
	}
	if r := b.pass(l.URL, url.Values{"email": {"not-an-address"}, "password": {"open sesame"}}); r.status != 400 ||
		!strings.Contains(r.body, "must be an email address") || strings.Contains(r.body, "Revenue") {
		t.Errorf("a bad email: %d %s", r.status, r.body)
	}
	if r := b.do("POST", l.URL, url.Values{"email": {"a@example.com"}, "password": {"open sesame"}}); r.status != 403 ||
		strings.Contains(r.body, "Revenue") {
		t.Errorf("a form without its CSRF token: %d %s", r.status, r.body)
	}
	for i := 0; i < 5; i++ {
		if r := b.pass(l.URL, url.Values{"email": {"a@example.com"}, "password": {"guess"}}); r.status != 403 ||
			!strings.Contains(r.body, "not the password") {
			t.Fatalf("wrong password %d: %d %s", i+1, r.status, r.body)
		}
	}
	r = b.pass(l.URL, url.Values{"email": {"a@example.com"}, "password": {"open sesame"}})
	if r.status != 429 || r.header.Get("Retry-After") == "" || !strings.Contains(r.body, "Too many wrong passwords") {
		t.Errorf("the sixth try: %d %v %s", r.status, r.header, r.body)
	}
	// Another link has its own count.
	if r := b.pass(other.URL, url.Values{"password": {"open sesame"}}); r.status != 303 {
		t.Errorf("another link's right password: %d %s", r.status, r.body)
	}
	if r := b.do("GET", l.URL, nil); strings.Contains(r.body, "Revenue") {
		t.Errorf("one link's cookie opened another: %s", r.body)
	}

	// A fresh visitor (another address in the limiter's eyes is not needed: a new link).
	fresh := w.create(t, w.owner, map[string]any{"password": "open sesame", "require_email": true})
	c := newVisitor(t)
	r = c.pass(fresh.URL, url.Values{"email": {"Auditor@Example.com"}, "password": {"open sesame"}})
	if r.status != 303 || r.header.Get("Location") != "/s/"+secretOf(fresh.URL) {
		t.Fatalf("the right password: %d %v %s", r.status, r.header, r.body)
	}
	ck := r.header.Get("Set-Cookie")
	if !strings.Contains(ck, "Path=/s/"+secretOf(fresh.URL)) || !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "Max-Age=7200") {
		t.Errorf("the link's cookie: %s", ck)
	}
	for i := 0; i < 2; i++ {
		if r := c.do("GET", fresh.URL, nil); r.status != 200 || !strings.Contains(r.body, "Revenue grew") {
			t.Fatalf("the page after the form: %d %s", r.status, r.body)
		}
	}
	if r := c.do("GET", fmt.Sprintf("%s/files/%d/chart.png", fresh.URL, w.image), nil); r.status != 200 {
		t.Errorf("the image after the form: %d", r.status)
	}
	views, got := w.views(t, fresh.ID)
	if got.Views != 2 || len(views) != 2 || views[0]["email"] != "Auditor@Example.com" {
		t.Errorf("views: %+v %v", got, views)
	}
	// A forged cookie (the email changed) counts for nothing.
	u, _ := url.Parse(fresh.URL)
	forgedOne := false
	for _, k := range c.client.Jar.Cookies(u) {
		if k.Name != "quire_link" {
			continue
		}
		forgedOne = true
		parts := strings.Split(k.Value, ".")
		forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte("boss@example.com")) + "." + parts[2]
		d := newVisitor(t)
		d.client.Jar.SetCookies(u, []*http.Cookie{{Name: k.Name, Value: forged, Path: "/s/" + secretOf(fresh.URL)}})
		if r := d.do("GET", fresh.URL, nil); strings.Contains(r.body, "Revenue") {
			t.Errorf("a forged cookie opened the page")
		}
	}
	if !forgedOne {
		t.Error("the browser holds no link cookie to forge")
	}
}

// TestShareScreen holds the Share screen to the page's editors, its forms to the session's CSRF
// token, and shows a refused form again with the field's message.
func TestShareScreen(t *testing.T) {
	t.Parallel()
	w := seed(t)
	s := w.site
	share := s.URL + "/@home/quarterly-report/share/"
	ss := s.SignIn(s.Owner)
	ed := newVisitor(t)
	u, _ := url.Parse(s.URL)
	ed.client.Jar.SetCookies(u, []*http.Cookie{ss.Cookie})

	if r := ed.do("GET", share, nil); r.status != 200 || !strings.Contains(r.body, "no share links yet") {
		t.Fatalf("the Share screen: %d %s", r.status, r.body)
	}
	if r := ed.do("GET", s.URL+"/@home/quarterly-report/", nil); !strings.Contains(r.body, `href="/@home/quarterly-report/share/"`) {
		t.Errorf("the page has no Share entry for its editor")
	}
	// Without the session's CSRF token: refused, nothing made.
	if r := ed.do("POST", share, url.Values{"name": {"x"}}); r.status != 403 {
		t.Errorf("a form without its CSRF token: %d", r.status)
	}
	r := ed.do("POST", share, url.Values{"csrf_token": {ss.CSRF}, "name": {"Board"}, "password": {"abc"}, "require_email": {"1"}})
	if r.status != 400 || !strings.Contains(r.body, "at least 4 characters") || !strings.Contains(r.body, `value="Board"`) ||
		!strings.Contains(r.body, `id="link-email" name="require_email" type="checkbox" value="1" checked`) {
		t.Errorf("a refused form: %d %s", r.status, r.body)
	}
	if r := ed.do("POST", share, url.Values{"csrf_token": {ss.CSRF}, "expires_on": {"2020-01-01"}}); r.status != 400 || !strings.Contains(r.body, "not in the future") {
		t.Errorf("an expiry in the past: %d %s", r.status, r.body)
	}
	r = ed.do("POST", share, url.Values{"csrf_token": {ss.CSRF}, "name": {"Board"}, "password": {"open sesame"},
		"expires_on": {time.Now().AddDate(0, 0, 3).Format("2006-01-02")}, "allow_download": {"1"}})
	if r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/@home/quarterly-report/share/?created=") {
		t.Fatalf("create: %d %v %s", r.status, r.header, r.body)
	}
	var list []link
	w.owner.Get(fmt.Sprintf("page/%d/links/", w.page)).Want(200).Decode(&list)
	if len(list) != 1 || !list[0].HasPassword || !list[0].AllowDownload || list[0].RequireEmail || list[0].ExpiresAt == nil ||
		!strings.HasSuffix(*list[0].ExpiresAt, "T00:00:00Z") {
		t.Fatalf("the link made on the Share screen: %+v", list)
	}
	if r := ed.do("GET", s.URL+r.header.Get("Location"), nil); !strings.Contains(r.body, `id="created-url" type="text" readonly value="`+list[0].URL+`"`) {
		t.Errorf("the created link is not shown: %s", r.body)
	}
	revoke := fmt.Sprintf("%s%d/revoke/", share, list[0].ID)
	if r := ed.do("POST", revoke, url.Values{}); r.status != 403 {
		t.Errorf("a revoke without its CSRF token: %d", r.status)
	}
	if r := ed.do("POST", revoke, url.Values{"csrf_token": {ss.CSRF}}); r.status != 303 {
		t.Errorf("revoke: %d %s", r.status, r.body)
	}
	if r := newVisitor(t).do("GET", list[0].URL, nil); r.status != 404 {
		t.Errorf("the revoked link: %d", r.status)
	}
	// A link of another page is not this page's.
	other := w.owner.Post(fmt.Sprintf("page/%d/links/create/", w.other), nil).Want(200).ID()
	if r := ed.do("GET", fmt.Sprintf("%s%d/", share, other), nil); r.status != 404 {
		t.Errorf("another page's link under this page: %d", r.status)
	}

	// A viewer may not share.
	vu, _ := s.Member("Val Viewer", s.Home(), "viewer")
	vs := s.SignIn(vu)
	v := newVisitor(t)
	v.client.Jar.SetCookies(u, []*http.Cookie{vs.Cookie})
	if r := v.do("GET", share, nil); r.status != 403 {
		t.Errorf("the Share screen for a viewer: %d", r.status)
	}
	if r := v.do("GET", s.URL+"/@home/quarterly-report/", nil); strings.Contains(r.body, "/share/") {
		t.Errorf("a viewer sees the Share entry")
	}
	if r := v.do("POST", share, url.Values{"csrf_token": {vs.CSRF}}); r.status != 403 {
		t.Errorf("a viewer's new link: %d", r.status)
	}
}

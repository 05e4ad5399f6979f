package web_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"quire/app/apptest"
	"quire/pages"
	"quire/people"
)

var requestIDs = regexp.MustCompile(`req_[0-9a-f]{16}`)

// TestNotFoundIsOnePage holds every kind of absence on the web to one 404 page: a subsite one is
// not a member of (and one that does not exist), a page that does not exist, a page in the trash
// for someone who may not see the trash, a folder that does not exist.
func TestNotFoundIsOnePage(t *testing.T) {
	t.Parallel()
	w := seedWiki(t)
	s := w.site
	secret := s.Subsite("Board", "board")
	s.Client(s.OwnerTk).In("board").Post("pages/create/", map[string]any{"title": "Minutes",
		"json": [][]map[string]any{{{"classname": "Paragraph", "val": "secret"}}}}).Want(200)
	_, viewer := s.Member("Vera Viewer", s.Home(), people.RoleViewer)
	w.owner.Post(fmt.Sprintf("pages/delete/%d/", w.welcome), nil).Want(200)
	_ = secret

	var first string
	for _, path := range []string{
		"/@board/", "/@board/minutes/", "/@nope/", "/@nope/minutes/",
		"/@home/no-such-page/", "/@home/team-handbook/", "/@home/-/folders/999999/", "/@home/-/folders/x/",
		"/@home/team-handbook/?json",
	} {
		r := get(viewer, path).Want(404)
		// Apart from the request id and the CSP nonce, which every answer has its own of.
		body := requestIDs.ReplaceAllString(string(r.Body), "REQ")
		if m := regexp.MustCompile(`'nonce-([^']+)'`).FindStringSubmatch(r.Header.Get("Content-Security-Policy")); m != nil {
			body = strings.ReplaceAll(body, m[1], "NONCE")
		}
		if !strings.Contains(body, "REQ") || !strings.Contains(r.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: not the HTML error page with a request id: %s", path, r.Body)
		}
		if first == "" {
			first = body
		} else if body != first {
			t.Errorf("%s: the 404 differs from /@board/'s:\n%s\nwant:\n%s", path, body, first)
		}
	}
	// The owner may see the trash: the trashed page shows, marked.
	if r := get(w.owner, "/@home/team-handbook/").Want(200); !strings.Contains(string(r.Body), "This page is in the trash.") {
		t.Errorf("a trashed page for its editor is not marked: %s", r.Body)
	}
}

// TestSignedOutGoesToLogin sends a visitor without a session or token to sign in, back to the
// page afterwards; a script with a wrong token gets the 401 page.
func TestSignedOutGoesToLogin(t *testing.T) {
	t.Parallel()
	w := seedWiki(t)
	for _, path := range []string{"/@home/team-handbook/?x=1", "/@board/", "/"} {
		r := get(w.site.Client(""), path).Want(303)
		if got, want := r.Header.Get("Location"), "/login?next="+url.QueryEscape(path); got != want {
			t.Errorf("%s: Location %q, want %q", path, got, want)
		}
	}
	get(w.site.Client("not-a-token"), "/@home/team-handbook/").Want(401)
}

// TestFrontPageAndSwitcher: / leads to the first subsite one belongs to, and the switcher lists
// exactly the subsites one belongs to.
func TestFrontPageAndSwitcher(t *testing.T) {
	t.Parallel()
	w := seedWiki(t)
	s := w.site
	s.Subsite("Board", "board")
	eng := s.Subsite("Engineering", "eng")
	u, c := s.Member("Ed Engineer", eng, people.RoleEditor)
	s.Join(s.Home(), u, people.RoleNone)
	if loc := get(c, "/").Want(303).Header.Get("Location"); loc != "/@eng/" {
		t.Errorf("/ leads to %q, want /@eng/", loc)
	}
	body := string(get(c, "/@eng/").Want(200).Body)
	nav := regexp.MustCompile(`(?s)<nav aria-label="Subsites">(.*?)</nav>`).FindStringSubmatch(body)
	if nav == nil {
		t.Fatalf("no switcher: %s", body)
	}
	links := regexp.MustCompile(`href="([^"]+)"`).FindAllStringSubmatch(nav[1], -1)
	if len(links) != 1 || links[0][1] != "/@eng/" {
		t.Errorf("switcher links %v, want only /@eng/", links)
	}
	// The list is kept with the person's credentials until memberships change: joining Design
	// shows it at once.
	s.Join(s.Subsite("Design", "design"), u, people.RoleViewer)
	if body := string(get(c, "/@eng/").Want(200).Body); !strings.Contains(body, `href="/@design/"`) {
		t.Errorf("after joining Design, the switcher lacks it")
	}
	owner := string(get(w.owner, "/@home/").Want(200).Body)
	for _, want := range []string{`href="/@home/" aria-current="true"`, `href="/@board/"`, `href="/@eng/"`} {
		if !strings.Contains(owner, want) {
			t.Errorf("owner's switcher lacks %s", want)
		}
	}
}

// TestRenamedPageRedirects: after a rename (or two), the old URLs answer 301 to the page's URL,
// query kept; a new page that takes an old slug wins over the redirect.
func TestRenamedPageRedirects(t *testing.T) {
	t.Parallel()
	w := seedWiki(t)
	s := w.site
	ctx := context.Background()
	owner, err := s.Inst.People.Authenticate(ctx, s.OwnerTk)
	if err != nil {
		t.Fatal(err)
	}
	home := s.Home()
	if _, err := s.Inst.Pages.UpdatePage(ctx, owner, home, w.welcome, pages.PageUpdate{Title: new("Staff handbook")}); err != nil {
		t.Fatal(err)
	}
	p, err := s.Inst.Pages.UpdatePage(ctx, owner, home, w.welcome, pages.PageUpdate{Title: new("People handbook")})
	if err != nil {
		t.Fatal(err)
	}
	if p.Slug != "people-handbook" {
		t.Fatalf("slug after rename %q", p.Slug)
	}
	for _, old := range []string{"/@home/team-handbook/", "/@home/staff-handbook/"} {
		r := get(w.owner, old+"?json").Want(301)
		if loc := r.Header.Get("Location"); loc != "/@home/people-handbook/?json" {
			t.Errorf("%s leads to %q", old, loc)
		}
	}
	get(w.owner, "/@home/people-handbook/").Want(200)
	get(w.owner, "/@home/people-handbook").Want(301)
	w.owner.Post("pages/create/", map[string]any{"title": "Team handbook",
		"json": [][]map[string]any{{{"classname": "Paragraph", "val": "<p>The new one.</p>"}}}}).Want(200)
	if r := get(w.owner, "/@home/team-handbook/").Want(200); !strings.Contains(string(r.Body), "The new one.") {
		t.Errorf("the new page with the old slug does not win: %s", r.Body)
	}
}

// TestSidebarFolderFragment: a folder's URL answers htmx the tree fragment of its contents, and
// anyone else the folder's page in the frame; the first level is in every page's sidebar.
func TestSidebarFolderFragment(t *testing.T) {
	t.Parallel()
	w := seedWiki(t)
	home := string(get(w.owner, "/@home/").Want(200).Body)
	m := regexp.MustCompile(`<details hx-get="(/@home/-/folders/\d+/)" hx-trigger="toggle once"[^>]*>\s*<summary>Handbook `).FindStringSubmatch(home)
	if m == nil {
		t.Fatalf("no lazy Handbook folder in the sidebar: %s", home)
	}
	if bar := regexp.MustCompile(`(?s)<nav class="sidebar".*?</nav>`).FindString(home); strings.Contains(bar, "Equipment") {
		t.Errorf("the home's sidebar renders a closed folder's pages")
	}
	c := *w.owner
	c.Headers = map[string][]string{"HX-Request": {"true"}}
	frag := string(get(&c, m[1]).Want(200).Body)
	if strings.Contains(frag, "<html") || !strings.HasPrefix(strings.TrimSpace(frag), `<ul class="tree">`) {
		t.Errorf("the fragment is not the tree alone: %s", frag)
	}
	for _, want := range []string{`<summary>Money <span class="count" title="Pages in this folder and its subfolders">2<span class="visually-hidden"> pages, subfolders included</span></span>`, `href="/@home/equipment/"`, `href="/@home/team-handbook/"`} {
		if !strings.Contains(frag, want) {
			t.Errorf("fragment lacks %s: %s", want, frag)
		}
	}
	full := string(get(w.owner, m[1]).Want(200).Body)
	if !strings.Contains(full, "<h1>Handbook</h1>") || !strings.Contains(full, `<span aria-current="page">Handbook</span>`) {
		t.Errorf("the folder's page: %s", full)
	}
}

var _ = apptest.Start

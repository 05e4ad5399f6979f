package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"quire/app/apptest"
	"quire/people"
)

// The editing pages over HTTP: every form as a plain post (303 on success, the form again with
// what was sent on a refusal) and as htmx (the fragment), each form carrying the CSRF field.

// editPost posts a form to a web path; htmx marks it as htmx's request.
func editPost(c *apptest.Client, path string, form url.Values, htmx bool) *apptest.Response {
	if htmx {
		c = withHeader(c, "HX-Request", "true")
	}
	return c.Do("POST", c.URL(path), strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
}

// editGet reads a web path; htmx marks it as htmx's request.
func editGet(c *apptest.Client, path string, htmx bool) *apptest.Response {
	if htmx {
		c = withHeader(c, "HX-Request", "true")
	}
	return c.Do("GET", c.URL(path), nil, "")
}

func withHeader(c *apptest.Client, k, v string) *apptest.Client {
	cc := *c
	cc.Headers = cc.Headers.Clone()
	if cc.Headers == nil {
		cc.Headers = map[string][]string{}
	}
	cc.Headers.Set(k, v)
	return &cc
}

// editSite is a site with one page of a paragraph and a heading, and its owner's clients: the
// API at /@home and the web at the site's root.
type editSite struct {
	site     *apptest.Site
	api, web *apptest.Client
	pageID   int64
	para     int64 // the paragraph's first id
	heading  int64
}

func startEditSite(t *testing.T) *editSite {
	t.Helper()
	s := apptest.Start(t)
	e := &editSite{site: s, api: s.Client(s.OwnerTk).In("home"), web: s.Client(s.OwnerTk)}
	var p struct {
		ID   int64 `json:"id"`
		JSON [][]struct {
			ID int64 `json:"id"`
		} `json:"json"`
	}
	e.api.Post("pages/create/", map[string]any{"title": "Plans", "json": [][]map[string]any{{
		{"classname": "Paragraph", "val": "<p>We meet on Monday.</p>"},
		{"classname": "Heading", "val": "Agenda", "heading": "h2"},
	}}}).Want(200).Decode(&p)
	e.pageID, e.para, e.heading = p.ID, p.JSON[0][0].ID, p.JSON[0][1].ID
	return e
}

// widgetNow reads a widget's newest version through the API.
func (e *editSite) widgetNow(t *testing.T, kind string, id int64) map[string]any {
	t.Helper()
	return e.api.Get(fmt.Sprintf("page/%d/%s/get/%d/", e.pageID, kind, id)).Want(200).Object()
}

var csrfField = regexp.MustCompile(`<input type="hidden" name="csrf_token" value="[^"]*">`)

// formsCarryCSRF checks that every POST form of body carries the CSRF field.
func formsCarryCSRF(t *testing.T, what string, body []byte) {
	t.Helper()
	forms := regexp.MustCompile(`(?s)<form[^>]*method="post".*?</form>`).FindAll(body, -1)
	if len(forms) == 0 {
		t.Errorf("%s: no form", what)
	}
	for _, f := range forms {
		if !csrfField.Match(f) {
			t.Errorf("%s: a form without the CSRF field: %.300s", what, f)
		}
	}
}

func TestEditorPage(t *testing.T) {
	t.Parallel()
	e := startEditSite(t)
	r := editGet(e.web, "/@home/plans/edit/", false).Want(200)
	body := string(r.Body)
	for _, want := range []string{
		"We meet on Monday.", "Agenda", fmt.Sprintf(`href="/@home/plans/edit/w/%d/"`, e.para),
		`href="/@home/plans/settings/"`, `action="/@home/plans/edit/add/"`, `action="/@home/plans/edit/markdown/"`,
		`hx-get="/@home/plans/edit/presence/"`, "edit.js", "trix",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the editor lacks %q", want)
		}
	}
	formsCarryCSRF(t, "editor", r.Body)
	// A reader's page loads no editor code.
	if page := string(editGet(e.web, "/@home/plans/", false).Want(200).Body); strings.Contains(page, "trix") || strings.Contains(page, "edit.js") {
		t.Errorf("the reader's page loads the editor")
	}
	// Opening one widget's editor: a whole page without script, the form fragment with htmx.
	open := editGet(e.web, fmt.Sprintf("/@home/plans/edit/w/%d/", e.para), false).Want(303)
	if loc := open.Header.Get("Location"); loc != fmt.Sprintf("/@home/plans/edit/?w=%d#e%d", e.para, e.para) {
		t.Errorf("open without script: Location %q", loc)
	}
	page := editGet(e.web, fmt.Sprintf("/@home/plans/edit/?w=%d", e.para), false).Want(200)
	frag := editGet(e.web, fmt.Sprintf("/@home/plans/edit/w/%d/", e.para), true).Want(200)
	for what, b := range map[string][]byte{"page": page.Body, "fragment": frag.Body} {
		s := string(b)
		if !strings.Contains(s, fmt.Sprintf(`name="base_version_id" value="%d"`, e.para)) || !strings.Contains(s, `data-trix`) ||
			!strings.Contains(s, "&lt;p&gt;We meet on Monday.&lt;/p&gt;") || !strings.Contains(s, `<option value="note">`) {
			t.Errorf("%s: no editor form of the paragraph: %.2000s", what, s)
		}
		formsCarryCSRF(t, what, b)
	}
	if s := string(frag.Body); strings.Contains(s, "<html") {
		t.Errorf("the fragment is a whole page")
	}
	heading := string(editGet(e.web, fmt.Sprintf("/@home/plans/edit/w/%d/", e.heading), true).Want(200).Body)
	if !strings.Contains(heading, `<option value="h2" selected>`) || !strings.Contains(heading, `<option value="boxquote">`) {
		t.Errorf("the heading's form lacks its size and style pickers: %s", heading)
	}

	// The ways in: the page's and the home's links, for editors only.
	_, viewer := e.site.Member("Vic", e.site.Home(), people.RoleViewer)
	for who, c := range map[string]*apptest.Client{"editor": e.web, "viewer": viewer.SiteWide()} {
		page, home := string(editGet(c, "/@home/plans/", false).Want(200).Body), string(editGet(c, "/@home/", false).Want(200).Body)
		links := strings.Contains(page, `href="/@home/plans/edit/"`) && strings.Contains(page, `href="/@home/plans/settings/"`) &&
			strings.Contains(home, `href="/@home/-/new/"`) && strings.Contains(home, `href="/@home/-/trash/"`)
		if links != (who == "editor") {
			t.Errorf("%s: editing links shown %v", who, links)
		}
	}
	// Who may not edit: a viewer is refused, an outsider finds nothing.
	editGet(viewer.SiteWide(), "/@home/plans/edit/", false).Want(403)
	editPost(viewer.SiteWide(), fmt.Sprintf("/@home/plans/edit/w/%d/", e.para), url.Values{"val": {"x"}}, false).Want(403)
	e.site.Subsite("Board", "board")
	e.site.Client(e.site.OwnerTk).In("board").Post("pages/create/", map[string]any{"title": "Minutes",
		"json": [][]map[string]any{{{"classname": "Paragraph", "val": "secret"}}}}).Want(200)
	for _, path := range []string{"/@board/minutes/edit/", "/@board/minutes/settings/", "/@board/-/new/", "/@board/-/trash/"} {
		editGet(viewer.SiteWide(), path, false).Want(404) // Vic is no member of board
	}
	if got := e.widgetNow(t, "paragraph", e.para)["text"]; got != "We meet on Monday." {
		t.Errorf("refused posts changed the paragraph: %v", got)
	}
}

func TestSaveWidgetForms(t *testing.T) {
	t.Parallel()
	e := startEditSite(t)
	path := fmt.Sprintf("/@home/plans/edit/w/%d/", e.para)
	// A plain post: 303 back to the editor at the widget.
	r := editPost(e.web, path, url.Values{"val": {"<p>We meet on <em>Tuesday</em>.</p>"}, "styleclass": {"note"},
		"base_version_id": {fmt.Sprint(e.para)}}, false).Want(303)
	if loc := r.Header.Get("Location"); loc != fmt.Sprintf("/@home/plans/edit/#e%d", e.para) {
		t.Errorf("Location %q", loc)
	}
	w := e.widgetNow(t, "paragraph", e.para)
	if w["text"] != "We meet on Tuesday." || w["styleclass"] != "note" || w["html"] != "<p>We meet on <em>Tuesday</em>.</p>" {
		t.Errorf("saved %v", w)
	}
	// htmx: the widget's view, in place.
	base := int64(w["id"].(float64))
	frag := string(editPost(e.web, path, url.Values{"val": {"<p>Wednesday.</p>"}, "styleclass": {"thin"},
		"base_version_id": {fmt.Sprint(base)}}, true).Want(200).Body)
	if !strings.Contains(frag, fmt.Sprintf(`id="e%d"`, e.para)) || !strings.Contains(frag, "Wednesday.") ||
		!strings.Contains(frag, "paragraph thin") || strings.Contains(frag, "<textarea") {
		t.Errorf("htmx save answered %s", frag)
	}
	// The heading: size and style.
	editPost(e.web, fmt.Sprintf("/@home/plans/edit/w/%d/", e.heading), url.Values{"val": {"Agenda for Monday"},
		"heading": {"h0"}, "styleclass": {"boxquote"}, "base_version_id": {fmt.Sprint(e.heading)}}, false).Want(303)
	if h := e.widgetNow(t, "heading", e.heading); h["text"] != "Agenda for Monday" || h["heading"] != "h0" || h["styleclass"] != "boxquote" {
		t.Errorf("heading saved %v", h)
	}
	// A refusal: the form again (422) with the message and what was sent.
	headingNow := int64(e.widgetNow(t, "heading", e.heading)["id"].(float64))
	bad := editPost(e.web, fmt.Sprintf("/@home/plans/edit/w/%d/", e.heading), url.Values{"val": {"Two\nlines"},
		"heading": {"h9"}, "base_version_id": {fmt.Sprint(headingNow)}}, false).Want(422)
	if s := string(bad.Body); !strings.Contains(s, `role="alert">Choose one of the sizes.</p>`) || !strings.Contains(s, "Two\nlines") {
		t.Errorf("refusal page: %.3000s", s)
	}
	// Delete: htmx gets nothing to swap in; a plain post goes back to the editor.
	if d := editPost(e.web, fmt.Sprintf("/@home/plans/edit/w/%d/delete/", e.heading), nil, true).Want(200); len(d.Body) != 0 {
		t.Errorf("htmx delete answered %q", d.Body)
	}
	e.api.Get(fmt.Sprintf("page/%d/heading/get/%d/", e.pageID, e.heading)).Error(404, "not_found")
	editPost(e.web, path+"delete/", nil, false).Want(303)
	e.api.Get(fmt.Sprintf("page/%d/paragraph/get/%d/", e.pageID, e.para)).Error(404, "not_found")
}

// TestConflictForm: two people save the same paragraph from the same version. The second gets the
// conflict (409): a message, the other's version, a diff, and the form holding their own text on
// top of the newer version; saving it makes a new version on top.
func TestConflictForm(t *testing.T) {
	t.Parallel()
	e := startEditSite(t)
	_, bobAPI := e.site.Member("Bob Baker", e.site.Home(), people.RoleEditor)
	bob := bobAPI.SiteWide()
	path := fmt.Sprintf("/@home/plans/edit/w/%d/", e.para)
	opened := fmt.Sprint(e.para)
	editPost(e.web, path, url.Values{"val": {"<p>We meet on Monday at nine.</p>"}, "base_version_id": {opened}}, false).Want(303)
	theirs := int64(e.widgetNow(t, "paragraph", e.para)["id"].(float64))
	mine := "<p>We meet on Friday.</p>"
	for _, htmx := range []bool{false, true} {
		r := editPost(bob, path, url.Values{"val": {mine}, "styleclass": {"quote"}, "base_version_id": {opened}}, htmx).Want(409)
		s := string(r.Body)
		for _, want := range []string{
			"Someone else saved this paragraph", "Saved by Site Owner", "We meet on Monday at nine.",
			"We meet on <del>Monday at nine</del><ins>Friday</ins>.", "&lt;p&gt;We meet on Friday.&lt;/p&gt;",
			fmt.Sprintf(`name="base_version_id" value="%d"`, theirs), "Keep mine", "Take theirs",
			`<option value="quote" selected>`,
		} {
			if !strings.Contains(s, want) {
				t.Errorf("htmx %v: the conflict lacks %q in %s", htmx, want, regexp.MustCompile(`(?s)<p class="diff".*?</p>`).FindString(s))
			}
		}
		formsCarryCSRF(t, "conflict", r.Body)
		if now := e.widgetNow(t, "paragraph", e.para); now["text"] != "We meet on Monday at nine." {
			t.Errorf("the refused save changed the paragraph: %v", now["text"])
		}
	}
	// Keep mine: the form posts again with the newer version as its base.
	editPost(bob, path, url.Values{"val": {mine}, "styleclass": {"quote"}, "base_version_id": {fmt.Sprint(theirs)}}, false).Want(303)
	var versions []map[string]any
	e.api.Get(fmt.Sprintf("page/%d/paragraph/versions/%d/", e.pageID, e.para)).Want(200).Decode(&versions)
	if len(versions) != 3 || versions[0]["text"] != "We meet on Friday." || versions[1]["text"] != "We meet on Monday at nine." {
		t.Errorf("versions after keep mine: %v", versions)
	}

	// Deleted while Bob edited: his text comes back with a form that adds it again.
	e.api.Post(fmt.Sprintf("page/%d/paragraph/delete/%d/", e.pageID, e.para), nil).Want(200)
	for _, htmx := range []bool{false, true} {
		r := editPost(bob, path, url.Values{"val": {"<p>Lost?</p>"}, "kind": {"paragraph"}, "styleclass": {"note"},
			"base_version_id": {fmt.Sprint(theirs)}}, htmx).Want(409)
		s := string(r.Body)
		if !strings.Contains(s, "was deleted while you were editing it") || !strings.Contains(s, "&lt;p&gt;Lost?&lt;/p&gt;") ||
			!strings.Contains(s, `action="/@home/plans/edit/add/"`) {
			t.Errorf("htmx %v: a save to a deleted widget answered %.3000s", htmx, s)
		}
		formsCarryCSRF(t, "deleted meanwhile", r.Body)
	}
	editPost(bob, "/@home/plans/edit/add/", url.Values{"val": {"<p>Lost?</p>"}, "kind": {"paragraph"}, "styleclass": {"note"},
		"column": {"0"}}, false).Want(303)
}

func TestAddWidgetsForms(t *testing.T) {
	t.Parallel()
	e := startEditSite(t)
	editPost(e.web, "/@home/plans/edit/add/", url.Values{"kind": {"paragraph"}, "column": {"0"},
		"val": {"<p>Bring <strong>cake</strong>.</p>"}, "styleclass": {"emphasis"}}, false).Want(303)
	editPost(e.web, "/@home/plans/edit/add/", url.Values{"kind": {"heading"}, "column": {"0"},
		"val": {"Later"}, "heading": {"h3"}, "styleclass": {"bars"}}, false).Want(303)
	editPost(e.web, "/@home/plans/edit/markdown/", url.Values{"column": {"0"},
		"markdown": {"## From Markdown\n\nSome *text*."}}, false).Want(303)
	var p struct {
		JSON [][]map[string]any `json:"json"`
	}
	e.api.Get(fmt.Sprintf("pages/get/%d/", e.pageID)).Want(200).Decode(&p)
	var got []string
	for _, w := range p.JSON[0] {
		got = append(got, fmt.Sprintf("%s:%s:%v:%v", w["classname"], w["text"], w["styleclass"], w["heading"]))
	}
	want := []string{"Paragraph:We meet on Monday.:<nil>:<nil>", "Heading:Agenda:<nil>:h2",
		"Paragraph:Bring cake.:emphasis:<nil>", "Heading:Later:bars:h3", "Heading:From Markdown:<nil>:h2", "Paragraph:Some text.:<nil>:<nil>"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("widgets:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Refusals: the editor again (422) with the message in the column, the Markdown kept.
	r := editPost(e.web, "/@home/plans/edit/markdown/", url.Values{"column": {"0"}, "markdown": {"   "}}, false).Want(422)
	if !strings.Contains(string(r.Body), `role="alert"`) {
		t.Errorf("empty Markdown: %.2000s", r.Body)
	}
	editPost(e.web, "/@home/plans/edit/add/", url.Values{"kind": {"heading"}, "column": {"0"}, "val": {""}}, false).Want(422)
	editPost(e.web, "/@home/plans/edit/add/", url.Values{"kind": {"paragraph"}, "column": {"7"}, "val": {"x"}}, false).Want(422)
	editPost(e.web, "/@home/plans/edit/add/", url.Values{"kind": {"image"}, "column": {"0"}, "val": {"x"}}, false).Want(400)
}

func TestPageForms(t *testing.T) {
	t.Parallel()
	e := startEditSite(t)
	r := editGet(e.web, "/@home/-/new/", false).Want(200)
	formsCarryCSRF(t, "new page", r.Body)
	for _, want := range []string{`<label for="title">`, `<label for="folder">`, `<label for="layout">`, `<label for="tags">`, `value="66-34"`} {
		if !strings.Contains(string(r.Body), want) {
			t.Errorf("the new page form lacks %q", want)
		}
	}
	// Refused: the form again with what was sent.
	bad := editPost(e.web, "/@home/-/new/", url.Values{"title": {""}, "folder": {"Team/Notes"}, "tags": {"a, b"}, "layout": {"50-50"}}, false).Want(422)
	if s := string(bad.Body); !strings.Contains(s, `value="Team/Notes"`) || !strings.Contains(s, `value="a, b"`) ||
		!strings.Contains(s, `aria-invalid="true"`) || !strings.Contains(s, `<option value="50-50" selected>`) {
		t.Errorf("refused new page: %.3000s", s)
	}
	made := editPost(e.web, "/@home/-/new/", url.Values{"title": {"Team notes"}, "folder": {"Team/Notes"}, "tags": {"a, b"}, "layout": {"66-34"}}, false).Want(303)
	if loc := made.Header.Get("Location"); loc != "/@home/team-notes/edit/" {
		t.Fatalf("Location %q", loc)
	}
	var pages []map[string]any
	e.api.Get("pages/all/").Want(200).Decode(&pages)
	p := pages[0]
	if p["title"] != "Team notes" || p["category"] != "Team/Notes" || fmt.Sprint(p["tags"]) != "[a b]" || fmt.Sprint(p["layout"]) != "[[66 34]]" {
		t.Errorf("made %v", p)
	}
	id := int64(p["id"].(float64))

	// Settings: rename, move, retag, relayout; the old URL leads to the new one.
	s := editGet(e.web, "/@home/team-notes/settings/", false).Want(200)
	formsCarryCSRF(t, "settings", s.Body)
	if !strings.Contains(string(s.Body), `value="Team notes"`) || !strings.Contains(string(s.Body), `<option value="66-34" selected>`) {
		t.Errorf("settings form: %.3000s", s.Body)
	}
	saved := editPost(e.web, "/@home/team-notes/settings/", url.Values{"title": {"Team minutes"}, "folder": {"Minutes"},
		"tags": {"c"}, "layout": {"100"}}, false).Want(303)
	if loc := saved.Header.Get("Location"); loc != "/@home/team-minutes/" {
		t.Errorf("after settings: Location %q", loc)
	}
	var after map[string]any
	e.api.Get(fmt.Sprintf("pages/get/%d/", id)).Want(200).Decode(&after)
	if after["title"] != "Team minutes" || after["category"] != "Minutes" || fmt.Sprint(after["tags"]) != "[c]" || fmt.Sprint(after["layout"]) != "[[100]]" {
		t.Errorf("after settings %v", after)
	}
	if loc := editGet(e.web, "/@home/team-notes/", false).Want(301).Header.Get("Location"); loc != "/@home/team-minutes/" {
		t.Errorf("old URL leads to %q", loc)
	}
	// A refused field: the field's human text beside it, never the API's words.
	noTitle := string(editPost(e.web, "/@home/team-minutes/settings/", url.Values{"title": {" "}, "layout": {"100"}}, false).Want(422).Body)
	if !regexp.MustCompile(`<label for="title">Title</label>\s*<p class="error" role="alert" id="form-error">Give the page a title.</p>\s*<input id="title"`).MatchString(noTitle) ||
		strings.Contains(noTitle, "Parameter") {
		t.Errorf("settings without a title: %.4000s", noTitle)
	}

	// Trash and restore.
	if loc := editPost(e.web, "/@home/team-minutes/delete/", nil, false).Want(303).Header.Get("Location"); loc != "/@home/-/trash/" {
		t.Errorf("after delete: %q", loc)
	}
	trash := editGet(e.web, "/@home/-/trash/", false).Want(200)
	formsCarryCSRF(t, "trash", trash.Body)
	restore := fmt.Sprintf("/@home/-/trash/%d/restore/", id)
	if !strings.Contains(string(trash.Body), "Team minutes") || !strings.Contains(string(trash.Body), restore) {
		t.Errorf("trash: %.3000s", trash.Body)
	}
	if loc := editPost(e.web, restore, nil, false).Want(303).Header.Get("Location"); loc != "/@home/team-minutes/" {
		t.Errorf("after restore: %q", loc)
	}
	e.api.Get(fmt.Sprintf("pages/get/%d/", id)).Want(200)
	if s := string(editGet(e.web, "/@home/-/trash/", false).Want(200).Body); !strings.Contains(s, "The trash is empty.") {
		t.Errorf("trash after restore: %.3000s", s)
	}
}

// TestPresence: the editor shows who else has the page open; the poll answers the same note.
func TestPresence(t *testing.T) {
	t.Parallel()
	e := startEditSite(t)
	_, annAPI := e.site.Member("Ann Archer", e.site.Home(), people.RoleEditor)
	ann := annAPI.SiteWide()
	if s := string(editGet(e.web, "/@home/plans/edit/", false).Want(200).Body); strings.Contains(s, "Also editing") {
		t.Errorf("alone, the editor says %s", s)
	}
	if s := string(editGet(ann, "/@home/plans/edit/", false).Want(200).Body); !strings.Contains(s, "Also editing: Site Owner") {
		t.Errorf("Ann does not see the owner editing")
	}
	if s := string(editGet(e.web, "/@home/plans/", false).Want(200).Body); !strings.Contains(s, "Being edited by: Ann Archer") {
		t.Errorf("the reader's page does not say Ann is editing")
	}
	poll := string(editGet(e.web, "/@home/plans/edit/presence/", true).Want(200).Body)
	if !strings.Contains(poll, "Also editing: Ann Archer") {
		t.Errorf("the poll answers %q", poll)
	}
	if loc := editPost(ann, "/@home/plans/edit/done/", nil, false).Want(303).Header.Get("Location"); loc != "/@home/plans/" {
		t.Errorf("done: %q", loc)
	}
	if poll := string(editGet(e.web, "/@home/plans/edit/presence/", true).Want(200).Body); strings.Contains(poll, "Ann") {
		t.Errorf("after Ann is done, the poll answers %q", poll)
	}
}

// TestEditWithSession: signed in with a browser session, every editing form carries the session's
// CSRF token, a post with it goes through, and one without it (or with another) changes nothing.
func TestEditWithSession(t *testing.T) {
	t.Parallel()
	e := startEditSite(t)
	sess := e.site.SignIn(e.site.Owner)
	c := e.site.Client("")
	c.Headers = map[string][]string{"Cookie": {sess.Cookie.Name + "=" + sess.Cookie.Value}}
	want := fmt.Sprintf(`name="csrf_token" value="%s"`, sess.CSRF)
	for _, path := range []string{"/@home/plans/edit/", "/@home/plans/settings/", "/@home/-/new/", "/@home/-/trash/"} {
		body := string(editGet(c, path, false).Want(200).Body)
		if n, forms := strings.Count(body, want), strings.Count(body, `method="post"`); n < forms || forms == 0 {
			t.Errorf("%s: %d forms, %d carry the session's CSRF token", path, forms, n)
		}
	}
	path := fmt.Sprintf("/@home/plans/edit/w/%d/", e.para)
	for _, token := range []string{"", e.site.SignIn(e.site.Owner).CSRF} {
		editPost(c, path, url.Values{"val": {"forged"}, "csrf_token": {token}}, false).Want(403)
	}
	if got := e.widgetNow(t, "paragraph", e.para)["text"]; got != "We meet on Monday." {
		t.Errorf("a post without the token changed the paragraph: %v", got)
	}
	editPost(c, path, url.Values{"val": {"<p>Signed in.</p>"}, "csrf_token": {sess.CSRF}, "base_version_id": {fmt.Sprint(e.para)}}, false).Want(303)
	htmx := withHeader(c, "X-CSRF-Token", sess.CSRF)
	now := int64(e.widgetNow(t, "paragraph", e.para)["id"].(float64))
	editPost(htmx, path, url.Values{"val": {"<p>By htmx.</p>"}, "base_version_id": {fmt.Sprint(now)}}, true).Want(200)
	if got := e.widgetNow(t, "paragraph", e.para)["text"]; got != "By htmx." {
		t.Errorf("after the session's posts: %v", got)
	}
}

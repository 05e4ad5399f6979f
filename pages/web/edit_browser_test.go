package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"quire/app/apptest"
	"quire/app/apptest/browser"
	"quire/people"
)

// Editing in a real browser, signed in with a session (so every form and htmx request carries
// the session's CSRF token): Trix, htmx swaps, two people on one paragraph, rename and trash.

// editorTab opens a browser context signed in as u (a session cookie, as /login gives).
func editorTab(t *testing.T, s *apptest.Site, u *people.User) context.Context {
	t.Helper()
	ctx := browser.New(t)
	cookie := s.SignIn(u).Cookie
	browser.Step(t, ctx, "sign in "+u.Name, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{Name: cookie.Name, Value: cookie.Value, URL: s.URL})
		return err
	}))
	return ctx
}

// typeInto empties the Trix editor under sel and types text into it, key by key.
func typeInto(sel, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Focus(chromedp.CSS(sel)),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).editor.loadHTML("")`, sel)),
		chromedp.KeyEvent(text),
		// Trix writes its hidden input when it has rendered: wait for that, as a person would.
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](fmt.Sprintf(`document.getElementById(document.querySelector(%q).getAttribute("input")).value.includes(%q)`,
				sel, text))(ctx, tg)
			return err
		}),
	)
}

func TestEditInBrowser(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	ctx := editorTab(t, s, s.Owner)
	browser.Step(t, ctx, "create a page",
		chromedp.Navigate(s.URL+"/@home/-/new/"),
		chromedp.SendKeys(chromedp.CSS(`#title`), "Launch plan"),
		chromedp.SendKeys(chromedp.CSS(`#folder`), "Projects"),
		chromedp.SetValue(chromedp.CSS(`#layout`), "66-34"),
		chromedp.SendKeys(chromedp.CSS(`#tags`), "launch, q1"),
		chromedp.Click(chromedp.CSS(`button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`#col1`)),
	)
	if loc := browser.Read(t, ctx, chromedp.Location()); loc != s.URL+"/@home/launch-plan/edit/" {
		t.Fatalf("after create: %s", loc)
	}
	browser.Step(t, ctx, "add a paragraph with Trix",
		chromedp.Click(chromedp.CSS(`#col0 details:nth-of-type(1) > summary`)),
		typeInto(`#col0 details[open] trix-editor`, "We launch in March."),
		chromedp.SetValue(chromedp.CSS(`#new-p0-style`), "note"),
		chromedp.Click(chromedp.CSS(`#col0 details[open] button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`#col0 .widget.paragraph.note`)),
	)
	// Leaving the editor asks first while typed text is unsent (edit.js, beforeunload).
	leaving := `(() => { const e = new Event("beforeunload", {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented })()`
	if browser.Read(t, ctx, chromedp.Evaluate[bool](leaving)) {
		t.Errorf("with nothing typed, leaving the editor asks first")
	}
	browser.Step(t, ctx, "type a heading",
		chromedp.Click(chromedp.CSS(`#col0 details:nth-of-type(2) > summary`)),
		typeInto(`#col0 details[open] trix-editor`, "Timeline"),
	)
	if !browser.Read(t, ctx, chromedp.Evaluate[bool](leaving)) {
		t.Errorf("with a heading typed and not saved, leaving the editor does not ask first")
	}
	browser.Step(t, ctx, "add the heading",
		chromedp.SetValue(chromedp.CSS(`#new-h0-size`), "h1"),
		chromedp.SetValue(chromedp.CSS(`#new-h0-style`), "bars"),
		chromedp.Click(chromedp.CSS(`#col0 details[open] button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`#col0 .widget.heading.h1.bars`)),
	)
	if browser.Read(t, ctx, chromedp.Evaluate[bool](leaving)) {
		t.Errorf("after the heading was saved, leaving the editor still asks first")
	}
	browser.Screenshot(t, ctx, "edit-added")
	// Each widget's controls sit inside its own box, in a bar above its content, and say which
	// widget they act on.
	controls := `[...document.querySelectorAll('#col0 .edit-widget.editable')].map(box => {
		const r = box.getBoundingClientRect(), bar = box.querySelector('.edit-bar').getBoundingClientRect(),
			content = box.querySelector('.widget').getBoundingClientRect();
		const inside = bar.top >= r.top && bar.bottom <= content.top + 1 && content.bottom <= r.bottom + 1;
		return box.getAttribute('aria-label') + ' | ' + [...box.querySelectorAll('.edit-actions a, .edit-actions button')].map(b => b.textContent.trim()).join(', ') + ' | ' + inside;
	})`
	if got := browser.Read(t, ctx, chromedp.Evaluate[[]string](controls)); fmt.Sprint(got) != "[paragraph 1 | Edit paragraph 1, Delete paragraph 1 | true heading 1 | Edit heading 1, Delete heading 1 | true]" {
		t.Errorf("the widgets' controls: %q", got)
	}
	browser.Step(t, ctx, "edit the paragraph in place",
		chromedp.Click(chromedp.CSS(`#col0 .edit-widget:nth-of-type(1) .edit-actions a`)),
		typeInto(`#col0 .edit-form trix-editor`, "We launch in April."),
		chromedp.SetValue(chromedp.CSS(`#col0 .edit-form select[name=styleclass]`), "quote"),
	)
	browser.Screenshot(t, ctx, "edit-open-paragraph")
	browser.Axe(t, ctx)
	browser.Step(t, ctx, "save it",
		chromedp.Click(chromedp.CSS(`#col0 .edit-form button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`#col0 .widget.paragraph.quote`)),
	)
	if got := browser.Read(t, ctx, chromedp.Text(chromedp.CSS(`#col0 .widget.paragraph`))); got != "We launch in April." {
		t.Errorf("the paragraph shows %q", got)
	}
	browser.Step(t, ctx, "edit the heading's size and style",
		chromedp.Click(chromedp.CSS(`#col0 .edit-widget:nth-of-type(2) .edit-actions a`)),
		typeInto(`#col0 .edit-form trix-editor`, "Timeline and owners"),
		chromedp.SetValue(chromedp.CSS(`#col0 .edit-form select[name=heading]`), "h0"),
		chromedp.SetValue(chromedp.CSS(`#col0 .edit-form select[name=styleclass]`), "boxquote"),
		chromedp.Click(chromedp.CSS(`#col0 .edit-form button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`#col0 .widget.heading.h0.boxquote`)),
	)
	browser.CSPViolations(t, ctx)
	browser.Viewport(t, ctx, browser.Phone)
	browser.Step(t, ctx, "open the paragraph at 375 px", chromedp.Click(chromedp.CSS(`#col0 .edit-widget:nth-of-type(1) .edit-actions a`)),
		chromedp.WaitVisible(chromedp.CSS(`.edit-form trix-editor`)))
	if browser.Read(t, ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)) {
		t.Errorf("375 px: the editor scrolls sideways")
	}
	browser.Axe(t, ctx)
	browser.Screenshot(t, ctx, "edit-375")
	browser.Viewport(t, ctx, browser.Desktop)
	browser.Step(t, ctx, "done editing", chromedp.Click(chromedp.CSS(`.edit-nav button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`article.page:not(.editing)`)))
	page := browser.Read(t, ctx, chromedp.Text(chromedp.CSS(`.columns`)))
	if !strings.Contains(page, "We launch in April.") || !strings.Contains(page, "Timeline and owners") {
		t.Errorf("the page view shows %q", page)
	}
	if n := browser.Read(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.scripts, s => s.src).filter(s => /trix|edit\.js/.test(s))`)); len(n) != 0 {
		t.Errorf("the reader's page (%s) loads editor scripts %q", browser.Read(t, ctx, chromedp.Location()), n)
	}
	browser.Screenshot(t, ctx, "edit-done-page")
	if n := browser.Read(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('.widget.heading div, .widget.heading p').length`)); n != 0 {
		t.Errorf("the page's heading holds %d block elements", n)
	}
	var p struct {
		JSON [][]struct {
			Text       string  `json:"text"`
			HTML       string  `json:"html"`
			Styleclass *string `json:"styleclass"`
			Heading    *string `json:"heading"`
		} `json:"json"`
		Category string   `json:"category"`
		Tags     []string `json:"tags"`
		Layout   [][]int  `json:"layout"`
	}
	var list []struct {
		ID int64 `json:"id"`
	}
	s.Client(s.OwnerTk).In("home").Get("pages/all/").Decode(&list)
	s.Client(s.OwnerTk).In("home").Get(fmt.Sprintf("pages/get/%d/", list[0].ID)).Want(200).Decode(&p)
	if got := fmt.Sprintf("%s %v %v %d", p.Category, p.Tags, p.Layout, len(p.JSON[0])); got != "Projects [launch q1] [[66 34]] 2" {
		t.Errorf("page %s", got)
	}
	// Trix wraps its line in a <div>; a heading keeps its inline content only.
	if h := p.JSON[0][1]; h.HTML != "Timeline and owners" || h.Text != "Timeline and owners" {
		t.Errorf("the heading edited with Trix is stored as %q (text %q)", h.HTML, h.Text)
	}
}

// TestConcurrentEditInBrowser: Ann and Bob edit the same paragraph in two browsers. Bob sees that
// Ann is editing; Ann saves first; Bob's save shows the conflict with the diff and keeps his
// text; "keep mine" saves it on top.
func TestConcurrentEditInBrowser(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	api := s.Client(s.OwnerTk).In("home")
	var p struct {
		ID   int64 `json:"id"`
		JSON [][]struct {
			ID int64 `json:"id"`
		} `json:"json"`
	}
	api.Post("pages/create/", map[string]any{"title": "Shared notes", "json": [][]map[string]any{{
		{"classname": "Paragraph", "val": "<p>The office opens at nine.</p>"}}}}).Want(200).Decode(&p)
	bob := s.User("Bob Baker")
	s.Join(s.Home(), bob, people.RoleEditor)
	ann, bobTab := editorTab(t, s, s.Owner), editorTab(t, s, bob)
	edit := s.URL + "/@home/shared-notes/edit/"
	open := `#col0 .edit-widget .edit-actions a`
	browser.Step(t, ann, "Ann opens the paragraph", chromedp.Navigate(edit), chromedp.Click(chromedp.CSS(open)),
		chromedp.WaitVisible(chromedp.CSS(`.edit-form trix-editor`)))
	browser.Step(t, bobTab, "Bob opens it too", chromedp.Navigate(edit), chromedp.WaitVisible(chromedp.CSS(`#presence .presence`)),
		chromedp.Click(chromedp.CSS(open)), chromedp.WaitVisible(chromedp.CSS(`.edit-form trix-editor`)))
	if got := browser.Read(t, bobTab, chromedp.Text(chromedp.CSS(`#presence`))); got != "Also editing: Site Owner" {
		t.Errorf("Bob's editor says %q", got)
	}
	browser.Step(t, ann, "Ann saves",
		typeInto(`.edit-form trix-editor`, "The office opens at eight."),
		chromedp.Click(chromedp.CSS(`.edit-form button.primary`)),
		chromedp.WaitNotPresent(chromedp.CSS(`.edit-form`)))
	browser.Step(t, bobTab, "Bob saves over it",
		typeInto(`.edit-form trix-editor`, "The office opens at ten."),
		chromedp.Click(chromedp.CSS(`.edit-form button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`.edit-form.conflict .diff`)))
	browser.Screenshot(t, bobTab, "edit-conflict")
	browser.Axe(t, bobTab)
	diff := browser.Read(t, bobTab, chromedp.Evaluate[string](`document.querySelector('.edit-form.conflict .diff').innerHTML`))
	if diff != "The office opens at <del>eight</del><ins>ten</ins>." {
		t.Errorf("the diff is %q", diff)
	}
	if theirs := browser.Read(t, bobTab, chromedp.Text(chromedp.CSS(`.conflict-view .theirs`))); theirs != "The office opens at eight." {
		t.Errorf("their version shows %q", theirs)
	}
	if mine := browser.Read(t, bobTab, chromedp.Text(chromedp.CSS(`.edit-form trix-editor`))); mine != "The office opens at ten." {
		t.Errorf("Bob's editor holds %q", mine)
	}
	browser.Step(t, bobTab, "Bob keeps his", chromedp.Click(chromedp.CSS(`.edit-form button.primary`)),
		chromedp.WaitNotPresent(chromedp.CSS(`.edit-form`)))
	if got := browser.Read(t, bobTab, chromedp.Text(chromedp.CSS(`#col0 .widget.paragraph`))); got != "The office opens at ten." {
		t.Errorf("after keep mine: %q", got)
	}
	var versions []struct {
		Text      string `json:"text"`
		CreatedBy struct {
			Name string `json:"name"`
		} `json:"created_by"`
	}
	api.Get(fmt.Sprintf("page/%d/paragraph/versions/%d/", p.ID, p.JSON[0][0].ID)).Want(200).Decode(&versions)
	var got []string
	for _, v := range versions {
		got = append(got, v.CreatedBy.Name+": "+v.Text)
	}
	if want := "Bob Baker: The office opens at ten.|Site Owner: The office opens at eight.|Site Owner: The office opens at nine."; strings.Join(got, "|") != want {
		t.Errorf("versions %q, want %q", got, want)
	}
	browser.CSPViolations(t, bobTab)
}

// TestRenameTrashRestoreInBrowser: a rename keeps the old URL working; trash and restore.
func TestRenameTrashRestoreInBrowser(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	s.Client(s.OwnerTk).In("home").Post("pages/create/", map[string]any{"title": "Old name", "json": [][]map[string]any{{
		{"classname": "Paragraph", "val": "<p>Body.</p>"}}}}).Want(200)
	ctx := editorTab(t, s, s.Owner)
	browser.Step(t, ctx, "rename in the settings",
		chromedp.Navigate(s.URL+"/@home/old-name/settings/"),
		chromedp.WaitVisible(chromedp.CSS(`#title`)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#title').value = ''`),
		chromedp.SendKeys(chromedp.CSS(`#title`), "New name"),
		chromedp.Click(chromedp.CSS(`.page-form button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`p.flash[role=status]`)),
	)
	if flash := browser.Read(t, ctx, chromedp.Text(chromedp.CSS(`p.flash`))); flash != "Page settings saved." {
		t.Errorf("after saving the settings: %q", flash)
	}
	browser.Screenshot(t, ctx, "settings-saved")
	browser.Axe(t, ctx)
	browser.Step(t, ctx, "the old URL", chromedp.Navigate(s.URL+"/@home/old-name/"), chromedp.WaitVisible(chromedp.ID("page-title")))
	if loc := browser.Read(t, ctx, chromedp.Location()); loc != s.URL+"/@home/new-name/" {
		t.Errorf("the old URL led to %s", loc)
	}
	browser.Step(t, ctx, "move it to the trash",
		chromedp.Navigate(s.URL+"/@home/new-name/settings/"),
		chromedp.Click(chromedp.CSS(`.danger-zone button`)),
		chromedp.WaitVisible(chromedp.CSS(`.trash-list`)),
	)
	if flash := browser.Read(t, ctx, chromedp.Text(chromedp.CSS(`p.flash`))); flash != "Page moved to the trash. Restore it from here." {
		t.Errorf("after trashing: %q", flash)
	}
	browser.Screenshot(t, ctx, "edit-trash")
	browser.Axe(t, ctx)
	browser.Step(t, ctx, "open it from the trash",
		chromedp.Click(chromedp.CSS(`.trash-list a.title`)),
		chromedp.WaitVisible(chromedp.CSS(`form.page-reader button`)),
	)
	if notice := browser.Read(t, ctx, chromedp.Text(chromedp.CSS(`.page-head .notice`))); notice != "This page is in the trash." {
		t.Errorf("the trashed page says %q", notice)
	}
	browser.Axe(t, ctx)
	browser.Step(t, ctx, "restore it from there",
		chromedp.Click(chromedp.CSS(`form.page-reader button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`.page-head .notice`)),
		chromedp.WaitVisible(chromedp.ID("page-title")),
	)
	if h := browser.Read(t, ctx, chromedp.Text(chromedp.ID("page-title"))); h != "New name" {
		t.Errorf("restored: %q", h)
	}
	if flash := browser.Read(t, ctx, chromedp.Text(chromedp.CSS(`p.flash`))); flash != "Page restored from the trash." {
		t.Errorf("after restoring: %q", flash)
	}
	browser.Step(t, ctx, "the message shows once", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("page-title")))
	if n := browser.Read(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('p.flash').length`)); n != 0 {
		t.Errorf("after a reload, %d flash messages", n)
	}
	browser.CSPViolations(t, ctx)
}

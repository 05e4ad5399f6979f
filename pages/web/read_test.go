package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"quire/widgets"
)

// TestPageShowsEveryWidgetKind reads the seeded page and finds each widget kind's markup with
// its style class, the columns at the layout's widths, and the page's title, tags, folder, author.
func TestPageShowsEveryWidgetKind(t *testing.T) {
	t.Parallel()
	w := seedWiki(t)
	body := string(get(w.owner, "/@home/team-handbook/").Want(200).Body)
	for _, tc := range []struct{ what, pattern string }{
		{"title", `<h1 id="page-title">Team handbook</h1>`},
		{"folder", `<dt>Folder</dt><dd>Handbook</dd>`},
		{"author", `<dt>Author</dt><dd>Site Owner</dd>`},
		{"last change", `<dt>Last change</dt><dd><time datetime="20\d\d-`},
		{"tags", `<ul class="tags"><li><a href="/@home/-/tags/hr/">hr</a></li><li><a href="/@home/-/tags/onboarding/">onboarding</a></li></ul>`},
		{"breadcrumbs", `(?s)<nav class="crumbs" aria-label="Breadcrumbs"><ol>\s*<li><a href="/@home/">Home</a></li>\s*<li><a href="/@home/-/folders/\d+/">Handbook</a></li>\s*<li><span aria-current="page">Team handbook</span></li>`},
		{"sidebar marks the page", `<a href="/@home/team-handbook/" aria-current="page">Team handbook</a>`},
		{"column 66", `<div class="column span-66">`},
		{"column 34", `<div class="column span-34">`},
		{"plain paragraph", `<div class="widget paragraph" id="w\d+"><p>This handbook explains <strong>how we work</strong>`},
		{"paragraph block", `<div class="widget paragraph block" id="w\d+"><p>Block:`},
		{"paragraph quote", `<div class="widget paragraph quote" id="w\d+"><p>Quote:`},
		{"paragraph note", `<div class="widget paragraph note" id="w\d+"><p>Note:`},
		{"paragraph emphasis", `<div class="widget paragraph emphasis" id="w\d+"><p>Emphasis:`},
		{"paragraph thin", `<div class="widget paragraph thin" id="w\d+"><p>Thin:`},
		{"heading h0 line", `(?s)<div class="widget heading h0 line" id="w\d+">\s*<h2>Welcome to the team</h2>`},
		{"heading h1 emphasis", `(?s)<div class="widget heading h1 emphasis" id="w\d+">\s*<h2>Holidays</h2>`},
		{"heading h2 bars", `(?s)<div class="widget heading h2 bars" id="w\d+">\s*<h3>Booking</h3>`},
		{"heading h3 quote", `(?s)<div class="widget heading h3 quote" id="w\d+">\s*<h4>Public holidays</h4>`},
		{"heading h4 boxquote", `(?s)<div class="widget heading h4 boxquote" id="w\d+">\s*<h5>Carry-over</h5>`},
		{"attachment", `(?s)<div class="widget attachment" id="w\d+">.*?<span class="ficon ficon-pdf" aria-hidden="true"></span>\s*<a href="/@home/files/\d+/holiday-policy.pdf" download>holiday-policy.pdf</a>\s*<span class="size">\d+ bytes</span>`},
		{"image", `(?s)<figure class="widget image" id="w\d+">\s*<a href="/@home/files/\d+/office.png"><img src="/@home/files/\d+/office.png" alt="The office at night" loading="lazy"></a>\s*<figcaption>The office at night</figcaption>`},
		{"form", `(?s)<section class="widget form" id="w\d+" aria-label="Form">.*?<form method="post" action="/@home/team-handbook/form/\d+/#w\d+"`},
		{"form field", `<label for="f\d+-your_name">Your name <span class="req">\(required\)</span></label>`},
		{"form select", `<option>Vegetarian</option>`},
		{"form checkbox", `<input type="checkbox" id="f\d+-i_agree_to_the_rules" name="i_agree_to_the_rules" value="true">`},
		{"discussion", `(?s)<section class="widget discussion" id="discussion".*?<label for="message-\d+">Add a comment</label>`},
	} {
		if !regexp.MustCompile(tc.pattern).MatchString(body) {
			t.Errorf("%s: no match for %s", tc.what, tc.pattern)
		}
	}
	// Every kind of the table has its partial (a new kind must add one).
	for _, k := range widgets.Kinds() {
		if !strings.Contains(body, `class="widget `+strings.ToLower(k.Classname)) {
			t.Errorf("kind %s is not rendered", k.Classname)
		}
	}
	if t.Failed() {
		t.Logf("body: %s", body)
	}
}

// TestFileLinksAreTheAPIsURLs: the attachment's download link is the file URL the API answers.
func TestFileLinksAreTheAPIsURLs(t *testing.T) {
	t.Parallel()
	w := seedWiki(t)
	page := w.owner.Get(fmt.Sprintf("pages/get/%d/", w.welcome)).Want(200).Object()
	body := string(get(w.owner, "/@home/team-handbook/").Want(200).Body)
	n := 0
	for _, col := range page["json"].([]any) {
		for _, wd := range col.([]any) {
			files, _ := wd.(map[string]any)["files"].([]any)
			for _, f := range files {
				u, _ := url.Parse(f.(map[string]any)["url"].(string))
				if !strings.Contains(body, `href="`+u.Path+`"`) {
					t.Errorf("no link to %s", u.Path)
				}
				get(w.owner, u.Path).Want(200)
				n++
			}
		}
	}
	if n != 2 {
		t.Errorf("%d files, want 2", n)
	}
}

// TestFormSubmit sends the page's form as a browser does: first with errors, each shown next to
// its field with what was typed kept, then right; the record is then in the API's list.
func TestFormSubmit(t *testing.T) {
	t.Parallel()
	w := seedWiki(t)
	action := fmt.Sprintf("/@home/team-handbook/form/%d/", w.formID)
	post := func(v url.Values) (int, string, string) {
		r := w.owner.Do("POST", w.owner.SiteWide().URL(action), strings.NewReader(v.Encode()), "application/x-www-form-urlencoded")
		return r.Status, string(r.Body), r.Header.Get("Location")
	}
	status, body, _ := post(url.Values{"email": {"not an address"}, "guests": {"many"}, "comments": {"Kept <text>"}})
	if status != 422 {
		t.Fatalf("status %d, want 422: %s", status, body)
	}
	for _, want := range []string{
		`id="f%d-your_name-error">Fill in this field.`,
		`id="f%d-email-error">`,
		`id="f%d-guests-error">`,
		`id="f%d-i_agree_to_the_rules-error">Tick this box to send the form.`,
		`value="not an address" aria-invalid="true" aria-describedby="f%d-email-error"`,
		`>Kept &lt;text&gt;</textarea>`,
	} {
		if want = strings.ReplaceAll(want, "%d", fmt.Sprint(w.formID)); !strings.Contains(body, want) {
			t.Errorf("the refused form lacks %s", want)
		}
	}
	if strings.Contains(body, fmt.Sprintf(`id="f%d-comments-error"`, w.formID)) {
		t.Errorf("a right field shows an error")
	}
	status, body, loc := post(url.Values{"your_name": {"Ada"}, "email": {"ada@example.com"}, "guests": {"2"},
		"diet": {"Vegan"}, "i_agree_to_the_rules": {"true"}})
	if status != 303 || !strings.HasPrefix(loc, "/@home/team-handbook/?sent=") {
		t.Fatalf("status %d Location %q: %s", status, loc, body)
	}
	if b := string(get(w.owner, loc).Want(200).Body); !strings.Contains(b, "Thank you: your answers were saved.") {
		t.Errorf("no thanks after sending")
	}
	recs := w.owner.Get(fmt.Sprintf("pages/records/%d/", w.welcome)).Want(200).List()
	if len(recs) != 1 || !strings.Contains(fmt.Sprint(recs[0]["fields"]), "ada@example.com") {
		t.Errorf("the record is not stored: %v", recs)
	}
}

// TestDiscussionPost posts a comment from the page; an empty one is refused next to the box.
func TestDiscussionPost(t *testing.T) {
	t.Parallel()
	w := seedWiki(t)
	post := func(msg string) (int, string, string) {
		v := url.Values{"message": {msg}}
		r := w.owner.Do("POST", w.owner.SiteWide().URL("/@home/team-handbook/comments/"), strings.NewReader(v.Encode()), "application/x-www-form-urlencoded")
		return r.Status, string(r.Body), r.Header.Get("Location")
	}
	if status, body, _ := post("  "); status != 422 || !strings.Contains(body, `class="field-error" id="message-`) {
		t.Errorf("empty comment: status %d: %s", status, body)
	}
	if status, _, _ := post("First question."); status != 303 {
		t.Fatalf("status %d", status)
	}
	status, _, loc := post("Where do I find the <b>holiday</b> form?")
	if status != 303 || loc != "/@home/team-handbook/#discussion" {
		t.Fatalf("status %d Location %q", status, loc)
	}
	body := string(get(w.owner, "/@home/team-handbook/").Want(200).Body)
	if !strings.Contains(body, "Where do I find the") || !strings.Contains(body, "<strong>Site Owner</strong>") {
		t.Errorf("the comment does not show: %s", body)
	}
	if strings.Index(body, "First question.") > strings.Index(body, "Where do I find the") {
		t.Errorf("comments are not oldest first")
	}
}

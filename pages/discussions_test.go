package pages_test

import (
	"fmt"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"quire/app/apptest"
	"quire/people"
	"quire/widgets"
)

// discussionPage creates a page with a paragraph and a Discussion widget and returns the page's
// path segment ("12") and the Discussion widget as answered.
func discussionPage(t *testing.T, c *apptest.Client, title string) (string, map[string]any) {
	t.Helper()
	page := c.Post("pages/create/", map[string]any{"title": title, "json": []any{[]any{
		map[string]any{"classname": "Paragraph", "val": "<p>Talk below.</p>"},
		map[string]any{"classname": "Discussion", "val": "Questions <script>x()</script>welcome"},
	}}}).Want(200).Object()
	return fmt.Sprint(page["id"]), page["json"].([]any)[0].([]any)[1].(map[string]any)
}

// postCount returns the post_count of the page's Discussion widget as pages/get answers it.
func postCount(t *testing.T, c *apptest.Client, pageID string) any {
	t.Helper()
	page := c.Get("pages/get/" + pageID + "/").Want(200).Object()
	for _, col := range page["json"].([]any) {
		for _, w := range col.([]any) {
			if w := w.(map[string]any); w["classname"] == "Discussion" {
				return w["post_count"]
			}
		}
	}
	t.Fatalf("page %s has no Discussion widget", pageID)
	return nil
}

// messages returns the unsafe_c of each post, joined by spaces.
func messages(list []map[string]any) string {
	var out []string
	for _, p := range list {
		out = append(out, p["unsafe_c"].(string))
	}
	return strings.Join(out, " ")
}

func TestDiscussionWidget(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	pageID, w := discussionPage(t, c, "Lunch")
	if w["html"] != "Questions welcome" || w["post_count"] != float64(0) {
		t.Errorf("discussion widget %v: want the intro sanitized and post_count 0", w)
	}
	widgetPath := fmt.Sprintf("page/%s/discussion/%%s/%v/", pageID, w["id"])
	if got := c.Get(fmt.Sprintf(widgetPath, "get")).Want(200).Object(); got["classname"] != "Discussion" || got["post_count"] != float64(0) {
		t.Errorf("discussion/get answered %v", got)
	}
	if got := c.Get(fmt.Sprintf(widgetPath, "versions")).Want(200).List(); len(got) != 1 || got[0]["post_count"] != float64(0) {
		t.Errorf("discussion/versions answered %v", got)
	}
	bare := c.Post("pages/create/", map[string]any{"title": "Bare", "json": [][]map[string]any{{{"classname": "discussion"}}}}).Want(200).Object()
	if w := bare["json"].([]any)[0].([]any)[0].(map[string]any); w["classname"] != "Discussion" || w["html"] != "" {
		t.Errorf("a Discussion without val: %v", w)
	}

	refused := []struct {
		name      string
		json      any
		wantField string
	}{
		{"two discussions", [][]map[string]any{{{"classname": "Discussion"}}, {{"classname": "Paragraph", "val": "x"}, {"classname": "Discussion"}}}, "json[1][1]"},
		{"styleclass", [][]map[string]any{{{"classname": "Discussion", "styleclass": "note"}}}, "json[0][0].styleclass"},
		{"bad format", [][]map[string]any{{{"classname": "Discussion", "val": "x", "format": "rtf"}}}, "json[0][0].format"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			e := c.Post("pages/create/", map[string]any{"title": "Refused", "json": tc.json}).Error(400, "invalid_request")
			if e["field"] != tc.wantField {
				t.Errorf("error %q names %v, want %q", e["error"], e["field"], tc.wantField)
			}
		})
	}

	// A copy has the Discussion widget but none of the posts.
	c.Post("feed/post/"+pageID+"/", map[string]any{"msg": "first"}).Want(200)
	if n := postCount(t, c, pageID); n != float64(1) {
		t.Fatalf("post_count %v after one post, want 1", n)
	}
	copied := c.Post("pages/copy/"+pageID+"/", map[string]any{"title": "Lunch again"}).Want(200).Object()
	copyID := fmt.Sprint(copied["id"])
	if n := postCount(t, c, copyID); n != float64(0) {
		t.Errorf("the copy's post_count is %v, want 0", n)
	}
	if got := c.Get("feed/page/" + copyID + "/").Want(200).List(); len(got) != 0 {
		t.Errorf("the copy lists posts %v, want none", got)
	}
	c.Post("feed/post/"+copyID+"/", map[string]any{"msg": "on the copy"}).Want(200)

	// Without its Discussion widget the page takes no posts, but its posts stay readable.
	deleted := c.Post(fmt.Sprintf(widgetPath, "delete"), nil).Want(200).Object()
	if deleted["widget"].(map[string]any)["post_count"] != float64(1) {
		t.Errorf("delete answered %v", deleted)
	}
	c.Post("feed/post/"+pageID+"/", map[string]any{"msg": "second"}).Error(400, "invalid_request")
	if got := messages(c.Get("feed/page/" + pageID + "/").Want(200).List()); got != "first" {
		t.Errorf("posts after the widget was removed: %q, want first", got)
	}

	// discussion/create brings it back, once; the old posts are the page's discussion again.
	again := c.Post("page/"+pageID+"/discussion/create/", map[string]any{"widget": map[string]any{"val": "Back <script>x</script>"}, "column": 0}).Want(200).Object()
	if again["classname"] != "Discussion" || again["html"] != "Back " || again["post_count"] != float64(1) {
		t.Errorf("discussion/create answered %v", again)
	}
	c.Post("page/"+pageID+"/discussion/create/", nil).Error(409, "conflict")
	c.Post("page/"+pageID+"/discussion/create/", map[string]any{"column": 9}).Error(400, "invalid_request")
	c.Post("feed/post/"+pageID+"/", map[string]any{"msg": "second"}).Want(200)
}

func TestPostAndList(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	clock := &stepClock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	site.Inst.DB.Now = clock.Now
	u, c := site.Member("Ada Lovelace", site.Home(), people.RoleViewer)
	pageID, _ := discussionPage(t, site.Client(site.OwnerTk), "Lunch")
	post := "feed/post/" + pageID + "/"
	var made []map[string]any
	for i := range 5 {
		body := map[string]any{"msg": fmt.Sprintf("m%d", i)}
		if i == 3 {
			body = map[string]any{"message": "m3"}
		}
		made = append(made, c.Post(post, body).Want(200).Object())
	}

	first := made[0]
	var keys []string
	for k := range first {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if want := []string{"a", "author_id", "by", "c", "created_at", "id", "page_id", "unsafe_c"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("post keys %v, want %v", keys, want)
	}
	want := map[string]any{"by": "Ada Lovelace", "a": fmt.Sprintf("%s/avatar/%d.svg", site.URL, u.ID), "c": "m0",
		"unsafe_c": "m0", "page_id": first["page_id"], "author_id": float64(u.ID)}
	for k, v := range want {
		if first[k] != v {
			t.Errorf("post %s = %v, want %v", k, first[k], v)
		}
	}
	if at := first["created_at"].(string); !strings.HasPrefix(at, "2026-11-25T09:00:") || at >= made[1]["created_at"].(string) {
		t.Errorf("post created_at %q: want the clock's time, before the next post's", at)
	}
	if fmt.Sprint(first["page_id"]) != pageID {
		t.Errorf("post page_id %v, want %s", first["page_id"], pageID)
	}
	if n := postCount(t, c, pageID); n != float64(5) {
		t.Errorf("post_count %v, want 5", n)
	}

	list := "feed/page/" + pageID + "/"
	if got := messages(c.Get(list).Want(200).List()); got != "m4 m3 m2 m1 m0" {
		t.Errorf("posts %q, want newest first", got)
	}
	if got := c.Get(list).Want(200).List()[4]; !reflect.DeepEqual(got, first) {
		t.Errorf("listed post %v, want as posted %v", got, first)
	}
	walks := []struct {
		name  string
		query url.Values
		want  []string
	}{
		{"limit and cursor", url.Values{"limit": {"2"}}, []string{"m4 m3", "m2 m1", "m0"}},
		{"since, oldest first", url.Values{"since": {made[2]["created_at"].(string)}}, []string{"m2 m3 m4"}},
		{"since with limit", url.Values{"since": {made[1]["created_at"].(string)}, "limit": {"3"}}, []string{"m1 m2 m3", "m4"}},
		{"since in the future", url.Values{"since": {"2030-01-01T00:00:00Z"}}, []string{""}},
	}
	for _, walk := range walks {
		t.Run(walk.name, func(t *testing.T) {
			r := c.Get(list, walk.query).Want(200)
			var got []string
			for {
				got = append(got, messages(r.List()))
				link := r.Header.Get("Link")
				if link == "" || len(got) > 10 {
					break
				}
				r = c.Do("GET", strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`), nil, "").Want(200)
			}
			if !reflect.DeepEqual(got, walk.want) {
				t.Errorf("pages %q, want %q", got, walk.want)
			}
		})
	}
	// A cursor of the newest-first order does not continue a since list.
	r := c.Get(list, url.Values{"limit": {"2"}}).Want(200)
	cursor, _ := url.Parse(strings.TrimSuffix(strings.TrimPrefix(r.Header.Get("Link"), "<"), `>; rel="next"`))
	e := c.Get(list, url.Values{"cursor": {cursor.Query().Get("cursor")}, "since": {"2026-01-01T00:00:00Z"}}).Error(400, "invalid_request")
	if e["field"] != "cursor" {
		t.Errorf("mixed cursor: error %v, want field cursor", e)
	}
}

func TestPostSanitizing(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	pageID, _ := discussionPage(t, c, "Lunch")
	cases := []struct {
		msg    string
		want   string   // c
		absent []string // must not be in c
	}{
		{"<script>alert(1)</script><img src=x onerror=alert(2)>",
			"&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;", []string{"<script", "<img"}},
		{"line one\nline <b>two</b>", "line one<br/>line &lt;b&gt;two&lt;/b&gt;", []string{"<b>"}},
		{"see https://example.com/x?a=1&b=2 and javascript:alert(1)",
			`see <a href="https://example.com/x?a=1&amp;b=2" rel="nofollow noreferrer noopener" target="_blank">https://example.com/x?a=1&amp;b=2</a> and javascript:alert(1)`,
			[]string{`href="javascript`}},
		{`https://e.com/"onmouseover="alert(1)`, `<a href="https://e.com/" rel="nofollow noreferrer noopener" target="_blank">https://e.com/</a>&#34;onmouseover=&#34;alert(1)`,
			[]string{`onmouseover="`}},
	}
	for _, tc := range cases {
		got := c.Post("feed/post/"+pageID+"/", map[string]any{"msg": tc.msg}).Want(200).Object()
		if got["c"] != tc.want || got["unsafe_c"] != tc.msg {
			t.Errorf("post %q:\n c %v\nwant %s\n unsafe_c %v", tc.msg, got["c"], tc.want, got["unsafe_c"])
		}
		for _, bad := range tc.absent {
			if strings.Contains(got["c"].(string), bad) {
				t.Errorf("post %q: c %q holds %q", tc.msg, got["c"], bad)
			}
		}
	}
	stored := c.Get("feed/page/" + pageID + "/").Want(200).List()
	if len(stored) != len(cases) || stored[len(cases)-1]["unsafe_c"] != cases[0].msg || stored[len(cases)-1]["c"] != cases[0].want {
		t.Errorf("stored posts %v: want what was answered", stored)
	}
}

func TestPostRefused(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	pageID, _ := discussionPage(t, c, "Lunch")
	plain := c.Post("pages/create/", map[string]any{"title": "Plain", "json": body1("<p>No talk.</p>")}).Want(200).Object()
	plainID := fmt.Sprint(plain["id"])
	cases := []struct {
		name      string
		page      string
		body      any
		wantField string
	}{
		{"no discussion widget", plainID, map[string]any{"msg": "hello"}, "page_id"},
		{"no message", pageID, map[string]any{}, "msg"},
		{"empty msg", pageID, map[string]any{"msg": ""}, "msg"},
		{"blank message", pageID, map[string]any{"message": " \n\t"}, "message"},
		{"both names", pageID, map[string]any{"msg": "a", "message": "b"}, "message"},
		{"too long", pageID, map[string]any{"msg": strings.Repeat("é", widgets.MaxPostRunes+1)}, "msg"},
		{"unknown parameter", pageID, map[string]any{"msg": "a", "title": "b"}, "title"},
		{"object", pageID, map[string]any{"msg": map[string]any{"text": "a"}}, "msg"},
		{"a NUL alone, which HTML drops", pageID, map[string]any{"msg": "\x00"}, "msg"},
		{"a NUL in text", pageID, map[string]any{"msg": "a\x00b"}, "msg"},
		{"a bidirectional override", pageID, map[string]any{"message": "see invoice\u202egpj.exe"}, "message"},
		{"bad page id", "abc", map[string]any{"msg": "a"}, "page_id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := c.Post("feed/post/"+tc.page+"/", tc.body).Error(400, "invalid_request")
			if e["field"] != tc.wantField {
				t.Errorf("error %q names %v, want %q", e["error"], e["field"], tc.wantField)
			}
		})
	}
	if e := c.Post("feed/post/"+plainID+"/", map[string]any{"msg": "hello"}).Error(400, "invalid_request"); !strings.Contains(e["error"].(string), "Discussion") {
		t.Errorf("message %q should say the page has no Discussion widget", e["error"])
	}
	c.Post("feed/post/99999/", map[string]any{"msg": "a"}).Error(404, "not_found")
	c.Get("feed/page/99999/").Error(404, "not_found")
	if got := c.Get("feed/page/" + pageID + "/").Want(200).List(); len(got) != 0 {
		t.Errorf("refused posts were stored: %v", got)
	}
	c.Post("feed/post/"+pageID+"/", map[string]any{"msg": strings.Repeat("é", widgets.MaxPostRunes)}).Want(200)

	// A page in the trash takes no posts and lists none.
	c.Post("pages/delete/"+pageID+"/", nil).Want(200)
	c.Post("feed/post/"+pageID+"/", map[string]any{"msg": "a"}).Error(404, "not_found")
	c.Get("feed/page/"+pageID+"/").Error(404, "not_found")
}

func TestPostPermissions(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	eng := site.Subsite("Engineering", "eng")
	_, editor := site.Member("Edith", eng, people.RoleEditor)
	viewerUser, viewer := site.Member("Vera", eng, people.RoleViewer)
	_, outsider := site.Member("Otto", site.Home(), people.RoleEditor)
	pageID, _ := discussionPage(t, editor, "Design review")
	post, list := "feed/post/"+pageID+"/", "feed/page/"+pageID+"/"

	if got := viewer.Post(post, map[string]any{"msg": "viewers may post"}).Want(200).Object(); got["by"] != "Vera" {
		t.Errorf("viewer's post %v", got)
	}
	if got := viewer.Get(list).Want(200).List(); len(got) != 1 {
		t.Errorf("viewer lists %v", got)
	}
	outsiderInEng := outsider.In("eng")
	outsiderInEng.Post(post, map[string]any{"msg": "let me in"}).Error(404, "not_found")
	outsiderInEng.Get(list).Error(404, "not_found")
	// The page id in the outsider's own subsite is no way in either.
	outsider.Post(post, map[string]any{"msg": "let me in"}).Error(404, "not_found")
	outsider.Get(list).Error(404, "not_found")
	anonymous := site.Client("").In("eng")
	anonymous.Post(post, map[string]any{"msg": "hi"}).Error(401, "invalid_token")
	anonymous.Get(list).Error(401, "invalid_token")
	readOnly := site.Client(site.ScopedToken(viewerUser, people.GroupRead)).In("eng")
	readOnly.Post(post, map[string]any{"msg": "hi"}).Error(403, "missing_scope")
	readOnly.Get(list).Want(200)
	if got := editor.Get(list).Want(200).List(); len(got) != 1 {
		t.Errorf("refused posts were stored: %v", got)
	}
}

func TestPostMentions(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	eng := site.Subsite("Engineering", "eng")
	author, c := site.Member("Grace Hopper", eng, people.RoleViewer)
	ada, _ := site.Member("Ada Lovelace", eng, people.RoleViewer)
	adam, _ := site.Member("Ada", eng, people.RoleViewer)
	alan, _ := site.Member("Alan Turing", eng, people.RoleViewer)
	outsider := site.User("Otto Outsider") // in home only
	pageID, _ := discussionPage(t, site.Client(site.OwnerTk).In("eng"), "Design review")
	alanHandle, _, _ := strings.Cut(alan.Email, "@")

	cases := []struct {
		msg  string
		want []int64
	}{
		{"@Ada Lovelace, see this; @ada lovelace again", []int64{ada.ID}},
		{"@Ada and @" + alanHandle + ".", []int64{adam.ID, alan.ID}},
		{"@Otto Outsider is no member, @Grace Hopper is the author", []int64{}},
		{"mail " + ada.Email + " is no mention", []int64{}},
		{"no at sign", []int64{}},
	}
	for _, tc := range cases {
		p := c.Post("feed/post/"+pageID+"/", map[string]any{"msg": tc.msg}).Want(200).Object()
		got, err := widgets.PostMentions(t.Context(), site.Inst.DB.R, int64(p["id"].(float64)))
		if err != nil {
			t.Fatal(err)
		}
		sort.Slice(tc.want, func(i, j int) bool { return tc.want[i] < tc.want[j] })
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("post %q mentions %v, want %v (author %d, outsider %d)", tc.msg, got, tc.want, author.ID, outsider.ID)
		}
	}
}

func TestPostSearch(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	eng := site.Subsite("Engineering", "eng")
	ops := site.Subsite("Operations", "ops")
	_, member := site.Member("Edith", eng, people.RoleViewer)
	_, other := site.Member("Olga", ops, people.RoleEditor)
	owner := site.Client(site.OwnerTk).In("eng")
	pageID, _ := discussionPage(t, owner, "Design review")
	p := member.Post("feed/post/"+pageID+"/", map[string]any{"msg": "The zeppelin budget needs a second look"}).Want(200).Object()

	got := searchResults(t, member, "zeppelin", "cat", "Comment")
	if len(got) != 1 {
		t.Fatalf("member's search for the post found %v, want it", titles(got))
	}
	r := got[0]
	wantLnk := fmt.Sprintf("/@eng/design-review/#post-%v", p["id"])
	if r["cat"] != "Comment" || r["id"] != p["id"] || r["title"] != "Comment on Design review" || r["lnk"] != wantLnk ||
		r["icon"] != "comment" || fmt.Sprint(r["page_id"]) != pageID || !strings.Contains(r["snippet"].(string), "<mark>zeppelin</mark>") {
		t.Errorf("search result %v: want Comment %v titled after its page, linking %s", r, p["id"], wantLnk)
	}
	if got := searchResults(t, member.SiteWide(), "zeppelin"); len(got) != 1 {
		t.Errorf("member's site-wide search found %v, want the post", titles(got))
	}
	for _, c := range []*apptest.Client{other, other.SiteWide()} {
		if got := searchResults(t, c, "zeppelin"); len(got) != 0 {
			t.Errorf("a member of another subsite found %v", titles(got))
		}
	}
	other.In("eng").Get("search/query/", url.Values{"q": {"zeppelin"}}).Error(404, "not_found")

	// A page in the trash hides its posts from search; restoring it brings them back.
	owner.Post("pages/delete/"+pageID+"/", nil).Want(200)
	if got := searchResults(t, member, "zeppelin"); len(got) != 0 {
		t.Errorf("search found %v on a page in the trash", titles(got))
	}
	owner.Post("pages/restore/"+pageID+"/", nil).Want(200)
	if got := searchResults(t, member, "zeppelin", "cat", "Comment"); len(got) != 1 {
		t.Errorf("search found %v after the page was restored, want the post", titles(got))
	}
}

// pages/get answers from a cache while nothing is written; every kind of write shows at once.
func TestPageAnswerFollowsEveryWrite(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	pageID, _ := discussionPage(t, c, "Cached")
	get := func() map[string]any { return c.Get("pages/get/" + pageID + "/").Want(200).Object() }
	first, again := get(), get()
	if fmt.Sprint(first) != fmt.Sprint(again) {
		t.Fatalf("two reads differ:\n%v\n%v", first, again)
	}
	c.Post("feed/post/"+pageID+"/", map[string]any{"msg": "hello"}).Want(200)
	if n := postCount(t, c, pageID); n != float64(1) {
		t.Errorf("post_count %v after a post, want 1", n)
	}
	folder := c.Post("folder/create/", map[string]any{"path": "Moved"}).Want(200).ID()
	copyID := fmt.Sprint(c.Post("pages/copy/"+pageID+"/", map[string]any{"folder_id": folder}).Want(200).ID())
	get()
	c.Get("pages/get/" + copyID + "/").Want(200)
	c.Post("pages/delete/"+pageID+"/", nil).Want(200)
	c.Get("pages/get/"+pageID+"/").Error(404, "not_found")
	c.Post("pages/restore/"+pageID+"/", nil).Want(200)
	get()
	// Another subsite's URL never gets the cached answer.
	site.Subsite("Other", "other")
	c.In("other").Get("pages/get/"+pageID+"/").Error(404, "not_found")
}

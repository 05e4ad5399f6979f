package pages_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"quire/app/apptest"
	"quire/people"
)

// notificationKinds returns the kinds of the notifications queued for user, in order.
func notificationKinds(t *testing.T, site *apptest.Site, user int64, like string) []string {
	t.Helper()
	rows, err := site.Inst.DB.R.QueryContext(context.Background(), `SELECT kind FROM notifications
		WHERE user_id = ? AND summary LIKE ? ORDER BY id`, user, "%"+like+"%")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	kinds := []string{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, k)
	}
	return kinds
}

// TestActivityStream posts to a subsite's activity stream (feed/post without a page id) and
// reads it back with feed/all: apart from the pages' discussions and from other subsites,
// newest first, paged, with since; mentions and notifications as on a page; found by search.
func TestActivityStream(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	team := site.Subsite("Team", "team")
	viewer, viewerC := site.Member("Vera Viewer", team, people.RoleViewer)
	olga, _ := site.Member("Olga Other", team, people.RoleViewer)
	_, editorC := site.Member("Ed Editor", team, people.RoleEditor)
	outsider, outsiderC := site.Member("Otto Outsider", site.Home(), people.RoleAdmin)
	v, ed := viewerC.In("team"), editorC.In("team")

	var first post
	v.Post("feed/post/", map[string]any{"msg": "Hello <team> & welcome,\nsee https://example.com. @Olga Other"}).Want(200).Decode(&first)
	if first.PageID != nil || first.By != "Vera Viewer" || first.AuthorID != viewer.ID ||
		first.Text != "Hello <team> & welcome,\nsee https://example.com. @Olga Other" ||
		first.HTML != `Hello &lt;team&gt; &amp; welcome,<br/>see <a href="https://example.com" rel="nofollow noreferrer noopener" target="_blank">https://example.com</a>. @Olga Other` {
		t.Errorf("stream post %+v", first)
	}
	// A page's discussion and the stream stay apart.
	pageID, _ := discussionPage(t, ed, "Plans")
	ed.Post("feed/post/"+pageID+"/", map[string]any{"msg": "on the page"}).Want(200)
	ed.PostRaw("feed/post", "application/x-www-form-urlencoded", "message=second+in+the+stream").Want(200)
	ed.Post("feed/post/", map[string]any{"msg": "third in the stream"}).Want(200)
	site.Client(site.OwnerTk).Post("feed/post/", map[string]any{"msg": "home's own stream"}).Want(200)

	if got := messages(v.Get("feed/all/").Want(200).List()); got != "third in the stream second in the stream "+first.Text {
		t.Errorf("feed/all: %q", got)
	}
	if got := messages(v.Get("feed/page/" + pageID + "/").Want(200).List()); got != "on the page" {
		t.Errorf("the page's feed: %q", got)
	}
	if got := messages(site.Client(site.OwnerTk).Get("feed/all/").Want(200).List()); got != "home's own stream" {
		t.Errorf("home's feed/all: %q", got)
	}

	// Paged with limit and the Link header; since reads oldest first.
	r := v.Get("feed/all/", url.Values{"limit": {"2"}}).Want(200)
	next := regexp.MustCompile(`<([^>]+)>; rel="next"`).FindStringSubmatch(r.Header.Get("Link"))
	if got := messages(r.List()); got != "third in the stream second in the stream" || next == nil {
		t.Fatalf("first page %q, Link %q", got, r.Header.Get("Link"))
	}
	if got := messages(v.Do("GET", next[1], nil, "").Want(200).List()); got != first.Text {
		t.Errorf("second page %q", got)
	}
	if got := messages(v.Get("feed/all/", url.Values{"since": {first.CreatedAt}}).Want(200).List()); got != first.Text+" second in the stream third in the stream" {
		t.Errorf("since: %q", got)
	}

	// Mentions and notifications as on a page: Olga is mentioned, the author hears nothing,
	// other members hear of the post.
	if got := notificationKinds(t, site, olga.ID, "Hello"); fmt.Sprint(got) != "[mention]" {
		t.Errorf("Olga's notifications of the first post: %v", got)
	}
	if got := notificationKinds(t, site, viewer.ID, "Hello"); len(got) != 0 {
		t.Errorf("the author was told of their own post: %v", got)
	}
	if got := notificationKinds(t, site, olga.ID, "third in the stream"); fmt.Sprint(got) != "[comment]" {
		t.Errorf("Olga's notifications of the third post: %v", got)
	}
	if got := notificationKinds(t, site, outsider.ID, "in the stream"); len(got) != 0 {
		t.Errorf("a member of another subsite was told: %v", got)
	}

	// Found by search as a Comment, by the subsite's members only.
	var found struct {
		Results []struct {
			Cat    string `json:"cat"`
			ID     int64  `json:"id"`
			Lnk    string `json:"lnk"`
			PageID *int64 `json:"page_id"`
		} `json:"results"`
	}
	v.Get("search/query/", url.Values{"q": {"welcome"}, "cat": {"Comment"}}).Want(200).Decode(&found)
	if len(found.Results) != 1 || found.Results[0].Cat != "Comment" || found.Results[0].ID != first.ID ||
		found.Results[0].Lnk != fmt.Sprintf("/@team/#post-%d", first.ID) || found.Results[0].PageID != nil {
		t.Errorf("search for the stream post: %+v", found.Results)
	}
	outsiderC.SiteWide().Get("search/query/", url.Values{"q": {"welcome"}}).Want(200).Decode(&found)
	if len(found.Results) != 0 {
		t.Errorf("a non-member found the stream post: %+v", found.Results)
	}

	// Who may post and read.
	outsiderC.In("team").Post("feed/post/", map[string]any{"msg": "let me in"}).Error(404, "not_found")
	outsiderC.In("team").Get("feed/all/").Error(404, "not_found")
	readOnly := site.Client(site.ScopedToken(viewer, "read")).In("team")
	readOnly.Post("feed/post/", map[string]any{"msg": "read only"}).Error(403, "missing_scope")
	readOnly.Get("feed/all/").Want(200)
	site.Client("").In("team").Get("feed/all/").Error(401, "invalid_token")

	// Refused messages change nothing.
	for _, tc := range []struct {
		name, field string
		body        any
	}{
		{"empty", "msg", map[string]any{"msg": "  "}},
		{"missing", "msg", map[string]any{}},
		{"both names", "message", map[string]any{"msg": "a", "message": "b"}},
		{"too long", "msg", map[string]any{"msg": strings.Repeat("x", 20001)}},
		{"unknown field", "page", map[string]any{"msg": "a", "page": 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if e := v.Post("feed/post/", tc.body).Error(400, "invalid_request"); e["field"] != tc.field {
				t.Errorf("field %v, want %s: %v", e["field"], tc.field, e["error"])
			}
		})
	}
	if n := len(v.Get("feed/all/").Want(200).List()); n != 3 {
		t.Errorf("%d posts in the stream after refused ones, want 3", n)
	}
}

// post is a discussion or stream post as the API answers it.
type post struct {
	ID        int64  `json:"id"`
	By        string `json:"by"`
	Avatar    string `json:"a"`
	HTML      string `json:"c"`
	Text      string `json:"unsafe_c"`
	PageID    *int64 `json:"page_id"`
	AuthorID  int64  `json:"author_id"`
	CreatedAt string `json:"created_at"`
}

package web_test

import (
	"strings"
	"testing"
)

// TestEveryPageURLShowsItsPage: a page whose title makes a slug that is also a word of the site's
// own paths (files, static, api...) is still read at the url the API answers.
func TestEveryPageURLShowsItsPage(t *testing.T) {
	t.Parallel()
	w := seedWiki(t)
	for _, title := range []string{"Files", "Static", "API", "Healthz", "Invite", "Search", "Login", "Logout", "Account", "Avatar", "-"} {
		p := w.owner.Post("pages/create/", map[string]any{"title": title,
			"json": [][]map[string]any{{{"classname": "Paragraph", "val": "<p>About " + title + ".</p>"}}}}).Want(200).Object()
		u := p["url"].(string)
		u = u[strings.Index(u, "/@"):]
		r := get(w.owner, u)
		if r.Status != 200 || !strings.Contains(string(r.Body), `<h1 id="page-title">`+title+`</h1>`) {
			t.Errorf("%q at %s: %d %.300s", title, u, r.Status, r.Body)
		}
	}
}

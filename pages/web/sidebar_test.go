package web_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// TestSidebarAndCrumbsEverywhere: the editor, settings, trash, history, a widget's versions and
// the search page show the subsite's sidebar as the page view does (open down to the page's
// folder, the page marked), and breadcrumbs through every folder of the page's path.
func TestSidebarAndCrumbsEverywhere(t *testing.T) {
	t.Parallel()
	e := startEditSite(t)
	var p struct {
		ID   int64 `json:"id"`
		JSON [][]struct {
			ID int64 `json:"id"`
		} `json:"json"`
	}
	e.api.Post("pages/create/", map[string]any{"title": "Rota", "path": "Team/Notes", "json": [][]map[string]any{{
		{"classname": "Paragraph", "val": "<p>Mondays.</p>"}}}}).Want(200).Decode(&p)
	crumbs := regexp.MustCompile(`(?s)<nav class="crumbs" aria-label="Breadcrumbs"><ol>(.*?)</ol></nav>`)
	item := regexp.MustCompile(`(?s)<li>(.*?)</li>`)
	tag := regexp.MustCompile(`<[^>]+>`)
	for _, tc := range []struct {
		path, crumbs string
		marked       bool // the page is marked in the sidebar
	}{
		{"/@home/rota/", "Home›Team›Notes›Rota", true},
		{"/@home/rota/edit/", "Home›Team›Notes›Rota›Edit", true},
		{"/@home/rota/settings/", "Home›Team›Notes›Rota›Page settings", true},
		{"/@home/rota/history", "Home›Team›Notes›Rota›History", true},
		{fmt.Sprintf("/@home/rota/history/%d", p.JSON[0][0].ID), "Home›Team›Notes›Rota›History›paragraph 1", true},
		{"/@home/-/trash/", "Home›Trash", false},
		{"/@home/search?q=mondays", "Home›Search", false},
	} {
		body := string(editGet(e.web, tc.path, false).Want(200).Body)
		if !strings.Contains(body, `<nav class="sidebar" aria-label="Pages of Home">`) {
			t.Errorf("%s: no sidebar", tc.path)
		}
		if marked := strings.Contains(body, `<a href="/@home/rota/" aria-current="page">Rota</a>`); marked != tc.marked {
			t.Errorf("%s: the page marked in the sidebar: %v", tc.path, marked)
		}
		m := crumbs.FindStringSubmatch(body)
		if m == nil {
			t.Errorf("%s: no breadcrumbs", tc.path)
			continue
		}
		var names []string
		for _, li := range item.FindAllStringSubmatch(m[1], -1) {
			names = append(names, strings.TrimSpace(tag.ReplaceAllString(li[1], "")))
		}
		if got := strings.Join(names, "›"); got != tc.crumbs {
			t.Errorf("%s: breadcrumbs %q, want %q", tc.path, got, tc.crumbs)
		}
	}
}

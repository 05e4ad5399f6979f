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

// TestSidebarCountsSubtrees: a folder's count in the sidebar is of the live pages in it and in
// every folder below it; a folder whose name begins as another's does not add to it, nor does
// a page in the trash.
func TestSidebarCountsSubtrees(t *testing.T) {
	t.Parallel()
	e := startEditSite(t)
	ids := map[string]int64{}
	for _, p := range []struct{ title, path string }{
		{"A one", "Team"}, {"A two", "Team/Notes"}, {"A three", "Team/Notes/Old"}, {"A four", "Team/Notes/Old"},
		{"Gone", "Team/Notes"}, {"Other", "Team-old"}, {"Zero", "Team0"},
	} {
		var made struct {
			ID int64 `json:"id"`
		}
		e.api.Post("pages/create/", map[string]any{"title": p.title, "path": p.path, "json": [][]any{{}}}).Want(200).Decode(&made)
		ids[p.title] = made.ID
	}
	e.api.Post(fmt.Sprintf("pages/delete/%d/", ids["Gone"]), nil).Want(200)
	count := func(body, folder string) string {
		m := regexp.MustCompile(`<summary>` + folder + ` <span class="count"[^>]*>(\d+)<`).FindStringSubmatch(body)
		if m == nil {
			return "none"
		}
		return m[1]
	}
	home := string(editGet(e.web, "/@home/", false).Want(200).Body)
	for folder, want := range map[string]string{"Team": "4", "Team-old": "1", "Team0": "1"} {
		if got := count(home, folder); got != want {
			t.Errorf("%s counts %s, want %s", folder, got, want)
		}
	}
	inTeam := string(editGet(e.web, "/@home/a-one/", false).Want(200).Body)
	if got := count(inTeam, "Notes"); got != "3" {
		t.Errorf("Notes counts %s, want 3", got)
	}
}

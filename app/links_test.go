package app_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"quire/app/apptest"
	"quire/people"
)

// Every list that pages answers a next link built by one function (httpapi.SetNextLink), which
// keeps the caller's auth_token out of it: a Link header is kept by proxies and logs. apptest
// checks every answer of every test for a token in Link; this test makes every list page with
// the token in the URL.
func TestNextLinksCarryNoToken(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	var page int64
	for i := range 2 {
		page = c.Post("pages/create/", map[string]any{"title": fmt.Sprintf("Walrus %d", i), "path": fmt.Sprintf("F%d", i),
			"json": []any{[]any{
				map[string]any{"classname": "Form", "fields": []any{map[string]any{"name": "note", "label": "Note", "type": "text"}}},
				map[string]any{"classname": "Discussion"},
			}}}).Want(200).ID()
	}
	trashed := c.Post("pages/create/", map[string]any{"title": "Old walrus", "json": []any{[]any{}}}).Want(200).ID()
	c.Post(fmt.Sprintf("pages/delete/%d/", trashed), nil).Want(200)
	trashed = c.Post("pages/create/", map[string]any{"title": "Older walrus", "json": []any{[]any{}}}).Want(200).ID()
	c.Post(fmt.Sprintf("pages/delete/%d/", trashed), nil).Want(200)
	for i := range 2 {
		c.Post(fmt.Sprintf("pages/records/%d/", page), map[string]any{"note": fmt.Sprint("walrus ", i)}).Want(200)
		c.Post(fmt.Sprintf("feed/post/%d/", page), map[string]any{"msg": fmt.Sprint("walrus ", i)}).Want(200)
		site.Member(fmt.Sprint("Walrus Fan ", i), site.Home(), people.RoleViewer)
		site.Subsite(fmt.Sprint("Walrus club ", i), fmt.Sprint("walrus", i))
		c.SiteWide().Post("people/invite/", map[string]any{"email_address": fmt.Sprintf("walrus%d@example.com", i)}).Want(200)
	}
	lists := []struct{ base, path string }{
		{"/@home/api/v1/", "pages/all/"},
		{"/@home/api/v1/", "pages/trash/"},
		{"/@home/api/v1/", fmt.Sprintf("pages/records/%d/", page)},
		{"/@home/api/v1/", fmt.Sprintf("pages/records/%d/?format=csv", page)},
		{"/@home/api/v1/", fmt.Sprintf("feed/page/%d/", page)},
		{"/@home/api/v1/", "folder/tree/"},
		{"/@home/api/v1/", "search/query/?q=walrus"},
		{"/@home/api/v1/", "people/all/"},
		{"/api/v1/", "people/all/"},
		{"/api/v1/", "subsites/all/"},
		{"/api/v1/", "mail/outbox/"},
		{"/api/v1/", "search/query/?q=walrus"},
	}
	anon := site.Client("")
	for _, l := range lists {
		u, _ := url.Parse(site.URL + l.base + l.path)
		q := u.Query()
		q.Set("limit", "1")
		q.Set("auth_token", site.OwnerTk)
		u.RawQuery = q.Encode()
		r := anon.Do("GET", u.String(), nil, "").Want(200)
		link := r.Header.Get("Link")
		if !strings.Contains(link, `rel="next"`) || strings.Contains(link, "auth_token") || strings.Contains(link, site.OwnerTk) {
			t.Errorf("GET %s%s: Link %q; want a next link without the token", l.base, l.path, link)
		}
	}
}

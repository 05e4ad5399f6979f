package search_test

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"

	"quire/app/apptest"
	"quire/people"
)

// Search finds what sits on a page exactly while it shows there: a form entry while its form is
// on the page, a comment while the page has a discussion, the files the current version of an
// image or attachment lists (not those it had before), and nothing of a page in the trash; a
// page back from the trash brings back what shows on it. Every case through the API.
func TestSearchFindsOnlyWhatShows(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	id := c.Post("pages/create/", map[string]any{"title": "Depot", "json": [][]map[string]any{{
		{"classname": "Paragraph", "val": "warehouse notes"},
		{"classname": "Form", "fields": []any{map[string]any{"name": "idea", "label": "Idea", "type": "textarea"}}},
		{"classname": "Discussion"},
	}}}).Want(200).Object()
	page := int64(id["id"].(float64))
	var form, discussion int64
	for _, w := range id["json"].([]any)[0].([]any) {
		switch m := w.(map[string]any); m["classname"] {
		case "Form":
			form = int64(m["id"].(float64))
		case "Discussion":
			discussion = int64(m["id"].(float64))
		}
	}
	c.Post(fmt.Sprintf("pages/records/%d/", page), map[string]any{"idea": "marmoset plan"}).Want(200)
	c.Post(fmt.Sprintf("feed/post/%d/", page), map[string]any{"msg": "tapir meeting at noon"}).Want(200)
	image := c.Upload(fmt.Sprintf("page/%d/image/create/", page), map[string]string{"caption": "loading bay"}, "ibex-before.png",
		bytes.NewReader(apptest.PNG(t, 10))).Want(200).ID()
	c.Upload(fmt.Sprintf("page/%d/image/update/%d/", page, image), nil, "ibex-after.png", bytes.NewReader(apptest.PNG(t, 20))).Want(200)
	attachment := c.Upload(fmt.Sprintf("page/%d/attachment/create/", page), nil, "yak-one.txt",
		strings.NewReader("yak inventory one")).Want(200).ID()
	c.Upload(fmt.Sprintf("page/%d/attachment/update/%d/", page, attachment), nil, "yak-two.txt",
		strings.NewReader("yak inventory two")).Want(200)

	// found returns what each query finds, as cat:title, sorted.
	queries := []string{"marmoset", "tapir", "ibex", "yak", "warehouse"}
	found := func() map[string]string {
		out := map[string]string{}
		for _, q := range queries {
			got := apptest.Titles(apptest.SearchResults(t, c, q))
			sort.Strings(got)
			out[q] = strings.Join(got, " ")
		}
		return out
	}
	check := func(step string, want map[string]string) {
		t.Helper()
		got := found()
		for _, q := range queries {
			if got[q] != want[q] {
				t.Errorf("%s: search %q finds [%s], want [%s]", step, q, got[q], want[q])
			}
		}
	}
	all := map[string]string{
		"marmoset":  "Form:Depot",
		"tapir":     "Comment:Comment on Depot",
		"ibex":      "File:ibex-after.png",
		"yak":       "File:yak-one.txt File:yak-two.txt Page:Depot", // the attachment lists its files' names
		"warehouse": "Page:Depot",
	}
	check("as made (the image replaced)", all)

	// An image or attachment restored to a version lists its files of then.
	versions := func(kind string, widget int64) []map[string]any {
		return c.Get(fmt.Sprintf("page/%d/%s/versions/%d/", page, kind, widget)).Want(200).List()
	}
	iv, av := versions("image", image), versions("attachment", attachment)
	c.Post(fmt.Sprintf("page/%d/image/restore/%d/", page, image), map[string]any{"version_id": iv[len(iv)-1]["id"]}).Want(200)
	c.Post(fmt.Sprintf("page/%d/attachment/restore/%d/", page, attachment), map[string]any{"version_id": av[len(av)-1]["id"]}).Want(200)
	check("image and attachment restored to their first versions", map[string]string{
		"marmoset": all["marmoset"], "tapir": all["tapir"], "ibex": "File:ibex-before.png", "yak": "File:yak-one.txt Page:Depot",
		"warehouse": all["warehouse"],
	})
	c.Post(fmt.Sprintf("page/%d/image/restore/%d/", page, image), map[string]any{"version_id": iv[0]["id"]}).Want(200)
	c.Post(fmt.Sprintf("page/%d/attachment/restore/%d/", page, attachment), map[string]any{"version_id": av[0]["id"]}).Want(200)
	check("and back to their newest", all)

	// The page to the trash and back.
	c.Post(fmt.Sprintf("pages/delete/%d/", page), nil).Want(200)
	check("page in the trash", map[string]string{})
	c.Post(fmt.Sprintf("pages/restore/%d/", page), nil).Want(200)
	check("page restored", all)

	// Widgets deleted: what belongs to them goes.
	for _, w := range []struct {
		kind string
		id   int64
	}{{"form", form}, {"discussion", discussion}, {"image", image}, {"attachment", attachment}} {
		c.Post(fmt.Sprintf("page/%d/%s/delete/%d/", page, w.kind, w.id), nil).Want(200)
	}
	gone := map[string]string{"warehouse": "Page:Depot"}
	check("form, discussion, image and attachment deleted", gone)
	// Through the trash and back, they stay gone.
	c.Post(fmt.Sprintf("pages/delete/%d/", page), nil).Want(200)
	c.Post(fmt.Sprintf("pages/restore/%d/", page), nil).Want(200)
	check("deleted widgets, page restored", gone)
	// A new discussion shows the page's posts again, and so does search.
	c.Post(fmt.Sprintf("page/%d/discussion/create/", page), map[string]any{}).Want(200)
	check("a discussion again", map[string]string{"warehouse": "Page:Depot", "tapir": all["tapir"]})
}

// A person removed from a subsite is no longer found by its members; added back, they are.
func TestSearchForgetsWhoLeftASubsite(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	eng := site.Subsite("Engineering", "eng")
	quentin, _ := site.Member("Quentin Quagga", eng, people.RoleViewer)
	_, reader := site.Member("Rita Reader", eng, people.RoleViewer)
	owner := site.Client(site.OwnerTk).In("eng")
	find := func() []string { return apptest.Titles(apptest.SearchResults(t, reader.In("eng"), "quagga")) }
	if got := find(); len(got) != 1 || got[0] != "Contact:Quentin Quagga" {
		t.Fatalf("before: %v, want Quentin", got)
	}
	owner.Post(fmt.Sprintf("people/remove_from_subsite/%d/", quentin.ID), nil).Want(200)
	if got := find(); len(got) != 0 {
		t.Errorf("after removal from eng: %v, want nobody", got)
	}
	owner.Post(fmt.Sprintf("people/add_to_subsite/%d/", quentin.ID), nil).Want(200)
	if got := find(); len(got) != 1 {
		t.Errorf("added back: %v, want Quentin", got)
	}
	site.Client(site.OwnerTk).SiteWide().Post(fmt.Sprintf("people/delete/%d/", quentin.ID), nil).Want(200)
	if got := apptest.Titles(apptest.SearchResults(t, site.Client(site.OwnerTk).SiteWide(), "quagga")); len(got) != 0 {
		t.Errorf("a deleted person is found: %v", got)
	}
}

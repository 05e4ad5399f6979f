package pages_test

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"quire/app/apptest"
	"quire/app/sqldb"
	"quire/pages"
	"quire/people"
	"quire/widgets"
)

// copyAll drives folder/copy from body until "more" is false and returns the last answer and how
// many requests it took. between, if set, runs after each request.
func copyAll(t *testing.T, c *apptest.Client, body map[string]any, between func(batch int)) (map[string]any, int) {
	t.Helper()
	copied := -1.0
	for batch := 1; ; batch++ {
		step := c.Post("folder/copy/", body).Want(200).Object()
		if step["copied"].(float64) < copied || step["copied"].(float64) > step["total"].(float64) {
			t.Fatalf("batch %d: copied %v after %v, of %v: progress must grow up to the total", batch, step["copied"], copied, step["total"])
		}
		copied = step["copied"].(float64)
		if between != nil {
			between(batch)
		}
		if step["more"] == false {
			return step, batch
		}
		if batch > 1000 {
			t.Fatalf("folder/copy still has more after 1000 batches: %v", step["more"])
		}
		body = step["more"].(map[string]any)
	}
}

// snapshot describes every live page at or below the folder path of the subsite, by title: its
// place relative to path, tags and widget texts, read straight from the database.
func snapshot(t *testing.T, db *sqldb.DB, subsiteID int64, path string) map[string]string {
	t.Helper()
	ctx := context.Background()
	rows, err := db.R.QueryContext(ctx, `SELECT p.id, p.title, f.path,
		COALESCE((SELECT group_concat(tag, ',') FROM (SELECT tag FROM page_tags WHERE page_id = p.id ORDER BY tag)), '')
		FROM pages p JOIN folders f ON f.id = p.folder_id
		WHERE p.subsite_id = ? AND p.deleted_at IS NULL AND (f.path = ? OR f.path LIKE ?)`, subsiteID, path, path+"/%")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	desc := map[int64]string{}
	titles := map[int64]string{}
	for rows.Next() {
		var id int64
		var title, folder, tags string
		if err := rows.Scan(&id, &title, &folder, &tags); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		titles[id] = title
		desc[id] = strings.TrimPrefix(strings.TrimPrefix(folder, path), "/") + " [" + tags + "]"
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	lists, err := widgets.ListByPage(ctx, db.R, ids...)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, id := range ids {
		var texts []string
		for _, w := range lists[id] {
			texts = append(texts, fmt.Sprintf("%d.%d %s", w.Column, w.Position, w.Text))
		}
		key := titles[id]
		for out[key] != "" {
			key += " (again)" // a page copied twice
		}
		out[key] = desc[id] + " " + strings.Join(texts, " | ")
	}
	return out
}

func sameSnapshot(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d pages, want %d", what, len(got), len(want))
	}
	var bad []string
	for title, w := range want {
		if got[title] != w {
			bad = append(bad, fmt.Sprintf("%q: got %q, want %q", title, got[title], w))
		}
	}
	sort.Strings(bad)
	if len(bad) > 0 {
		t.Errorf("%s: %d pages differ, first: %s", what, len(bad), bad[0])
	}
}

func TestFolderCopyWithinSubsite(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	sub := site.Subsite("Wiki", "wiki")
	_, ed := site.Member("Ed", sub, people.RoleEditor)

	one := ed.Post("pages/create/", map[string]any{"title": "One", "path": "Src", "tags": "a,b",
		"json": [][]map[string]any{{{"classname": "Paragraph", "val": "first"}}, {{"classname": "Heading", "val": "Side"}}}}).Want(200).Object()
	w := one["json"].([]any)[0].([]any)[0].(map[string]any)
	ed.Post(fmt.Sprintf("page/%d/paragraph/update/%d/", num(one["id"]), num(w["id"])), map[string]any{"widget": map[string]any{"val": "first, edited"}}).Want(200)
	newFolderPage(t, ed, "Two", "Src/Sub", "second")
	gone := newFolderPage(t, ed, "Gone", "Src", "trashed")
	ed.Post("pages/delete/"+idText(gone)+"/", nil).Want(200)
	ed.Post("folder/create/", map[string]any{"path": "Src/Empty"}).Want(200)
	source := snapshot(t, site.Inst.DB, sub.ID, "Src")
	if !strings.Contains(source["One"], "first, edited") || source["Gone"] != "" {
		t.Fatalf("source snapshot %v: want One's newest version and no trashed page", source)
	}

	step, batches := copyAll(t, ed, map[string]any{"copy_path": "Src", "target_path": "Archive"}, nil)
	f := step["folder"].(map[string]any)
	if batches != 1 || f["path"] != "Archive/Src" || f["name"] != "Src" || num(f["page_count"]) != 1 || num(step["copied"]) != 2 || num(step["total"]) != 2 {
		t.Errorf("copy of Src into Archive answered %v in %d batches; want Archive/Src with 1 page of 2 copied, in 1 batch", step, batches)
	}
	_, tree := folderTree(t, ed)
	for _, path := range []string{"Archive/Src", "Archive/Src/Sub", "Archive/Src/Empty", "Src", "Src/Sub", "Src/Empty"} {
		if tree[path] == nil {
			t.Errorf("after the copy the tree lacks %q", path)
		}
	}
	sameSnapshot(t, "copy of Src", snapshot(t, site.Inst.DB, sub.ID, "Archive/Src"), source)
	sameSnapshot(t, "Src after its copy", snapshot(t, site.Inst.DB, sub.ID, "Src"), source)

	// A name taken in the target gets " (copy)"; copying next to itself is fine.
	for _, tc := range []struct{ target, want string }{{"Archive", "Archive/Src (copy)"}, {"Archive", "Archive/Src (copy 2)"}, {"", "Src (copy)"}} {
		step, _ := copyAll(t, ed, map[string]any{"copy_folder_id": num(tree["Src"]["id"]), "target_path": tc.target}, nil)
		if got := step["folder"].(map[string]any)["path"]; got != tc.want {
			t.Errorf("copy of Src into %q made %q, want %q", tc.target, got, tc.want)
		}
	}

	before, _ := folderTree(t, ed)
	for _, tc := range []struct {
		name   string
		body   map[string]any
		status int
		field  string
	}{
		{"into itself", map[string]any{"copy_path": "Src", "target_path": "Src"}, 400, "target_folder_id"},
		{"into a subfolder", map[string]any{"copy_path": "Src", "target_folder_id": num(tree["Src/Sub"]["id"])}, 400, "target_folder_id"},
		{"into a new subfolder", map[string]any{"copy_path": "Src", "target_path": "Src/New/Deeper"}, 400, "target_folder_id"},
		{"Main into its subsite", map[string]any{"copy_path": "/", "target_path": "Backup"}, 400, "target_folder_id"},
		{"no source", map[string]any{"target_path": "Archive"}, 400, "copy_folder_id"},
		{"both sources", map[string]any{"copy_path": "Src", "copy_folder_id": num(tree["Src"]["id"])}, 400, "copy_path"},
		{"both targets", map[string]any{"copy_path": "Src", "target_path": "X", "target_folder_id": num(tree[""]["id"])}, 400, "target_path"},
		{"unknown source", map[string]any{"copy_folder_id": 99999}, 404, ""},
		{"unknown source path", map[string]any{"copy_path": "Nope"}, 404, ""},
		{"unknown target", map[string]any{"copy_path": "Src", "target_folder_id": 99999}, 400, "target_folder_id"},
		{"continuation with a target", map[string]any{"copy_path": "Src", "target_path": "X", "new_folder_id": num(tree["Archive/Src"]["id"])}, 400, "new_folder_id"},
		{"continuation without its copy", map[string]any{"copy_path": "Src", "after_page_id": 3}, 400, "new_folder_id"},
		{"continuation inside the source", map[string]any{"copy_path": "Src", "new_folder_id": num(tree["Src/Sub"]["id"]), "after_page_id": 0}, 400, "new_folder_id"},
		{"unknown copy folder", map[string]any{"copy_path": "Src", "new_folder_id": 99999}, 400, "new_folder_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code := map[int]string{400: "invalid_request", 404: "not_found"}[tc.status]
			e := ed.Post("folder/copy/", tc.body).Error(tc.status, code)
			if tc.field != "" && e["field"] != tc.field {
				t.Errorf("field %v, want %q (%v)", e["field"], tc.field, e["error"])
			}
		})
	}
	if after, _ := folderTree(t, ed); len(after) != len(before) {
		t.Errorf("refused copies changed the tree from %d to %d folders", len(before), len(after))
	}
}

func TestFolderCopyAcrossSubsites(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	a := site.Subsite("Alpha", "alpha")
	b := site.Subsite("Beta", "beta")
	c := site.Subsite("Gamma", "gamma")
	both := site.User("Both")
	site.Join(a, both, people.RoleEditor)
	site.Join(b, both, people.RoleEditor)
	ed := site.Client(site.Token(both)).In("alpha")
	viewerInB := site.User("Viewer in B")
	site.Join(a, viewerInB, people.RoleEditor)
	site.Join(b, viewerInB, people.RoleViewer)
	onlyA := site.User("Only A")
	site.Join(a, onlyA, people.RoleEditor)
	viewerInA := site.User("Viewer in A")
	site.Join(a, viewerInA, people.RoleViewer)
	site.Join(b, viewerInA, people.RoleEditor)

	newFolderPage(t, ed, "Plan", "Team", "the plan")
	newFolderPage(t, ed, "Notes", "Team/Meetings", "monday", "tuesday")
	source := snapshot(t, site.Inst.DB, a.ID, "Team")

	body := map[string]any{"copy_path": "Team", "target_subsite_id": b.ID, "target_path": "Imported"}
	for _, tc := range []struct {
		name   string
		client *apptest.Client
		body   map[string]any
		status int
		code   string
	}{
		{"viewer in the target", site.Client(site.Token(viewerInB)).In("alpha"), body, 403, "forbidden"},
		{"not in the target", site.Client(site.Token(onlyA)).In("alpha"), body, 404, "not_found"},
		{"not in the target, named by id", site.Client(site.Token(onlyA)).In("alpha"), map[string]any{"copy_path": "Team", "target_subsite_id": c.ID}, 404, "not_found"},
		{"no such subsite", ed, map[string]any{"copy_path": "Team", "target_subsite_id": 99999}, 404, "not_found"},
		{"viewer in the source", site.Client(site.Token(viewerInA)).In("alpha"), body, 403, "forbidden"},
		{"not in the source", site.Client(site.Token(onlyA)).In("beta"), map[string]any{"copy_path": "Team", "target_subsite_id": a.ID}, 404, "not_found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.client.Post("folder/copy/", tc.body).Error(tc.status, tc.code)
		})
	}

	step, _ := copyAll(t, ed, body, nil)
	if f := step["folder"].(map[string]any); f["path"] != "Imported/Team" || num(step["copied"]) != 2 {
		t.Errorf("copy into beta answered %v, want Imported/Team with 2 pages", step)
	}
	sameSnapshot(t, "copy in beta", snapshot(t, site.Inst.DB, b.ID, "Imported/Team"), source)
	_, tree := folderTree(t, ed.In("beta"))
	pages := ed.In("beta").Get("pages/all/", url.Values{"folder_id": {idText(num(tree["Imported/Team"]["id"]))}}).Want(200).List()
	if len(pages) != 1 || pages[0]["title"] != "Plan" || num(pages[0]["subsite_id"]) != b.ID || !strings.Contains(pages[0]["url"].(string), "/@beta/") {
		t.Errorf("pages of the copy in beta = %v, want Plan in beta", pages)
	}
	// Copying Main into another subsite is allowed: it lands as a folder named Main.
	step, _ = copyAll(t, ed, map[string]any{"copy_path": "", "target_subsite_id": b.ID}, nil)
	if f := step["folder"].(map[string]any); f["path"] != "Main" || num(step["total"]) != 2 {
		t.Errorf("copy of alpha's Main into beta answered %v, want the folder Main with 2 pages", step)
	}
}

// A copy of 2,000 pages goes in batches of at most 100 folders and pages, survives a restart of
// the server between batches, and brings every page with its widgets, tags and place.
func TestFolderCopyLarge(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	src := site.Subsite("Source", "source")
	dst := site.Subsite("Target", "target")
	ed := site.User("Ed")
	site.Join(src, ed, people.RoleEditor)
	site.Join(dst, ed, people.RoleEditor)
	c := site.Client(site.Token(ed)).In("source")

	const n = 2000
	places := []string{"Big", "Big/A", "Big/A/Deep", "Big/B"}
	seed := make([]pages.SeedPage, n)
	for i := range seed {
		seed[i] = pages.SeedPage{Path: places[i%len(places)], Title: fmt.Sprintf("Page %04d", i),
			Texts: []string{fmt.Sprintf("intro %d", i), fmt.Sprintf("body of page %d", i)}}
		if i%7 == 0 {
			seed[i].Tags = []string{"seventh", fmt.Sprintf("t%d", i)}
		}
	}
	seed = append(seed, pages.SeedPage{Path: "Elsewhere", Title: "Not in Big", Texts: []string{"x"}})
	began := time.Now()
	ids, err := site.Inst.Pages.SeedPages(context.Background(), src, ed.ID, seed)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded %d pages in %v", len(ids), time.Since(began).Round(time.Millisecond))
	c.Post("pages/delete/"+idText(ids[4])+"/", nil).Want(200)
	c.Post("folder/create/", map[string]any{"path": "Big/Empty"}).Want(200)
	source := snapshot(t, site.Inst.DB, src.ID, "Big")
	if len(source) != n-1 {
		t.Fatalf("source has %d live pages, want %d", len(source), n-1)
	}

	var times []time.Duration
	last := time.Now()
	step, batches := copyAll(t, c, map[string]any{"copy_path": "Big", "target_subsite_id": dst.ID, "target_path": "Copies"}, func(batch int) {
		times = append(times, time.Since(last))
		if batch == 7 {
			site.Restart() // the next batch continues from the answer alone
		}
		last = time.Now()
	})
	// 4 subfolders and 1,999 pages, 100 to a batch.
	if want := int(math.Ceil(float64(4+n-1) / 100)); batches != want {
		t.Errorf("copy took %d batches, want %d", batches, want)
	}
	if num(step["copied"]) != n-1 || num(step["total"]) != n-1 || step["folder"].(map[string]any)["path"] != "Copies/Big" {
		t.Errorf("last answer %v, want Copies/Big with %d of %d copied", step, n-1, n-1)
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	var sum time.Duration
	for _, d := range times {
		sum += d
	}
	t.Logf("%d batches: min %v, median %v, max %v, mean %v per batch", batches, times[0].Round(time.Millisecond),
		times[len(times)/2].Round(time.Millisecond), times[len(times)-1].Round(time.Millisecond), (sum / time.Duration(len(times))).Round(time.Millisecond))

	sameSnapshot(t, "copy of Big", snapshot(t, site.Inst.DB, dst.ID, "Copies/Big"), source)
	_, tree := folderTree(t, c.In("target"))
	for _, path := range []string{"Copies/Big/A/Deep", "Copies/Big/B", "Copies/Big/Empty"} {
		if tree[path] == nil {
			t.Errorf("the copy lacks folder %q", path)
		}
	}
	if tree["Copies/Big/Elsewhere"] != nil || tree["Copies/Big/A"]["page_count"] != float64(500) {
		t.Errorf("copy's folders: Elsewhere %v (want none), Big/A %v (want 500 pages)", tree["Copies/Big/Elsewhere"], tree["Copies/Big/A"])
	}
	// One page through the API, as a client sees it.
	list := c.In("target").Get("pages/all/", url.Values{"folder_id": {idText(num(tree["Copies/Big"]["id"]))}, "limit": {"1"}}).Want(200).List()
	got := c.In("target").Get("pages/get/" + idText(num(list[0]["id"])) + "/").Want(200).Object()
	if col := got["json"].([]any)[0].([]any); len(col) != 2 || !strings.HasPrefix(col[1].(map[string]any)["text"].(string), "body of page") {
		t.Errorf("copied page %v has widgets %v, want its two paragraphs", got["title"], col)
	}
}

// More subfolders than a batch holds are copied over several batches, and a batch sent twice
// (a client retrying after a lost answer) copies nothing twice.
func TestFolderCopyManyFoldersAndRetry(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	sub := site.Subsite("Wiki", "wiki")
	ed, c := site.Member("Ed", sub, people.RoleEditor)
	seed := make([]pages.SeedPage, 150)
	for i := range seed {
		seed[i] = pages.SeedPage{Path: fmt.Sprintf("Many/F%03d", i), Title: fmt.Sprintf("P%03d", i), Texts: []string{fmt.Sprint("text ", i)}}
	}
	if _, err := site.Inst.Pages.SeedPages(context.Background(), sub, ed.ID, seed); err != nil {
		t.Fatal(err)
	}
	source := snapshot(t, site.Inst.DB, sub.ID, "Many")

	// 150 subfolders, then 150 pages: 100 folders; 50 folders and 50 pages; 100 pages.
	first := c.Post("folder/copy/", map[string]any{"copy_path": "Many", "target_path": "Copy"}).Want(200).Object()
	more := first["more"].(map[string]any)
	if more["after_path"] != "F099" || more["after_page_id"] != nil || num(first["copied"]) != 0 {
		t.Fatalf("first batch answered %v, want 100 folders copied (after F099) and no page", first)
	}
	second := c.Post("folder/copy/", more).Want(200).Object()
	retried := c.Post("folder/copy/", more).Want(200).Object()
	if num(second["copied"]) != 50 || fmt.Sprint(retried["more"]) != fmt.Sprint(second["more"]) || num(retried["copied"]) != 50 {
		t.Fatalf("second batch %v and its retry %v: want 50 pages copied and the same next step", second, retried)
	}
	last, batches := copyAll(t, c, retried["more"].(map[string]any), nil)
	if batches != 1 || num(last["copied"]) != 150 {
		t.Errorf("the rest took %d batches and answered %v, want 1 batch and 150 copied", batches, last)
	}
	sameSnapshot(t, "copy of Many", snapshot(t, site.Inst.DB, sub.ID, "Copy/Many"), source)
	if tree, _ := folderTree(t, c); len(tree) != 1+2*151+1 {
		t.Errorf("tree has %d folders, want Main, Many and Copy/Many with 150 subfolders each, and Copy", len(tree))
	}

	// The copy may not nest deeper than folders may.
	c.Post("folder/create/", map[string]any{"path": "1/2/3/4/5/6/7/8/9/10/11"}).Want(200)
	e := c.Post("folder/copy/", map[string]any{"copy_path": "Many", "target_path": "1/2/3/4/5/6/7/8/9/10/11"}).Error(400, "invalid_request")
	if !strings.Contains(e["error"].(string), "deep") {
		t.Errorf("copy too deep: %v, want a message about depth", e["error"])
	}
	c.Post("folder/copy/", map[string]any{"copy_path": "Many/F001", "target_path": "1/2/3/4/5/6/7/8/9/10/11"}).Want(200)
}

// Copying X into Y while Y is copied into X, batch by batch in turn, ends: each copy takes what
// its source held when it began (Y's copy of X holds X as it was; X's copy of Y holds Y with the
// part of X's copy made by then), and no folder nests deeper than the limit. What a copy takes is
// kept by the server: a client that drops the marks that earlier versions put in "more", or
// sends its own, changes nothing.
func TestFolderCopiesIntoEachOther(t *testing.T) {
	t.Parallel()
	for _, client := range []struct {
		name string
		edit func(more map[string]any, copyID int64)
	}{
		{"posts more as it is", func(map[string]any, int64) {}},
		{"drops the marks", func(more map[string]any, _ int64) { delete(more, "max_folder_id"); delete(more, "max_page_id") }},
		{"raises the marks", func(more map[string]any, copyID int64) {
			more["max_folder_id"], more["max_page_id"] = copyID-1, int64(1)<<40
		}},
		{"lowers the marks", func(more map[string]any, _ int64) { more["max_folder_id"], more["max_page_id"] = 1, 1 }},
	} {
		t.Run(client.name, func(t *testing.T) {
			t.Parallel()
			site := apptest.Start(t)
			sub := site.Subsite("Wiki", "wiki")
			ed, c := site.Member("Ed", sub, people.RoleEditor)
			var seed []pages.SeedPage
			for i := range 300 {
				for _, top := range []string{"X", "Y"} {
					seed = append(seed, pages.SeedPage{Path: fmt.Sprintf("%s/S%d", top, i%3), Title: fmt.Sprintf("%s%03d", top, i),
						Texts: []string{fmt.Sprint("text ", i)}})
				}
			}
			if _, err := site.Inst.Pages.SeedPages(context.Background(), sub, ed.ID, seed); err != nil {
				t.Fatal(err)
			}
			xBefore := snapshot(t, site.Inst.DB, sub.ID, "X")
			next := func(step map[string]any) map[string]any {
				more := step["more"].(map[string]any)
				client.edit(more, num(more["new_folder_id"]))
				return c.Post("folder/copy/", more).Want(200).Object()
			}

			a := c.Post("folder/copy/", map[string]any{"copy_path": "X", "target_path": "Y"}).Want(200).Object()
			yAtB := snapshot(t, site.Inst.DB, sub.ID, "Y") // Y, with the first batch of X's copy, as B begins
			b := c.Post("folder/copy/", map[string]any{"copy_path": "Y", "target_path": "X"}).Want(200).Object()
			for steps := 0; a["more"] != false || b["more"] != false; steps++ {
				if steps > 20 {
					t.Fatalf("the copies are still going after %d batches each: %v and %v", steps, a["more"], b["more"])
				}
				if a["more"] != false {
					a = next(a)
				}
				if b["more"] != false {
					b = next(b)
				}
			}
			sameSnapshot(t, "Y's copy of X", snapshot(t, site.Inst.DB, sub.ID, "Y/X"), xBefore)
			sameSnapshot(t, "X's copy of Y", snapshot(t, site.Inst.DB, sub.ID, "X/Y"), yAtB)
			if num(a["total"]) != 300 || num(b["total"]) != int64(len(yAtB)) {
				t.Errorf("totals %v and %v, want 300 and %d", a["total"], b["total"], len(yAtB))
			}
			tree, _ := folderTree(t, c)
			for _, f := range tree {
				if d := strings.Count(f["path"].(string), "/") + 1; d > 4 {
					t.Errorf("folder %q nests %d deep; the copies made at most X/Y/X/S0", f["path"], d)
				}
			}
		})
	}
}

// A step goes on only with a copy under way, of the folder it names: a folder that is not a copy
// (or one an earlier version began, which kept no marks), or a copy of another folder, is a 400
// that changes nothing.
func TestFolderCopyStepNeedsItsCopy(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	sub := site.Subsite("Wiki", "wiki")
	ed, c := site.Member("Ed", sub, people.RoleEditor)
	var seed []pages.SeedPage
	for i := range 120 {
		seed = append(seed, pages.SeedPage{Path: "Src", Title: fmt.Sprintf("P%03d", i), Texts: []string{"x"}})
	}
	seed = append(seed, pages.SeedPage{Path: "Other", Title: "Other page", Texts: []string{"y"}})
	if _, err := site.Inst.Pages.SeedPages(context.Background(), sub, ed.ID, seed); err != nil {
		t.Fatal(err)
	}
	more := c.Post("folder/copy/", map[string]any{"copy_path": "Src", "target_path": "Dst"}).Want(200).Object()["more"].(map[string]any)
	if _, ok := more["max_page_id"]; ok {
		t.Errorf("more %v carries marks; the server keeps them", more)
	}
	_, tree := folderTree(t, c)
	plain := c.Post("folder/create/", map[string]any{"path": "Plain"}).Want(200).ID()
	for _, tc := range []struct {
		name, field string
		edit        func(m map[string]any)
	}{
		{"a folder that is not a copy", "new_folder_id", func(m map[string]any) { m["new_folder_id"] = plain }},
		{"the source folder itself", "new_folder_id", func(m map[string]any) { m["new_folder_id"] = num(tree["Src"]["id"]) }},
		{"another source", "copy_folder_id", func(m map[string]any) { m["copy_folder_id"] = num(tree["Other"]["id"]) }},
	} {
		body := map[string]any{}
		for k, v := range more {
			body[k] = v
		}
		tc.edit(body)
		if e := c.Post("folder/copy/", body).Error(400, "invalid_request"); e["field"] != tc.field {
			t.Errorf("%s: error on %v, want %q: %v", tc.name, e["field"], tc.field, e["error"])
		}
	}
	last, _ := copyAll(t, c, more, nil)
	if num(last["copied"]) != 120 || num(last["total"]) != 120 {
		t.Errorf("the copy ended with %v, want 120 of 120 pages", last)
	}
	sameSnapshot(t, "copy of Src", snapshot(t, site.Inst.DB, sub.ID, "Dst/Src"), snapshot(t, site.Inst.DB, sub.ID, "Src"))
}

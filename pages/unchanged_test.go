package pages_test

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"quire/app/apptest"
)

// TestUpdateThatChangesNothing: every update endpoint, given nothing new, answers the widget's
// current version and adds none, and the page does not count as changed; a real change still
// makes a version.
func TestUpdateThatChangesNothing(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	site.Inst.DB.Now = (&stepClock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}).Now // each write a later time
	c := site.Client(site.OwnerTk)
	p := newPage(t, c, "Steady", column{para("<p>Hello <b>there</b></p>"), head("Title", "h2"),
		{"classname": "Form", "fields": []map[string]any{{"label": "Name", "required": true}, {"label": "Room", "type": "select", "options": []string{"North", "South"}}}}})
	para, heading, form := p.JSON[0][0], p.JSON[0][1], p.JSON[0][2]
	var img widget
	c.Upload(fmt.Sprintf("page/%d/image/create/", p.ID), map[string]string{"caption": "The office"}, "o.png",
		bytes.NewReader(pngBytes(t, 100))).Want(200).Decode(&img)
	var att widget
	c.Upload(fmt.Sprintf("page/%d/attachment/create/", p.ID), nil, "notes.txt", strings.NewReader("first notes")).Want(200).Decode(&att)
	c.Upload(widgetURL(p.ID, "attachment", "update", att.ID), nil, "more.txt", strings.NewReader("more notes")).Want(200)
	// A change to be restored later: paragraph version 2, whose first version is restored below.
	v2 := decodeWidget(t, c.Post(widgetURL(p.ID, "paragraph", "update", para.ID), map[string]any{"widget": map[string]any{"val": "<p>v2</p>"}}))

	tests := []struct {
		name, kind string
		cur        widget
		send       func(id int64) *apptest.Response
	}{
		{"empty widget object", "paragraph", v2, func(id int64) *apptest.Response {
			return c.Post(widgetURL(p.ID, "paragraph", "update", id), map[string]any{"widget": map[string]any{}})
		}},
		{"no body at all", "paragraph", v2, func(id int64) *apptest.Response {
			return c.Post(widgetURL(p.ID, "paragraph", "update", id), nil)
		}},
		{"the same value again", "paragraph", v2, func(id int64) *apptest.Response {
			return c.Post(widgetURL(p.ID, "paragraph", "update", id), map[string]any{"widget": map[string]any{"val": "<p>v2</p>", "format": "html"}})
		}},
		{"the same value written otherwise", "paragraph", v2, func(id int64) *apptest.Response {
			return c.Post(widgetURL(p.ID, "paragraph", "update", id), map[string]any{"val": "<P>v2"})
		}},
		{"restore of the current version", "paragraph", v2, func(id int64) *apptest.Response {
			return c.Post(widgetURL(p.ID, "paragraph", "restore", id), map[string]any{"version_id": v2.ID})
		}},
		{"heading, same level and text", "heading", heading, func(id int64) *apptest.Response {
			return c.Post(widgetURL(p.ID, "heading", "update", id), map[string]any{"widget": map[string]any{"val": "Title", "heading": "h2"}})
		}},
		{"form, same fields", "form", form, func(id int64) *apptest.Response {
			return c.Post(widgetURL(p.ID, "form", "update", id), map[string]any{"fields": []map[string]any{
				{"label": "Name", "required": true}, {"label": "Room", "type": "select", "options": []string{"North", "South"}}}})
		}},
		{"form, nothing", "form", form, func(id int64) *apptest.Response {
			return c.Post(widgetURL(p.ID, "form", "update", id), map[string]any{})
		}},
		{"image, same caption", "image", img, func(id int64) *apptest.Response {
			return c.Upload(widgetURL(p.ID, "image", "update", id), map[string]string{"caption": " The office "}, "", nil)
		}},
		{"image, same bytes and name", "image", img, func(id int64) *apptest.Response {
			return c.Upload(widgetURL(p.ID, "image", "update", id), nil, "o.png", bytes.NewReader(pngBytes(t, 100)))
		}},
		{"image, same bytes, name and caption", "image", img, func(id int64) *apptest.Response {
			return c.Upload(widgetURL(p.ID, "image", "update", id), map[string]string{"caption": "The office"}, "o.png", bytes.NewReader(pngBytes(t, 100)))
		}},
		{"attachment, the newest file again", "attachment", att, func(id int64) *apptest.Response {
			return c.Upload(widgetURL(p.ID, "attachment", "update", id), nil, "more.txt", strings.NewReader("more notes"))
		}},
		{"attachment, an older file again", "attachment", att, func(id int64) *apptest.Response {
			return c.Upload(widgetURL(p.ID, "attachment", "update", id), nil, "notes.txt", strings.NewReader("first notes"))
		}},
		{"move to the same column and position", "paragraph", v2, func(id int64) *apptest.Response {
			return c.Post(fmt.Sprintf("page/%d/widgets/move/", p.ID), map[string]any{"widget_id": id, "column": 0, "position": 0})
		}},
		{"move to the end of its column, where it is", "attachment", att, func(id int64) *apptest.Response {
			return c.Post(fmt.Sprintf("page/%d/widgets/move/", p.ID), map[string]any{"widget_id": id, "column": 0})
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := getPage(t, c, p.ID)
			files := countFiles(t, site)
			var versions []widget
			c.Get(widgetURL(p.ID, tc.kind, "versions", tc.cur.ID)).Want(200).Decode(&versions)
			got := decodeWidget(t, tc.send(tc.cur.ID))
			if got.ID != versions[0].ID || got.HTML != versions[0].HTML {
				t.Errorf("answered version %d %q; want the current one, %d %q", got.ID, got.HTML, versions[0].ID, versions[0].HTML)
			}
			var after []widget
			c.Get(widgetURL(p.ID, tc.kind, "versions", tc.cur.ID)).Want(200).Decode(&after)
			if len(after) != len(versions) {
				t.Errorf("%d versions after, %d before; want no new one", len(after), len(versions))
			}
			now := getPage(t, c, p.ID)
			if now.UpdatedAt != before.UpdatedAt {
				t.Errorf("page updated_at moved from %s to %s", before.UpdatedAt, now.UpdatedAt)
			}
			if !reflect.DeepEqual(now.JSON, before.JSON) {
				t.Errorf("the page's widgets changed:\n got %+v\nwant %+v", now.JSON, before.JSON)
			}
			if n := countFiles(t, site); n != files {
				t.Errorf("%d file rows after, %d before; want no new one", n, files)
			}
		})
	}
	// A real change of each kind still makes a version, or moves the widget.
	before := getPage(t, c, p.ID).UpdatedAt
	moved := decodeWidget(t, c.Post(fmt.Sprintf("page/%d/widgets/move/", p.ID), map[string]any{"widget_id": att.ID, "column": 0, "position": 0}))
	if after := getPage(t, c, p.ID); moved.Position != 0 || after.JSON[0][0].ID != moved.ID || after.UpdatedAt == before {
		t.Errorf("a real move answered %+v; page updated_at %s, was %s", moved, after.UpdatedAt, before)
	}
	renamed := decodeWidget(t, c.Upload(widgetURL(p.ID, "image", "update", img.ID), nil, "office.png", bytes.NewReader(pngBytes(t, 100))))
	readded := decodeWidget(t, c.Upload(widgetURL(p.ID, "attachment", "update", att.ID), nil, "notes (2).txt", strings.NewReader("first notes")))
	if renamed.ID == img.ID || readded.ID == att.ID {
		t.Errorf("the same bytes under another name made no version: image %d (was %d), attachment %d (was %d)", renamed.ID, img.ID, readded.ID, att.ID)
	}
	// Restoring the first version is a change.
	restored := decodeWidget(t, c.Post(widgetURL(p.ID, "paragraph", "restore", para.ID), map[string]any{"version_id": para.ID}))
	if restored.ID == v2.ID || restored.HTML != para.HTML {
		t.Errorf("restore of version 1: %+v; want a new version holding %q", restored, para.HTML)
	}
}

// countFiles returns how many file rows the site holds.
func countFiles(t *testing.T, site *apptest.Site) int {
	t.Helper()
	var n int
	if err := site.Inst.DB.R.QueryRow(`SELECT COUNT(*) FROM files`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

package pages_test

import (
	"bytes"
	"fmt"
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
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := getPage(t, c, p.ID)
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
			if now := getPage(t, c, p.ID); now.UpdatedAt != before.UpdatedAt {
				t.Errorf("page updated_at moved from %s to %s", before.UpdatedAt, now.UpdatedAt)
			}
		})
	}
	// Restoring the first version is a change.
	restored := decodeWidget(t, c.Post(widgetURL(p.ID, "paragraph", "restore", para.ID), map[string]any{"version_id": para.ID}))
	if restored.ID == v2.ID || restored.HTML != para.HTML {
		t.Errorf("restore of version 1: %+v; want a new version holding %q", restored, para.HTML)
	}
}

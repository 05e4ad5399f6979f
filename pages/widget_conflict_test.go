package pages_test

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"quire/app/apptest"
	"quire/people"
)

// TestEditConflict: two editors save from the same version; the second save is refused with 409
// edit_conflict naming the newer version, changes nothing, and goes through when sent again on
// top of it. For paragraphs and headings alike, as JSON and as a form.
func TestEditConflict(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	ann := s.Client(s.OwnerTk).In("home")
	_, bob := s.Member("Bob", s.Home(), people.RoleEditor)
	p := newPage(t, ann, "Shared", column{para("first"), head("Title", "h2")})
	for _, tc := range []struct {
		kind string
		w    widget
		form bool
	}{
		{"paragraph", p.JSON[0][0], false},
		{"heading", p.JSON[0][1], true},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			base := tc.w.ID
			u := widgetURL(p.ID, tc.kind, "update", base)
			post := func(c *apptest.Client, val string, base int64) *apptest.Response {
				if tc.form {
					body := url.Values{"val": {val}, "base_version_id": {fmt.Sprint(base)}}
					return c.PostRaw(u, "application/x-www-form-urlencoded", body.Encode())
				}
				return c.Post(u, map[string]any{"val": val, "base_version_id": base})
			}
			annSaved := decodeWidget(t, post(ann, "Ann's text", base))
			m := post(bob, "Bob's text", base).Error(409, "edit_conflict")
			if m["field"] != "base_version_id" || !strings.Contains(m["error"].(string), fmt.Sprintf("version %d", annSaved.ID)) ||
				!strings.Contains(m["error"].(string), "Owner") {
				t.Errorf("conflict %v: want the field, the newer version %d and its author", m, annSaved.ID)
			}
			var versions []widget
			ann.Get(widgetURL(p.ID, tc.kind, "versions", base)).Want(200).Decode(&versions)
			if len(versions) != 2 || versions[0].ID != annSaved.ID || versions[0].Text != "Ann's text" {
				t.Fatalf("after the refusal: %d versions, newest %+v; want Ann's on top of the first", len(versions), versions[0])
			}
			// Keep mine: send again on top of the version the conflict named.
			bobSaved := decodeWidget(t, post(bob, "Bob's text", annSaved.ID))
			if bobSaved.Text != "Bob's text" || *bobSaved.VersionOfID != base || bobSaved.CreatedBy.Name != "Bob" {
				t.Errorf("kept on top: %+v", bobSaved)
			}
			// An old version's id as the base after that is a conflict too; the first id works as
			// the widget's address, not as a base.
			post(ann, "late", annSaved.ID).Error(409, "edit_conflict")
			// No base: last save wins, as before.
			if w := decodeWidget(t, ann.Post(u, map[string]any{"val": "no base"})); w.Text != "no base" {
				t.Errorf("without base_version_id: %q", w.Text)
			}
		})
	}
	t.Run("not a version of the widget", func(t *testing.T) {
		other := newPage(t, ann, "Other")
		u := widgetURL(p.ID, "paragraph", "update", p.JSON[0][0].ID)
		for _, base := range []any{other.JSON[0][0].ID, 999999, p.JSON[0][1].ID} {
			m := ann.Post(u, map[string]any{"val": "x", "base_version_id": base}).Error(400, "invalid_request")
			if m["field"] != "base_version_id" {
				t.Errorf("base %v: field %v", base, m["field"])
			}
		}
		ann.Post(u, map[string]any{"val": "x", "base_version_id": "abc"}).Error(400, "invalid_request")
		if got := widgetTexts(getPage(t, ann, p.ID)); !reflect.DeepEqual(got, []string{"no base", "no base"}) {
			t.Errorf("refusals changed the page: %v", got)
		}
	})
}

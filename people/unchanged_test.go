package people_test

import (
	"fmt"
	"testing"

	"quire/app/apptest"
	"quire/people"
)

// peopleEpoch reads the counter every write to users, memberships and subsites moves, which
// empties the permission caches of every process.
func peopleEpoch(t *testing.T, site *apptest.Site) int64 {
	t.Helper()
	var n int64
	if err := site.Inst.DB.R.QueryRow(`SELECT n FROM epochs WHERE name = 'people'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPeopleWritesThatChangeNothing: a membership or subsite write that gives what is there
// already answers the current state and writes nothing; a real change still writes.
func TestPeopleWritesThatChangeNothing(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	eng := site.Subsite("Engineering", "eng")
	_, adminC := site.Member("Admin", eng, people.RoleAdmin)
	vic, _ := site.Member("Vic", eng, people.RoleViewer)
	owner := site.Client(site.OwnerTk)
	subsitePath := fmt.Sprintf("subsites/update/%d/", eng.ID)
	tests := []struct {
		name, path string
		body       map[string]any
		check      func(w personWrite) bool
	}{
		{"set_permission to the role held", fmt.Sprintf("people/set_permission/%d/", vic.ID), map[string]any{"role": "viewer"},
			func(w personWrite) bool { return str(w.User.Role) == "viewer" }},
		{"set_notifications to the level held", fmt.Sprintf("people/set_notifications/%d/", vic.ID), map[string]any{"notifications": "on"},
			func(w personWrite) bool { return str(w.User.Notifications) == "on" }},
		{"add_to_subsite of a member, no role", fmt.Sprintf("people/add_to_subsite/%d/", vic.ID), map[string]any{},
			func(w personWrite) bool { return str(w.User.Role) == "viewer" }},
		{"add_to_subsite of a member, the role held", fmt.Sprintf("people/add_to_subsite/%d/", vic.ID), map[string]any{"role": "viewer"},
			func(w personWrite) bool { return str(w.User.Role) == "viewer" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := peopleEpoch(t, site)
			var w personWrite
			adminC.Post(tc.path, tc.body).Want(200).Decode(&w)
			if !w.Success || w.User.ID != vic.ID || !tc.check(w) {
				t.Errorf("answered %+v; want Vic as he is", w)
			}
			if after := peopleEpoch(t, site); after != before {
				t.Errorf("the people epoch moved from %d to %d: the membership was written", before, after)
			}
		})
	}
	t.Run("subsites/update with the values held", func(t *testing.T) {
		var cur subsite
		owner.Post(subsitePath, map[string]any{"description": "Builders\nof things"}).Want(200).Decode(&cur)
		before := peopleEpoch(t, site)
		var got subsite
		owner.Post(subsitePath, map[string]any{"title": " Engineering ", "description": "Builders\r\nof things",
			"default_role": cur.DefaultRole, "auto_join": cur.AutoJoin}).Want(200).Decode(&got)
		if got != cur {
			t.Errorf("answered %+v; want %+v", got, cur)
		}
		if after := peopleEpoch(t, site); after != before {
			t.Errorf("the people epoch moved from %d to %d: the subsite was written", before, after)
		}
	})
	t.Run("real changes still write", func(t *testing.T) {
		before := peopleEpoch(t, site)
		var w personWrite
		adminC.Post(fmt.Sprintf("people/set_permission/%d/", vic.ID), map[string]any{"role": "editor"}).Want(200).Decode(&w)
		if str(w.User.Role) != "editor" {
			t.Errorf("set_permission answered %+v", w)
		}
		adminC.Post(fmt.Sprintf("people/add_to_subsite/%d/", vic.ID), map[string]any{"role": "admin"}).Want(200).Decode(&w)
		if str(w.User.Role) != "admin" {
			t.Errorf("add_to_subsite answered %+v", w)
		}
		var got subsite
		owner.Post(subsitePath, map[string]any{"title": "Engineering", "auto_join": true}).Want(200).Decode(&got)
		if !got.AutoJoin {
			t.Errorf("subsites/update answered %+v", got)
		}
		if after := peopleEpoch(t, site); after < before+3 {
			t.Errorf("the people epoch moved from %d to %d after three changes", before, after)
		}
	})
}

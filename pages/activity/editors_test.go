package activity_test

import (
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"quire/app/api"
	"quire/app/apptest"
	"quire/pages"
	"quire/pages/activity"
	"quire/people"
)

// setClock is a clock that tests move by hand.
type setClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *setClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *setClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// TestPageEditors: who has a page open for editing is kept in the database, each person sees the
// others, and a person drops out EditorTTL after their last refresh, or when they stop.
func TestPageEditors(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	clock := &setClock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	s.Inst.DB.Now = clock.Now
	ctx, svc, home := t.Context(), &activity.Service{Pages: s.Inst.Pages}, s.Home()
	actor := func(token string) *people.Actor {
		a, err := s.Inst.People.Authenticate(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	member := func(name string, role people.Role) *people.Actor {
		u := s.User(name)
		s.Join(home, u, role)
		return actor(s.Token(u))
	}
	ann, bob, vic := member("Ann", people.RoleEditor), member("Bob", people.RoleEditor), member("Vic", people.RoleViewer)
	p := s.Client(s.OwnerTk).In("home").Post("pages/create/", map[string]any{"title": "Busy", "json": [][]any{{}}}).Want(200).ID()
	names := func(refs []api.UserRef, err error) []string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, r := range refs {
			out = append(out, r.Name)
		}
		return out
	}
	check := func(what string, got, want []string) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %q, want %q", what, got, want)
		}
	}
	check("Ann opens", names(svc.MarkEditing(ctx, ann, home, p)), []string{})
	clock.Add(10 * time.Second)
	check("Bob opens", names(svc.MarkEditing(ctx, bob, home, p)), []string{"Ann"})
	check("a reader sees", names(svc.PageEditors(ctx, vic, home, p)), []string{"Bob", "Ann"})
	clock.Add(activity.EditorTTL - 5*time.Second) // Ann's last refresh is EditorTTL+5s old
	check("Bob refreshes", names(svc.MarkEditing(ctx, bob, home, p)), []string{})
	check("Ann refreshes", names(svc.MarkEditing(ctx, ann, home, p)), []string{"Bob"})
	if err := svc.StopEditing(ctx, bob, home, p); err != nil {
		t.Fatal(err)
	}
	check("Bob closed", names(svc.MarkEditing(ctx, ann, home, p)), []string{})
	var refused *api.Error
	if _, err := svc.MarkEditing(ctx, vic, home, p); !errors.As(err, &refused) || refused.Code != api.CodeForbidden {
		t.Errorf("a viewer marks editing: %v, want forbidden", err)
	}
	if _, err := svc.MarkEditing(ctx, ann, home, 999999); err != pages.ErrPageNotFound {
		t.Errorf("no such page: %v", err)
	}
}

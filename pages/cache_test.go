package pages_test

import (
	"context"
	"testing"

	"quire/app/apptest"
	"quire/people"
)

// The server caches actors and subsites per people epoch; every change that matters, made by any
// process, must show on the very next request.
func TestCachedAuthFollowsChanges(t *testing.T) {
	site := apptest.Start(t)
	eng := site.Subsite("Engineering", "eng")
	u, c := site.Member("Cache Carol", eng, people.RoleEditor)
	ctx := context.Background()

	c.Get("pages/all/").Want(200)
	c.Get("pages/all/").Want(200) // served from the cache

	// A role change: editor to viewer, then out.
	site.Join(eng, u, people.RoleViewer)
	c.Post("pages/create/", map[string]any{"title": "x", "json": para("x")}).Error(403, "forbidden")
	site.Join(eng, u, people.RoleNone)
	c.Get("pages/all/").Error(404, "not_found")

	// A subsite created after the cache was filled is found at once.
	site.Subsite("Later", "later")
	site.Client(site.OwnerTk).In("later").Get("pages/all/").Want(200)

	// A token revoked through the CLI, another process's way of writing, fails at once.
	token := site.Token(u)
	home := site.Client(token)
	home.Get("pages/all/").Want(200)
	tok, err := site.Inst.People.FindTokenBySecret(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := site.CLI("token", "revoke", "--token", token); code != 0 {
		t.Fatalf("token revoke: %s", stderr)
	}
	home.Get("pages/all/").Error(401, "invalid_token")
	_ = tok

	// A deleted person's other tokens fail at once.
	other := site.Token(u)
	site.Client(other).Get("pages/all/").Want(200)
	if _, err := site.Inst.People.DeleteUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	site.Client(other).Get("pages/all/").Error(401, "invalid_token")
}

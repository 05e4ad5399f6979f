package pages_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"quire/app/apptest"
	"quire/people"
)

// The server caches actors and subsites per people epoch; every change that matters, made by any
// process, must show on the very next request.
func TestCachedAuthFollowsChanges(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	eng := site.Subsite("Engineering", "eng")
	u, c := site.Member("Cache Carol", eng, people.RoleEditor)
	ctx := context.Background()

	c.Get("pages/all/").Want(200)
	c.Get("pages/all/").Want(200) // served from the cache

	// A role change: editor to viewer, then out.
	site.Join(eng, u, people.RoleViewer)
	c.Post("pages/create/", map[string]any{"title": "x", "json": body1("x")}).Error(403, "forbidden")
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

func TestAvatars(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	board := site.Subsite("Board", "board")
	alone, _ := site.Member("Zed Alone", board, people.RoleViewer)
	site.Join(site.Home(), alone, people.RoleNone)
	ada, ac := site.Member("Ada Lovelace", site.Home(), "")
	r := ac.Get("/avatar/" + itoa(ada.ID) + ".svg").Want(200)
	if r.Header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(string(r.Body), ">AL</text>") {
		t.Errorf("avatar: %s %s", r.Header.Get("Content-Type"), r.Body)
	}
	ac.Get("/avatar/"+itoa(alone.ID)+".svg").Error(404, "not_found") // shares no subsite with Ada
	site.Client(site.OwnerTk).Get("/avatar/" + itoa(alone.ID) + ".svg").Want(200)
	site.Client("").Get("/avatar/"+itoa(ada.ID)+".svg").Error(401, "invalid_token")
	var person []map[string]any
	ac.Get("people/all/").Want(200).Decode(&person)
	for _, p := range person {
		if !strings.HasSuffix(p["avatar_large"].(string), "/avatar/"+itoa(int64(p["id"].(float64)))+".svg") {
			t.Errorf("avatar_large %v", p["avatar_large"])
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

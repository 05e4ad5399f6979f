package pages_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"quire/app/apptest"
	"quire/pages"
	"quire/people"
)

// ReadPage and ReadPageBySlug, the reads the web UI shows a page with, give the page that
// pages/get answers (the same JSON, byte for byte), and the same errors: a page of another
// subsite or in the trash is not found, and a subsite the caller is not in is not found either.
func TestReadPageIsPagesGet(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	ctx := context.Background()
	home := site.Home()
	other := site.Subsite("Other", "other")
	viewer, _ := site.Member("Vera Viewer", home, people.RoleViewer)
	asViewer := people.NewActor(viewer, nil, map[int64]people.Role{home.ID: people.RoleViewer})
	owner := site.Client(site.OwnerTk)
	svc := site.Inst.Pages

	var made page
	owner.Post("pages/create/", map[string]any{"title": "Read me", "json": [][]any{
		{map[string]any{"classname": "Heading", "val": "Hi"}},
		{map[string]any{"classname": "Paragraph", "val": "<p>Two <b>columns</b></p>"}}}}).Want(200).Decode(&made)
	trashed := owner.Post("pages/create/", map[string]any{"title": "Gone", "json": [][]any{{}}}).Want(200).ID()
	owner.Post(fmt.Sprintf("pages/delete/%d/", trashed), nil).Want(200)
	want := owner.Get(fmt.Sprintf("pages/get/%d/", made.ID)).Want(200).Body

	byID, err := svc.ReadPage(ctx, asViewer, home, made.ID)
	if err != nil {
		t.Fatal(err)
	}
	bySlug, err := svc.ReadPageBySlug(ctx, asViewer, home, made.Slug)
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]*pages.Page{"ReadPage": byID, "ReadPageBySlug": bySlug} {
		if got, err := json.Marshal(p); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s gives %s (%v); pages/get answers %s", name, got, err, want)
		}
	}

	for _, tc := range []struct {
		name string
		read func() (*pages.Page, error)
		want error
	}{
		{"trashed page", func() (*pages.Page, error) { return svc.ReadPage(ctx, asViewer, home, trashed) }, pages.ErrPageNotFound},
		{"page of another subsite", func() (*pages.Page, error) { return svc.ReadPage(ctx, asViewer, other, made.ID) }, people.ErrNotFound},
		{"unknown slug", func() (*pages.Page, error) { return svc.ReadPageBySlug(ctx, asViewer, home, "no-such-page") }, pages.ErrPageNotFound},
		{"trashed slug", func() (*pages.Page, error) { return svc.ReadPageBySlug(ctx, asViewer, home, "gone") }, pages.ErrPageNotFound},
		{"slug in a subsite not joined", func() (*pages.Page, error) { return svc.ReadPageBySlug(ctx, asViewer, other, made.Slug) }, people.ErrNotFound},
	} {
		if p, err := tc.read(); !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, %v; want %v", tc.name, p, err, tc.want)
		}
	}
}

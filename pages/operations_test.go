package pages_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"quire/app/api"
	"quire/app/apptest"
	"quire/pages"
	"quire/people"
	"quire/widgets"
)

// TestCreatePageOperationIsTheAPIs makes a page through pages/create and through the operation
// it calls (pages.Service.CreatePage, as the bench and the web UI call it), with the same input,
// and checks that both make the same page and tell the members of it; and that the operation
// checks the caller's role and the input itself, whoever calls it.
func TestCreatePageOperationIsTheAPIs(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	ctx := context.Background()
	home := site.Home()
	editor, ed := site.Member("Edda Editor", home, people.RoleEditor)
	reader, _ := site.Member("Rita Reader", home, people.RoleViewer)
	svc := site.Inst.Pages
	asEditor := people.NewActor(editor, nil, map[int64]people.Role{home.ID: people.RoleEditor})
	asReader := people.NewActor(reader, nil, map[int64]people.Role{home.ID: people.RoleViewer})
	text := "<p>Hello</p>"
	paragraph, err := widgets.NewContent(widgets.Paragraph, widgets.Input{Val: &text})
	if err != nil {
		t.Fatal(err)
	}
	path := "Ops/Runbooks"
	newPage := func(title string) pages.NewPage {
		return pages.NewPage{Title: "  " + title + "  ", Tags: []string{"b", "A", "b"}, Layout: [][]int{{100}},
			Columns: [][]widgets.Content{{paragraph}}}
	}

	var viaAPI page
	ed.Post("pages/create/", map[string]any{"title": "  Made by the API  ", "tags": []string{"b", "A", "b"},
		"path": path, "json": [][]any{{map[string]any{"classname": "Paragraph", "val": text}}}}).Want(200).Decode(&viaAPI)
	made, err := svc.CreatePage(ctx, asEditor, home, newPage("Made by the operation"),
		pages.FolderChoice{Path: &path, PathField: "path"}, true)
	if err != nil {
		t.Fatal(err)
	}
	var viaOperation page
	ed.Get(fmt.Sprintf("pages/get/%d/", made.ID)).Want(200).Decode(&viaOperation)

	for _, tc := range []struct {
		title string
		got   page
	}{{"Made by the API", viaAPI}, {"Made by the operation", viaOperation}} {
		if tc.got.Title != tc.title || !reflect.DeepEqual(tc.got.Tags, []string{"A", "b"}) || tc.got.Category != path {
			t.Errorf("%s: title %q, tags %q, category %q; want %q, [A b], %q", tc.title, tc.got.Title, tc.got.Tags,
				tc.got.Category, tc.title, path)
		}
		if n := notificationsAbout(t, site, reader.ID, tc.title); n != 1 {
			t.Errorf("%s: %d notifications to a member, want 1", tc.title, n)
		}
	}

	for _, tc := range []struct {
		name     string
		actor    *people.Actor
		np       pages.NewPage
		wantCode string
	}{
		{"a viewer may not", asReader, newPage("Reader's page"), api.CodeForbidden},
		{"an empty title", asEditor, newPage(""), api.CodeInvalid},
		{"a layout without its columns", asEditor, pages.NewPage{Title: "No columns", Layout: [][]int{{50, 50}},
			Columns: [][]widgets.Content{{}}}, api.CodeInvalid},
	} {
		_, err := svc.CreatePage(ctx, tc.actor, home, tc.np, pages.FolderChoice{}, true)
		var coded interface{ ErrorCode() string }
		if !errors.As(err, &coded) || coded.ErrorCode() != tc.wantCode {
			t.Errorf("%s: %v, want a %s error", tc.name, err, tc.wantCode)
		}
	}
}

package pages_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"quire/app/apptest"
)

// TestParameterGivenTwiceIsRefused: a parameter given twice (in a form body, in the URL, in both,
// as a JSON key twice at any depth, inside "widget" and beside it) is a 400 naming it, and
// nothing is stored, rather than a 200 that keeps one of the values; PHP list keys still make one
// list.
func TestParameterGivenTwiceIsRefused(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	p := newPage(t, c, "Once", column{para("<p>original</p>")})
	create := fmt.Sprintf("page/%d/paragraph/create/", p.ID)
	update := widgetURL(p.ID, "paragraph", "update", p.JSON[0][0].ID)
	const form = "application/x-www-form-urlencoded"
	tests := []struct {
		name, path, ctype, body, field string
	}{
		{"form body", create, form, "val=first&val=second", "val"},
		{"URL", create + "?val=first&val=second", "", "", "val"},
		{"URL and form body", create + "?val=first", form, "val=second", "val"},
		{"URL and JSON body", update + "?val=first", "application/json", `{"widget": {"val": "second"}}`, "val"},
		{"JSON key twice", update, "application/json", `{"widget": {"val": "first", "val": "second"}}`, "widget.val"},
		{"inside widget and beside it", update, "application/json", `{"val": "first", "widget": {"val": "second"}}`, "val"},
		{"form widget[val] twice", update, form, "widget[val]=first&widget[val]=second", "widget[val]"},
		{"pages/create widget key twice", "pages/create/", "application/json",
			`{"title": "T", "json": [[{"classname": "Paragraph", "val": "first", "val": "second"}]]}`, "json[0][0].val"},
		{"pages/create title twice", "pages/create/", "application/json", `{"title": "A", "title": "B", "json": [[]]}`, "title"},
		{"pages/create json text in a form with a key twice", "pages/create/", form,
			`title=T&json=` + `[[{"classname":"Paragraph","val":"a","val":"b"}]]`, "json"},
		{"record field twice", fmt.Sprintf("pages/records/%d/", p.ID), form, "name=Ada&name=Grace", "name"},
		{"folder path twice", "folder/create/", form, "path=A&path=B", "path"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantInvalid(t, c.PostRaw(tc.path, tc.ctype, tc.body), tc.field)
		})
	}
	after := getPage(t, c, p.ID)
	if len(after.JSON[0]) != 1 || after.JSON[0][0].HTML != "<p>original</p>" || after.UpdatedAt != p.UpdatedAt {
		t.Errorf("the page changed: %+v", after.JSON)
	}
	var pages []page
	c.Get("pages/all/").Want(200).Decode(&pages)
	if len(pages) != 1 {
		t.Errorf("%d pages; a refused create made one", len(pages))
	}
	var tree []map[string]any
	c.Get("folder/tree/").Want(200).Decode(&tree)
	if len(tree) != 1 {
		t.Errorf("folders %v; a refused create made one", tree)
	}

	// An upload's caption in the URL and in the form.
	var img widget
	c.Upload(fmt.Sprintf("page/%d/image/create/", p.ID), map[string]string{"caption": "Kept"}, "a.png",
		bytes.NewReader(pngBytes(t, 7))).Want(200).Decode(&img)
	wantInvalid(t, c.Upload(widgetURL(p.ID, "image", "update", img.ID)+"?caption=URL", map[string]string{"caption": "Form"}, "", nil), "caption")
	c.Upload(widgetURL(p.ID, "image", "update", img.ID)+"?caption=Same", map[string]string{"caption": "Same"}, "", nil).Want(200)

	// PHP's list keys make one list, in order.
	var tagged page
	c.PostRaw("pages/create/", form, "title=Tagged&json=[[]]&tags[]=alpha&tags[]=beta").Want(200).Decode(&tagged)
	if strings.Join(tagged.Tags, ",") != "alpha,beta" {
		t.Errorf("tags[] made tags %q, want alpha,beta", tagged.Tags)
	}
}

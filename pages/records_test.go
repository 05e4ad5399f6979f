package pages_test

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"quire/app/apptest"
	"quire/people"
)

// signupFields is the form most tests use.
var signupFields = []map[string]any{
	{"label": "Name", "required": true},
	{"label": "Room", "type": "select", "options": []string{"North", "South"}},
	{"label": "Age", "type": "number"},
	{"label": "Email", "type": "email"},
	{"label": "Day", "type": "date"},
	{"label": "Notes", "type": "textarea"},
	{"label": "I agree", "name": "agree", "type": "checkbox", "required": true},
}

// formPage creates a page holding one Form widget through pages/create and returns the page's
// path segment ("12") and the form's widget id.
func formPage(t *testing.T, c *apptest.Client, title string, fields any) (string, int64) {
	t.Helper()
	page := c.Post("pages/create/", map[string]any{"title": title,
		"json": []any{[]any{map[string]any{"classname": "Form", "val": "Sign up for the trip", "fields": fields}}}}).Want(200).Object()
	form := page["json"].([]any)[0].([]any)[0].(map[string]any)
	return fmt.Sprint(page["id"]), int64(form["id"].(float64))
}

// values returns a record's fields as "label=value" (value <null> for null), in order.
func values(rec map[string]any) []string {
	var out []string
	for _, f := range rec["fields"].([]any) {
		f := f.(map[string]any)
		v := "<null>"
		if s, ok := f["value"].(string); ok {
			v = s
		}
		out = append(out, fmt.Sprintf("%s=%s", f["field"], v))
	}
	return out
}

// stepClock is a clock that moves one second each time it is read, so that records made one
// after the other have distinct times.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func TestFormThroughPagesCreate(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	pageID, formID := formPage(t, c, "Trip", signupFields)
	form := c.Get(fmt.Sprintf("page/%s/form/get/%d/", pageID, formID)).Want(200).Object()
	if form["classname"] != "Form" || form["text"] != "Sign up for the trip" {
		t.Errorf("form widget %v: want classname Form and the intro as text", form)
	}
	var names, labels []string
	for _, f := range form["fields"].([]any) {
		names = append(names, f.(map[string]any)["name"].(string))
		labels = append(labels, f.(map[string]any)["label"].(string))
	}
	if want := []string{"name", "room", "age", "email", "day", "notes", "agree"}; !reflect.DeepEqual(names, want) {
		t.Errorf("field names %v, want %v", names, want)
	}
	if want := []string{"Name", "Room", "Age", "Email", "Day", "Notes", "I agree"}; !reflect.DeepEqual(labels, want) {
		t.Errorf("field labels %v, want %v", labels, want)
	}

	bad := []struct {
		name      string
		widget    map[string]any
		wantField string
	}{
		{"no fields", map[string]any{"classname": "Form"}, "json[0][0].fields"},
		{"bad type", map[string]any{"classname": "Form", "fields": []any{map[string]any{"label": "a"}, map[string]any{"label": "b", "type": "colour"}}}, "json[0][0].fields[1].type"},
		{"styleclass", map[string]any{"classname": "Form", "fields": signupFields, "styleclass": "note"}, "json[0][0].styleclass"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			e := c.Post("pages/create/", map[string]any{"title": "Bad", "json": []any{[]any{tc.widget}}}).Error(400, "invalid_request")
			if e["field"] != tc.wantField {
				t.Errorf("error %v names %v, want %q", e["error"], e["field"], tc.wantField)
			}
		})
	}
}

func TestFormWidgetCalls(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	page := c.Post("pages/create/", map[string]any{"title": "Lunch", "json": [][]map[string]any{{{"classname": "Paragraph", "val": "Hi"}}}}).Want(200)
	base := fmt.Sprintf("page/%d/", page.ID())

	form := c.Post(base+"form/create/", map[string]any{"widget": map[string]any{"val": "Order lunch", "fields": []any{
		map[string]any{"label": "Dish", "type": "select", "options": []string{"Soup", "Salad"}, "required": true}}}}).Want(200).Object()
	first := int64(form["id"].(float64))
	if form["classname"] != "Form" || form["position"] != 1.0 || form["version_of_id"] != nil {
		t.Errorf("created form %v: want a first version after the paragraph", form)
	}
	updated := c.Post(fmt.Sprintf("%sform/update/%d/", base, first), map[string]any{"fields": []any{
		map[string]any{"label": "Dish", "type": "select", "options": []string{"Soup", "Salad", "Stew"}},
		map[string]any{"label": "Allergies", "type": "textarea"}}}).Want(200).Object()
	if updated["version_of_id"] != float64(first) || updated["text"] != "Order lunch" || len(updated["fields"].([]any)) != 2 {
		t.Errorf("updated form %v: want a new version of %d keeping the intro, with 2 fields", updated, first)
	}
	versions := c.Get(fmt.Sprintf("%sform/versions/%d/", base, first)).Want(200).List()
	if len(versions) != 2 {
		t.Errorf("%d versions, want 2", len(versions))
	}

	bad := []struct {
		name, path string
		body       map[string]any
		wantField  string
	}{
		{"create without fields", "form/create/", map[string]any{"val": "x"}, "fields"},
		{"create with fields not a list", "form/create/", map[string]any{"fields": "Name"}, "fields"},
		{"create with unknown key", "form/create/", map[string]any{"fields": signupFields, "heading": "h1"}, "heading"},
		{"create in a missing column", "form/create/", map[string]any{"fields": signupFields, "column": 3}, "column"},
		{"update with a bad option list", fmt.Sprintf("form/update/%d/", first), map[string]any{"fields": []any{
			map[string]any{"label": "Dish", "type": "select", "options": []string{}}}}, "fields[0].options"},
		{"update a paragraph as a form", "form/update/1/", map[string]any{"fields": signupFields}, ""},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			e := c.Post(base+tc.path, tc.body).Error(400, "invalid_request")
			if got, _ := e["field"].(string); got != tc.wantField {
				t.Errorf("error %v names %q, want %q", e["error"], got, tc.wantField)
			}
		})
	}
	if n := len(c.Get(fmt.Sprintf("%sform/versions/%d/", base, first)).Want(200).List()); n != 2 {
		t.Errorf("after refused updates: %d versions, want still 2", n)
	}
}

func TestSubmitRecord(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	pageID, formID := formPage(t, c, "Trip", signupFields)
	path := "pages/records/" + pageID + "/"
	want := []string{"Name=Ada", "Room=North", "Age=36", "Email=ada@example.com", "Day=2026-12-01", "Notes=", "I agree=true"}

	keyed := c.Post(path, map[string]any{"name": "Ada", "room": "north", "age": 36, "email": "ada@example.com",
		"day": "2026-12-01", "agree": true}).Want(200).Object()
	if got := values(keyed); !reflect.DeepEqual(got, want) {
		t.Errorf("keyed record fields %v, want %v", got, want)
	}
	by := keyed["created_by"].(map[string]any)
	if by["name"] != site.Owner.Name || keyed["widget_id"] != float64(formID) || keyed["created_at"] == "" {
		t.Errorf("record %v: want created_by the owner, widget_id %d and a time", keyed, formID)
	}

	listed := c.Post(path, map[string]any{"fields": []any{
		map[string]any{"field": "Name", "value": "Ada"}, map[string]any{"field": "room", "value": "North"},
		map[string]any{"field": "AGE", "value": "36"}, map[string]any{"field": "Email", "value": "ada@example.com"},
		map[string]any{"field": "day", "value": "2026-12-01"}, map[string]any{"field": "I agree", "value": "yes"}}}).Want(200).Object()
	if got := values(listed); !reflect.DeepEqual(got, want) {
		t.Errorf("listed record fields %v, want %v", got, want)
	}

	form := c.PostRaw(path, "application/x-www-form-urlencoded", "name=Bo+B%C3%B8&agree=on&notes=two%0D%0Alines").Want(200).Object()
	if got := values(form); got[0] != "Name=Bo Bø" || got[5] != "Notes=two\nlines" || got[6] != "I agree=true" {
		t.Errorf("form-encoded record fields %v", got)
	}

	if got := titles(searchResults(t, c, "ada", "cat", "Form")); strings.Join(got, "|") != "Form:Trip|Form:Trip" {
		t.Errorf("search finds records %v matching ada, want 2 titled Trip", got)
	}
}

func TestRecordValidation(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	pageID, _ := formPage(t, c, "Trip", signupFields)
	path := "pages/records/" + pageID + "/"
	ok := map[string]any{"name": "Ada", "agree": true}
	with := func(k string, v any) map[string]any {
		m := map[string]any{"name": "Ada", "agree": true}
		m[k] = v
		return m
	}
	cases := []struct {
		name      string
		body      map[string]any
		wantField string
	}{
		{"empty", map[string]any{}, "fields"},
		{"required missing", map[string]any{"agree": true}, "name"},
		{"required checkbox", with("agree", false), "agree"},
		{"unknown field", with("colour", "red"), "colour"},
		{"number", with("age", "old"), "age"},
		{"email", with("email", "ada@"), "email"},
		{"date", with("day", "01/12/2026"), "day"},
		{"select", with("room", "East"), "room"},
		{"checkbox", with("agree", "perhaps"), "agree"},
		{"text too long", with("name", strings.Repeat("a", 1001)), "name"},
		{"textarea too long", with("notes", strings.Repeat("a", 20001)), "notes"},
		{"list entry naming no field", map[string]any{"fields": []any{map[string]any{"field": "Colour", "value": "red"}}}, "fields[0].field"},
		{"list missing a required field", map[string]any{"fields": []any{map[string]any{"field": "Name", "value": "Ada"}}}, "agree"},
		{"list with another key", map[string]any{"fields": []any{}, "name": "Ada"}, "name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := c.Post(path, tc.body).Error(400, "invalid_request")
			if e["field"] != tc.wantField {
				t.Errorf("error %q names %v, want %q", e["error"], e["field"], tc.wantField)
			}
		})
	}
	if n := len(c.Get(path).Want(200).List()); n != 0 {
		t.Fatalf("%d records stored by refused submissions, want 0", n)
	}
	c.Post(path, ok).Want(200)
}

func TestListRecords(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	clock := &stepClock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	site.Inst.DB.Now = clock.Now
	c := site.Client(site.OwnerTk)
	pageID, _ := formPage(t, c, "Trip", signupFields)
	path := "pages/records/" + pageID + "/"
	var made []map[string]any // oldest first
	for i := range 7 {
		made = append(made, c.Post(path, map[string]any{"name": fmt.Sprintf("P%d", i), "agree": true}).Want(200).Object())
	}
	names := func(list []map[string]any) string {
		var out []string
		for _, r := range list {
			out = append(out, strings.TrimPrefix(values(r)[0], "Name="))
		}
		return strings.Join(out, " ")
	}
	// next follows a Link header and reports "" when there is none.
	next := func(r *apptest.Response) string {
		link := r.Header.Get("Link")
		if link == "" {
			return ""
		}
		return strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`)
	}

	cases := []struct {
		name  string
		query url.Values
		want  string
	}{
		{"everything, newest first", nil, "P6 P5 P4 P3 P2 P1 P0"},
		{"items_per_page", url.Values{"items_per_page": {"3"}}, "P6 P5 P4"},
		{"second page", url.Values{"items_per_page": {"3"}, "page": {"1"}}, "P3 P2 P1"},
		{"last page", url.Values{"items_per_page": {"3"}, "page": {"2"}}, "P0"},
		{"past the end", url.Values{"items_per_page": {"3"}, "page": {"3"}}, ""},
		{"since, oldest first", url.Values{"since": {made[4]["created_at"].(string)}}, "P4 P5 P6"},
		{"since in the future", url.Values{"since": {"2030-01-01T00:00:00Z"}}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := names(c.Get(path, tc.query).Want(200).List()); got != tc.want {
				t.Errorf("records %q, want %q", got, tc.want)
			}
		})
	}

	for _, walk := range []struct {
		name  string
		query url.Values
		want  []string
	}{
		{"limit and cursor", url.Values{"limit": {"3"}}, []string{"P6 P5 P4", "P3 P2 P1", "P0"}},
		{"page then cursor", url.Values{"items_per_page": {"2"}, "page": {"1"}}, []string{"P4 P3", "P2 P1", "P0"}},
		{"since with limit", url.Values{"since": {made[2]["created_at"].(string)}, "limit": {"2"}}, []string{"P2 P3", "P4 P5", "P6"}},
	} {
		t.Run(walk.name, func(t *testing.T) {
			r := c.Get(path, walk.query).Want(200)
			var got []string
			for {
				got = append(got, names(r.List()))
				u := next(r)
				if u == "" || len(got) > 10 {
					break
				}
				r = c.Do("GET", u, nil, "").Want(200)
			}
			if !reflect.DeepEqual(got, walk.want) {
				t.Errorf("pages %q, want %q", got, walk.want)
			}
		})
	}

	for _, bad := range []struct {
		query     url.Values
		wantField string
	}{
		{url.Values{"items_per_page": {"251"}}, "items_per_page"},
		{url.Values{"items_per_page": {"0"}}, "items_per_page"},
		{url.Values{"page": {"-1"}}, "page"},
		{url.Values{"limit": {"5"}, "items_per_page": {"5"}}, "items_per_page"},
		{url.Values{"limit": {"1001"}}, "limit"},
		{url.Values{"cursor": {"nonsense"}}, "cursor"},
		{url.Values{"since": {"yesterday"}}, "since"},
		{url.Values{"format": {"xml"}}, "format"},
	} {
		if e := c.Get(path, bad.query).Error(400, "invalid_request"); e["field"] != bad.wantField {
			t.Errorf("%v: error %q names %v, want %q", bad.query, e["error"], e["field"], bad.wantField)
		}
	}
}

func TestRecordPermissions(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	eng := site.Subsite("Engineering", "eng")
	_, editor := site.Member("Eddie", eng, people.RoleEditor)
	_, viewer := site.Member("Vera", eng, people.RoleViewer)
	_, stranger := site.Member("Sam", site.Home(), people.RoleViewer)
	stranger = stranger.In("eng")
	pageID, _ := formPage(t, editor, "Trip", signupFields)
	path := "pages/records/" + pageID + "/"

	rec := viewer.Post(path, map[string]any{"name": "Vera", "agree": true}).Want(200).Object()
	if rec["created_by"].(map[string]any)["name"] != "Vera" {
		t.Errorf("record %v: want created by Vera", rec)
	}
	if n := len(viewer.Get(path).Want(200).List()); n != 1 {
		t.Errorf("viewer lists %d records, want 1", n)
	}
	stranger.Get(path).Error(404, "not_found")
	stranger.Post(path, map[string]any{"name": "Sam", "agree": true}).Error(404, "not_found")

	plain := editor.Post("pages/create/", map[string]any{"title": "Plain", "json": [][]map[string]any{{{"classname": "Paragraph", "val": "Hi"}}}}).Want(200)
	plainPath := fmt.Sprintf("pages/records/%d/", plain.ID())
	viewer.Post(plainPath, map[string]any{"name": "Vera"}).Error(400, "invalid_request")
	viewer.Get(plainPath).Error(400, "invalid_request")
	viewer.Get(plainPath, url.Values{"widget_id": {"999999"}}).Error(404, "not_found")

	// Two forms on a page: the client must say which.
	second := editor.Post(fmt.Sprintf("page/%s/form/create/", pageID), map[string]any{"fields": []any{map[string]any{"label": "Colour"}}}).Want(200).ID()
	if e := viewer.Post(path, map[string]any{"colour": "red"}).Error(400, "invalid_request"); e["field"] != "widget_id" {
		t.Errorf("two forms without widget_id: error names %v, want widget_id", e["field"])
	}
	which := url.Values{"widget_id": {fmt.Sprint(second)}}
	viewer.Do("POST", viewer.URL(path)+"?"+which.Encode(), strings.NewReader(`{"colour": "red"}`), "application/json").Want(200)
	if got := viewer.Get(path, which).Want(200).List(); len(got) != 1 || values(got[0])[0] != "Colour=red" {
		t.Errorf("records of the second form: %v", got)
	}

	// A form taken off its page still gives its records with widget_id; new records are refused.
	editor.Post(fmt.Sprintf("page/%s/form/delete/%d/", pageID, second), nil).Want(200)
	if got := viewer.Get(path, which).Want(200).List(); len(got) != 1 {
		t.Errorf("records of a removed form: %d, want 1", len(got))
	}
	viewer.Do("POST", viewer.URL(path)+"?"+which.Encode(), strings.NewReader(`{"colour": "blue"}`), "application/json").Error(404, "not_found")

	editor.Post("pages/delete/"+pageID+"/", nil).Want(200)
	viewer.Get(path).Error(404, "not_found")
	viewer.Post(path, map[string]any{"name": "Vera", "agree": true}).Error(404, "not_found")
	viewer.Get(path, url.Values{"format": {"csv"}}).Error(404, "not_found")
}

package pages_test

import (
	"encoding/csv"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"quire/app/apptest"
)

// readCSV parses a CSV answer after checking its headers.
func readCSV(t *testing.T, r *apptest.Response) [][]string {
	t.Helper()
	r.Want(200)
	if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q, want text/csv; charset=utf-8", ct)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=") || !strings.HasSuffix(cd, `-records.csv"`) {
		t.Errorf("Content-Disposition %q, want an attachment named ...-records.csv", cd)
	}
	if !strings.Contains(string(r.Body), "\r\n") {
		t.Errorf("CSV lines should end in CRLF (RFC 4180): %q", r.Body)
	}
	rows, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v\n%s", err, r.Body)
	}
	return rows
}

func TestRecordsCSV(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	pageID, _ := formPage(t, c, "Trip", signupFields)
	path := "pages/records/" + pageID + "/"
	tricky := "Lovelace, \"Ada\"\nCountess"
	c.Post(path, map[string]any{"name": "Ada", "notes": tricky, "age": "-5", "agree": true}).Want(200)
	c.Post(path, map[string]any{"name": "=HYPERLINK(\"http://evil\")", "notes": "@SUM(A1)", "room": "South", "agree": true}).Want(200)
	c.Post(path, map[string]any{"name": "+1 555", "notes": "-2+3", "email": "bø@example.com", "agree": true}).Want(200)

	rows := readCSV(t, c.Get(path, url.Values{"format": {"csv"}}))
	wantHeader := []string{"Record ID", "Created at", "Created by", "Name", "Room", "Age", "Email", "Day", "Notes", "I agree"}
	if len(rows) != 4 || !reflect.DeepEqual(rows[0], wantHeader) {
		t.Fatalf("CSV rows %q: want the header %q and 3 records", rows, wantHeader)
	}
	// Newest first, as the list; the record's own columns first.
	if rows[1][2] != site.Owner.Name || !strings.HasSuffix(rows[1][1], "Z") {
		t.Errorf("row %q: want the creation time and the owner's name", rows[1])
	}
	cells := func(row []string) []string { return row[3:] }
	want := [][]string{
		{"'+1 555", "", "", "bø@example.com", "", "'-2+3", "true"},
		{"'=HYPERLINK(\"http://evil\")", "South", "", "", "", "'@SUM(A1)", "true"},
		{"Ada", "", "-5", "", "", tricky, "true"},
	}
	for i, w := range want {
		if got := cells(rows[i+1]); !reflect.DeepEqual(got, w) {
			t.Errorf("row %d: got %q, want %q", i+1, got, w)
		}
	}

	// Paging parameters give one page of the CSV, with a Link to the next.
	r := c.Get(path, url.Values{"format": {"csv"}, "items_per_page": {"2"}})
	if rows := readCSV(t, r); len(rows) != 3 || r.Header.Get("Link") == "" {
		t.Errorf("a CSV page of 2: %d rows and Link %q, want 3 rows and a Link", len(rows), r.Header.Get("Link"))
	}
}

func TestRecordsCSVInBatches(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	pageID, _ := formPage(t, c, "Big", []map[string]any{{"label": "N", "type": "number"}})
	path := "pages/records/" + pageID + "/"
	const n = 1203 // more than two batches of the export
	for i := range n {
		c.Post(path, map[string]any{"n": i}).Want(200)
	}
	rows := readCSV(t, c.Get(path, url.Values{"format": {"csv"}}))
	if len(rows) != n+1 {
		t.Fatalf("%d rows, want a header and %d records", len(rows), n)
	}
	for i, row := range rows[1:] {
		if want := fmt.Sprint(n - 1 - i); row[3] != want {
			t.Fatalf("row %d: N = %q, want %s (newest first, each once)", i+1, row[3], want)
		}
	}
}

func TestFormChangeKeepsRecords(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	pageID, formID := formPage(t, c, "Trip", []map[string]any{
		{"label": "Name", "required": true},
		{"label": "Room", "type": "select", "options": []string{"North", "South"}},
	})
	path := "pages/records/" + pageID + "/"
	c.Post(path, map[string]any{"name": "Ada", "room": "North"}).Want(200)

	// Rename Name (same name), drop Room, add Email.
	c.Post(fmt.Sprintf("page/%s/form/update/%d/", pageID, formID), map[string]any{"fields": []any{
		map[string]any{"label": "Full name", "name": "name", "required": true},
		map[string]any{"label": "Email", "type": "email"},
	}}).Want(200)
	c.Post(path, map[string]any{"name": "Bo", "email": "bo@example.com"}).Want(200)
	c.Post(path, map[string]any{"name": "Cy", "room": "North"}).Error(400, "invalid_request")

	list := c.Get(path).Want(200).List()
	got := [][]string{values(list[0]), values(list[1])}
	want := [][]string{
		{"Full name=Bo", "Email=bo@example.com"},
		{"Full name=Ada", "Email=<null>", "Room=North"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("records after the form changed: %q, want %q", got, want)
	}

	rows := readCSV(t, c.Get(path, url.Values{"format": {"csv"}}))
	wantRows := [][]string{
		{"Full name", "Email", "Room"},
		{"Bo", "bo@example.com", ""},
		{"Ada", "", "North"},
	}
	for i, w := range wantRows {
		if i >= len(rows) || !reflect.DeepEqual(rows[i][3:], w) {
			t.Errorf("CSV rows %q, want after the record columns %q", rows, wantRows)
			break
		}
	}
}

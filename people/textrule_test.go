package people_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"quire/app/apptest"
)

// Values every single-line field of people is tried with; multiLine says whether a field that
// takes several lines (a description) accepts it.
var badText = []struct {
	name, value string
	multiLine   bool
}{
	{"CR LF", "Lunch\r\n\r\nIT notice: reset your password at evil.example", true},
	{"LF", "a\nb", true},
	{"TAB", "a\tb", true},
	{"line separator", "a\u2028b", true},
	{"NUL", "a\x00b", false},
	{"escape", "a\x1b[31mb", false},
	{"C1 control", "a\u0085b", false},
	{"right-to-left override", "invoice\u202egpj.exe", false},
	{"left-to-right isolate", "a\u2066b\u2069", false},
}

const (
	decomposed = "Rene\u0301e Noe\u0308l"
	composed   = "Ren\u00e9e No\u00ebl"
)

// TestPeopleSingleLineText: names of people, subsites and tokens, through the API, the CLI and
// the invitation page, refuse control characters, line breaks and bidirectional controls naming
// the field, and are stored NFC; a subsite's description keeps its line breaks.
func TestPeopleSingleLineText(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	owner := site.Client(site.OwnerTk).SiteWide()
	eng := site.Subsite("Engineering", "eng")
	seq := 0
	next := func() int { seq++; return seq }
	var sub subsite
	owner.Post("subsites/create/", map[string]any{"title": "Sales"}).Want(200).Decode(&sub)

	api := []struct {
		name, field string
		multiLine   bool
		set         func(v string) *apptest.Response
		get         func(r *apptest.Response) string
	}{
		{"invited person's name", "name", false,
			func(v string) *apptest.Response {
				return owner.Post("people/invite/", map[string]any{"email_address": fmt.Sprintf("p%d@example.com", next()), "name": v})
			},
			func(r *apptest.Response) string {
				var w personWrite
				r.Decode(&w)
				return w.User.DistinguishedName
			}},
		{"subsite title on create", "title", false,
			func(v string) *apptest.Response { return owner.Post("subsites/create/", map[string]any{"title": v}) },
			func(r *apptest.Response) string { return r.Object()["title"].(string) }},
		{"subsite description on create", "description", true,
			func(v string) *apptest.Response {
				return owner.Post("subsites/create/", map[string]any{"title": fmt.Sprintf("S%d", next()), "description": v})
			},
			func(r *apptest.Response) string { return r.Object()["description"].(string) }},
		{"subsite title on update", "title", false,
			func(v string) *apptest.Response {
				return owner.Post(fmt.Sprintf("subsites/update/%d/", sub.ID), map[string]any{"title": v})
			},
			func(r *apptest.Response) string { return r.Object()["title"].(string) }},
		{"subsite description on update", "description", true,
			func(v string) *apptest.Response {
				return owner.Post(fmt.Sprintf("subsites/update/%d/", eng.ID), map[string]any{"description": v})
			},
			func(r *apptest.Response) string { return r.Object()["description"].(string) }},
	}
	for _, f := range api {
		t.Run(f.name, func(t *testing.T) {
			for _, bad := range badText {
				r := f.set(bad.value)
				if f.multiLine && bad.multiLine {
					r.Want(200)
					continue
				}
				m := r.Error(400, "invalid_request")
				if m["field"] != f.field || !strings.Contains(fmt.Sprint(m["error"]), "U+") {
					t.Errorf("%s: %v; want a 400 on %q naming the character", bad.name, m, f.field)
				}
			}
			if got := f.get(f.set(decomposed).Want(200)); got != composed {
				t.Errorf("stored %+q; want %+q", got, composed)
			}
		})
	}

	t.Run("subsite slug on create", func(t *testing.T) { // a-z, 0-9 and hyphens: no NFC to check
		for _, bad := range badText {
			m := owner.Post("subsites/create/", map[string]any{"title": fmt.Sprintf("Slugged %d", next()), "slug": "a" + bad.value + "b"}).
				Error(400, "invalid_request")
			if m["field"] != "slug" || !strings.Contains(fmt.Sprint(m["error"]), "U+") {
				t.Errorf("%s: %v; want a 400 on \"slug\" naming the character", bad.name, m)
			}
		}
	})

	t.Run("CLI user create and token create", func(t *testing.T) {
		for _, bad := range badText {
			for _, args := range [][]string{
				{"user", "create", "--email", fmt.Sprintf("cli%d@example.com", next()), "--name", bad.value},
				{"token", "create", "--email", "owner@example.com", "--name", bad.value},
			} {
				_, stderr, code := site.CLI(args...)
				if code == 0 || !strings.Contains(stderr, "U+") {
					t.Errorf("%s %s with %s: exit %d, %q; want a failure naming the character", args[0], args[1], bad.name, code, stderr)
				}
			}
		}
		if out, stderr, code := site.CLI("user", "create", "--email", "nfc@example.com", "--name", decomposed); code != 0 {
			t.Fatalf("user create: %d %s %s", code, out, stderr)
		}
		var list []person
		owner.Get("people/all/").Want(200).Decode(&list)
		found := false
		for _, p := range list {
			found = found || (p.Email == "nfc@example.com" && p.DistinguishedName == composed)
		}
		if !found {
			t.Errorf("the CLI did not store the name composed: %+v", list)
		}
	})

	t.Run("invitation page", func(t *testing.T) {
		owner.Post("people/invite/", map[string]any{"email_address": "page@example.com", "name": "Page"}).Want(200)
		var link string
		for _, m := range outbox(t, site) {
			if m.To == "page@example.com" {
				link = inviteLink.FindString(m.Body)
			}
		}
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		page := fetch(t, c, http.MethodGet, link, nil)
		csrf := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(page.body)
		if csrf == nil {
			t.Fatalf("no CSRF token in %s", page.body)
		}
		for _, bad := range badText {
			form := url.Values{"csrf_token": {csrf[1]}, "name": {bad.value}, "password": {"correct horse"}, "confirm": {"correct horse"}}
			if r := fetch(t, c, http.MethodPost, link, form); r.status != 400 || !strings.Contains(html.UnescapeString(r.body), "U+") {
				t.Errorf("%s: %d; want 400 with the reason\n%s", bad.name, r.status, r.body)
			}
		}
		form := url.Values{"csrf_token": {csrf[1]}, "name": {decomposed}, "password": {"correct horse"}, "confirm": {"correct horse"}}
		if r := fetch(t, c, http.MethodPost, link, form); r.status != http.StatusSeeOther {
			t.Fatalf("accepting: %d, want 303 (signed in, to the front page)\n%s", r.status, r.body)
		}
		var list []person
		owner.Get("people/all/").Want(200).Decode(&list)
		for _, p := range list {
			if p.Email == "page@example.com" && p.DistinguishedName != composed {
				t.Errorf("name stored %+q; want %+q", p.DistinguishedName, composed)
			}
		}
	})
}

// TestPeopleJSONTypes: a JSON value of the wrong type is a 400 naming the field, never converted;
// the same values as form text are read as before.
func TestPeopleJSONTypes(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	owner := site.Client(site.OwnerTk).SiteWide()
	u := site.User("Ada Lovelace")
	tests := []struct {
		path  string
		body  map[string]any
		field string
	}{
		{"subsites/create/", map[string]any{"title": 5}, "title"},
		{"subsites/create/", map[string]any{"title": "T", "auto_join": "true"}, "auto_join"},
		{"subsites/create/", map[string]any{"title": "T", "description": false}, "description"},
		{"people/invite/", map[string]any{"email_address": "x@example.com", "skip_welcome_email": 1}, "skip_welcome_email"},
		{"people/invite/", map[string]any{"email_address": "x@example.com", "name": 12}, "name"},
		{fmt.Sprintf("people/add_to_subsite/%d/", u.ID), map[string]any{"subsite_id": "1"}, "subsite_id"},
	}
	for _, tc := range tests {
		m := owner.Post(tc.path, tc.body).Error(400, "invalid_request")
		if m["field"] != tc.field {
			t.Errorf("%s %v: field %v; want %q", tc.path, tc.body, m["field"], tc.field)
		}
	}
	owner.PostRaw("subsites/create/", "application/x-www-form-urlencoded", "title=Form+made&auto_join=true").Want(200)
}

// Characters an email address is tried with besides badText: invisible ones, and spaces.
var invisibleInAddress = []struct{ name, value string }{
	{"zero-width space", "\u200b"},
	{"zero-width non-joiner", "\u200c"},
	{"zero-width joiner", "\u200d"},
	{"word joiner", "\u2060"},
	{"byte order mark", "\ufeff"},
	{"no-break space", "\u00a0"},
	{"ideographic space", "\u3000"},
}

// TestEmailAddressText: an address, through people/invite (with and without a name) and
// `quire user create`, is held to the text rule and refuses invisible characters, with an error
// that names the field sent; an address in another script is stored composed and lower-case.
func TestEmailAddressText(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	owner := site.Client(site.OwnerTk).SiteWide()
	values := map[string]string{}
	for _, bad := range badText {
		values[bad.name] = "y" + bad.value + "b@example.com"
	}
	for _, bad := range invisibleInAddress {
		values[bad.name] = "y" + bad.value + "b@example.com"
	}
	for what, v := range values {
		for _, body := range []map[string]any{{"email_address": v, "name": "Yb"}, {"email_address": v}} {
			m := owner.Post("people/invite/", body).Error(400, "invalid_request")
			if m["field"] != "email_address" || !strings.Contains(fmt.Sprint(m["error"]), "U+") {
				t.Errorf("invite %s %v: %v; want a 400 on \"email_address\" naming the character", what, body, m)
			}
		}
		if _, stderr, code := site.CLI("user", "create", "--email", v, "--name", "Yb"); code == 0 || !strings.Contains(stderr, "U+") {
			t.Errorf("user create --email with %s: exit %d, %q; want a failure naming the character", what, code, stderr)
		}
	}
	var list []person
	owner.Get("people/all/").Want(200).Decode(&list)
	for _, p := range list {
		if strings.HasSuffix(p.Email, "b@example.com") {
			t.Errorf("a refused address was stored: %+q", p.Email)
		}
	}
	var w personWrite
	owner.Post("people/invite/", map[string]any{"email_address": "Jose\u0301@Example.com"}).Want(200).Decode(&w)
	if w.User.Email != "jos\u00e9@example.com" || w.User.DistinguishedName != "jos\u00e9" {
		t.Errorf("invited %+q named %+q; want the address composed and lower-case, and its local part as the name",
			w.User.Email, w.User.DistinguishedName)
	}
}

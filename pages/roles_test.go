package pages_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"quire/app/apptest"
	"quire/people"
)

// The roles of the matrix, in the order of its columns: a site owner (who belongs to no subsite),
// a subsite admin, an editor, a viewer, someone who is not a member, a request with no token, and
// the admin's token narrowed to the read scope.
var roleNames = []string{"owner", "admin", "editor", "viewer", "outsider", "anonymous", "read-only"}

// matrixCell is one request of the matrix: the fixtures it may ask for are made on demand,
// fresh where the request uses them up.
type matrixCell struct {
	t      *testing.T
	site   *apptest.Site
	slug   string // the subsite the fixtures live in: eng, or home for the site-wide URL
	role   string
	self   *people.User
	shared map[string]page
	eng    *people.Subsite
	// folders numbers the folders made, so that each is new
	folders int
}

func (x *matrixCell) owner() *apptest.Client { return x.site.Client(x.site.OwnerTk).In(x.slug) }

// page returns the subsite's shared page: a paragraph (with two versions) and a heading.
func (x *matrixCell) page() page {
	if p, ok := x.shared[x.slug]; ok {
		return p
	}
	p := newPage(x.t, x.owner(), "Shared", column{para("shared"), head("Shared heading", "h2")})
	x.owner().Post(widgetURL(p.ID, "paragraph", "update", p.JSON[0][0].ID), map[string]any{"val": "shared v2"}).Want(200)
	x.shared[x.slug] = p
	return p
}

func (x *matrixCell) freshPage() page { return newPage(x.t, x.owner(), "Fresh") }

func (x *matrixCell) trashedPage() page {
	p := x.freshPage()
	x.owner().Post(fmt.Sprintf("pages/delete/%d/", p.ID), nil).Want(200)
	return p
}

func (x *matrixCell) freshWidget() (page, widget) {
	p := x.page()
	w := decodeWidget(x.t, x.owner().Post(fmt.Sprintf("page/%d/paragraph/create/", p.ID), map[string]any{"val": "fresh"}))
	return p, w
}

// formPage returns the subsite's shared page with a form of one required field, "name".
func (x *matrixCell) formPage() int64 {
	key := x.slug + "/form"
	if p, ok := x.shared[key]; ok {
		return p.ID
	}
	id := x.owner().Post("pages/create/", map[string]any{"title": "Sign-up", "json": []any{[]any{map[string]any{
		"classname": "Form", "fields": []any{map[string]any{"name": "name", "label": "Name", "type": "text", "required": true}}}}}}).Want(200).ID()
	x.shared[key] = page{ID: id}
	return id
}

// discussionPage returns the subsite's shared page with a Discussion widget.
func (x *matrixCell) discussionPage() int64 {
	key := x.slug + "/discussion"
	if p, ok := x.shared[key]; ok {
		return p.ID
	}
	id := x.owner().Post("pages/create/", map[string]any{"title": "Talk", "json": []any{[]any{map[string]any{"classname": "Discussion"}}}}).Want(200).ID()
	x.shared[key] = page{ID: id}
	return id
}

// freshFolder returns the path of a new empty folder.
func (x *matrixCell) freshFolder() string {
	x.folders++
	path := fmt.Sprintf("Fresh %s %d", x.role, x.folders)
	x.owner().Post("folder/create/", map[string]any{"path": path}).Want(200)
	return path
}

// matrixUpload is a request body sent as a multipart upload of a small text file.
type matrixUpload struct{ name, content string }

// member returns a new viewer of the fixtures' subsite.
func (x *matrixCell) member() *people.User {
	u := x.site.User("Member")
	sub, err := x.site.Inst.People.FindSubsiteBySlug(x.t.Context(), x.site.Inst.DB.R, x.slug)
	if err != nil {
		x.t.Fatal(err)
	}
	x.site.Join(sub, u, people.RoleViewer)
	return u
}

type matrixRow struct {
	name   string
	method string
	req    func(x *matrixCell) (path string, body any)
	// Expected outcome per role (in the order of roleNames) on /@eng/ and on the site-wide URL:
	// ok, scope (403 missing_scope), or a status.
	sub, site string
}

func pageReq(format string) func(x *matrixCell) (string, any) {
	return func(x *matrixCell) (string, any) { return fmt.Sprintf(format, x.page().ID), nil }
}

const (
	readers    = "ok ok ok ok 404 401 ok"
	editors    = "ok ok ok 403 404 401 scope"
	trash      = "ok ok ok 403 404 401 ok" // editors' role, but reading
	commenters = "ok ok ok ok 404 401 scope"
	admins     = "ok ok 403 403 404 401 scope"
	siteOnly   = "400 400 400 400 404 401 400"
	subOnly    = "400 400 400 400 400 401 400"
	ownerOnly  = "ok 403 403 403 403 401 403"
	anyone     = "ok ok ok ok ok 401 ok"
)

var matrix = []matrixRow{
	{"pages/get", "GET", pageReq("pages/get/%d/"), readers, readers},
	{"pages/all", "GET", func(*matrixCell) (string, any) { return "pages/all/", nil }, readers, readers},
	{"pages/create", "POST", func(x *matrixCell) (string, any) {
		return "pages/create/", map[string]any{"title": "created by " + x.role, "json": []column{{para("x")}}}
	}, editors, editors},
	{"pages/delete", "POST", func(x *matrixCell) (string, any) { return fmt.Sprintf("pages/delete/%d/", x.freshPage().ID), nil }, editors, editors},
	{"pages/copy", "POST", func(x *matrixCell) (string, any) {
		return fmt.Sprintf("pages/copy/%d/", x.page().ID), map[string]any{"title": "copied by " + x.role}
	}, editors, editors},
	{"pages/update", "POST", func(x *matrixCell) (string, any) {
		return fmt.Sprintf("pages/update/%d/", x.freshPage().ID), map[string]any{"title": "renamed by " + x.role}
	}, editors, editors},
	{"pages/trash", "GET", func(*matrixCell) (string, any) { return "pages/trash/", nil }, trash, trash},
	{"pages/restore", "POST", func(x *matrixCell) (string, any) { return fmt.Sprintf("pages/restore/%d/", x.trashedPage().ID), nil }, editors, editors},
	{"paragraph/get", "GET", func(x *matrixCell) (string, any) {
		return widgetURL(x.page().ID, "paragraph", "get", x.page().JSON[0][0].ID), nil
	}, readers, readers},
	{"paragraph/versions", "GET", func(x *matrixCell) (string, any) {
		return widgetURL(x.page().ID, "paragraph", "versions", x.page().JSON[0][0].ID), nil
	}, readers, readers},
	{"paragraph/create", "POST", func(x *matrixCell) (string, any) {
		return fmt.Sprintf("page/%d/paragraph/create/", x.page().ID), map[string]any{"widget": map[string]any{"val": "by " + x.role}}
	}, editors, editors},
	{"paragraph/update", "POST", func(x *matrixCell) (string, any) {
		return widgetURL(x.page().ID, "paragraph", "update", x.page().JSON[0][0].ID), map[string]any{"val": "by " + x.role}
	}, editors, editors},
	{"paragraph/delete", "POST", func(x *matrixCell) (string, any) {
		p, w := x.freshWidget()
		return widgetURL(p.ID, "paragraph", "delete", w.ID), nil
	}, editors, editors},
	{"paragraph/restore", "POST", func(x *matrixCell) (string, any) {
		w := x.page().JSON[0][0]
		return widgetURL(x.page().ID, "paragraph", "restore", w.ID), map[string]any{"version_id": w.ID}
	}, editors, editors},
	{"heading/get", "GET", func(x *matrixCell) (string, any) {
		return widgetURL(x.page().ID, "heading", "get", x.page().JSON[0][1].ID), nil
	}, readers, readers},
	{"heading/create", "POST", func(x *matrixCell) (string, any) {
		return fmt.Sprintf("page/%d/heading/create/", x.page().ID), map[string]any{"val": "by " + x.role, "heading": "h3"}
	}, editors, editors},
	{"heading/update", "POST", func(x *matrixCell) (string, any) {
		return widgetURL(x.page().ID, "heading", "update", x.page().JSON[0][1].ID), map[string]any{"val": "by " + x.role}
	}, editors, editors},
	{"markdown/create", "POST", func(x *matrixCell) (string, any) {
		return fmt.Sprintf("page/%d/markdown/create/", x.page().ID), map[string]any{"val": "# by " + x.role}
	}, editors, editors},
	{"widgets/move", "POST", func(x *matrixCell) (string, any) {
		return fmt.Sprintf("page/%d/widgets/move/", x.page().ID), map[string]any{"widget_id": x.page().JSON[0][1].ID, "column": 0, "position": 0}
	}, editors, editors},
	{"attachment/create", "POST", func(x *matrixCell) (string, any) {
		return fmt.Sprintf("page/%d/attachment/create/", x.page().ID), matrixUpload{"notes-" + x.role + ".txt", "notes"}
	}, editors, editors},
	{"form/create", "POST", func(x *matrixCell) (string, any) {
		return fmt.Sprintf("page/%d/form/create/", x.page().ID), map[string]any{"fields": []any{map[string]any{"label": "Name", "type": "text"}}}
	}, editors, editors},
	{"pages/records list", "GET", func(x *matrixCell) (string, any) { return fmt.Sprintf("pages/records/%d/", x.formPage()), nil }, readers, readers},
	{"pages/records submit", "POST", func(x *matrixCell) (string, any) {
		return fmt.Sprintf("pages/records/%d/", x.formPage()), map[string]any{"name": "by " + x.role}
	}, commenters, commenters},
	{"discussion/create", "POST", func(x *matrixCell) (string, any) {
		return fmt.Sprintf("page/%d/discussion/create/", x.freshPage().ID), nil
	}, editors, editors},
	{"feed/post", "POST", func(x *matrixCell) (string, any) {
		return fmt.Sprintf("feed/post/%d/", x.discussionPage()), map[string]any{"msg": "by " + x.role}
	}, commenters, commenters},
	{"feed/page", "GET", func(x *matrixCell) (string, any) { return fmt.Sprintf("feed/page/%d/", x.discussionPage()), nil }, readers, readers},
	{"folder/tree", "GET", func(*matrixCell) (string, any) { return "folder/tree/", nil }, readers, readers},
	{"folder/create", "POST", func(x *matrixCell) (string, any) {
		return "folder/create/", map[string]any{"path": "By " + x.role}
	}, editors, editors},
	{"folder/delete", "POST", func(x *matrixCell) (string, any) {
		return "folder/delete/", map[string]any{"path": x.freshFolder()}
	}, editors, editors},
	{"folder/copy", "POST", func(x *matrixCell) (string, any) {
		return "folder/copy/", map[string]any{"copy_path": x.freshFolder(), "target_path": ""}
	}, editors, editors},
	// Site-wide search covers the subsites the caller is in: none, for the outsider.
	{"search/query", "GET", func(*matrixCell) (string, any) { return "search/query/?q=shared", nil }, readers, anyone},
	{"people/all", "GET", func(*matrixCell) (string, any) { return "people/all/", nil }, readers, anyone},
	{"people/add_to_subsite", "POST", func(x *matrixCell) (string, any) {
		return fmt.Sprintf("people/add_to_subsite/%d/", x.site.User("Stranger").ID), map[string]any{"role": "viewer"}
	}, admins, "400 400 400 400 400 401 400"},
	{"people/add_to_subsite with subsite_id", "POST", func(x *matrixCell) (string, any) {
		return fmt.Sprintf("people/add_to_subsite/%d/", x.site.User("Stranger").ID), map[string]any{"role": "viewer", "subsite_id": x.eng.ID}
	}, admins, admins},
	{"people/remove_from_subsite", "POST", func(x *matrixCell) (string, any) {
		return fmt.Sprintf("people/remove_from_subsite/%d/", x.member().ID), nil
	}, admins, subOnly},
	{"people/set_permission", "POST", func(x *matrixCell) (string, any) {
		return fmt.Sprintf("people/set_permission/%d/", x.member().ID), map[string]any{"role": "editor"}
	}, admins, subOnly},
	{"people/set_notifications of another", "POST", func(x *matrixCell) (string, any) {
		return fmt.Sprintf("people/set_notifications/%d/", x.member().ID), map[string]any{"notifications": "digest"}
	}, admins, subOnly},
	// The owner belongs to no subsite, so has no notifications to set.
	{"people/set_notifications of oneself", "POST", func(x *matrixCell) (string, any) {
		id := int64(1)
		if x.self != nil {
			id = x.self.ID
		}
		return fmt.Sprintf("people/set_notifications/%d/", id), map[string]any{"notifications": "off"}
	}, "404 ok ok ok 404 401 scope", subOnly},
	{"people/delete", "POST", func(x *matrixCell) (string, any) {
		return fmt.Sprintf("people/delete/%d/", x.site.User("Victim").ID), nil
	}, siteOnly, ownerOnly},
	{"people/invite", "POST", func(x *matrixCell) (string, any) {
		return "people/invite/", map[string]any{"email_address": "invited-by-" + x.role + "@example.com"}
	}, siteOnly, ownerOnly},
	{"mail/outbox", "GET", func(*matrixCell) (string, any) { return "mail/outbox/", nil }, siteOnly, ownerOnly},
	{"subsites/update", "POST", func(x *matrixCell) (string, any) {
		return fmt.Sprintf("subsites/update/%d/", x.eng.ID), map[string]any{"description": "by " + x.role}
	}, admins, admins},
	{"subsites/all", "GET", func(*matrixCell) (string, any) { return "subsites/all/", nil }, siteOnly, ownerOnly},
	{"subsites/all by POST", "POST", func(*matrixCell) (string, any) { return "subsites/all/", nil }, siteOnly, ownerOnly},
	{"subsites/create", "POST", func(x *matrixCell) (string, any) {
		return "subsites/create/", map[string]any{"title": "Made by " + x.role}
	}, siteOnly, ownerOnly},
	{"auth/debug", "GET", func(*matrixCell) (string, any) { return "auth/debug/", nil }, readers, anyone},
}

// outcome names an answer as the matrix writes it, after checking that an error answer has the
// error body with the code of its status.
func outcome(r *apptest.Response) (string, error) {
	if r.Status == http.StatusOK {
		return "ok", nil
	}
	var e struct {
		Error     string `json:"error"`
		Status    int    `json:"status"`
		Code      string `json:"code"`
		RequestID string `json:"request_id"`
	}
	if err := json.Unmarshal(r.Body, &e); err != nil || e.Status != r.Status || e.Error == "" || e.RequestID == "" {
		return fmt.Sprint(r.Status), fmt.Errorf("error body %s", r.Body)
	}
	codes := map[int]string{400: "invalid_request", 401: "invalid_token", 403: "forbidden", 404: "not_found"}
	if e.Code == "missing_scope" && r.Status == http.StatusForbidden {
		return "scope", nil
	}
	if codes[r.Status] != e.Code {
		return fmt.Sprint(r.Status), fmt.Errorf("code %q for status %d", e.Code, r.Status)
	}
	return fmt.Sprint(r.Status), nil
}

func TestRoleMatrix(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, apptest.WithEnv("QUIRE_RATE", "100000/1s")) // anonymous requests share one bucket
	home, eng := site.Home(), site.Subsite("Engineering", "eng")
	users := map[string]*people.User{"owner": site.Owner}
	tokens := map[string]string{"owner": site.OwnerTk, "anonymous": ""}
	for _, r := range []struct {
		name string
		role people.Role
	}{{"admin", people.RoleAdmin}, {"editor", people.RoleEditor}, {"viewer", people.RoleViewer}, {"outsider", people.RoleNone}} {
		u := site.User(r.name)
		site.Join(home, u, r.role)
		if r.role != people.RoleNone {
			site.Join(eng, u, r.role)
		}
		users[r.name], tokens[r.name] = u, site.Token(u)
	}
	users["read-only"], tokens["read-only"] = users["admin"], site.ScopedToken(users["admin"], people.GroupRead)

	shared := map[string]page{}
	for _, url := range []struct{ name, slug string }{{"/@eng/", "eng"}, {"site-wide", "home"}} {
		var failures []string
		got := map[string][]string{}
		for _, row := range matrix {
			want := strings.Fields(row.sub)
			if url.slug == "home" {
				want = strings.Fields(row.site)
			}
			for i, role := range roleNames {
				x := &matrixCell{t: t, site: site, slug: url.slug, role: role, self: users[role], shared: shared, eng: eng}
				path, body := row.req(x)
				c := site.Client(tokens[role])
				if url.slug == "eng" {
					c = c.In("eng")
				}
				var r *apptest.Response
				if up, ok := body.(matrixUpload); ok {
					r = c.Upload(path, nil, up.name, strings.NewReader(up.content))
				} else if row.method == http.MethodGet {
					r = c.Get(path)
				} else {
					r = c.Post(path, body)
				}
				out, err := outcome(r)
				if err != nil {
					t.Errorf("%s %s as %s: %v", url.name, row.name, role, err)
				}
				got[row.name] = append(got[row.name], out)
				if out != want[i] {
					failures = append(failures, fmt.Sprintf("%s as %s: %s, want %s (%s %s: %.200s)", row.name, role, out, want[i], r.Method, r.URL, r.Body))
				}
			}
		}
		if len(failures) > 0 {
			var b strings.Builder
			fmt.Fprintf(&b, "%s: %d cells differ:\n  %s\nwhat the site answered (%s):\n", url.name, len(failures),
				strings.Join(failures, "\n  "), strings.Join(roleNames, " "))
			for _, row := range matrix {
				fmt.Fprintf(&b, "  %-40s %s\n", row.name, strings.Join(got[row.name], " "))
			}
			t.Error(b.String())
		}
	}

	// Refused writes changed nothing: only the owner, the admin and the editor made (or renamed) pages.
	for _, slug := range []string{"eng", "home"} {
		list, _ := listPages(t, site.Client(site.OwnerTk).In(slug), nil)
		var titles []string
		for _, p := range list {
			if strings.Contains(p.Title, " by ") {
				titles = append(titles, p.Title)
			}
		}
		sort.Strings(titles)
		want := []string{"copied by admin", "copied by editor", "copied by owner", "created by admin", "created by editor", "created by owner",
			"renamed by admin", "renamed by editor", "renamed by owner"}
		if strings.Join(titles, ",") != strings.Join(want, ",") {
			t.Errorf("pages made in %s: %q, want %q", slug, titles, want)
		}
	}
}

package people_test

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"quire/app/api"
	"quire/app/apptest"
	"quire/people"
)

type person struct {
	ID                int64             `json:"id"`
	DistinguishedName string            `json:"distinguished_name"`
	Email             string            `json:"email"`
	AvatarLarge       string            `json:"avatar_large"`
	WaitingInvite     bool              `json:"waiting_invite"`
	IsOwner           bool              `json:"is_owner"`
	JoinedAt          string            `json:"joined_at"`
	Role              *string           `json:"role"`
	Notifications     *string           `json:"notifications"`
	Attributes        map[string]string `json:"attributes"`
}

type membership struct {
	SubsiteID     int64  `json:"subsite_id"`
	Subsite       string `json:"subsite"`
	Role          string `json:"role"`
	Notifications string `json:"notifications"`
}

// personWrite is the answer of every people write.
type personWrite struct {
	Success  bool          `json:"success"`
	User     person        `json:"user"`
	Subsites *[]membership `json:"subsites"`
}

type subsite struct {
	ID          int64  `json:"id"`
	Slug        string `json:"slug"`
	Title       string `json:"title"`
	Description string `json:"description"`
	URL         string `json:"url"`
	DefaultRole string `json:"default_role"`
	AutoJoin    bool   `json:"auto_join"`
	CreatedAt   string `json:"created_at"`
	MemberCount int    `json:"member_count"`
}

func str(s *string) string {
	if s == nil {
		return "<null>"
	}
	return *s
}

// directory returns people/all as "name:role" in the order answered, following Link headers.
func directory(t *testing.T, c *apptest.Client, q url.Values) []string {
	t.Helper()
	var out []string
	r := c.Get("people/all/", q).Want(200)
	for pages := 0; ; pages++ {
		var list []person
		r.Decode(&list)
		for _, p := range list {
			out = append(out, p.DistinguishedName+":"+str(p.Role))
		}
		link := r.Header.Get("Link")
		if link == "" || pages > 20 {
			return out
		}
		m := regexp.MustCompile(`^<([^>]+)>; rel="next"$`).FindStringSubmatch(link)
		if m == nil {
			t.Fatalf("Link header %q", link)
		}
		r = c.Do(http.MethodGet, m[1], nil, "").Want(200)
	}
}

// wantFailure checks a people write's error: the status, the code, "success": false and the field.
func wantFailure(t *testing.T, r *apptest.Response, status int, code, field string) {
	t.Helper()
	m := r.Error(status, code)
	if m["success"] != false || (field != "" && m["field"] != field) {
		t.Errorf("%s %s: %s, want success false and field %q", r.Method, r.URL, r.Body, field)
	}
}

func TestPeopleDirectory(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	home, eng, secret := site.Home(), site.Subsite("Engineering", "eng"), site.Subsite("Secret", "secret")
	ada, adaC := site.Member("Ada", eng, people.RoleAdmin)
	site.Member("Bob", eng, people.RoleEditor)
	_, cyC := site.Member("Cy", eng, people.RoleViewer)
	loner := site.User("Loner")
	site.Join(home, loner, people.RoleNone)
	site.Join(secret, loner, people.RoleViewer)
	owner := site.Client(site.OwnerTk)

	var list []person
	adaC.Get("people/all/").Want(200).Decode(&list)
	if got := directory(t, cyC, nil); !reflect.DeepEqual(got, []string{"Cy:viewer", "Bob:editor", "Ada:admin"}) {
		t.Errorf("/@eng/ people/all: %q, want newest joined first with roles", got)
	}
	a := list[2]
	want := person{ID: ada.ID, DistinguishedName: "Ada", Email: ada.Email, AvatarLarge: fmt.Sprintf("%s/avatar/%d.svg", site.URL, ada.ID),
		JoinedAt: a.JoinedAt, Role: a.Role, Notifications: a.Notifications,
		Attributes: map[string]string{"Name": "Ada", "Email": ada.Email, "Position": "", "Bio": "", "Phone": ""}}
	if !reflect.DeepEqual(a, want) || str(a.Role) != "admin" || str(a.Notifications) != "on" {
		t.Errorf("person\n got %+v\nwant %+v with role admin, notifications on", a, want)
	}
	if got := directory(t, cyC, url.Values{"limit": {"1"}}); !reflect.DeepEqual(got, []string{"Cy:viewer", "Bob:editor", "Ada:admin"}) {
		t.Errorf("by one: %q", got)
	}
	since := url.Values{"since": {time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)}}
	if got := directory(t, cyC, since); !reflect.DeepEqual(got, []string{"Ada:admin", "Bob:editor", "Cy:viewer"}) {
		t.Errorf("since an hour ago: %q, want oldest joined first", got)
	}
	since.Set("limit", "2")
	if got := directory(t, cyC, since); !reflect.DeepEqual(got, []string{"Ada:admin", "Bob:editor", "Cy:viewer"}) {
		t.Errorf("since an hour ago by two: %q, want oldest joined first", got)
	}
	if got := directory(t, cyC, url.Values{"since": {time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}}); len(got) != 0 {
		t.Errorf("since the future: %q", got)
	}
	if got := directory(t, owner.In("secret"), nil); !reflect.DeepEqual(got, []string{"Loner:viewer"}) {
		t.Errorf("/@secret/ people/all: %q", got)
	}
	everyone := directory(t, owner, nil)
	if !reflect.DeepEqual(everyone, []string{"Loner:<null>", "Cy:<null>", "Bob:<null>", "Ada:<null>", "Site Owner:<null>"}) {
		t.Errorf("site-wide for the owner: %q, want everyone, without a role", everyone)
	}
	if got := directory(t, cyC.SiteWide(), nil); !reflect.DeepEqual(got, []string{"Cy:<null>", "Bob:<null>", "Ada:<null>", "Site Owner:<null>"}) {
		t.Errorf("site-wide for Cy: %q, want the people Cy shares a subsite with (not Loner)", got)
	}
	cyC.In("secret").Get("people/all/").Error(404, "not_found")
	wantInvalid := func(q string, field string) {
		t.Helper()
		m := cyC.Do(http.MethodGet, cyC.URL("people/all/")+"?"+q, nil, "").Error(400, "invalid_request")
		if m["field"] != field {
			t.Errorf("people/all?%s: field %v, want %s", q, m["field"], field)
		}
	}
	wantInvalid("limit=0", "limit")
	wantInvalid("cursor=zz", "cursor")
	wantInvalid("cursor="+api.EncodeCursor("12"), "cursor") // a pages/all cursor
	wantInvalid("since=never", "since")
}

func TestAddToSubsite(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	eng := site.Subsite("Engineering", "eng")
	_, adminC := site.Member("Admin", eng, people.RoleAdmin)
	owner := site.Client(site.OwnerTk)

	newcomer := site.User("Newcomer")
	var w personWrite
	owner.In("eng").Post(fmt.Sprintf("people/add_to_subsite/%d/", newcomer.ID), nil).Want(200).Decode(&w)
	if !w.Success || w.User.ID != newcomer.ID || str(w.User.Role) != "editor" || str(w.User.Notifications) != "on" || w.Subsites == nil {
		t.Fatalf("add without role answered %+v, want the subsite's default role (editor) and the memberships for an owner", w)
	}
	var slugs []string
	for _, m := range *w.Subsites {
		slugs = append(slugs, m.Subsite+":"+m.Role)
	}
	if !reflect.DeepEqual(slugs, []string{"home:editor", "eng:editor"}) {
		t.Errorf("memberships %q, want home:editor eng:editor", slugs)
	}

	// An admin of the subsite adds people too, but is not shown their other memberships.
	other := site.User("Other")
	w = personWrite{}
	adminC.Post(fmt.Sprintf("people/add_to_subsite/%d/", other.ID), map[string]any{"role": "admin", "skip_welcome_email": true}).Want(200).Decode(&w)
	if str(w.User.Role) != "admin" || w.Subsites != nil {
		t.Errorf("admin's add answered %+v, want role admin and no subsites list", w)
	}
	// A member added again with a role gets that role.
	w = personWrite{}
	adminC.Post(fmt.Sprintf("people/add_to_subsite/%d/", other.ID), map[string]any{"role": "viewer"}).Want(200).Decode(&w)
	if str(w.User.Role) != "viewer" {
		t.Errorf("re-adding with role viewer gave %s", str(w.User.Role))
	}
	// On the site-wide URL an owner names the subsite.
	third := site.User("Third")
	w = personWrite{}
	owner.Post(fmt.Sprintf("people/add_to_subsite/%d/", third.ID), map[string]any{"subsite_id": eng.ID, "role": "viewer"}).Want(200).Decode(&w)
	if str(w.User.Role) != "viewer" {
		t.Errorf("site-wide add answered %+v", w)
	}
	if got := directory(t, adminC, nil); !reflect.DeepEqual(got, []string{"Third:viewer", "Other:viewer", "Newcomer:editor", "Admin:admin"}) {
		t.Errorf("eng's members %q", got)
	}

	gone := site.User("Gone")
	owner.Post(fmt.Sprintf("people/delete/%d/", gone.ID), nil).Want(200)
	for _, tc := range []struct {
		name   string
		c      *apptest.Client
		path   string
		body   any
		status int
		code   string
		field  string
	}{
		{"bad role", adminC, "people/add_to_subsite/%d/", map[string]any{"role": "boss"}, 400, "invalid_request", "role"},
		{"unknown parameter", adminC, "people/add_to_subsite/%d/", map[string]any{"rank": "x"}, 400, "invalid_request", "rank"},
		{"site-wide without subsite_id", owner, "people/add_to_subsite/%d/", map[string]any{"role": "viewer"}, 400, "invalid_request", "subsite_id"},
		{"unknown subsite", owner, "people/add_to_subsite/%d/", map[string]any{"subsite_id": 9999}, 404, "not_found", ""},
		{"bad skip_welcome_email", adminC, "people/add_to_subsite/%d/", map[string]any{"skip_welcome_email": "maybe"}, 400, "invalid_request", "skip_welcome_email"},
	} {
		wantFailure(t, tc.c.Post(fmt.Sprintf(tc.path, site.User("Someone").ID), tc.body), tc.status, tc.code, tc.field)
	}
	wantFailure(t, adminC.Post("people/add_to_subsite/999999/", nil), 404, "not_found", "")
	wantFailure(t, adminC.Post(fmt.Sprintf("people/add_to_subsite/%d/", gone.ID), nil), 404, "not_found", "")
	wantFailure(t, adminC.Post("people/add_to_subsite/abc/", nil), 400, "invalid_request", "user_id")
	if got := directory(t, adminC, nil); len(got) != 4 {
		t.Errorf("refused adds changed eng: %q", got)
	}
}

func TestMembershipChanges(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	eng := site.Subsite("Engineering", "eng")
	_, adminC := site.Member("Admin", eng, people.RoleAdmin)
	vic, vicC := site.Member("Vic", eng, people.RoleViewer)
	outsider := site.User("Outsider")

	t.Run("set_permission", func(t *testing.T) {
		vicC.Post("pages/create/", map[string]any{"title": "T", "json": [][]any{{}}}).Error(403, "forbidden")
		var w personWrite
		adminC.Post(fmt.Sprintf("people/set_permission/%d/", vic.ID), map[string]any{"role": "editor"}).Want(200).Decode(&w)
		if !w.Success || str(w.User.Role) != "editor" || w.User.ID != vic.ID {
			t.Errorf("answered %+v, want Vic as editor", w)
		}
		// The new role counts from the next request.
		vicC.Post("pages/create/", map[string]any{"title": "T", "json": [][]any{{}}}).Want(200)
		wantFailure(t, adminC.Post(fmt.Sprintf("people/set_permission/%d/", vic.ID), nil), 400, "invalid_request", "role")
		wantFailure(t, adminC.Post(fmt.Sprintf("people/set_permission/%d/", vic.ID), map[string]any{"role": "owner"}), 400, "invalid_request", "role")
		wantFailure(t, adminC.Post(fmt.Sprintf("people/set_permission/%d/", outsider.ID), map[string]any{"role": "viewer"}), 404, "not_found", "")
		if got := directory(t, adminC, nil); !reflect.DeepEqual(got, []string{"Vic:editor", "Admin:admin"}) {
			t.Errorf("members %q", got)
		}
	})
	t.Run("set_notifications", func(t *testing.T) {
		var w personWrite
		vicC.Post(fmt.Sprintf("people/set_notifications/%d/", vic.ID), map[string]any{"notifications": "digest"}).Want(200).Decode(&w)
		if str(w.User.Notifications) != "digest" {
			t.Errorf("own notifications: %+v", w)
		}
		adminC.PostRaw(fmt.Sprintf("people/set_notifications/%d/", vic.ID), "application/x-www-form-urlencoded", "notifications=off").Want(200).Decode(&w)
		if str(w.User.Notifications) != "off" {
			t.Errorf("admin set notifications: %+v", w)
		}
		wantFailure(t, adminC.Post(fmt.Sprintf("people/set_notifications/%d/", vic.ID), map[string]any{"notifications": "loud"}), 400, "invalid_request", "notifications")
		wantFailure(t, adminC.Post(fmt.Sprintf("people/set_notifications/%d/", vic.ID), nil), 400, "invalid_request", "notifications")
		wantFailure(t, adminC.Post(fmt.Sprintf("people/set_notifications/%d/", outsider.ID), map[string]any{"notifications": "on"}), 404, "not_found", "")
		var list []person
		adminC.Get("people/all/").Want(200).Decode(&list)
		if str(list[0].Notifications) != "off" {
			t.Errorf("people/all shows notifications %s, want off", str(list[0].Notifications))
		}
	})
	t.Run("remove_from_subsite", func(t *testing.T) {
		var w personWrite
		adminC.Post(fmt.Sprintf("people/remove_from_subsite/%d/", vic.ID), nil).Want(200).Decode(&w)
		if !w.Success || w.User.ID != vic.ID || w.User.Role != nil {
			t.Errorf("answered %+v, want Vic without a role here", w)
		}
		if got := directory(t, adminC, nil); !reflect.DeepEqual(got, []string{"Admin:admin"}) {
			t.Errorf("members after removal %q", got)
		}
		vicC.Get("pages/all/").Error(404, "not_found") // from the next request on
		vicC.SiteWide().Get("pages/all/").Want(200)    // still in home
		wantFailure(t, adminC.Post(fmt.Sprintf("people/remove_from_subsite/%d/", vic.ID), nil), 404, "not_found", "")
		wantFailure(t, adminC.Post("people/remove_from_subsite/999999/", nil), 404, "not_found", "")
	})
	t.Run("site-wide URL is refused", func(t *testing.T) {
		for _, action := range []string{"remove_from_subsite", "set_permission", "set_notifications"} {
			m := site.Client(site.OwnerTk).Post(fmt.Sprintf("people/%s/%d/", action, vic.ID), nil).Error(400, "invalid_request")
			if !strings.Contains(m["error"].(string), "/@home/api/v1/people/"+action+"/") || m["success"] != false {
				t.Errorf("%s on the site URL: %v, want a message naming the subsite URL and success false", action, m)
			}
		}
	})
}

func TestDeletePerson(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	owner := site.Client(site.OwnerTk)
	eng := site.Subsite("Engineering", "eng")
	gone, goneC := site.Member("Gone Person", eng, people.RoleEditor)
	var p struct {
		ID int64 `json:"id"`
	}
	goneC.Post("pages/create/", map[string]any{"title": "Left behind", "json": [][]any{{}}}).Want(200).Decode(&p)

	var w personWrite
	owner.Post(fmt.Sprintf("people/delete/%d/", gone.ID), nil).Want(200).Decode(&w)
	if !w.Success || w.User.ID != gone.ID || w.Subsites == nil || len(*w.Subsites) != 0 {
		t.Errorf("answered %+v, want success, the person and no memberships", w)
	}
	goneC.Get("auth/debug/").Error(401, "invalid_token")
	if got := directory(t, owner.In("eng"), nil); len(got) != 0 {
		t.Errorf("eng's members after delete: %q", got)
	}
	for _, name := range directory(t, owner, nil) {
		if strings.HasPrefix(name, "Gone Person") {
			t.Errorf("site-wide directory still lists %s", name)
		}
	}
	var page struct {
		CreatedBy struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"created_by"`
	}
	owner.In("eng").Get(fmt.Sprintf("pages/get/%d/", p.ID)).Want(200).Decode(&page)
	if page.CreatedBy.ID != gone.ID || page.CreatedBy.Name != "Gone Person" {
		t.Errorf("their page's author %+v, want them still named", page.CreatedBy)
	}
	wantFailure(t, owner.Post(fmt.Sprintf("people/delete/%d/", gone.ID), nil), 404, "not_found", "")
	wantFailure(t, owner.Post("people/delete/999999/", nil), 404, "not_found", "")
	wantFailure(t, owner.Post(fmt.Sprintf("people/delete/%d/", site.Owner.ID), nil), 409, "conflict", "")
	m := owner.In("eng").Post(fmt.Sprintf("people/delete/%d/", site.Owner.ID), nil).Error(400, "invalid_request")
	if msg := m["error"].(string); !strings.Contains(msg, "site-wide") || !strings.Contains(msg, "/@eng") {
		t.Errorf("message on a subsite URL: %q, want it to say the action is site-wide, without /@eng", msg)
	}
	owner.Get("auth/debug/").Want(200)
}

func TestSubsites(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	owner := site.Client(site.OwnerTk)

	var made subsite
	owner.Post("subsites/create/", map[string]any{"title": "Research & Development", "description": "Labs",
		"default_role": "viewer"}).Want(200).Decode(&made)
	want := subsite{ID: made.ID, Slug: "research-development", Title: "Research & Development", Description: "Labs",
		URL: site.URL + "/@research-development/", DefaultRole: "viewer", CreatedAt: made.CreatedAt, MemberCount: 1}
	if made != want {
		t.Errorf("created\n got %+v\nwant %+v", made, want)
	}
	if got := directory(t, owner.In(made.Slug), nil); !reflect.DeepEqual(got, []string{"Site Owner:admin"}) {
		t.Errorf("members of the new subsite %q, want the creator as admin", got)
	}
	owner.In(made.Slug).Get("pages/all/").Want(200)

	var again subsite
	owner.Post("subsites/create/", map[string]any{"title": "Research & development"}).Want(200).Decode(&again)
	var open subsite
	owner.PostRaw("subsites/create/", "application/x-www-form-urlencoded", "title=Everyone&slug=all-hands&auto_join=true").Want(200).Decode(&open)
	if again.Slug != "research-development-2" || again.DefaultRole != "editor" || open.Slug != "all-hands" || !open.AutoJoin {
		t.Errorf("slugs %q and %q (auto_join %v), want research-development-2 (default role editor) and all-hands", again.Slug, open.Slug, open.AutoJoin)
	}
	_, newC := site.Member("Newcomer", site.Home(), people.RoleEditor)
	if got := directory(t, newC.In("all-hands"), nil); len(got) == 0 || got[0] != "Newcomer:editor" {
		t.Errorf("an auto-join subsite's members %q, want the newcomer first, as editor", got)
	}

	for _, tc := range []struct {
		body   map[string]any
		status int
		field  string
	}{
		{map[string]any{"description": "no title"}, 400, "title"},
		{map[string]any{"title": "  "}, 400, "title"},
		{map[string]any{"title": "X", "slug": "Bad Slug"}, 400, "slug"},
		{map[string]any{"title": "X", "slug": "api"}, 400, "slug"},
		{map[string]any{"title": "X", "default_role": "owner"}, 400, "default_role"},
		{map[string]any{"title": "X", "colour": "red"}, 400, "colour"},
		{map[string]any{"title": "X", "slug": "all-hands"}, 409, ""},
	} {
		r := owner.Post("subsites/create/", tc.body)
		if tc.status == 409 {
			r.Error(409, "conflict")
			continue
		}
		if m := r.Error(400, "invalid_request"); m["field"] != tc.field {
			t.Errorf("create %v: field %v, want %s", tc.body, m["field"], tc.field)
		}
	}

	var all []subsite
	owner.Get("subsites/all/").Want(200).Decode(&all)
	var got []string
	for _, s := range all {
		got = append(got, fmt.Sprintf("%s:%d", s.Slug, s.MemberCount))
	}
	if want := []string{"home:2", "research-development:1", "research-development-2:1", "all-hands:2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("subsites/all %q, want %q (oldest first, with member counts)", got, want)
	}
	if all[0].URL != site.URL+"/@home/" || all[0].Title != "Home" || !all[0].AutoJoin {
		t.Errorf("home %+v", all[0])
	}
	var byPost []subsite
	owner.Post("subsites/all/", nil).Want(200).Decode(&byPost)
	if !reflect.DeepEqual(byPost, all) {
		t.Errorf("POST subsites/all differs from GET")
	}
	r := owner.Get("subsites/all/", url.Values{"limit": {"3"}}).Want(200)
	if n := len(r.List()); n != 3 || !strings.Contains(r.Header.Get("Link"), "cursor=") {
		t.Fatalf("limit 3: %d subsites, Link %q", n, r.Header.Get("Link"))
	}
	link := regexp.MustCompile(`<([^>]+)>`).FindStringSubmatch(r.Header.Get("Link"))[1]
	rest := owner.Do(http.MethodGet, link, nil, "").Want(200)
	if l := rest.List(); len(l) != 1 || l[0]["slug"] != "all-hands" || rest.Header.Get("Link") != "" {
		t.Errorf("the next page: %s (Link %q), want all-hands alone", rest.Body, rest.Header.Get("Link"))
	}
	m := owner.In("home").Get("subsites/all/").Error(400, "invalid_request")
	if !strings.Contains(m["error"].(string), "without the /@home prefix") {
		t.Errorf("subsites/all on a subsite URL: %q, want it to name the site-wide URL", m["error"])
	}
}

func TestAuthDebug(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	eng := site.Subsite("Engineering", "eng")
	vic := site.User("Vic")
	site.Join(eng, vic, people.RoleViewer)
	secret, tok, err := site.Inst.People.CreateToken(t.Context(), people.NewToken{UserID: vic.ID, Name: "zapier",
		Scopes: []string{people.GroupRead, people.GroupWrite}, Rate: "30/1m"})
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		User    person   `json:"user"`
		Subsite string   `json:"subsite"`
		Role    string   `json:"role"`
		Scopes  []string `json:"scopes"`
		Rate    string   `json:"rate"`
		IsOwner bool     `json:"is_owner"`
		Token   struct {
			ID        int64    `json:"id"`
			UserID    int64    `json:"user_id"`
			Name      string   `json:"name"`
			Prefix    string   `json:"prefix"`
			Scopes    []string `json:"scopes"`
			Rate      string   `json:"rate"`
			ExpiresAt *string  `json:"expires_at"`
			RevokedAt *string  `json:"revoked_at"`
		} `json:"token"`
	}
	r := site.Client(secret).In("eng").Get("auth/debug/").Want(200)
	r.Decode(&d)
	if d.User.ID != vic.ID || d.Subsite != "eng" || d.Role != "viewer" || d.IsOwner || d.Rate != "30/60s" ||
		!reflect.DeepEqual(d.Scopes, []string{"pages:read", "pages:write", "records:read", "records:write", "comments:write",
			"people:read", "people:write", "hooks:write"}) || d.Token.ID != tok.ID || d.Token.Name != "zapier" ||
		d.Token.UserID != vic.ID || !strings.HasPrefix(secret, d.Token.Prefix) || len(d.Token.Prefix) >= len(secret) ||
		d.Token.ExpiresAt != nil || d.Token.RevokedAt != nil {
		t.Errorf("auth/debug %+v", d)
	}
	if strings.Contains(string(r.Body), secret[len(d.Token.Prefix):]) {
		t.Errorf("auth/debug shows the token's secret: %s", r.Body)
	}
	d.Role = ""
	site.Client(secret).Get("auth/debug/").Want(200).Decode(&d)
	if d.Subsite != "home" || d.Role != "editor" {
		t.Errorf("site-wide: subsite %q role %q, want home and editor", d.Subsite, d.Role)
	}
	d.Rate = ""
	site.Client(site.OwnerTk).In("eng").Get("auth/debug/").Want(200).Decode(&d)
	if !d.IsOwner || d.Role != "admin" || d.Rate != "100000/1s" || len(d.Scopes) != len(people.AllScopes) {
		t.Errorf("owner in eng: %+v, want is_owner, role admin, every scope", d)
	}
}

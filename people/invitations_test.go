package people_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"quire/app/apptest"
	"quire/people"
	"quire/people/mail"
)

// outbox is what the site's outbox holds, newest first.
func outbox(t *testing.T, site *apptest.Site) []mail.Mail {
	t.Helper()
	var list []mail.Mail
	site.Client(site.OwnerTk).SiteWide().Get("mail/outbox/").Want(200).Decode(&list)
	return list
}

var inviteLink = regexp.MustCompile(`https?://\S+/invite/[A-Za-z0-9_-]+`)

func TestInvite(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	owner := site.Client(site.OwnerTk).SiteWide()
	joinable := owner.Post("subsites/create/", map[string]any{"title": "Everyone", "auto_join": true, "default_role": "viewer"}).Want(200).Object()
	owner.Post("subsites/create/", map[string]any{"title": "Private"}).Want(200)

	var answer struct {
		Success bool                `json:"success"`
		User    person              `json:"user"`
		Subs    []people.Membership `json:"subsites"`
	}
	owner.Post("people/invite/", map[string]any{"email_address": "Grace@Example.com", "name": "Grace Hopper"}).Want(200).Decode(&answer)
	if !answer.Success || answer.User.Email != "grace@example.com" || !answer.User.WaitingInvite {
		t.Errorf("invite answered %+v", answer)
	}
	var slugs []string
	for _, m := range answer.Subs {
		slugs = append(slugs, m.Subsite+":"+string(m.Role))
	}
	if got := strings.Join(slugs, ","); !strings.Contains(got, joinable["slug"].(string)+":viewer") || strings.Contains(got, "private") {
		t.Errorf("the invited person joined %q; want the auto-join subsites with their default role, not Private", got)
	}
	mails := outbox(t, site)
	if len(mails) != 1 || mails[0].To != "grace@example.com" || !inviteLink.MatchString(mails[0].Body) || mails[0].SentAt != nil {
		t.Fatalf("outbox %+v; want one unsent welcome mail with a link", mails)
	}

	// Inviting someone who still waits sends a new link and voids the old one; anyone else: 409.
	owner.Post("people/invite/", map[string]any{"email_address": "grace@example.com"}).Want(200)
	mails = outbox(t, site)
	oldLink, newLink := inviteLink.FindString(mails[1].Body), inviteLink.FindString(mails[0].Body)
	if len(mails) != 2 || oldLink == newLink || newLink == "" {
		t.Fatalf("invited again: outbox %+v; want a second mail with a new link", mails)
	}
	c := &http.Client{}
	if r := fetch(t, c, http.MethodGet, oldLink, nil); r.status != 404 {
		t.Errorf("the first link after a second invitation: %d, want 404", r.status)
	}
	if r := fetch(t, c, http.MethodGet, newLink, nil); r.status != 200 {
		t.Errorf("the new link: %d, want 200", r.status)
	}
	owner.Post("people/invite/", map[string]any{"email_address": "owner@example.com"}).Error(409, "conflict")
	// Removing the person voids their link.
	gid := answer.User.ID
	owner.Post(fmt.Sprintf("people/delete/%d/", gid), nil).Want(200)
	if r := fetch(t, c, http.MethodGet, newLink, nil); r.status != 404 {
		t.Errorf("the link of a person removed from the site: %d, want 404", r.status)
	}
	for _, bad := range []map[string]any{{}, {"email_address": "not an address"}, {"email_address": "a@b.c", "role": "admin"}} {
		owner.Post("people/invite/", bad).Error(400, "invalid_request")
	}
	owner.Post("people/invite/", map[string]any{"email_address": "quiet@example.com", "auto_join": false, "skip_welcome_email": true}).Want(200).Decode(&answer)
	if len(answer.Subs) != 0 || answer.User.DistinguishedName != "quiet" {
		t.Errorf("auto_join false: memberships %v, name %q; want none and the address's name", answer.Subs, answer.User.DistinguishedName)
	}
	if n := len(outbox(t, site)); n != 2 {
		t.Errorf("skip_welcome_email still queued a mail: %d in the outbox", n)
	}

	_, admin := site.Member("Ada", site.Home(), people.RoleAdmin)
	admin.SiteWide().Post("people/invite/", map[string]any{"email_address": "x@example.com"}).Error(403, "forbidden")
	admin.SiteWide().Get("mail/outbox/").Error(403, "forbidden")
	site.Client(site.OwnerTk).In("home").Post("people/invite/", map[string]any{"email_address": "x@example.com"}).Error(400, "invalid_request")
}

// The link of an invitation opens a page that takes a name and a password once, guarded by a
// CSRF token bound to the link.
func TestAcceptInvitation(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	owner := site.Client(site.OwnerTk).SiteWide()
	owner.Post("people/invite/", map[string]any{"email_address": "lin@example.com", "name": "Lin"}).Want(200)
	mails := outbox(t, site)
	link := ""
	if len(mails) == 1 {
		link = inviteLink.FindString(mails[0].Body)
	}
	if link == "" || !strings.HasPrefix(link, site.URL+"/invite/") {
		t.Fatalf("no invitation link to this site in the outbox: %+v", mails)
	}

	// The link's page takes a name and password once.
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	page := fetch(t, c, http.MethodGet, link, nil)
	if page.status != 200 || !strings.Contains(page.body, "lin@example.com") || page.header.Get("Content-Security-Policy") == "" ||
		page.header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("invitation page: %d %v\n%s", page.status, page.header, page.body)
	}
	csrf := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(page.body)
	if csrf == nil {
		t.Fatalf("no CSRF token in the form:\n%s", page.body)
	}
	form := url.Values{"csrf_token": {csrf[1]}, "name": {"Lin Wei"}, "password": {"correct horse"}, "confirm": {"correct horse"}}
	forged := url.Values{"csrf_token": {"forged"}, "name": {"x"}, "password": {"correct horse"}, "confirm": {"correct horse"}}
	if r := fetch(t, c, http.MethodPost, link, forged); r.status != 403 {
		t.Errorf("a forged CSRF token: %d, want 403", r.status)
	}
	short := url.Values{"csrf_token": {csrf[1]}, "name": {"Lin Wei"}, "password": {"short"}, "confirm": {"short"}}
	if r := fetch(t, c, http.MethodPost, link, short); r.status != 400 || !strings.Contains(r.body, "at least 8 characters") || !strings.Contains(r.body, `value="Lin Wei"`) {
		t.Errorf("a short password: %d\n%s", r.status, r.body)
	}
	accepted := fetch(t, c, http.MethodPost, link, form)
	if accepted.status != 303 || accepted.header.Get("Location") != "/" || !strings.Contains(accepted.header.Get("Set-Cookie"), people.SessionCookie+"=") {
		t.Fatalf("accepting: %d %v, want 303 to / with a session cookie\n%s", accepted.status, accepted.header, accepted.body)
	}
	// The person is signed in: the cookie opens their account page.
	req, _ := http.NewRequest(http.MethodGet, site.URL+"/account", nil)
	req.Header.Set("Cookie", strings.Split(accepted.header.Get("Set-Cookie"), ";")[0])
	if resp, err := c.Do(req); err != nil || resp.StatusCode != 200 {
		t.Errorf("the account page with the cookie set on accepting: %v %v, want 200", resp, err)
	} else {
		resp.Body.Close()
	}
	if _, err := site.Inst.People.CheckPassword(context.Background(), "lin@example.com", "correct horse"); err != nil {
		t.Errorf("the password chosen does not work: %v", err)
	}
	var list []person
	owner.Get("people/all/").Want(200).Decode(&list)
	for _, p := range list {
		if p.Email == "lin@example.com" && (p.WaitingInvite || p.DistinguishedName != "Lin Wei") {
			t.Errorf("after accepting: %+v", p)
		}
	}
	for _, u := range []string{link, site.URL + "/invite/unknown"} {
		if r := fetch(t, c, http.MethodGet, u, nil); r.status != 404 || !strings.Contains(r.body, "not valid") {
			t.Errorf("GET %s after use: %d", u, r.status)
		}
	}
	if r := fetch(t, c, http.MethodPost, link, form); r.status != 404 {
		t.Errorf("posting a used link: %d, want 404", r.status)
	}
}

type fetched struct {
	status int
	header http.Header
	body   string
}

func fetch(t *testing.T, c *http.Client, method, u string, form url.Values) fetched {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return fetched{resp.StatusCode, resp.Header, string(b)}
}

func TestUpdateSubsite(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	team := site.Subsite("Team", "team")
	_, admin := site.Member("Ada", team, people.RoleAdmin)
	_, editor := site.Member("Ed", team, people.RoleEditor)
	_, outsider := site.Member("Out", site.Home(), people.RoleEditor)
	path := fmt.Sprintf("subsites/update/%d/", team.ID)

	got := admin.SiteWide().Post(path, map[string]any{"title": "The Team", "default_role": "viewer"}).Want(200).Object()
	if got["title"] != "The Team" || got["auto_join"] != false || got["default_role"] != "viewer" || got["slug"] != "team" {
		t.Errorf("update answered %v", got)
	}
	admin.SiteWide().Post(path, map[string]any{"auto_join": true}).Error(403, "forbidden")
	site.Client(site.OwnerTk).SiteWide().Post(path, map[string]any{"description": "Everything team", "auto_join": true}).Want(200)
	editor.SiteWide().Post(path, map[string]any{"title": "Mine"}).Error(403, "forbidden")
	outsider.SiteWide().Post(path, map[string]any{"title": "Mine"}).Error(404, "not_found")
	admin.SiteWide().Post(path, map[string]any{"default_role": "boss"}).Error(400, "invalid_request")
	admin.SiteWide().Post(path, map[string]any{"slug": "x"}).Error(400, "invalid_request")
	site.Client(site.OwnerTk).SiteWide().Post("subsites/update/9999/", map[string]any{"title": "x"}).Error(404, "not_found")

	// A person invited now joins it as a viewer.
	var answer struct {
		Subs []people.Membership `json:"subsites"`
	}
	site.Client(site.OwnerTk).SiteWide().Post("people/invite/", map[string]any{"email_address": "new@example.com"}).Want(200).Decode(&answer)
	found := false
	for _, m := range answer.Subs {
		found = found || (m.SubsiteID == team.ID && m.Role == people.RoleViewer)
	}
	if !found {
		t.Errorf("invited person's memberships %+v; want Team as viewer", answer.Subs)
	}
}

func TestAddToSubsiteWelcomeMail(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	site.Subsite("Team", "team")
	u := site.User("Newcomer")
	other := site.User("Quiet")
	owner := site.Client(site.OwnerTk).In("team")
	owner.Post(fmt.Sprintf("people/add_to_subsite/%d/", u.ID), nil).Want(200)
	owner.Post(fmt.Sprintf("people/add_to_subsite/%d/", u.ID), map[string]any{"role": "admin"}).Want(200) // a member already: no second mail
	owner.Post(fmt.Sprintf("people/add_to_subsite/%d/", other.ID), map[string]any{"skip_welcome_email": true}).Want(200)
	mails := outbox(t, site)
	if len(mails) != 1 || mails[0].To != u.Email || mails[0].Subject != "You were added to Team" || !strings.Contains(mails[0].Body, "/@team/") {
		t.Errorf("outbox %+v; want one welcome to Team for the newcomer", mails)
	}
}

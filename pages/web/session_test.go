package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestWithSession reads and posts as a browser does, with the session cookie: forms carry the
// session's CSRF token (and a post without it is refused), and ?json answers pages/get's bytes.
func TestWithSession(t *testing.T) {
	t.Parallel()
	w := seedWiki(t)
	ss := w.site.SignIn(w.site.Owner)
	c := *w.site.Client("")
	c.Headers = http.Header{"Cookie": {ss.Cookie.String()}, "Sec-Fetch-Site": {"same-origin"}}
	page := string(get(&c, "/@home/team-handbook/").Want(200).Body)
	field := `<input type="hidden" name="csrf_token" value="` + ss.CSRF + `">`
	if strings.Count(page, field) < 3 { // sign out, the form, the comment box
		t.Errorf("forms do not carry the session's CSRF token")
	}
	if !strings.Contains(page, `hx-headers="{&#34;X-CSRF-Token&#34;:&#34;`+ss.CSRF+`&#34;}"`) {
		t.Errorf("htmx requests do not send the CSRF header")
	}
	post := func(form url.Values) int {
		return c.Do("POST", w.site.URL+"/@home/team-handbook/comments/", strings.NewReader(form.Encode()), "application/x-www-form-urlencoded").Status
	}
	if st := post(url.Values{"message": {"No token"}}); st != 403 {
		t.Errorf("a post without the CSRF token: %d, want 403", st)
	}
	if st := post(url.Values{"message": {"With the token"}, "csrf_token": {ss.CSRF}}); st != 303 {
		t.Errorf("a post with the CSRF token: %d, want 303", st)
	}
	api := w.owner.Get(fmt.Sprintf("pages/get/%d/", w.welcome)).Want(200)
	if r := get(&c, "/@home/team-handbook/?json").Want(200); !bytes.Equal(r.Body, api.Body) {
		t.Errorf("?json with a session differs from pages/get")
	}
}

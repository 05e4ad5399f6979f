package app_test

import (
	"database/sql"
	"strconv"
	"strings"
	"testing"

	"quire/app/apptest"
	"quire/people"
)

// limits reads the RateLimit headers of an answer, failing the test when one is missing.
func limits(t *testing.T, r *apptest.Response) (limit, remaining, reset int) {
	t.Helper()
	read := func(name string) int {
		v := r.Header.Get(name)
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			t.Fatalf("%s %s (status %d): %s header %q, want a number", r.Method, r.URL, r.Status, name, v)
		}
		return n
	}
	return read("RateLimit-Limit"), read("RateLimit-Remaining"), read("RateLimit-Reset")
}

// wantLimited checks a 429: its message names the rate, and Retry-After says when to come back.
func wantLimited(t *testing.T, r *apptest.Response, rate string, maxRetry int) {
	t.Helper()
	m := r.Error(429, "rate_limited")
	if msg := m["error"].(string); !strings.HasPrefix(msg, "Rate limit of "+rate+" exceeded") {
		t.Errorf("message %q, want it to start with %q", msg, "Rate limit of "+rate+" exceeded")
	}
	if retry, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || retry < 1 || retry > maxRetry {
		t.Errorf("Retry-After %q, want 1 to %d seconds", r.Header.Get("Retry-After"), maxRetry)
	}
	if _, remaining, _ := limits(t, r); remaining != 0 {
		t.Errorf("RateLimit-Remaining %d on a 429", remaining)
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, apptest.WithEnv("QUIRE_RATE", "4/60s"))
	u := site.User("Rick Rate")
	slow := site.Client(site.Token(u, "3/60s"))

	// Every answer counts, whatever its status, and carries the headers.
	answers := []*apptest.Response{
		slow.Get("pages/all/").Want(200),
		slow.Get("pages/get/999/").Want(404),
		slow.In("nosuch").Get("pages/all/").Want(404),
	}
	for i, r := range answers {
		limit, remaining, reset := limits(t, r)
		if limit != 3 || remaining != 2-i || reset < 1 || reset > 60 || r.Header.Get("Retry-After") != "" {
			t.Errorf("answer %d: limit %d remaining %d reset %d Retry-After %q; want 3, %d, 1..60, none",
				i, limit, remaining, reset, r.Header.Get("Retry-After"), 2-i)
		}
	}
	wantLimited(t, slow.Get("pages/all/"), "3 requests per 60 seconds", 20)
	wantLimited(t, slow.Get("pages/nosuch/"), "3 requests per 60 seconds", 20)
	wantLimited(t, slow.Get("pages/create/"), "3 requests per 60 seconds", 20)
	wantLimited(t, slow.Post("pages/create/", map[string]any{"title": "Too many", "json": [][]any{{}}}), "3 requests per 60 seconds", 20)
	wantLimited(t, slow.In("home").Get("auth/debug/"), "3 requests per 60 seconds", 20)

	// Another token of the same person has its own bucket and rate. Unknown actions and wrong
	// methods count too.
	fast := site.Client(site.Token(u, "5/60s"))
	for i := 0; i < 5; i++ {
		var r *apptest.Response
		switch i {
		case 1:
			r = fast.Get("pages/nosuch/").Want(405)
		case 2:
			r = fast.Get("pages/create/").Want(405)
		default:
			r = fast.Get("pages/all/").Want(200)
		}
		if limit, remaining, _ := limits(t, r); limit != 5 || remaining != 4-i {
			t.Errorf("5/60s token, answer %d: limit %d remaining %d", i, limit, remaining)
		}
	}
	wantLimited(t, fast.Get("pages/all/"), "5 requests per 60 seconds", 12)
	if list := site.Client(site.OwnerTk).Get("pages/all/").List(); len(list) != 0 {
		t.Errorf("a limited request created a page: %v", list)
	}

	// A token without its own rate has the site's.
	plain, _, err := site.Inst.People.CreateToken(t.Context(), people.NewToken{UserID: u.ID, Name: "default rate"})
	if err != nil {
		t.Fatal(err)
	}
	def := site.Client(plain)
	for i := 0; i < 4; i++ {
		if limit, _, _ := limits(t, def.Get("auth/debug/").Want(200)); limit != 4 {
			t.Errorf("site default: limit %d, want 4", limit)
		}
	}
	wantLimited(t, def.Get("auth/debug/"), "4 requests per 60 seconds", 15)

	// Requests without a valid token share their address's bucket at the site's rate.
	anon := site.Client("")
	for i := 0; i < 4; i++ {
		r := anon.Get("pages/all/")
		r.Error(401, "invalid_token")
		if limit, remaining, _ := limits(t, r); limit != 4 || remaining != 3-i {
			t.Errorf("anonymous answer %d: limit %d remaining %d", i, limit, remaining)
		}
	}
	wantLimited(t, site.Client("qt_unknown").Get("pages/all/"), "4 requests per 60 seconds", 15)
}

// A token whose stored rate cannot be read (written around Quire) is refused with a 401 that says
// what to do, and a log line that names the token: neither the site's rate nor no limit is what
// it was given.
func TestUnreadableStoredRate(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	u := site.User("Rhoda Rate")
	plain, tok, err := site.Inst.People.CreateToken(t.Context(), people.NewToken{UserID: u.ID, Name: "broken", Rate: "5/60s"})
	if err != nil {
		t.Fatal(err)
	}
	err = site.Inst.DB.Write(t.Context(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE tokens SET rate = 'lots' WHERE id = ?`, tok.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r := site.Client(plain).Get("auth/debug/")
	body := r.Error(401, "invalid_token")
	if msg := body["error"].(string); strings.Contains(msg, "lots") {
		t.Errorf("the answer shows the stored rate: %q", msg)
	}
	want := "API token " + strconv.FormatInt(tok.ID, 10) + " has a stored rate that is not a rate"
	if log := site.LogText(); !strings.Contains(log, want) || !strings.Contains(log, body["request_id"].(string)) {
		t.Errorf("the log does not say %q with the request id %v:\n%s", want, body["request_id"], log)
	}
}

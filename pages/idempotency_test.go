package pages_test

import (
	"fmt"
	"net/http"
	"quire/app/api"
	"strings"
	"testing"
	"time"

	"quire/app/apptest"
)

func TestIdempotencyKeyReplaysTheFirstAnswer(t *testing.T) {
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	c.Headers = http.Header{"Idempotency-Key": {"create-onboarding-1"}}
	body := map[string]any{"title": "Onboarding", "json": body1("Welcome")}
	first := c.Post("pages/create/", body).Want(200)
	again := c.Post("pages/create/", body).Want(200)
	if again.Header.Get("Idempotent-Replayed") != "true" || string(again.Body) != string(first.Body) {
		t.Errorf("retry: header %q, body %s; want the first answer %s replayed", again.Header.Get("Idempotent-Replayed"), again.Body, first.Body)
	}
	if first.Header.Get("Idempotent-Replayed") != "" {
		t.Errorf("the first answer says it is replayed")
	}
	other := c.Post("pages/create/", map[string]any{"title": "Other", "json": body1("x")})
	other.Error(409, "conflict")

	// Errors replay too, and a GET ignores the header.
	c.Headers = http.Header{"Idempotency-Key": {"bad-1"}}
	c.Post("pages/create/", map[string]any{"title": ""}).Error(400, "invalid_request")
	replayed := c.Post("pages/create/", map[string]any{"title": ""})
	replayed.Error(400, "invalid_request")
	if replayed.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("a 400 was not replayed")
	}
	c.Get("pages/all/").Want(200)
	if strings.Contains(site.LogText(), "after the answer started") {
		t.Errorf("an answered error was logged as coming after the answer:\n%s", site.LogText())
	}

	// Keys are per caller: another token may use the same key for its own request.
	u, _ := site.Member("Ida", site.Home(), "")
	c2 := site.Client(site.Token(u))
	c2.Headers = http.Header{"Idempotency-Key": {"create-onboarding-1"}}
	c2.Post("pages/create/", map[string]any{"title": "Mine", "json": body1("x")}).Want(200)

	c.Headers = http.Header{"Idempotency-Key": {strings.Repeat("k", 256)}}
	c.Post("pages/create/", body).Error(400, "invalid_request")

	c.Headers = nil
	var list []map[string]any
	c.Get("pages/all/").Want(200).Decode(&list)
	if len(list) != 2 {
		t.Errorf("%d pages, want 2 (Onboarding once, and Mine)", len(list))
	}
}

// A claim whose request never finished (the server stopped in the middle) blocks its key for ten
// minutes, then counts as abandoned.
func TestIdempotencyKeyAbandonedClaimIsFreed(t *testing.T) {
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	var debug struct {
		Token struct {
			ID int64 `json:"id"`
		} `json:"token"`
	}
	c.Get("auth/debug/").Want(200).Decode(&debug)
	caller := fmt.Sprintf("token:%d", debug.Token.ID)
	now := time.Now().UTC()
	for key, at := range map[string]time.Time{"stale": now.Add(-11 * time.Minute), "fresh": now.Add(-time.Minute)} {
		if _, err := site.Inst.DB.W.Exec(`INSERT INTO idempotency_keys (caller, idem_key, created_at) VALUES (?, ?, ?)`,
			caller, key, api.NewTime(at)); err != nil {
			t.Fatal(err)
		}
	}
	c.Headers = http.Header{"Idempotency-Key": {"fresh"}}
	c.Post("pages/create/", map[string]any{"title": "A", "json": body1("x")}).Error(409, "conflict")
	c.Headers = http.Header{"Idempotency-Key": {"stale"}}
	first := c.Post("pages/create/", map[string]any{"title": "B", "json": body1("x")}).Want(200)
	again := c.Post("pages/create/", map[string]any{"title": "B", "json": body1("x")}).Want(200)
	if first.ID() != again.ID() || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("retry after a freed claim: page %d then %d; want the first answer replayed", first.ID(), again.ID())
	}
}

// An answer too large to keep is not replayed, but the request is not done twice either.
func TestIdempotencyKeyAnswerTooLargeToKeep(t *testing.T) {
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	page := c.Post("pages/create/", map[string]any{"title": "Big", "json": body1("x")}).ID()
	var md strings.Builder
	for i := 1; md.Len() < 1900<<10; i++ {
		md.WriteString("A paragraph of words & <b>markup</b> that doubles in the answer as html and text.\n\n")
		if i%4000 == 0 {
			md.WriteString("# Part\n\n") // a widget holds at most 1 MB of HTML
		}
	}
	c.Headers = http.Header{"Idempotency-Key": {"big-1"}}
	path := fmt.Sprintf("page/%d/markdown/create/", page)
	body := map[string]any{"widget": map[string]any{"val": md.String()}}
	first := c.Post(path, body).Want(200)
	if len(first.Body) <= 4<<20 {
		t.Fatalf("the answer is %d bytes; the test needs one above 4 MiB", len(first.Body))
	}
	made := len(first.List())
	msg := c.Post(path, body).Error(409, "conflict")
	if !strings.Contains(fmt.Sprint(msg["error"]), "too large to keep") {
		t.Errorf("retry error %q; want it to say the answer was too large to keep", msg["error"])
	}
	c.Headers = nil
	var got map[string]any
	c.Get(fmt.Sprintf("pages/get/%d/", page)).Want(200).Decode(&got)
	if cols := got["json"].([]any); len(cols[0].([]any)) != 1+made {
		t.Errorf("the page has %d widgets in its first column; want %d (the retry did nothing)", len(cols[0].([]any)), 1+made)
	}
}

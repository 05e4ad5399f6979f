package pages_test

import (
	"net/http"
	"strings"
	"testing"

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

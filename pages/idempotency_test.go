package pages_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"quire/app/api"
	"quire/app/apptest"
)

func TestIdempotencyKeyReplaysTheFirstAnswer(t *testing.T) {
	t.Parallel()
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

// A record without an answer is a request whose change committed while its answer was not kept
// (being written, or lost when the server stopped): a retry never runs the request again.
func TestIdempotencyKeyRecordWithoutAnswer(t *testing.T) {
	t.Parallel()
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
	for _, tc := range []struct {
		key  string
		at   time.Time
		want string
	}{
		{"lost", now.Add(-11 * time.Minute), "its answer was lost"},
		{"pending", now.Add(-10 * time.Second), "Retry in a moment"},
	} {
		fp := fingerprintOf(t, "POST /api/v1/pages/create/\n", `{"json":[[]],"title":"A"}`)
		if _, err := site.Inst.DB.Exec(t.Context(), `INSERT INTO idempotency_keys (caller, idem_key, fingerprint, created_at) VALUES (?, ?, ?, ?)`,
			caller, tc.key, fp, api.NewTime(tc.at)); err != nil {
			t.Fatal(err)
		}
		c.Headers = http.Header{"Idempotency-Key": {tc.key}}
		msg := c.Post("pages/create/", map[string]any{"title": "A", "json": [][]any{{}}}).Error(409, "conflict")
		if !strings.Contains(msg["error"].(string), tc.want) {
			t.Errorf("%s: %q, want it to say %q", tc.key, msg["error"], tc.want)
		}
		other := c.Post("pages/create/", map[string]any{"title": "B", "json": [][]any{{}}}).Error(409, "conflict")
		if !strings.Contains(other["error"].(string), "different request") {
			t.Errorf("%s with another body: %q, want the key-reused conflict", tc.key, other["error"])
		}
	}
	c.Headers = nil
	if n := len(c.Get("pages/all/").Want(200).List()); n != 0 {
		t.Errorf("%d pages, want 0: a request whose change was recorded as done ran again", n)
	}
}

// A claim that an earlier version recorded before running its request (no fingerprint, no
// answer) says nothing of whether the change was made: for ten minutes a retry is told to retry
// in a moment, as that version did; after them the claim is abandoned and the request runs (once:
// its answer, a change's or an error's, is kept and replayed as any other).
func TestIdempotencyKeyClaimOfAnOlderVersion(t *testing.T) {
	t.Parallel()
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
	for _, tc := range []struct {
		key    string
		age    time.Duration
		body   map[string]any
		status int
	}{
		{"young", 9 * time.Minute, map[string]any{"title": "Young", "json": [][]any{{}}}, 409},
		{"abandoned", 11 * time.Minute, map[string]any{"title": "Abandoned", "json": [][]any{{}}}, 200},
		{"abandoned, refused", 11 * time.Minute, map[string]any{"title": ""}, 400},
	} {
		if _, err := site.Inst.DB.Exec(t.Context(), `INSERT INTO idempotency_keys (caller, idem_key, created_at) VALUES (?, ?, ?)`,
			caller, tc.key, api.NewTime(now.Add(-tc.age))); err != nil {
			t.Fatal(err)
		}
		c.Headers = http.Header{"Idempotency-Key": {tc.key}}
		first := c.Post("pages/create/", tc.body).Want(tc.status)
		if tc.status == 409 {
			if msg := first.Error(409, "conflict")["error"].(string); !strings.Contains(msg, "Retry in a moment") {
				t.Errorf("%s: %q, want it to say to retry in a moment", tc.key, msg)
			}
			continue
		}
		again := c.Post("pages/create/", tc.body).Want(tc.status)
		if again.Header.Get("Idempotent-Replayed") != "true" || string(again.Body) != string(first.Body) {
			t.Errorf("%s: retry %s (replayed %q), want the first answer replayed: %s", tc.key, again.Body, again.Header.Get("Idempotent-Replayed"), first.Body)
		}
	}
	c.Headers = nil
	if list := c.Get("pages/all/").Want(200).List(); len(list) != 1 || list[0]["title"] != "Abandoned" {
		t.Errorf("pages %v, want the abandoned claim's request done once", list)
	}
}

// fingerprintOf is the fingerprint the server keeps of a request: the SHA-256 of its method, path
// and body, and the body's size.
func fingerprintOf(t *testing.T, head, body string) string {
	sum := sha256.Sum256([]byte(head + body))
	return hex.EncodeToString(sum[:]) + ":" + strconv.Itoa(len(body))
}

// Requests sent at once with the same key make one change: the others answer the first's answer
// or a 409 saying it is being answered, never a second page.
func TestIdempotencyKeyConcurrentRequests(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	c.Headers = http.Header{"Idempotency-Key": {"at-once"}}
	const n = 8
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp := c.Post("pages/create/", map[string]any{"title": "Once", "json": body1("x")})
			statuses <- resp.Status
		}()
	}
	wg.Wait()
	close(statuses)
	for st := range statuses {
		if st != 200 && st != 409 {
			t.Errorf("status %d, want 200 or 409", st)
		}
	}
	c.Headers = nil
	if got := len(c.Get("pages/all/").Want(200).List()); got != 1 {
		t.Errorf("%d pages, want 1", got)
	}
}

// An answer too large to keep is not replayed, but the request is not done twice either.
func TestIdempotencyKeyAnswerTooLargeToKeep(t *testing.T) {
	t.Parallel()
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

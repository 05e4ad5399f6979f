package hooks_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"quire/app/apptest"
	"quire/app/events"
	"quire/people"
)

// delivery is a request a receiver got.
type delivery struct {
	header http.Header
	body   []byte
	at     time.Time
}

// receiver is a hook's target on loopback: it answers each request with the next status of
// answers (the last one repeats) and hands what it got to got.
type receiver struct {
	*httptest.Server
	mu      sync.Mutex
	answers []int
	got     chan delivery
}

func newReceiver(t *testing.T, answers ...int) *receiver {
	r := &receiver{answers: answers, got: make(chan delivery, 100)}
	if len(r.answers) == 0 {
		r.answers = []int{http.StatusOK}
	}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		status := r.answers[0]
		if len(r.answers) > 1 {
			r.answers = r.answers[1:]
		}
		r.mu.Unlock()
		w.WriteHeader(status)
		r.got <- delivery{header: req.Header.Clone(), body: body, at: time.Now()}
	}))
	t.Cleanup(r.Close)
	return r
}

// next waits for the next delivery.
func (r *receiver) next(t *testing.T) delivery {
	t.Helper()
	select {
	case d := <-r.got:
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery arrived within 10 seconds")
		return delivery{}
	}
}

// none checks that nothing arrives for a while.
func (r *receiver) none(t *testing.T, wait time.Duration) {
	t.Helper()
	select {
	case d := <-r.got:
		t.Fatalf("unexpected delivery %s: %s", d.header.Get("X-Quire-Event"), d.body)
	case <-time.After(wait):
	}
}

// fastHooks is a site whose hooks may reach loopback, sent every 20 ms and retried after 100 ms.
func fastHooks(t *testing.T, opts ...apptest.Option) *apptest.Site {
	return apptest.Start(t, append([]apptest.Option{apptest.WithEnv("QUIRE_HOOKS_ALLOW_PRIVATE", "true"),
		apptest.WithEnv("QUIRE_HOOKS_POLL", "20ms"), apptest.WithEnv("QUIRE_HOOKS_RETRY", "100ms")}, opts...)...)
}

func subscribe(t *testing.T, c *apptest.Client, target, event string) (id int64, secret string) {
	t.Helper()
	h := c.Post("hooks/subscribe/", map[string]any{"target_url": target, "event": event}).Want(200).Object()
	secret, _ = h["secret"].(string)
	if !strings.HasPrefix(secret, "whsec_") || h["event"] != event || h["target_url"] != target || h["active"] != true {
		t.Fatalf("subscribe answered %v", h)
	}
	return int64(h["id"].(float64)), secret
}

// checkSigned checks the headers and signature of a delivery of hook id with secret.
func checkSigned(t *testing.T, d delivery, id int64, secret, event string) {
	t.Helper()
	if got := d.header.Get("X-Quire-Event"); got != event {
		t.Errorf("X-Quire-Event %q, want %q", got, event)
	}
	if got := d.header.Get("X-Quire-Hook-Id"); got != strconv.FormatInt(id, 10) {
		t.Errorf("X-Quire-Hook-Id %q, want %d", got, id)
	}
	if d.header.Get("Content-Type") != "application/json" || d.header.Get("X-Quire-Delivery") == "" {
		t.Errorf("headers %v", d.header)
	}
	ts, err := strconv.ParseInt(d.header.Get("X-Quire-Timestamp"), 10, 64)
	if err != nil || time.Since(time.Unix(ts, 0)).Abs() > time.Minute {
		t.Errorf("X-Quire-Timestamp %q", d.header.Get("X-Quire-Timestamp"))
	}
	if got, want := d.header.Get("X-Quire-Signature"), events.Sign(secret, ts, d.body); got != want {
		t.Errorf("X-Quire-Signature %q, want %q", got, want)
	}
}

func sameJSON(t *testing.T, what string, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: %v: %s", what, err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%s: %v: %s", what, err, want)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %s\nwant %s", what, got, want)
	}
}

func TestHookDeliversTheSignedPage(t *testing.T) {
	t.Parallel()
	s := fastHooks(t)
	owner := s.Client(s.OwnerTk)
	recv := newReceiver(t)
	id, secret := subscribe(t, owner, recv.URL+"/hook", events.PageCreated)
	if h := owner.Get("hooks/all/").Want(200).List(); len(h) != 1 || h[0]["secret"] != nil || h[0]["last_delivery"] != nil {
		t.Fatalf("hooks/all: %v", h)
	}
	page := owner.Post("pages/create/", map[string]any{"title": "Hooked", "json": [][]any{{map[string]any{"classname": "Paragraph", "val": "Hi"}}}}).Want(200).ID()
	d := recv.next(t)
	checkSigned(t, d, id, secret, events.PageCreated)
	sameJSON(t, "the delivered page", d.body, owner.Get(fmt.Sprintf("pages/get/%d/", page)).Want(200).Body)
	// The activity item's id is the delivery's.
	act := owner.Get("activity/").Want(200).List()
	if len(act) == 0 || strconv.FormatInt(int64(act[0]["id"].(float64)), 10) != d.header.Get("X-Quire-Delivery") {
		t.Errorf("activity %v; X-Quire-Delivery %s", act, d.header.Get("X-Quire-Delivery"))
	}
	waitDelivered(t, owner, id, "delivered")
	log := owner.Get(fmt.Sprintf("hooks/deliveries/%d/", id)).Want(200).List()
	if len(log) != 1 || log[0]["state"] != "delivered" || len(log[0]["attempts"].([]any)) != 1 {
		t.Fatalf("deliveries: %v", log)
	}
	// Another event kind is not sent; after unsubscribe, nothing is.
	owner.Post(fmt.Sprintf("pages/update/%d/", page), map[string]any{"title": "Renamed"}).Want(200)
	owner.Post(fmt.Sprintf("hooks/unsubscribe/%d/", id), nil).Want(200)
	owner.Post("pages/create/", map[string]any{"title": "Unheard", "json": [][]any{{}}}).Want(200)
	recv.none(t, 300*time.Millisecond)
	owner.Get(fmt.Sprintf("hooks/deliveries/%d/", id)).Error(404, "not_found")
}

// waitDelivered waits until the hook's last delivery is in state.
func waitDelivered(t *testing.T, c *apptest.Client, id int64, state string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, h := range c.Get("hooks/all/").Want(200).List() {
			if int64(h["id"].(float64)) != id {
				continue
			}
			if last, _ := h["last_delivery"].(map[string]any); last != nil && last["state"] == state {
				return h
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("hook %d: no delivery reached %s", id, state)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestHookRetriesWithBackoffAndStopsAtGone(t *testing.T) {
	t.Parallel()
	s := fastHooks(t)
	owner := s.Client(s.OwnerTk)
	recv := newReceiver(t, 500, 503, 200, 410)
	id, secret := subscribe(t, owner, recv.URL, events.PageCreated)
	owner.Post("pages/create/", map[string]any{"title": "Flaky", "json": [][]any{{}}}).Want(200)
	first, second, third := recv.next(t), recv.next(t), recv.next(t)
	for _, d := range []delivery{first, second, third} {
		checkSigned(t, d, id, secret, events.PageCreated)
		if d.header.Get("X-Quire-Delivery") != first.header.Get("X-Quire-Delivery") {
			t.Errorf("a retry has another X-Quire-Delivery: %s, %s", d.header.Get("X-Quire-Delivery"), first.header.Get("X-Quire-Delivery"))
		}
	}
	// 100 ms after the first failure, then 200 ms after the second.
	if gap := second.at.Sub(first.at); gap < 100*time.Millisecond {
		t.Errorf("first retry after %s, want at least 100ms", gap)
	}
	if gap := third.at.Sub(second.at); gap < 200*time.Millisecond {
		t.Errorf("second retry after %s, want at least 200ms", gap)
	}
	waitDelivered(t, owner, id, "delivered")
	log := owner.Get(fmt.Sprintf("hooks/deliveries/%d/", id)).Want(200).List()
	attempts := log[0]["attempts"].([]any)
	if len(attempts) != 3 {
		t.Fatalf("attempts %v", attempts)
	}
	for i, want := range []float64{500, 503, 200} {
		a := attempts[i].(map[string]any)
		if a["status"] != want || a["attempt"] != float64(i+1) {
			t.Errorf("attempt %d: %v", i+1, a)
		}
	}
	// 410 Gone disables the hook at once: nothing more is sent.
	owner.Post("pages/create/", map[string]any{"title": "Gone", "json": [][]any{{}}}).Want(200)
	recv.next(t)
	h := waitDelivered(t, owner, id, "failed")
	if h["active"] != false || !strings.Contains(h["disabled_reason"].(string), "410") {
		t.Fatalf("after 410: %v", h)
	}
	owner.Post("pages/create/", map[string]any{"title": "Unsent", "json": [][]any{{}}}).Want(200)
	recv.none(t, 300*time.Millisecond)
}

func TestHookDeliveryOutlivesARestart(t *testing.T) {
	t.Parallel()
	// The sender never ticks by itself: the test ticks it.
	s := fastHooks(t, apptest.WithEnv("QUIRE_HOOKS_POLL", "1h"))
	owner := s.Client(s.OwnerTk)
	recv := newReceiver(t)
	id, secret := subscribe(t, owner, recv.URL, events.PageCreated)
	page := owner.Post("pages/create/", map[string]any{"title": "Queued", "json": [][]any{{}}}).Want(200).ID()
	s.Restart()
	owner = s.Client(s.OwnerTk)
	recv.none(t, 100*time.Millisecond)
	if err := s.Inst.Hooks.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	d := recv.next(t)
	checkSigned(t, d, id, secret, events.PageCreated)
	// The same page, but for its URL: the restarted server listens on another port.
	var sent, now map[string]any
	json.Unmarshal(d.body, &sent)
	owner.Get(fmt.Sprintf("pages/get/%d/", page)).Want(200).Decode(&now)
	if sent["id"] != now["id"] || sent["title"] != "Queued" || sent["created_at"] != now["created_at"] {
		t.Errorf("delivered %s", d.body)
	}
}

func TestHookTargetsInsideAreRefused(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.WithEnv("QUIRE_HOOKS_POLL", "1h"))
	owner := s.Client(s.OwnerTk)
	for _, target := range []string{"http://127.0.0.1:9/", "http://localhost:9/", "http://[::1]/", "http://10.1.2.3/",
		"http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "http://100.64.0.1/", "http://0.0.0.0/",
		"http://[::ffff:127.0.0.1]/", "ftp://example.com/", "hook", ""} {
		r := owner.Post("hooks/subscribe/", map[string]any{"target_url": target, "event": events.PageCreated}).Error(400, "invalid_request")
		if r["field"] != "target_url" {
			t.Errorf("%q: %v", target, r)
		}
	}
	owner.Post("hooks/subscribe/", map[string]any{"target_url": "https://example.com/", "event": "page.eaten"}).Error(400, "invalid_request")

	// At connect time: a target allowed when it was subscribed, refused when the sender may not
	// reach private addresses, after "localhost" resolves.
	allowed := fastHooks(t, apptest.WithEnv("QUIRE_HOOKS_POLL", "1h"))
	c := allowed.Client(allowed.OwnerTk)
	recv := newReceiver(t)
	id, _ := subscribe(t, c, strings.Replace(recv.URL, "127.0.0.1", "localhost", 1), events.PageCreated)
	c.Post("pages/create/", map[string]any{"title": "Rebound", "json": [][]any{{}}}).Want(200)
	allowed.Inst.Hooks.AllowPrivate = false
	if err := allowed.Inst.Hooks.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	recv.none(t, 100*time.Millisecond)
	log := c.Get(fmt.Sprintf("hooks/deliveries/%d/", id)).Want(200).List()
	a := log[0]["attempts"].([]any)[0].(map[string]any)
	if log[0]["state"] != "pending" || a["status"] != nil || !strings.Contains(a["error"].(string), "refused to connect") {
		t.Fatalf("delivery to a private address: %v", log)
	}
}

func TestActivityOfEveryEvent(t *testing.T) {
	t.Parallel()
	s := fastHooks(t)
	owner := s.Client(s.OwnerTk)
	team := s.Subsite("Team", "team")
	ada, adaC := s.Member("Ada", team, people.RoleEditor)
	_ = ada
	recv := newReceiver(t)
	secrets := map[int64]string{}
	for _, ev := range events.Kinds {
		id, secret := subscribe(t, adaC, recv.URL, ev)
		secrets[id] = secret
	}
	page := adaC.Post("pages/create/", map[string]any{"title": "Plans", "json": [][]any{{
		map[string]any{"classname": "Discussion"},
		map[string]any{"classname": "Form", "val": "Sign up", "fields": []any{map[string]any{"name": "name", "label": "Name", "type": "text"}}},
	}}}).Want(200).ID()
	adaC.Post(fmt.Sprintf("page/%d/paragraph/create/", page), map[string]any{"val": "More"}).Want(200)
	post := adaC.Post(fmt.Sprintf("feed/post/%d/", page), map[string]any{"msg": "Looks good"}).Want(200).Object()
	rec := adaC.Post(fmt.Sprintf("pages/records/%d/", page), map[string]any{"name": "Grace"}).Want(200).Object()
	grace := s.User("Grace")
	owner.In("team").Post(fmt.Sprintf("people/add_to_subsite/%d/", grace.ID), map[string]any{}).Want(200)
	adaC.Post(fmt.Sprintf("pages/delete/%d/", page), nil).Want(200)

	want := []string{events.PageCreated, events.PageUpdated, events.CommentCreated, events.RecordCreated, events.PersonJoined, events.PageDeleted}
	got := map[string]delivery{}
	for range want {
		d := recv.next(t)
		id, _ := strconv.ParseInt(d.header.Get("X-Quire-Hook-Id"), 10, 64)
		checkSigned(t, d, id, secrets[id], d.header.Get("X-Quire-Event"))
		got[d.header.Get("X-Quire-Event")] = d
	}
	objectID := func(ev string) float64 {
		var m map[string]any
		json.Unmarshal(got[ev].body, &m)
		return m["id"].(float64)
	}
	if objectID(events.CommentCreated) != post["id"] || objectID(events.RecordCreated) != rec["id"] ||
		objectID(events.PersonJoined) != float64(grace.ID) || objectID(events.PageDeleted) != float64(page) {
		t.Errorf("delivered objects: %v", got)
	}
	sameJSON(t, "the post", got[events.CommentCreated].body, mustJSON(t, post))
	sameJSON(t, "the record", got[events.RecordCreated].body, mustJSON(t, rec))

	list := adaC.Get("activity/").Want(200).List()
	var kinds []string
	for _, it := range list {
		if it["subsite"] != "team" {
			t.Errorf("item of another subsite: %v", it)
		}
		kinds = append(kinds, it["event"].(string))
	}
	// Newest first; the subsite's creation made no member (no creator), so Ada's own join is first.
	wantOrder := []string{events.PageDeleted, events.PersonJoined, events.RecordCreated, events.CommentCreated,
		events.PageUpdated, events.PageCreated, events.PersonJoined}
	if !reflect.DeepEqual(kinds, wantOrder) {
		t.Fatalf("activity events %v, want %v", kinds, wantOrder)
	}
	if a := list[1]["actor"].(map[string]any); a["name"] != "Site Owner" || list[1]["summary"] != "Grace" {
		t.Errorf("person.joined item %v", list[1])
	}
	if list[0]["object_id"] != float64(page) || list[0]["summary"] != "Plans" || list[0]["actor"].(map[string]any)["name"] != "Ada" {
		t.Errorf("page.deleted item %v", list[0])
	}
	// The subsite's home page lists the same activity.
	home := adaC.Do(http.MethodGet, s.URL+"/@team/", nil, "").Want(200)
	for _, text := range []string{"Comment on Plans: Looks good", "Joined: Grace", "Moved to the trash: Plans", "A form answer on Plans"} {
		if !strings.Contains(string(home.Body), text) {
			t.Errorf("the home page does not show %q", text)
		}
	}
	// since: at or after, oldest first; a page by limit continues with the cursor.
	since := list[2]["created_at"].(string)
	later := adaC.Get("activity/?since=" + since).Want(200).List()
	if len(later) < 3 || later[len(later)-1]["event"] != events.PageDeleted || later[0]["created_at"].(string) < since {
		t.Errorf("since %s: %v", since, later)
	}
	first := adaC.Get("activity/?limit=2").Want(200)
	if len(first.List()) != 2 || first.Header.Get("Link") == "" {
		t.Errorf("limit 2: %s %v", first.Body, first.Header)
	}

	// Who sees what: a non-member gets 404; site-wide, a member sees their subsites, an owner all.
	_, outsider := s.Member("Olive", s.Home(), people.RoleNone)
	outsider.In("team").Get("activity/").Error(404, "not_found")
	for _, it := range outsider.SiteWide().Get("activity/").Want(200).List() {
		if it["subsite"] == "team" {
			t.Errorf("an outsider sees %v", it)
		}
	}
	seen := map[any]bool{}
	for _, it := range owner.SiteWide().Get("activity/").Want(200).List() {
		seen[it["subsite"]] = true
	}
	if !seen["team"] || !seen["home"] {
		t.Errorf("the owner sees subsites %v", seen)
	}
	// Hooks are their owner's alone.
	var someHook int64
	for id := range secrets {
		someHook = id
	}
	outsider.Get(fmt.Sprintf("hooks/deliveries/%d/", someHook)).Error(404, "not_found")
	outsider.Post(fmt.Sprintf("hooks/unsubscribe/%d/", someHook), nil).Error(404, "not_found")
	if l := outsider.Get("hooks/all/").Want(200).List(); len(l) != 0 {
		t.Errorf("an outsider lists %v", l)
	}
	// A reading token may not subscribe; a non-member may not subscribe to a subsite.
	reader := s.Client(s.ScopedToken(ada, "read", people.ScopePagesWrite)).In("team")
	reader.Post("hooks/subscribe/", map[string]any{"target_url": recv.URL, "event": events.PageCreated}).Error(403, "missing_scope")
	outsider.In("team").Post("hooks/subscribe/", map[string]any{"target_url": recv.URL, "event": events.PageCreated}).Error(404, "not_found")
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

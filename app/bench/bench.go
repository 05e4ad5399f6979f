package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"quire/app"
	"quire/people"
)

// bench holds the server under test, the hello-world baseline and what seeding made.
type bench struct {
	inst     *app.Instance
	hello    func(*rand.Rand) (*http.Request, error)
	helloSrv *http.Server
	helloURL string
	token    string
	client   *http.Client
	clients  int
	duration time.Duration
	pageIDs  []int64
	pageURLs []string     // the pages' web URLs, as the API answers them
	session  *http.Cookie // the owner's browser session
	widgets  [][2]int64   // page id, paragraph widget id
	words    []string     // words that occur in seeded pages, from common to rare
	phrases  []string
	rows     []row
	seeded   int
}

// row is one line of the result table.
type row struct {
	name     string
	requests int
	errors   int
	elapsed  time.Duration
	p50, p99 time.Duration
	note     string
	mbps     float64
}

func gomaxprocs() int { return runtime.GOMAXPROCS(0) }

func newBench(ctx context.Context, inst *app.Instance, clients int, duration time.Duration) (*bench, error) {
	owner, err := people.FindUserByEmail(ctx, inst.DB.R, inst.Config.OwnerEmail)
	if err != nil {
		return nil, err
	}
	token, _, err := inst.People.CreateToken(ctx, people.NewToken{UserID: owner.ID, Name: "bench", Rate: "100000000/1s"})
	if err != nil {
		return nil, err
	}
	secret, _, err := inst.People.StartSession(ctx, owner.ID, "bench", "127.0.0.1")
	if err != nil {
		return nil, err
	}
	b := &bench{inst: inst, token: token, clients: clients, duration: duration,
		session: &http.Cookie{Name: people.SessionCookie, Value: secret},
		client:  &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients * 2, MaxConnsPerHost: clients * 2}}}
	// The ceiling: gin in release mode, no middleware, one handler, on the same loopback.
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.GET("/hello", func(c *gin.Context) { c.String(http.StatusOK, "Hello, world!") })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b.helloSrv = &http.Server{Handler: e}
	go b.helloSrv.Serve(ln)
	b.helloURL = "http://" + ln.Addr().String() + "/hello"
	b.hello = func(*rand.Rand) (*http.Request, error) { return http.NewRequest(http.MethodGet, b.helloURL, nil) }
	// A data directory given with -data may hold pages from an earlier run: they count.
	if err := inst.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM pages`).Scan(&b.seeded); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *bench) close() { b.helloSrv.Close() }

// seed grows the site to total pages and records ids and words for the scenarios.
func (b *bench) seed(ctx context.Context, total int) error {
	if total <= b.seeded {
		if b.pageIDs == nil { // a data directory seeded by an earlier run
			return b.sample(ctx)
		}
		return nil
	}
	start := time.Now()
	fmt.Printf("seeding %d pages...\n", total-b.seeded)
	err := seedPages(ctx, b.inst.Site, total-b.seeded, uint64(b.seeded+1), func(done int) {
		if done%5000 == 0 {
			fmt.Printf("  %d pages (%.0f pages/s)\n", b.seeded+done, float64(done)/time.Since(start).Seconds())
		}
	})
	if err != nil {
		return err
	}
	// Pages are indexed for search after their writes: index them all now, as a settled site's
	// are, so that no scenario measures the indexing of the seed.
	if err := b.inst.Site.Search.CatchUp(ctx, 0); err != nil {
		return err
	}
	b.seeded = total
	fmt.Printf("seeded and indexed %d pages in %s\n", total, time.Since(start).Round(time.Second))
	return b.sample(ctx)
}

// sample reads 2,000 pages through the API to learn their ids, paragraphs and words.
func (b *bench) sample(ctx context.Context) error {
	b.pageIDs, b.pageURLs, b.widgets, b.phrases = nil, nil, nil, nil
	counts := map[string]int{}
	next := b.inst.URL + "/api/v1/pages/all/?limit=1000"
	for next != "" && len(b.pageIDs) < 2000 {
		resp, err := b.do(ctx, http.MethodGet, next, nil, "")
		if err != nil {
			return err
		}
		var list []struct {
			ID  int64  `json:"id"`
			URL string `json:"url"`
		}
		if err := json.Unmarshal(resp.body, &list); err != nil {
			return err
		}
		for _, p := range list {
			b.pageIDs = append(b.pageIDs, p.ID)
			b.pageURLs = append(b.pageURLs, p.URL)
		}
		next = strings.TrimSuffix(strings.TrimPrefix(strings.Split(resp.header.Get("Link"), ";")[0], "<"), ">")
	}
	for _, id := range b.pageIDs[:200] {
		resp, err := b.do(ctx, http.MethodGet, fmt.Sprintf("%s/api/v1/pages/get/%d/", b.inst.URL, id), nil, "")
		if err != nil {
			return err
		}
		var page struct {
			JSON [][]struct {
				ID        int64  `json:"id"`
				Classname string `json:"classname"`
				Text      string `json:"text"`
			} `json:"json"`
		}
		if err := json.Unmarshal(resp.body, &page); err != nil {
			return err
		}
		for _, col := range page.JSON {
			for _, w := range col {
				if w.Classname == "Paragraph" {
					b.widgets = append(b.widgets, [2]int64{id, w.ID})
					words := strings.Fields(strings.ToLower(strings.NewReplacer(".", "", ",", "").Replace(w.Text)))
					for i, word := range words {
						counts[word]++
						if i > 0 && len(b.phrases) < 500 && i%7 == 0 {
							b.phrases = append(b.phrases, words[i-1]+" "+word)
						}
					}
				}
			}
		}
	}
	b.words = b.words[:0]
	for w := range counts {
		b.words = append(b.words, w)
	}
	sort.Slice(b.words, func(i, j int) bool { return counts[b.words[i]] > counts[b.words[j]] })
	return nil
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (b *bench) do(ctx context.Context, method, url string, body []byte, contentType string) (*answer, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Auth-Token", b.token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, data)
	}
	return &answer{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

func (b *bench) apiRequest(method, path string, body any) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, b.inst.URL+"/api/v1/"+path, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Auth-Token", b.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

func (b *bench) authDebug(rng *rand.Rand) (*http.Request, error) {
	return b.apiRequest(http.MethodGet, "auth/debug/", nil)
}

func (b *bench) getPage(rng *rand.Rand) (*http.Request, error) {
	return b.apiRequest(http.MethodGet, fmt.Sprintf("pages/get/%d/", b.pageIDs[rng.IntN(len(b.pageIDs))]), nil)
}

// visitPages has the bench's browser read every sampled page once, as a reader of a wiki has:
// the scenario after it measures reading pages again (a first visit also writes the visit's
// start, once per person, page and half hour; see pages.RecordVisit).
func (b *bench) visitPages(ctx context.Context) error {
	for _, u := range b.pageURLs {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return err
		}
		req.AddCookie(b.session)
		resp, err := b.client.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %d", u, resp.StatusCode)
		}
	}
	return nil
}

// pageView is a person reading a page in the browser: its web URL with the session's cookie,
// answered as the whole server-rendered HTML page (frame, sidebar, every widget).
func (b *bench) pageView(rng *rand.Rand) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodGet, b.pageURLs[rng.IntN(len(b.pageURLs))], nil)
	if err != nil {
		return nil, err
	}
	req.AddCookie(b.session)
	return req, nil
}

func (b *bench) listPages(rng *rand.Rand) (*http.Request, error) {
	return b.apiRequest(http.MethodGet, "pages/all/?limit=50", nil)
}

func (b *bench) updateParagraph(rng *rand.Rand) (*http.Request, error) {
	w := b.widgets[rng.IntN(len(b.widgets))]
	val := "<p>Updated " + strconv.Itoa(rng.IntN(1_000_000)) + " " + b.words[rng.IntN(len(b.words))] + "</p>"
	return b.apiRequest(http.MethodPost, fmt.Sprintf("page/%d/paragraph/update/%d/", w[0], w[1]),
		map[string]any{"widget": map[string]any{"val": val}})
}

const benchMarkdown = "## Release notes\n\nThe **build** now runs on every push; see [the guide](https://example.com/guide).\n\n" +
	"- faster search\n- fewer clicks\n\n| step | owner |\n|---|---|\n| build | ci |\n"

func (b *bench) createMarkdown(rng *rand.Rand) (*http.Request, error) {
	return b.apiRequest(http.MethodPost, fmt.Sprintf("page/%d/markdown/create/", b.pageIDs[rng.IntN(len(b.pageIDs))]),
		map[string]any{"widget": map[string]any{"val": benchMarkdown}})
}

// searches measures one-word, prefix and phrase search at the current size: latency with one
// client (the time a person waits), throughput with all of them.
func (b *bench) searches(size string) {
	words := b.words // every word seen in the sample, from the commonest down
	oneWord := func(rng *rand.Rand) (*http.Request, error) {
		return b.apiRequest(http.MethodGet, "search/query/?limit=20&q="+words[rng.IntN(len(words))], nil)
	}
	prefix := func(rng *rand.Rand) (*http.Request, error) {
		w := words[rng.IntN(len(words))]
		return b.apiRequest(http.MethodGet, "search/query/?limit=20&q="+w[:min(4, len(w))]+"*", nil)
	}
	phrase := func(rng *rand.Rand) (*http.Request, error) {
		return b.apiRequest(http.MethodGet, "search/query/?limit=20&q=%22"+strings.ReplaceAll(b.phrases[rng.IntN(len(b.phrases))], " ", "+")+"%22", nil)
	}
	for _, clients := range []int{1, b.clients} {
		suffix := fmt.Sprintf(" @%s, %d client", size, clients)
		if clients > 1 {
			suffix += "s"
		}
		b.measureWith("search one word"+suffix, clients, oneWord)
		b.measureWith("search prefix"+suffix, clients, prefix)
		b.measureWith("search phrase"+suffix, clients, phrase)
	}
}

var onlyScenario, cpuProfileFile string

// measure runs make's requests from b.clients goroutines for b.duration and records a row.
func (b *bench) measure(name string, make func(*rand.Rand) (*http.Request, error)) {
	b.measureWith(name, b.clients, make)
}

// measureWith is measure with the given number of clients.
func (b *bench) measureWith(name string, clients int, make func(*rand.Rand) (*http.Request, error)) {
	if onlyScenario != "" && !strings.Contains(name, onlyScenario) && !strings.HasPrefix(name, "hello") {
		return
	}
	if cpuProfileFile != "" && !strings.HasPrefix(name, "hello") {
		f, err := os.Create(cpuProfileFile)
		if err == nil {
			pprof.StartCPUProfile(f)
			defer func() { pprof.StopCPUProfile(); f.Close() }()
		}
	}
	var mu sync.Mutex
	var all []time.Duration
	errors := 0
	var firstErr string
	deadline := time.Now().Add(b.duration)
	start := time.Now()
	var wg sync.WaitGroup
	for g := 0; g < clients; g++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, 7))
			var mine []time.Duration
			bad := 0
			for time.Now().Before(deadline) {
				req, err := make(rng)
				if err != nil {
					bad++
					continue
				}
				t0 := time.Now()
				resp, err := b.client.Do(req)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				mine = append(mine, time.Since(t0))
				if err != nil {
					bad++
					mu.Lock()
					if firstErr == "" {
						firstErr = err.Error()
					}
					mu.Unlock()
				}
			}
			mu.Lock()
			all = append(all, mine...)
			errors += bad
			mu.Unlock()
		}(uint64(g + 1))
	}
	wg.Wait()
	r := row{name: name, requests: len(all), errors: errors, elapsed: time.Since(start), note: firstErr}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	if len(all) > 0 {
		r.p50, r.p99 = all[len(all)/2], all[len(all)*99/100]
	}
	b.rows = append(b.rows, r)
	fmt.Printf("  %-36s %8.0f req/s  p50 %-9s p99 %-9s errors %d %s\n", name, float64(r.requests)/r.elapsed.Seconds(),
		r.p50.Round(time.Microsecond), r.p99.Round(time.Microsecond), errors, firstErr)
}

// print writes the table: each figure with its ratio to the hello-world line before it.
func (b *bench) print(w io.Writer) {
	fmt.Fprintf(w, "\n| scenario | req/s | vs hello | p50 | p99 | errors |\n|---|---:|---:|---:|---:|---:|\n")
	var hello, fileWrite float64
	for _, r := range b.rows {
		if r.mbps > 0 || r.errors > 0 && strings.Contains(r.name, "MB") {
			if strings.Contains(r.name, "(baseline)") {
				fileWrite = r.mbps
			}
			ratio := "n/a"
			if fileWrite > 0 {
				ratio = fmt.Sprintf("%.2f of file write", r.mbps/fileWrite)
			}
			fmt.Fprintf(w, "| %s | %.1f MB/s | %s | | | %d |\n", r.name, r.mbps, ratio, r.errors)
			continue
		}
		rps := float64(r.requests) / r.elapsed.Seconds()
		if strings.HasPrefix(r.name, "hello-world") {
			hello = rps
		}
		fmt.Fprintf(w, "| %s | %.0f | %.2f | %s | %s | %d |\n", r.name, rps, rps/hello,
			r.p50.Round(10*time.Microsecond), r.p99.Round(10*time.Microsecond), r.errors)
	}
}

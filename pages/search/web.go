package search

// The search page of the web UI and the suggestions its box shows as one types. They run the same
// query as the API's search/query (ParseQuery, Search), so the two can never disagree on what a
// reader finds; only the shape of the answer differs.

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/app/webui"
	"quire/people"
)

// Bounds of the web search: results per page, the last page one may ask for (so that a page's
// work is bounded as the API's limit bounds it), and suggestions shown under the box.
const (
	webPageSize    = 20
	maxWebPage     = 50
	maxSuggestions = 8
)

// WebRoutes registers the search page and its suggestions fragment on r, a group behind app's
// web gate (signed in, subsite resolved, frame set). Paths are relative to the subsite prefix, so
// /search searches every subsite the reader belongs to and /@slug/search one of them; "search"
// is a reserved page slug, so no page is ever hidden behind either.
func (s *Service) WebRoutes(r gin.IRoutes) {
	r.GET("/search", httpapi.Handle(s.searchPage))
	r.GET("/search/suggest", httpapi.Handle(s.suggest))
}

// catNames are the categories as the search page names them, in the order it groups them.
var catNames = []struct{ Cat, Name string }{
	{CatPage, "Pages"}, {CatFile, "Files"}, {CatContact, "People"}, {CatForm, "Form entries"}, {CatComment, "Comments"},
}

// searchView is what templates/web/pages/search.html shows.
type searchView struct {
	Query   string
	Cat     string
	Scope   string // where it looks: "all your subsites", or the subsite's title
	Filters []link // every category, then each one; Current marks the one shown
	Groups  []resultGroup
	Page    int
	Prev    string // the previous and next pages' URLs, "" when there is none
	Next    string
	Error   string   // why the query cannot run (a 400), "" when it ran
	Fewer   []link   // on no results: the query without one of its words
	Wider   string   // on no results in a subsite: the same search in every subsite
	Total   int      // results shown on this page
	Hints   []string // what one may type, on the empty page
}

type link struct {
	Name, URL string
	Current   bool
}

type resultGroup struct {
	Cat, Name string
	Results   []resultItem
}

type resultItem struct {
	Title, URL, Icon    string
	Subsite, SubsiteURL string // "" for a person, who belongs to no one subsite
	UpdatedAt           api.Time
	Snippet             []SnippetPart
}

// searchParams are a search page's parameters, read from the URL.
type searchParams struct {
	q, cat string
	page   int
}

// readSearchParams reads q (the house's one-line text rule: no control characters, no line
// breaks, at most maxQueryLength characters), cat and page, returning the first fault.
func readSearchParams(c *gin.Context) (searchParams, error) {
	p := searchParams{cat: c.Query("cat"), page: 1}
	var err error
	if p.q, err = api.Line("q", c.Query("q"), maxQueryLength); err != nil {
		return p, err
	}
	if p.cat != "" && !slices.Contains(categories, p.cat) {
		return p, api.Invalid("cat", "There is no category %q: choose one of Page, File, Contact, Form, Comment.", p.cat)
	}
	if raw := c.Query("page"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > maxWebPage {
			return p, api.Invalid("page", "Parameter \"page\" must be a number from 1 to %d.", maxWebPage)
		}
		p.page = n
	}
	return p, nil
}

// readerQuery checks the reader may search where the URL says and returns the query's reader and
// subsite: on the site URL, every subsite the reader belongs to (a token needs the read scope);
// on a subsite URL, that subsite.
func readerQuery(c *gin.Context) (Query, error) {
	actor, place := people.RequestContext(c)
	q := Query{Reader: actor}
	if place.SiteWide {
		if !actor.HasScope(people.ScopePagesRead) {
			return q, people.MissingScope(people.ScopePagesRead)
		}
		return q, nil
	}
	if err := actor.Can(people.View, place.Subsite.ID); err != nil {
		return q, err
	}
	q.Subsite = place.Subsite
	return q, nil
}

// searchPage answers /search?q=&cat=&page=: a page of results, grouped by category. Without q it
// is the empty search page; a query it cannot run is the same page with the reason, as a 400.
func (s *Service) searchPage(c *gin.Context) error {
	q, err := readerQuery(c)
	if err != nil {
		return err
	}
	base := httpapi.PathPrefix(c.Request.Context()) + "/search"
	title, crumbs := "Search", []webui.Crumb{{Name: "Search"}}
	v := &searchView{Scope: "all your subsites", Page: 1}
	if q.Subsite != nil {
		v.Scope = q.Subsite.Title
		crumbs = []webui.Crumb{{Name: q.Subsite.Title, URL: "/@" + q.Subsite.Slug + "/"}, {Name: "Search"}}
	}
	page := func(status int) error {
		wp := webui.Page{Title: title, Crumbs: crumbs, Data: v}
		if s.Sidebar != nil {
			bar, err := s.Sidebar(c)
			if err != nil {
				return err
			}
			wp.Sidebar = bar
		}
		return webui.Render(c, status, "search.html", wp)
	}
	p, err := readSearchParams(c)
	if err != nil {
		return invalidPage(err, v, page)
	}
	v.Query, v.Cat, v.Page = p.q, p.cat, p.page
	v.Filters = filters(base, p.q, p.cat)
	if p.q == "" {
		v.Hints = []string{`holiday booking: pages with both words`, `"office hours": these words side by side`,
			`hand*: words that begin with hand`}
		return page(http.StatusOK)
	}
	title = p.q + " · Search"
	parsed, err := ParseQuery(p.q)
	if err != nil {
		return invalidPage(err, v, page)
	}
	q.Match, q.terms, q.Cat = parsed.Match, parsed.terms, p.cat
	q.Limit, q.Offset = webPageSize, (p.page-1)*webPageSize
	results, more, err := s.Search(c.Request.Context(), q)
	if err != nil {
		return err
	}
	v.Total, v.Groups = len(results), group(results)
	if p.page > 1 {
		v.Prev = searchURL(base, p.q, p.cat, p.page-1)
	}
	if more && p.page < maxWebPage {
		v.Next = searchURL(base, p.q, p.cat, p.page+1)
	}
	if len(results) == 0 && p.page == 1 {
		v.Fewer = fewerWords(base, p.q, p.cat)
		if q.Subsite != nil {
			v.Wider = searchURL("/search", p.q, p.cat, 1)
		}
	}
	return page(http.StatusOK)
}

// invalidPage shows the search page with the reason a query cannot run, as a 400; any other
// error is returned.
func invalidPage(err error, v *searchView, page func(int) error) error {
	var e *api.Error
	if !errors.As(err, &e) || e.Code != api.CodeInvalid {
		return err
	}
	v.Error = e.Message
	return page(http.StatusBadRequest)
}

// searchURL is the search page's URL for q, cat and page (page 1 goes unsaid).
func searchURL(base, q, cat string, page int) string {
	vals := url.Values{}
	vals.Set("q", q)
	if cat != "" {
		vals.Set("cat", cat)
	}
	if page > 1 {
		vals.Set("page", strconv.Itoa(page))
	}
	return base + "?" + vals.Encode()
}

// filters are the category links: every category first, then each one.
func filters(base, q, cat string) []link {
	out := []link{{Name: "All", URL: searchURL(base, q, "", 1), Current: cat == ""}}
	for _, n := range catNames {
		out = append(out, link{Name: n.Name, URL: searchURL(base, q, n.Cat, 1), Current: cat == n.Cat})
	}
	return out
}

// group sorts a page of results into categories, in catNames' order, each keeping the rank order.
func group(results []*Result) []resultGroup {
	var out []resultGroup
	for _, n := range catNames {
		g := resultGroup{Cat: n.Cat, Name: n.Name}
		for _, r := range results {
			if r.Cat == n.Cat {
				g.Results = append(g.Results, item(r))
			}
		}
		if len(g.Results) > 0 {
			out = append(out, g)
		}
	}
	return out
}

func item(r *Result) resultItem {
	it := resultItem{Title: r.Title, URL: r.Lnk, Icon: r.Icon, UpdatedAt: r.UpdatedAt, Snippet: r.parts}
	if it.Title == "" {
		it.Title = "(untitled)"
	}
	if r.subsite != nil {
		it.Subsite, it.SubsiteURL = r.subsite.Title, "/@"+r.subsite.Slug+"/"
	}
	return it
}

// fewerWords offers, for a query of several words that found nothing, the query without each of
// them (at most maxQueryTerms).
func fewerWords(base, q, cat string) []link {
	words := strings.FieldsFunc(q, unicode.IsSpace)
	if len(words) < 2 {
		return nil
	}
	var out []link
	for i := range words[:min(len(words), maxQueryTerms)] {
		rest := strings.Join(slices.Delete(slices.Clone(words), i, i+1), " ")
		out = append(out, link{Name: rest, URL: searchURL(base, rest, cat, 1)})
	}
	return out
}

// suggestView is what the suggestions fragment (templates/web/parts/search.html) shows.
type suggestView struct {
	Query   string
	Items   []resultItem
	All     string // the search page of the query
	Message string // why the query cannot run
}

// suggest answers /search/suggest?q=: the fragment the top bar's box shows under it as one types,
// the best few things whose words begin with what was typed. It answers 200 with an empty
// fragment for an empty box, and with the reason for a query that cannot run, so that the box
// shows it (htmx swaps only 2xx answers).
func (s *Service) suggest(c *gin.Context) error {
	q, err := readerQuery(c)
	if err != nil {
		return err
	}
	base := httpapi.PathPrefix(c.Request.Context()) + "/search"
	v := suggestView{}
	render := func() error { return webui.RenderPart(c, http.StatusOK, "search-suggestions", v) }
	text, err := api.Line("q", c.Query("q"), maxQueryLength)
	if err == nil && text == "" {
		return render()
	}
	var parsed Query
	if err == nil {
		parsed, err = ParseQuery(text)
	}
	var e *api.Error
	if errors.As(err, &e) && e.Code == api.CodeInvalid {
		v.Message = e.Message
		return render()
	} else if err != nil {
		return err
	}
	// The last word is being typed: it matches the words it begins.
	if last := c.Query("q"); !strings.HasSuffix(last, `"`) && !unicode.IsSpace(lastRune(last)) {
		parsed.terms[len(parsed.terms)-1].prefix = true
	}
	q.Match, q.terms, q.Limit = matchAll(parsed.terms), parsed.terms, maxSuggestions
	results, _, err := s.Search(c.Request.Context(), q)
	if err != nil {
		return err
	}
	v.Query, v.All = text, searchURL(base, text, "", 1)
	for _, r := range results {
		v.Items = append(v.Items, item(r))
	}
	return render()
}

// lastRune returns the last character of s, a space for "".
func lastRune(s string) rune {
	if s == "" {
		return ' '
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

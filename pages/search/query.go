package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"quire/app/api"
	"quire/app/sqldb"
	"quire/people"
)

// Limits of a search query.
const (
	maxQueryLength = 500
	maxQueryTerms  = 16
	maxSearchLimit = 200
	defaultResults = 50
)

// Result is one search hit, in the shape the API answers (Papyrs' cat/id/desc/lnk/icon/weight,
// then Quire's fields).
type Result struct {
	Cat       string   `json:"cat"`
	ID        int64    `json:"id"`
	Desc      string   `json:"desc"`
	Lnk       string   `json:"lnk"`
	Icon      string   `json:"icon"`
	Weight    float64  `json:"weight"`
	Title     string   `json:"title"`
	URL       string   `json:"url"`
	Snippet   string   `json:"snippet"`
	SubsiteID int64    `json:"subsite_id"`
	UpdatedAt api.Time `json:"updated_at"`
	PageID    *int64   `json:"page_id"`

	parts   []SnippetPart   // the snippet, as text runs (Snippet is their HTML)
	subsite *people.Subsite // the subsite it is in; nil for a contact's owners-only entry
}

// Query is a parsed search: the FTS5 expression, the reader, where to look.
type Query struct {
	Match    string // FTS5 query built by ParseQuery: every term, each a phrase
	terms    []term
	Reader   *people.Actor
	Subsite  *people.Subsite // nil: every subsite the reader belongs to
	Cat      string          // "" for every category
	Limit    int
	Offset   int
	subsites map[int64]*people.Subsite
}

// term is one part of a query: tokens that must stand together (a phrase of one or more), the
// last perhaps a prefix.
type term struct {
	keys   []string // the index forms of its tokens (see text.go)
	prefix bool
}

// phrase returns the term as an FTS5 phrase. Keys hold no quote (they are letters, numbers, marks
// and private-use characters), so it cannot be malformed. A symbol is never a prefix: its key
// has one length.
func (t term) phrase() string {
	p := `"` + strings.Join(t.keys, " ") + `"`
	if t.prefix && !strings.ContainsRune(t.keys[len(t.keys)-1], symbolMark) {
		p += "*"
	}
	return p
}

// ParseQuery turns what a person typed into a Query whose FTS5 query cannot be malformed:
// each term is cut into tokens as indexed text is (text.go) and quoted, so operators are
// only text. Terms are separated by any Unicode space (U+3000 as Japanese input methods type it,
// NBSP...); "quoted words" are a phrase, word* a prefix, and all terms must match. Full-width
// forms are read as their ordinary forms first, so ＂ quotes and ＊ is a prefix. Returns a
// validation error on field q when nothing searchable is left.
func ParseQuery(q string) (Query, error) {
	if len(q) > maxQueryLength {
		return Query{}, api.Invalid("q", "The search is longer than %d characters.", maxQueryLength)
	}
	// Control characters are no part of any word, and FTS5 refuses some of them.
	q = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return foldWidth(r)
	}, q)
	var terms []term
	rest := strings.TrimSpace(q)
	for rest != "" && len(terms) < maxQueryTerms {
		var text string
		prefix := false
		if rest[0] == '"' {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 { // an unclosed quote: the rest is the phrase
				text, rest = rest[1:], ""
			} else {
				text, rest = rest[1:end+1], rest[end+2:]
			}
		} else {
			text, rest = rest, ""
			if end := strings.IndexFunc(text, unicode.IsSpace); end >= 0 {
				text, rest = text[:end], text[end:]
			}
			if strings.HasSuffix(text, "*") {
				text, prefix = strings.TrimRight(text, "*"), true
			}
		}
		rest = strings.TrimSpace(rest)
		var keys []string
		for _, t := range tokenize(text) {
			keys = append(keys, t.key)
		}
		if len(keys) > 0 {
			terms = append(terms, term{keys: keys, prefix: prefix})
		}
	}
	if len(terms) == 0 {
		return Query{}, api.Invalid("q", "Parameter \"q\" needs at least one word or symbol to search for.")
	}
	return Query{Match: matchAll(terms), terms: terms}, nil
}

func matchAll(terms []term) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = t.phrase()
	}
	return strings.Join(parts, " AND ")
}

// maxCandidates bounds the work of one search: of the parts that match, the newest this many, and
// of the titles that match, the newest this many, are ranked. Below that every match is ranked;
// above it, a search costs the same at any size of site (see the README).
const maxCandidates = 1000

// Tiers of the ranking, best first (see the README, "Search").
const (
	tierExactTitle = iota + 1 // the title is the query: its words, in its order, and no others
	tierTitle                 // the title holds every term
	tierText                  // one part holds every term (a widget with its page's title and tags)
	tierSpread                // the terms are spread over several parts of the thing
)

// catRanks orders categories within the title tiers: a page before a person before a file.
var catRanks = map[string]int{CatPage: 0, CatContact: 1, CatFile: 2}

// hit is a thing found, before it is shown.
type hit struct {
	doc      int64
	tier     int
	catRank  int
	titleLen int     // words in the title (title tiers): the shorter, the closer
	score    float64 // BM25 of the best part (text tier), lower is better
	part     int64   // the part whose text makes the snippet; 0: the thing's first part
	r        *Result
	pageSlug string
}

// better is the ranking rule: tier, then within the title tiers category and title length,
// within the text tier BM25, and the newest first among equals.
func (a *hit) better(b *hit) bool {
	if a.tier != b.tier {
		return a.tier < b.tier
	}
	switch a.tier {
	case tierExactTitle, tierTitle:
		if a.catRank != b.catRank {
			return a.catRank < b.catRank
		}
		if a.titleLen != b.titleLen {
			return a.titleLen < b.titleLen
		}
	case tierText:
		if a.score != b.score {
			return a.score < b.score
		}
	}
	return a.doc > b.doc
}

// weight is the hit's relevance as the API answers it: higher is better, and it never rises
// down the list (tier first, then a fraction that follows the order within the tier).
func (a *hit) weight() float64 {
	base := float64(5 - a.tier)
	switch a.tier {
	case tierExactTitle, tierTitle:
		return base + 1 - float64(a.catRank*100+min(a.titleLen, 99)+1)/1000
	case tierText:
		return base + -a.score/(1-a.score)
	}
	return base
}

// Search finds what the reader may see, best first (the rule is hit.better). Visibility is
// decided in SQL before anything is ranked: entries of the reader's subsites (one subsite on a
// subsite URL), contacts once each, nothing of a page in the trash. It first indexes a batch of
// the pages that writes queued, so it finds what was written before it. It reports
// whether more results follow the ones answered.
func (s *Service) Search(ctx context.Context, q Query) ([]*Result, bool, error) {
	s.catchUpBeforeSearch(ctx)
	where, args := s.visibility(q)
	// Titles and text are read at once, on two connections: a person waits for the longer of
	// the two, not for both.
	type titleResult struct {
		hits []*hit
		err  error
	}
	titles := make(chan titleResult, 1)
	go func() {
		hits, err := s.titleMatches(ctx, q, where, args)
		titles <- titleResult{hits, err}
	}()
	found := map[int64]*hit{}
	err := s.textMatches(ctx, q.Match, where, args, found)
	tr := <-titles
	if err = errors.Join(err, tr.err); err != nil {
		return nil, false, err
	}
	for _, h := range tr.hits {
		if text, ok := found[h.doc]; ok {
			h.part = text.part // its best text makes the snippet
		}
		found[h.doc] = h
	}
	ranked := sortHits(found)
	if len(ranked) <= q.Offset+q.Limit && len(q.terms) > 1 {
		// Too few things hold every term in one part: add those that hold them in several.
		spread, err := s.spreadMatches(ctx, q.terms, where, args, found)
		if err != nil {
			return nil, false, err
		}
		ranked = append(ranked, spread...)
	}
	if q.Offset >= len(ranked) {
		return []*Result{}, false, nil
	}
	more := len(ranked) > q.Offset+q.Limit
	ranked = ranked[q.Offset:min(len(ranked), q.Offset+q.Limit)]
	if err := s.describe(ctx, ranked, q.terms); err != nil {
		return nil, false, err
	}
	out := make([]*Result, 0, len(ranked))
	for _, h := range ranked {
		if h.r == nil { // gone since it was found
			continue
		}
		if err := s.linkResult(ctx, &q, h.r, h.pageSlug); err != nil {
			return nil, false, err
		}
		out = append(out, h.r)
	}
	return out, more, nil
}

func sortHits(found map[int64]*hit) []*hit {
	ranked := make([]*hit, 0, len(found))
	for _, h := range found {
		ranked = append(ranked, h)
	}
	sort.Slice(ranked, func(i, j int) bool { return ranked[i].better(ranked[j]) })
	return ranked
}

// visibility returns the SQL condition (on search_docs d) of what the reader may see.
func (s *Service) visibility(q Query) (string, []any) {
	where := []string{`NOT d.hidden`}
	var args []any
	ids, all := q.Reader.SubsiteIDs()
	switch {
	case q.Subsite != nil:
		where = append(where, `d.subsite_id = ?`)
		args = append(args, q.Subsite.ID)
	case all:
		// Owners see everything; a contact once, through its owners-only entry.
		where = append(where, `(d.cat <> 'Contact' OR d.subsite_id = 0)`)
	default:
		in := sqldb.Placeholders(len(ids))
		where = append(where, `d.subsite_id IN (`+in+`)`,
			`(d.cat <> 'Contact' OR d.subsite_id = (SELECT MIN(o.subsite_id) FROM search_docs o
				WHERE o.cat = 'Contact' AND o.ref_id = d.ref_id AND o.subsite_id IN (`+in+`)))`)
		for range 2 {
			for _, id := range ids {
				args = append(args, id)
			}
		}
	}
	if q.Cat != "" {
		where = append(where, `d.cat = ?`)
		args = append(args, q.Cat)
	}
	return strings.Join(where, " AND "), args
}

// textMatches adds to found the things of the newest visible parts matching match, each with the
// BM25 score of its best part (a part's context weighs ten times its text). Walking the index in
// rowid order lets FTS5 stop after maxCandidates instead of scoring every match. Only ids and
// scores are read here: the few results shown are described afterwards. The snippet comes from
// the best part with text of its own (a page's title part has none).
func (s *Service) textMatches(ctx context.Context, match, where string, args []any, found map[int64]*hit) error {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT p.doc_id, f.rowid, p.part = 0 AND d.cat = 'Page', bm25(search_fts, 10.0, 1.0)
		FROM search_fts f JOIN search_parts p ON p.id = f.rowid JOIN search_docs d ON d.id = p.doc_id
		WHERE search_fts MATCH ? AND `+where+`
		ORDER BY f.rowid DESC LIMIT ?`, append(append([]any{match}, args...), maxCandidates)...)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	textScores := map[int64]float64{}
	for rows.Next() {
		var doc, part int64
		var textless bool
		var score float64
		if err := rows.Scan(&doc, &part, &textless, &score); err != nil {
			return fmt.Errorf("search: %w", err)
		}
		h, ok := found[doc]
		if !ok {
			h = &hit{doc: doc, tier: tierText, score: score, part: part}
			found[doc] = h
		}
		h.score = min(h.score, score)
		if best, ok := textScores[doc]; !textless && (!ok || score < best) {
			textScores[doc], h.part = score, part
		}
	}
	return rows.Err()
}

// titleMatches returns the newest visible things with every term in their title, in the title
// tiers. They are read without BM25: the title tiers rank by category and title length, and
// scoring would make FTS5 count every title that holds each word once more.
func (s *Service) titleMatches(ctx context.Context, q Query, where string, args []any) ([]*hit, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT d.id, d.cat, d.title
		FROM search_titles t JOIN search_docs d ON d.id = t.rowid
		WHERE search_titles MATCH ? AND `+where+`
		ORDER BY t.rowid DESC LIMIT ?`, append(append([]any{q.Match}, args...), maxCandidates)...)
	if err != nil {
		return nil, fmt.Errorf("search titles: %w", err)
	}
	defer rows.Close()
	keys := 0
	for _, t := range q.terms {
		for _, k := range t.keys {
			if k != gapKey {
				keys++
			}
		}
	}
	var hits []*hit
	for rows.Next() {
		h := &hit{}
		var cat, title string
		if err := rows.Scan(&h.doc, &cat, &title); err != nil {
			return nil, fmt.Errorf("search titles: %w", err)
		}
		h.tier, h.catRank, h.titleLen = tierTitle, catRanks[cat], countTokens(title)
		if h.titleLen == keys && isWholeTitle(tokenize(title), q.terms) {
			h.tier = tierExactTitle
		}
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search titles: %w", err)
	}
	return hits, nil
}

// isWholeTitle reports whether the title's tokens are the query's, in order, and no others (the
// last term's last token may be a prefix of the title's last). Gaps do not count: the title
// matched the query's phrases already.
func isWholeTitle(title []token, terms []term) bool {
	words := title[:0:0]
	for _, t := range title {
		if t.kind != gapToken {
			words = append(words, t)
		}
	}
	title = words
	i := 0
	for ti, t := range terms {
		for ki, key := range t.keys {
			if key == gapKey {
				continue
			}
			if i >= len(title) {
				return false
			}
			last := ti == len(terms)-1 && ki == len(t.keys)-1
			if got := title[i].key; got != key && !(last && t.prefix && strings.HasPrefix(got, key)) {
				return false
			}
			i++
		}
	}
	return i == len(title)
}

// spreadMatches returns, newest first, the visible things not in found that hold every term in
// some part but no part with all of them: each term's newest maxCandidates parts are gathered,
// and the things that appear under every term kept.
func (s *Service) spreadMatches(ctx context.Context, terms []term, where string, args []any, found map[int64]*hit) ([]*hit, error) {
	var common map[int64]int64 // thing -> its newest part holding the first term
	for i, t := range terms {
		rows, err := s.DB.R.QueryContext(ctx, `SELECT p.doc_id, f.rowid
			FROM search_fts f JOIN search_parts p ON p.id = f.rowid JOIN search_docs d ON d.id = p.doc_id
			WHERE search_fts MATCH ? AND `+where+`
			ORDER BY f.rowid DESC LIMIT ?`, append(append([]any{t.phrase()}, args...), maxCandidates)...)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		next := map[int64]int64{}
		for rows.Next() {
			var doc, part int64
			if err := rows.Scan(&doc, &part); err != nil {
				rows.Close()
				return nil, fmt.Errorf("search: %w", err)
			}
			if _, seen := found[doc]; seen {
				continue
			}
			if i == 0 {
				if _, ok := next[doc]; !ok {
					next[doc] = part
				}
			} else if first, ok := common[doc]; ok {
				next[doc] = first
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		common = next
		if len(common) == 0 {
			return nil, nil
		}
	}
	out := make([]*hit, 0, len(common))
	for doc, part := range common {
		out = append(out, &hit{doc: doc, tier: tierSpread, part: part})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].better(out[j]) })
	return out, nil
}

// describe reads what the results shown are, and the text of the part that makes each snippet.
func (s *Service) describe(ctx context.Context, list []*hit, terms []term) error {
	if len(list) == 0 {
		return nil
	}
	byDoc := make(map[int64]*hit, len(list))
	args := make([]any, len(list))
	for i, h := range list {
		byDoc[h.doc] = h
		args[i] = h.doc
	}
	in := sqldb.Placeholders(len(args))
	// The part of each: the one found, else its first.
	rows, err := s.DB.R.QueryContext(ctx, `SELECT p.doc_id, p.id, TRUE, t.context, substr(t.text, 1, ?)
		FROM search_parts p JOIN search_texts t ON t.part_id = p.id WHERE p.doc_id IN (`+in+`)
			AND p.part = (SELECT MIN(o.part) FROM search_parts o WHERE o.doc_id = p.doc_id)
		UNION ALL
		SELECT p.doc_id, p.id, FALSE, t.context, substr(t.text, 1, ?)
		FROM search_parts p JOIN search_texts t ON t.part_id = p.id WHERE p.id IN (`+in+`)`,
		append(append(append([]any{snippetScan}, args...), snippetScan), partIDs(list)...)...)
	if err != nil {
		return fmt.Errorf("search results: %w", err)
	}
	texts := map[int64][2]string{}
	for rows.Next() {
		var doc, id int64
		var first bool
		var about, text string
		if err := rows.Scan(&doc, &id, &first, &about, &text); err != nil {
			rows.Close()
			return fmt.Errorf("search results: %w", err)
		}
		if h := byDoc[doc]; h != nil && (id == h.part || (first && h.part == 0)) {
			texts[doc] = [2]string{about, text}
		}
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return fmt.Errorf("search results: %w", err)
	}
	rows, err = s.DB.R.QueryContext(ctx, `SELECT d.id, d.cat, d.ref_id, d.subsite_id, d.page_id, d.title, d.updated_at,
			COALESCE(p.slug, '')
		FROM search_docs d LEFT JOIN pages p ON p.id = d.page_id
		WHERE d.id IN (`+in+`)`, args...)
	if err != nil {
		return fmt.Errorf("search results: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var doc int64
		r := &Result{}
		var slug string
		if err := rows.Scan(&doc, &r.Cat, &r.ID, &r.SubsiteID, &r.PageID, &r.Title, &r.UpdatedAt, &slug); err != nil {
			return fmt.Errorf("search results: %w", err)
		}
		h := byDoc[doc]
		about := texts[doc][0]
		if about == "" {
			about = r.Title
		}
		r.parts = snippetParts(about, texts[doc][1], terms)
		r.Weight, r.Desc, r.Snippet = roundWeight(h.weight()), r.Title, makeSnippet(r.parts)
		h.r, h.pageSlug = r, slug
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("search results: %w", err)
	}
	return nil
}

// partIDs returns the parts found of the hits, or none (an id no part has).
func partIDs(list []*hit) []any {
	out := make([]any, len(list))
	for i, h := range list {
		out[i] = h.part
	}
	return out
}

func roundWeight(w float64) float64 {
	if math.IsNaN(w) || math.IsInf(w, 0) {
		return 0
	}
	f, _ := strconv.ParseFloat(strconv.FormatFloat(w, 'f', 4, 64), 64)
	return f
}

// linkResult sets the icon and links of a hit.
func (s *Service) linkResult(ctx context.Context, q *Query, r *Result, pageSlug string) error {
	sub := q.subsites[r.SubsiteID]
	if sub == nil && r.SubsiteID != 0 {
		var err error
		if sub, err = s.People.FindSubsiteByID(ctx, s.DB.R, r.SubsiteID); err != nil {
			return err
		}
		if q.subsites == nil {
			q.subsites = map[int64]*people.Subsite{}
		}
		q.subsites[r.SubsiteID] = sub
	}
	prefix := ""
	r.subsite = sub
	if sub != nil {
		prefix = "/@" + sub.Slug
	}
	page := prefix + "/" + pageSlug + "/"
	switch r.Cat {
	case CatPage:
		r.Icon, r.Lnk = "page", page
	case CatFile:
		r.Icon, r.Lnk = "file", prefix+"/files/"+strconv.FormatInt(r.ID, 10)+"/"+pathEscape(r.Title)
	case CatContact:
		r.Icon, r.Lnk = "contact", prefix+"/people/"+strconv.FormatInt(r.ID, 10)+"/"
	case CatForm:
		r.Icon, r.Lnk = "form", page+"#record-"+strconv.FormatInt(r.ID, 10)
	case CatComment:
		if r.PageID == nil { // a post of the subsite's activity stream
			page = prefix + "/"
		}
		r.Icon, r.Lnk = "comment", page+"#post-"+strconv.FormatInt(r.ID, 10)
	}
	r.URL = s.BaseURL + r.Lnk
	return nil
}

func pathEscape(s string) string {
	return strings.NewReplacer("%", "%25", "/", "%2F", "?", "%3F", "#", "%23", " ", "%20").Replace(s)
}

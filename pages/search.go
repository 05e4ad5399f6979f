package pages

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

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
}

// SearchQuery is a parsed search: the FTS5 expression, the reader, where to look.
type SearchQuery struct {
	Match    string // FTS5 query built by ParseSearch
	terms    []term
	Reader   *people.Actor
	Subsite  *people.Subsite // nil: every subsite the reader belongs to
	Cat      string          // "" for every category
	Limit    int
	Offset   int
	subsites map[int64]*people.Subsite
}

// term is one part of a query: words that must stand together (a phrase of one or more words),
// perhaps a prefix.
type term struct {
	text   string
	prefix bool
}

// ParseSearch turns what a person typed into a SearchQuery whose FTS5 query cannot be malformed:
// every word is quoted, so operators and punctuation are only text. "quoted words" are a phrase,
// word* a prefix, and all terms must match. CJK text is split into characters, matched as a
// phrase. Returns a validation error on field q when nothing searchable is left.
func ParseSearch(q string) (SearchQuery, error) {
	if len(q) > maxQueryLength {
		return SearchQuery{}, api.Invalid("q", "The search is longer than %d characters.", maxQueryLength)
	}
	// Control characters are no part of any word, and FTS5 refuses some of them.
	q = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, q)
	var terms []term
	rest := strings.TrimSpace(q)
	for rest != "" && len(terms) < maxQueryTerms {
		var t term
		if rest[0] == '"' {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 { // an unclosed quote: the rest is the phrase
				t.text, rest = rest[1:], ""
			} else {
				t.text, rest = rest[1:end+1], rest[end+2:]
			}
		} else {
			word, after, _ := strings.Cut(rest, " ")
			t.text, rest = word, after
			if strings.HasSuffix(t.text, "*") {
				t.text, t.prefix = strings.TrimRight(t.text, "*"), true
			}
		}
		rest = strings.TrimSpace(rest)
		if hasWordCharacters(t.text) {
			terms = append(terms, t)
		}
	}
	if len(terms) == 0 {
		return SearchQuery{}, api.Invalid("q", "Parameter \"q\" needs at least one word to search for.")
	}
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = `"` + strings.ReplaceAll(segment(t.text), `"`, `""`) + `"`
		if t.prefix && !endsWithCJK(t.text) {
			parts[i] += "*"
		}
	}
	return SearchQuery{Match: strings.Join(parts, " AND "), terms: terms}, nil
}

func hasWordCharacters(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return true
		}
	}
	return false
}

func endsWithCJK(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return isCJK(r)
}

// maxCandidates bounds the work of one search: of the entries that match, the newest this many,
// and the newest this many with the words in their title, are ranked. Below that every match is
// ranked; above it, a search costs the same at any size of site (see the README).
const maxCandidates = 1000

// candidate is a matching entry before ranking.
type candidate struct {
	rowid    int64
	score    float64 // BM25, lower is better
	r        *Result
	pageSlug string
}

// Search finds what the reader may see, best first. Visibility is decided in SQL before anything
// is ranked: entries of the reader's subsites (one subsite on a subsite URL), contacts once each,
// nothing of a page in the trash. Titles weigh ten times the body in the BM25 ranking.
func (s *Service) Search(ctx context.Context, q SearchQuery) ([]*Result, bool, error) {
	where, args := s.visibility(q)
	// Words and prefixes are cheap to look up in titles, so their newest title matches are read
	// beside the ranked candidates, on another connection, in case those are cut: a person
	// waits for the longer of the two, not for both. A phrase can cost a walk through every
	// entry with its words, so its title matches are only read when they are needed.
	type titleResult struct {
		ids []int64
		err error
	}
	var titles chan titleResult
	if !hasPhrase(q.terms) {
		titles = make(chan titleResult, 1)
		go func() {
			ids, err := s.titleMatches(ctx, q.Match, where, args)
			titles <- titleResult{ids, err}
		}()
	}
	found := map[int64]*candidate{}
	err := s.candidates(ctx, q.Match, where, args, found)
	var tr titleResult
	if titles != nil {
		tr = <-titles
	}
	if err = errors.Join(err, tr.err); err != nil {
		return nil, false, err
	}
	if len(found) == maxCandidates {
		// Matches were cut: make sure the newest title matches are ranked too.
		if titles == nil {
			if tr.ids, err = s.titleMatches(ctx, q.Match, where, args); err != nil {
				return nil, false, err
			}
		}
		addTitleMatches(found, tr.ids)
	}
	ranked := make([]*candidate, 0, len(found))
	for _, c := range found {
		ranked = append(ranked, c)
	}
	sort.Slice(ranked, func(i, j int) bool {
		if ranked[i].score != ranked[j].score {
			return ranked[i].score < ranked[j].score
		}
		return ranked[i].rowid > ranked[j].rowid
	})
	if q.Offset >= len(ranked) {
		return []*Result{}, false, nil
	}
	more := len(ranked) > q.Offset+q.Limit
	ranked = ranked[q.Offset:min(len(ranked), q.Offset+q.Limit)]
	if err := s.describe(ctx, ranked, q.terms); err != nil {
		return nil, false, err
	}
	out := make([]*Result, len(ranked))
	for i, c := range ranked {
		if err := s.linkResult(ctx, &q, c.r, c.pageSlug); err != nil {
			return nil, false, err
		}
		out[i] = c.r
	}
	return out, more, nil
}

// visibility returns the SQL condition (on search_docs d and pages p) of what the reader may see.
func (s *Service) visibility(q SearchQuery) (string, []any) {
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

// candidates adds to found the newest visible entries matching match, with their BM25 score.
// Walking the index in rowid order lets FTS5 stop after maxCandidates instead of scoring every
// match; an entry already found (by the full query) keeps its score. Only ids and scores are
// read here: the few results shown are described afterwards.
func (s *Service) candidates(ctx context.Context, match, where string, args []any, found map[int64]*candidate) error {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT f.rowid, bm25(search_fts, 10.0, 1.0)
		FROM search_fts f JOIN search_docs d ON d.id = f.rowid
		WHERE search_fts MATCH ? AND `+where+`
		ORDER BY f.rowid DESC LIMIT ?`, append(append([]any{match}, args...), maxCandidates)...)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rowid int64
		var score float64
		if err := rows.Scan(&rowid, &score); err != nil {
			return fmt.Errorf("search: %w", err)
		}
		if _, seen := found[rowid]; !seen {
			found[rowid] = &candidate{rowid: rowid, score: score}
		}
	}
	return rows.Err()
}

// hasPhrase reports whether a term is several words (or CJK characters, matched as a phrase).
func hasPhrase(terms []term) bool {
	for _, t := range terms {
		if len(strings.Fields(t.text)) > 1 || strings.ContainsFunc(t.text, isCJK) {
			return true
		}
	}
	return false
}

// titleMatches returns the newest visible entries with match in their title, newest first. They
// are read without BM25: scoring them would make FTS5 count every entry that holds each word
// once more, the dearest step of a search.
func (s *Service) titleMatches(ctx context.Context, match, where string, args []any) ([]int64, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT f.rowid
		FROM search_fts f JOIN search_docs d ON d.id = f.rowid
		WHERE search_fts MATCH ? AND `+where+`
		ORDER BY f.rowid DESC LIMIT ?`, append(append([]any{"{title} : (" + match + ")"}, args...), maxCandidates)...)
	if err != nil {
		return nil, fmt.Errorf("search titles: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var rowid int64
		if err := rows.Scan(&rowid); err != nil {
			return nil, fmt.Errorf("search titles: %w", err)
		}
		ids = append(ids, rowid)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search titles: %w", err)
	}
	return ids, nil
}

// addTitleMatches adds title matches to found when candidates had to stop at maxCandidates. A
// title match that candidates found keeps its score; one it did not (an older entry) is ranked
// at the median score of those, or just above the best match when there are none, newest first
// among equals.
func addTitleMatches(found map[int64]*candidate, ids []int64) {
	var ranked []float64
	var older []int64
	for _, rowid := range ids {
		if c, ok := found[rowid]; ok {
			ranked = append(ranked, c.score)
		} else {
			older = append(older, rowid)
		}
	}
	level := 0.0
	if len(ranked) > 0 {
		sort.Float64s(ranked)
		level = ranked[len(ranked)/2]
	} else { // only body matches were ranked: a title match goes above them all
		for _, c := range found {
			level = min(level, c.score)
		}
		level = math.Nextafter(level, math.Inf(-1))
	}
	for _, rowid := range older {
		found[rowid] = &candidate{rowid: rowid, score: level}
	}
}

// describe reads what the results shown are, and their stored text for snippets.
func (s *Service) describe(ctx context.Context, list []*candidate, terms []term) error {
	if len(list) == 0 {
		return nil
	}
	byRow := make(map[int64]*candidate, len(list))
	args := make([]any, len(list))
	for i, c := range list {
		byRow[c.rowid] = c
		args[i] = c.rowid
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT d.id, d.cat, d.ref_id, d.subsite_id, d.page_id, d.title, d.updated_at,
			COALESCE(p.slug, ''), f.title, substr(f.body, 1, ?)
		FROM search_docs d JOIN search_fts f ON f.rowid = d.id LEFT JOIN pages p ON p.id = d.page_id
		WHERE d.id IN (`+sqldb.Placeholders(len(args))+`)`, append([]any{snippetScan}, args...)...)
	if err != nil {
		return fmt.Errorf("search results: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rowid int64
		var title, body string
		r := &Result{}
		var slug string
		if err := rows.Scan(&rowid, &r.Cat, &r.ID, &r.SubsiteID, &r.PageID, &r.Title, &r.UpdatedAt, &slug, &title, &body); err != nil {
			return fmt.Errorf("search results: %w", err)
		}
		c := byRow[rowid]
		r.Weight, r.Desc, r.Snippet = roundWeight(-c.score), r.Title, makeSnippet(title, body, terms)
		c.r, c.pageSlug = r, slug
	}
	return rows.Err()
}

func roundWeight(w float64) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(w, 'f', 4, 64), 64)
	return f
}

// linkResult sets the icon and links of a hit.
func (s *Service) linkResult(ctx context.Context, q *SearchQuery, r *Result, pageSlug string) error {
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

// unsegment removes the separators segment put around CJK characters.
func unsegment(s string) string { return strings.ReplaceAll(s, cjkSeparator, "") }

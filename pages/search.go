package pages

import (
	"context"
	"fmt"
	"html"
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

// ParseSearch turns what a person typed into an FTS5 query that cannot be malformed: every word
// is quoted, so operators and punctuation are only text. "quoted words" are a phrase, word* a
// prefix, and all terms must match. CJK text is split into characters, matched as a phrase.
// Returns a validation error on field q when nothing searchable is left.
func ParseSearch(q string) (string, error) {
	if len(q) > maxQueryLength {
		return "", api.Invalid("q", "The search is longer than %d characters.", maxQueryLength)
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
		return "", api.Invalid("q", "Parameter \"q\" needs at least one word to search for.")
	}
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = `"` + strings.ReplaceAll(segment(t.text), `"`, `""`) + `"`
		if t.prefix && !endsWithCJK(t.text) {
			parts[i] += "*"
		}
	}
	return strings.Join(parts, " AND "), nil
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

// Search finds what the reader may see, best first. Visibility is decided in SQL: entries of the
// reader's subsites (one subsite on a subsite URL), contacts once each, nothing of a page in the
// trash. Titles weigh ten times the body in the BM25 ranking.
func (s *Service) Search(ctx context.Context, q SearchQuery) ([]*Result, bool, error) {
	where := []string{`search_fts MATCH ?`}
	args := []any{q.Match}
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
	where = append(where, `(d.page_id IS NULL OR p.deleted_at IS NULL)`)
	args = append(args, q.Limit+1, q.Offset)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT d.cat, d.ref_id, d.subsite_id, d.page_id, d.title, d.updated_at,
			COALESCE(p.slug, ''), snippet(search_fts, -1, char(1), char(2), '…', 16), bm25(search_fts, 10.0, 1.0) AS score
		FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid
		LEFT JOIN pages p ON p.id = d.page_id
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY score, d.id LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, false, fmt.Errorf("search: %w", err)
	}
	out := []*Result{}
	var slugs []string
	for rows.Next() {
		r := &Result{}
		var pageSlug, snippet string
		var score float64
		if err := rows.Scan(&r.Cat, &r.ID, &r.SubsiteID, &r.PageID, &r.Title, &r.UpdatedAt, &pageSlug, &snippet, &score); err != nil {
			rows.Close()
			return nil, false, fmt.Errorf("search: %w", err)
		}
		r.Weight, r.Desc, r.Snippet = roundWeight(-score), r.Title, markSnippet(snippet)
		out = append(out, r)
		slugs = append(slugs, pageSlug)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	// Links need the subsites' slugs: looked up after the rows are closed, so that a search never
	// holds one pooled connection while waiting for another.
	for i, r := range out {
		if err := s.linkResult(ctx, &q, r, slugs[i]); err != nil {
			return nil, false, err
		}
	}
	more := len(out) > q.Limit
	if more {
		out = out[:q.Limit]
	}
	return out, more, nil
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
		r.Icon, r.Lnk = "comment", page+"#post-"+strconv.FormatInt(r.ID, 10)
	}
	r.URL = s.BaseURL + r.Lnk
	return nil
}

func pathEscape(s string) string {
	return strings.NewReplacer("%", "%25", "/", "%2F", "?", "%3F", "#", "%23", " ", "%20").Replace(s)
}

// markSnippet turns FTS5's snippet, whose matches are framed by \x01 and \x02, into safe HTML
// with <mark>, and undoes the index's CJK segmentation.
func markSnippet(raw string) string {
	text := html.EscapeString(unsegment(raw))
	return strings.NewReplacer("\x01", "<mark>", "\x02", "</mark>").Replace(text)
}

// unsegment removes the separators segment put around CJK characters.
func unsegment(s string) string { return strings.ReplaceAll(s, cjkSeparator, "") }

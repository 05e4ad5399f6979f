package pages

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"quire/app/api"
	"quire/people"
	"quire/widgets"
)

// Search categories, as the API answers them in "cat".
const (
	CatPage    = "Page"
	CatFile    = "File"
	CatContact = "Contact"
	CatForm    = "Form"
	CatComment = "Comment"
)

// maxIndexedText bounds the text indexed for one entry.
const maxIndexedText = 1 << 20

// SearchDoc is one entry of the search index: what it is, where it is visible, and its words.
type SearchDoc struct {
	Cat       string
	RefID     int64
	SubsiteID int64 // 0: owners only
	PageID    int64 // the page it sits on, 0 if none: entries of trashed pages are not found
	Title     string
	Body      string
	UpdatedAt api.Time
}

// indexDoc adds or replaces an entry, in the caller's transaction, so that the index always
// agrees with what it indexes.
func indexDoc(ctx context.Context, tx DBTX, d SearchDoc) error {
	var pageID any
	if d.PageID != 0 {
		pageID = d.PageID
	}
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM search_docs WHERE cat = ? AND ref_id = ? AND subsite_id = ?`,
		d.Cat, d.RefID, d.SubsiteID).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		res, err := tx.ExecContext(ctx, `INSERT INTO search_docs (cat, ref_id, subsite_id, page_id, title, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`, d.Cat, d.RefID, d.SubsiteID, pageID, d.Title, d.UpdatedAt)
		if err != nil {
			return fmt.Errorf("index %s %d: %w", d.Cat, d.RefID, err)
		}
		id, _ = res.LastInsertId()
	case err != nil:
		return fmt.Errorf("index %s %d: %w", d.Cat, d.RefID, err)
	default:
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_fts WHERE rowid = ?`, id); err != nil {
			return fmt.Errorf("index %s %d: %w", d.Cat, d.RefID, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE search_docs SET page_id = ?, title = ?, updated_at = ? WHERE id = ?`,
			pageID, d.Title, d.UpdatedAt, id); err != nil {
			return fmt.Errorf("index %s %d: %w", d.Cat, d.RefID, err)
		}
	}
	body := d.Body
	if len(body) > maxIndexedText {
		cut := maxIndexedText
		for cut > 0 && !utf8.RuneStart(body[cut]) {
			cut--
		}
		body = body[:cut]
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO search_fts (rowid, title, body) VALUES (?, ?, ?)`, id, segment(d.Title), segment(body))
	if err != nil {
		return fmt.Errorf("index %s %d: %w", d.Cat, d.RefID, err)
	}
	return nil
}

// unindexDocs removes every entry of the thing (in every subsite).
func unindexDocs(ctx context.Context, tx DBTX, cat string, refID int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM search_fts WHERE rowid IN (SELECT id FROM search_docs WHERE cat = ? AND ref_id = ?)`, cat, refID)
	if err == nil {
		_, err = tx.ExecContext(ctx, `DELETE FROM search_docs WHERE cat = ? AND ref_id = ?`, cat, refID)
	}
	if err != nil {
		return fmt.Errorf("unindex %s %d: %w", cat, refID, err)
	}
	return nil
}

// indexPage makes the page's entry agree with the page: its title, tags and the text of its
// widgets; a page in the trash has none.
func (s *Service) indexPage(ctx context.Context, tx DBTX, pageID int64) error {
	var p struct {
		subsiteID int64
		title     string
		deleted   bool
		updated   api.Time
		tags      sql.NullString
	}
	err := tx.QueryRowContext(ctx, `SELECT p.subsite_id, p.title, p.deleted_at IS NOT NULL, p.updated_at`+tagsColumn+`
		FROM pages p WHERE p.id = ?`, pageID).Scan(&p.subsiteID, &p.title, &p.deleted, &p.updated, &p.tags)
	if err != nil {
		return fmt.Errorf("index page %d: %w", pageID, err)
	}
	// What sits on a page in the trash (files, form entries, comments) is hidden with it.
	if _, err := tx.ExecContext(ctx, `UPDATE search_docs SET hidden = ? WHERE page_id = ? AND cat <> ?`, p.deleted, pageID, CatPage); err != nil {
		return fmt.Errorf("index page %d: %w", pageID, err)
	}
	if p.deleted {
		return unindexDocs(ctx, tx, CatPage, pageID)
	}
	lists, err := widgets.ListByPage(ctx, tx, pageID)
	if err != nil {
		return err
	}
	var body strings.Builder
	for _, w := range lists[pageID] {
		body.WriteString(w.Text)
		body.WriteString("\n")
	}
	body.WriteString(strings.ReplaceAll(p.tags.String, "\x1f", " "))
	return indexDoc(ctx, tx, SearchDoc{Cat: CatPage, RefID: pageID, SubsiteID: p.subsiteID, PageID: pageID,
		Title: p.title, Body: body.String(), UpdatedAt: p.updated})
}

// IndexPerson makes a person's contact entries agree with them: one per subsite they belong to,
// and one that owners see; a deleted person has none. people calls it, through app's wiring,
// inside every transaction that changes a person or their memberships.
func (s *Service) IndexPerson(ctx context.Context, tx DBTX, userID int64) error {
	if err := unindexDocs(ctx, tx, CatContact, userID); err != nil {
		return err
	}
	u, err := people.FindUserByID(ctx, tx, userID)
	if err != nil || u.DeletedAt != nil {
		return err
	}
	memberships, err := people.MembershipsOf(ctx, tx, userID)
	if err != nil {
		return err
	}
	body := strings.Join([]string{u.Email, u.Position, u.Bio, u.Phone}, "\n")
	subsites := []int64{0}
	for _, m := range memberships {
		subsites = append(subsites, m.SubsiteID)
	}
	for _, sub := range subsites {
		err := indexDoc(ctx, tx, SearchDoc{Cat: CatContact, RefID: u.ID, SubsiteID: sub, Title: u.Name, Body: body,
			UpdatedAt: u.CreatedAt})
		if err != nil {
			return err
		}
	}
	return nil
}

// isCJK reports whether r is written without spaces between words: Han, Hiragana, Katakana,
// Hangul (Korean puts spaces between phrases, but particles cling to words).
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		(r >= 0x3000 && r <= 0x303f) // CJK punctuation
}

// cjkSeparator is put around CJK characters in indexed text: a zero-width space, which the
// unicode61 tokenizer treats as a separator, so that removing it gives back the text exactly.
const cjkSeparator = "\u200b"

// segment prepares text for the index: each CJK character becomes its own token, so that a query
// of any length, turned into a phrase of its characters, finds it inside longer runs (trigram
// indexes miss words under three characters, and most Chinese words have two). Other text is
// left alone for the unicode61 tokenizer.
func segment(text string) string {
	if !strings.ContainsFunc(text, isCJK) {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) * 2)
	for _, r := range text {
		if isCJK(r) {
			b.WriteString(cjkSeparator)
			b.WriteRune(r)
			b.WriteString(cjkSeparator)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

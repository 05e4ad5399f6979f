package search

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"quire/app/api"
	"quire/app/sqldb"
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

// titled reports whether things of the category are found by their title (search_titles): pages
// by theirs, files by their name, people by theirs. A form entry and a comment are shown under
// their page's title but found by their own text only.
func titled(cat string) bool { return cat == CatPage || cat == CatFile || cat == CatContact }

// maxPartText bounds the text of one part: a longer text (a file's) is indexed as several parts
// of at most this many bytes, cut between words. A widget's text is always one part (widgets
// hold at most widgets.MaxHTMLBytes).
const maxPartText = 1 << 20

// Doc is one thing search finds: what it is, where it is visible, and its words.
type Doc struct {
	Cat       string
	RefID     int64
	SubsiteID int64 // 0: owners only
	PageID    int64 // the page it sits on, 0 if none: entries of trashed pages are not found
	Title     string
	Body      string
	UpdatedAt api.Time
}

// IndexDoc adds or replaces a thing and all its words, in the caller's transaction, so that the
// index always agrees with what it indexes. Its body is cut into parts of maxPartText.
func IndexDoc(ctx context.Context, tx DBTX, d Doc) error {
	_, err := indexDocID(ctx, tx, d)
	return err
}

// indexDocID is IndexDoc, returning the thing's id in search_docs.
func indexDocID(ctx context.Context, tx DBTX, d Doc) (int64, error) {
	docID, _, err := upsertDoc(ctx, tx, d, false)
	if err != nil {
		return 0, err
	}
	if err := deleteParts(ctx, tx, `doc_id = ?`, docID); err != nil {
		return 0, fmt.Errorf("index %s %d: %w", d.Cat, d.RefID, err)
	}
	about := ""
	if titled(d.Cat) {
		about = d.Title
	}
	for i, text := range cutText(d.Body, maxPartText) {
		if err := putPart(ctx, tx, docID, int64(i), "", about, text); err != nil {
			return 0, fmt.Errorf("index %s %d: %w", d.Cat, d.RefID, err)
		}
	}
	return docID, nil
}

// upsertDoc adds or updates the row of a thing and returns its id, and whether it made the row.
// Its title is indexed again when it changed or when retitle is set.
func upsertDoc(ctx context.Context, tx DBTX, d Doc, retitle bool) (int64, bool, error) {
	var pageID any
	if d.PageID != 0 {
		pageID = d.PageID
	}
	var id int64
	// Most writes keep the title: one statement then.
	err := tx.QueryRowContext(ctx, `UPDATE search_docs SET page_id = ?, updated_at = ?
		WHERE cat = ? AND ref_id = ? AND subsite_id = ? AND title = ? RETURNING id`,
		pageID, d.UpdatedAt, d.Cat, d.RefID, d.SubsiteID, d.Title).Scan(&id)
	if err == nil && !retitle {
		return id, false, nil
	}
	var title string
	made := false
	if err == nil || errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRowContext(ctx, `SELECT id, title FROM search_docs WHERE cat = ? AND ref_id = ? AND subsite_id = ?`,
			d.Cat, d.RefID, d.SubsiteID).Scan(&id, &title)
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		res, err := tx.ExecContext(ctx, `INSERT INTO search_docs (cat, ref_id, subsite_id, page_id, title, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`, d.Cat, d.RefID, d.SubsiteID, pageID, d.Title, d.UpdatedAt)
		if err != nil {
			return 0, false, fmt.Errorf("index %s %d: %w", d.Cat, d.RefID, err)
		}
		id, _ = res.LastInsertId()
		retitle, made = true, true
	case err != nil:
		return 0, false, fmt.Errorf("index %s %d: %w", d.Cat, d.RefID, err)
	default:
		if _, err := tx.ExecContext(ctx, `UPDATE search_docs SET page_id = ?, title = ?, updated_at = ? WHERE id = ?`,
			pageID, d.Title, d.UpdatedAt, id); err != nil {
			return 0, false, fmt.Errorf("index %s %d: %w", d.Cat, d.RefID, err)
		}
		retitle = retitle || title != d.Title
	}
	if retitle && titled(d.Cat) {
		_, err := tx.ExecContext(ctx, `DELETE FROM search_titles WHERE rowid = ?`, id)
		if err == nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO search_titles (rowid, title) VALUES (?, ?)`, id, indexText(d.Title))
		}
		if err != nil {
			return 0, false, fmt.Errorf("index %s %d title: %w", d.Cat, d.RefID, err)
		}
	}
	return id, made, nil
}

// putPart indexes a new part of a thing (the caller removed any of the same number): its context,
// its text, and for a page's part the widgets it holds ("first:version ..."). The part gets the
// highest id, so that the newest words come first when a search walks the index newest first.
func putPart(ctx context.Context, tx DBTX, docID, part int64, held, about, text string) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO search_parts (doc_id, part) VALUES (?, ?)`, docID, part)
	if err != nil {
		return err
	}
	id, _ := res.LastInsertId()
	if _, err := tx.ExecContext(ctx, `INSERT INTO search_texts (part_id, widgets, size, context, text) VALUES (?, ?, ?, ?, ?)`,
		id, held, len(text), about, text); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO search_fts (rowid, context, body) VALUES (?, ?, ?)`, id, indexText(about), indexText(text))
	return err
}

// deleteParts removes the parts that cond (on search_parts) selects, and their words and text.
func deleteParts(ctx context.Context, tx DBTX, cond string, args ...any) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM search_fts WHERE rowid IN (SELECT id FROM search_parts WHERE `+cond+`)`, args...)
	if err == nil {
		_, err = tx.ExecContext(ctx, `DELETE FROM search_parts WHERE `+cond, args...)
	}
	return err
}

// cutText cuts text into pieces of at most max bytes, each ending after a space or line break
// when the piece has one, else at a character boundary. Empty text is one empty piece.
func cutText(text string, max int) []string {
	var out []string
	for len(text) > max {
		cut := strings.LastIndexAny(text[:max], " \n\t")
		if cut < max/2 {
			cut = max
			for cut > 0 && !utf8.RuneStart(text[cut]) {
				cut--
			}
		} else {
			cut++
		}
		out = append(out, text[:cut])
		text = text[cut:]
	}
	return append(out, text)
}

// unindexDocs removes every entry of the thing (in every subsite).
func unindexDocs(ctx context.Context, tx DBTX, cat string, refID int64) error {
	err := deleteParts(ctx, tx, `doc_id IN (SELECT id FROM search_docs WHERE cat = ? AND ref_id = ?)`, cat, refID)
	if err == nil {
		_, err = tx.ExecContext(ctx, `DELETE FROM search_titles WHERE rowid IN (SELECT id FROM search_docs WHERE cat = ? AND ref_id = ?)`, cat, refID)
	}
	if err == nil {
		_, err = tx.ExecContext(ctx, `DELETE FROM search_docs WHERE cat = ? AND ref_id = ?`, cat, refID)
	}
	if err != nil {
		return fmt.Errorf("unindex %s %d: %w", cat, refID, err)
	}
	return nil
}

// partTarget is the size of text a page's part gathers: small widgets share a part up to it, a
// larger widget is a part of its own. A write indexes again only the parts that hold what it
// changed: at most partTarget of other widgets' text besides its own.
const partTarget = 32 << 10

// loadBatch is how many widgets IndexPage reads at once, to bound its memory on large pages.
const loadBatch = 16

// pagePart is one of a page's parts: the widgets it holds, at their versions, and its size.
type pagePart struct {
	part    int64
	widgets map[int64]int64 // first id -> version id
	size    int
	dirty   bool
}

// IndexPage makes the page's entries agree with the page: its widgets' text in parts of about
// partTarget, each with the page's title and tags as its context (a page without widgets has one
// part of no text, for them). Only the parts that hold what changed are indexed again: a widget
// whose version is not the one indexed, a widget no longer placed; a new widget joins the page's
// last part when that has room. Every part is indexed again when the title or tags changed, or
// when force is set. A page in the trash has no entries, and what sits on it (files, form
// entries, comments) is hidden with it. pages calls it in the transaction of a write that
// changes what else is found with the page. A page that does not exist is an error wrapping
// sql.ErrNoRows; other errors are the database's.
func (s *Service) IndexPage(ctx context.Context, tx DBTX, pageID int64, force bool) error {
	var p struct {
		subsiteID int64
		title     string
		deleted   bool
		updated   api.Time
		tags      sql.NullString
	}
	err := tx.QueryRowContext(ctx, `SELECT p.subsite_id, p.title, p.deleted_at IS NOT NULL, p.updated_at,
			(SELECT group_concat(t.tag, char(31)) FROM page_tags t WHERE t.page_id = p.id)
		FROM pages p WHERE p.id = ?`, pageID).Scan(&p.subsiteID, &p.title, &p.deleted, &p.updated, &p.tags)
	if err != nil {
		return fmt.Errorf("index page %d: %w", pageID, err)
	}
	if p.deleted {
		if err := s.showWhatSitsOn(ctx, tx, pageID, true, true, nil, nil); err != nil {
			return err
		}
		return unindexDocs(ctx, tx, CatPage, pageID)
	}
	docID, made, err := upsertDoc(ctx, tx, Doc{Cat: CatPage, RefID: pageID, SubsiteID: p.subsiteID, PageID: pageID,
		Title: p.title, UpdatedAt: p.updated}, force)
	if err != nil {
		return err
	}
	about := p.title
	if p.tags.Valid {
		about += "\n" + strings.ReplaceAll(p.tags.String, "\x1f", " ")
	}
	indexedAbout, parts, err := indexedParts(ctx, tx, docID)
	if err != nil {
		return fmt.Errorf("index page %d: %w", pageID, err)
	}
	placed, err := widgets.ListPlacedSizes(ctx, tx, pageID)
	if err != nil {
		return err
	}
	all := force || indexedAbout == nil || *indexedAbout != about
	current := make(map[int64]int64, len(placed))
	for _, w := range placed {
		current[w.WidgetID] = w.CurrentID
	}
	holder := map[int64]*pagePart{}
	var last, empty *pagePart
	for _, pt := range parts {
		pt.dirty = all
		for w, version := range pt.widgets {
			holder[w] = pt
			if cur, ok := current[w]; !ok || cur != version {
				pt.dirty = true
			}
		}
		if pt.part == 0 {
			empty = pt
		} else if last == nil || pt.part > last.part {
			last = pt
		}
	}
	// What sits on the page follows its widgets: all of it when the page is new to the index (made,
	// or back from the trash) or indexed again whole; else what belongs to the widgets that came,
	// left or changed version since the page was last indexed.
	var moved, versioned []int64
	if !made && !force {
		for _, pt := range parts {
			for w, version := range pt.widgets {
				if cur, ok := current[w]; !ok {
					moved = append(moved, w)
				} else if cur != version {
					versioned = append(versioned, w)
				}
			}
		}
		for _, w := range placed {
			if holder[w.WidgetID] == nil {
				moved = append(moved, w.WidgetID)
			}
		}
	}
	if err := s.showWhatSitsOn(ctx, tx, pageID, false, made || force, moved, versioned); err != nil {
		return err
	}
	// What to index again, in page order: the placed widgets of dirty parts, and new widgets
	// (with the last part's, when it has room for more).
	var redo []int64
	for _, w := range placed {
		if holder[w.WidgetID] == nil && last != nil && !last.dirty && last.size < partTarget {
			last.dirty = true
		}
	}
	for _, w := range placed {
		if pt := holder[w.WidgetID]; pt == nil || pt.dirty {
			redo = append(redo, w.WidgetID)
		}
	}
	var gone []any
	next, kept := int64(1), 0
	for _, pt := range parts {
		switch {
		case pt.dirty || (pt == empty && len(placed) > 0):
			gone = append(gone, pt.part)
		case pt != empty:
			kept++
		}
		next = max(next, pt.part+1)
	}
	if len(gone) > 0 {
		if err := deleteParts(ctx, tx, `doc_id = ? AND part IN (`+sqldb.Placeholders(len(gone))+`)`, append([]any{docID}, gone...)...); err != nil {
			return fmt.Errorf("index page %d: %w", pageID, err)
		}
	}
	// Pack them into parts of about partTarget, reading a few widgets at a time.
	var group []*widgets.Widget
	size := 0
	flush := func() error {
		if len(group) == 0 {
			return nil
		}
		keys := make([]string, len(group))
		texts := make([]string, len(group))
		for i, w := range group {
			keys[i] = strconv.FormatInt(w.FirstID(), 10) + ":" + strconv.FormatInt(w.ID, 10)
			texts[i] = widgetText(w)
		}
		err := putPart(ctx, tx, docID, next, strings.Join(keys, " "), about, strings.Join(texts, "\n"))
		group, size, next, kept = group[:0], 0, next+1, kept+1
		return err
	}
	for start := 0; start < len(redo); start += loadBatch {
		var list []*widgets.Widget
		if len(redo) == len(placed) && len(placed) <= loadBatch { // the whole of a small page
			lists, err := widgets.ListByPage(ctx, tx, pageID)
			if err != nil {
				return err
			}
			list = lists[pageID]
		} else if list, err = widgets.ListCurrent(ctx, tx, pageID, redo[start:min(len(redo), start+loadBatch)]...); err != nil {
			return err
		}
		for _, w := range list {
			n := len(widgetText(w))
			if size > 0 && size+n > partTarget {
				if err := flush(); err != nil {
					return fmt.Errorf("index page %d: %w", pageID, err)
				}
			}
			group, size = append(group, w), size+n+1
		}
	}
	if err := flush(); err != nil {
		return fmt.Errorf("index page %d: %w", pageID, err)
	}
	// A page without widgets is still found by its title and tags, through a part of its own.
	if kept == 0 && (empty == nil || empty.dirty) {
		if err := putPart(ctx, tx, docID, 0, "", about, ""); err != nil {
			return fmt.Errorf("index page %d: %w", pageID, err)
		}
	}
	return nil
}

// widgetText is what search finds of a widget: its text, an image's caption, a form's field
// labels and choices. (Its files are found as files of their own.)
func widgetText(w *widgets.Widget) string {
	parts := []string{w.Text}
	if w.Extra.Caption != nil {
		parts = append(parts, *w.Extra.Caption)
	}
	if w.Extra.Fields != nil {
		for _, f := range *w.Extra.Fields {
			parts = append(parts, f.Label)
			parts = append(parts, f.Options...)
		}
	}
	if len(parts) == 1 {
		return w.Text
	}
	return strings.Join(parts, "\n")
}

// indexedParts returns the context the page's parts were indexed with (nil when it has none) and
// its parts.
func indexedParts(ctx context.Context, tx DBTX, docID int64) (*string, []*pagePart, error) {
	rows, err := tx.QueryContext(ctx, `SELECT p.part, t.widgets, t.size, t.context FROM search_parts p JOIN search_texts t ON t.part_id = p.id
		WHERE p.doc_id = ? LIMIT ?`, docID, widgets.MaxPerPage+1)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var indexedAbout *string
	mixed := false
	var parts []*pagePart
	for rows.Next() {
		pt := &pagePart{widgets: map[int64]int64{}}
		var list, about string
		if err := rows.Scan(&pt.part, &list, &pt.size, &about); err != nil {
			return nil, nil, err
		}
		if indexedAbout == nil {
			indexedAbout = &about
		} else if *indexedAbout != about {
			mixed = true
		}
		for _, key := range strings.Fields(list) {
			w, v, _ := strings.Cut(key, ":")
			first, _ := strconv.ParseInt(w, 10, 64)
			pt.widgets[first], _ = strconv.ParseInt(v, 10, 64)
		}
		parts = append(parts, pt)
	}
	if mixed { // parts that disagree: the page is indexed again
		indexedAbout = nil
	}
	return indexedAbout, parts, rows.Err()
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
		err := IndexDoc(ctx, tx, Doc{Cat: CatContact, RefID: u.ID, SubsiteID: sub, Title: u.Name, Body: body,
			UpdatedAt: u.CreatedAt})
		if err != nil {
			return err
		}
	}
	return nil
}

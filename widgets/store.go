package widgets

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"quire/app/api"
	"quire/app/sqldb"
)

// The store functions take the caller's transaction: every widget write also changes its page
// (updated_at), so pages opens the transaction and passes it here.

const widgetColumns = `w.id, w.version_of_id, w.page_id, w.classname, w.html, w.text, w.format, w.styleclass,
	w.heading, w.data, w.created_at, w.created_by, p.col, p.pos`

func scanWidget(row interface{ Scan(...any) error }) (*Widget, error) {
	w := &Widget{}
	var data string
	var createdBy sql.NullInt64
	err := row.Scan(&w.ID, &w.VersionOfID, &w.PageID, &w.Classname, &w.HTML, &w.Text, &w.Format, &w.Styleclass,
		&w.Heading, &data, &w.CreatedAt, &createdBy, &w.Column, &w.Position)
	if err != nil {
		return nil, err
	}
	w.CreatedBy.ID = createdBy.Int64
	if err := json.Unmarshal([]byte(data), &w.Extra); err != nil {
		return nil, fmt.Errorf("widget %d data: %w", w.ID, err)
	}
	return w, nil
}

func scanWidgets(rows *sql.Rows, err error) ([]*Widget, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Widget
	for rows.Next() {
		w, err := scanWidget(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// ContentOf returns what the widget version holds, to change and store as a new version.
func ContentOf(w *Widget) Content {
	c := Content{Classname: w.Classname, HTML: w.HTML, Text: w.Text, Format: w.Format, Extra: w.Extra}
	if w.Styleclass != nil {
		c.Styleclass = *w.Styleclass
	}
	if w.Heading != nil {
		c.Heading = *w.Heading
	}
	c.Extra.PostCount = nil
	return c
}

// sameContent reports whether a and b would be stored alike.
func sameContent(a, b Content) bool {
	if a.Classname != b.Classname || a.HTML != b.HTML || a.Text != b.Text || a.Format != b.Format ||
		a.Styleclass != b.Styleclass || a.Heading != b.Heading {
		return false
	}
	a.Extra.PostCount, b.Extra.PostCount = nil, nil
	ea, errA := json.Marshal(a.Extra)
	eb, errB := json.Marshal(b.Extra)
	return errA == nil && errB == nil && bytes.Equal(ea, eb)
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// insertVersion stores c as a widget row of the page (versionOf is the first id, or nil) and
// returns its id and its data column as stored.
func insertVersion(ctx context.Context, tx DBTX, pageID int64, versionOf *int64, c Content, now api.Time, by int64) (int64, []byte, error) {
	c.Extra.PostCount = nil
	data, err := json.Marshal(c.Extra)
	if err != nil {
		return 0, nil, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO widgets (version_of_id, page_id, classname, html, text, format, styleclass,
		heading, data, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		versionOf, pageID, c.Classname, c.HTML, c.Text, c.Format, nullable(c.Styleclass), nullable(c.Heading),
		string(data), now, by)
	if err != nil {
		return 0, nil, fmt.Errorf("insert widget: %w", err)
	}
	id, err := res.LastInsertId()
	return id, data, err
}

// columnLength returns how many widgets sit in a column of the page.
func columnLength(ctx context.Context, db DBTX, pageID int64, col int) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM placements WHERE page_id = ? AND col = ? AND removed_at IS NULL`,
		pageID, col).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("column length: %w", err)
	}
	return n, nil
}

// slot checks a requested position in a column (nil: the end) and returns it.
func slot(ctx context.Context, db DBTX, pageID int64, col int, pos *int, moving bool) (int, error) {
	n, err := columnLength(ctx, db, pageID, col)
	if err != nil {
		return 0, err
	}
	if moving {
		n-- // the widget leaves its place first
	}
	if pos == nil {
		return n, nil
	}
	if *pos < 0 || *pos > n {
		return 0, api.Invalid("position", "Parameter \"position\" must be between 0 and %d for column %d.", n, col)
	}
	return *pos, nil
}

func shift(ctx context.Context, tx DBTX, pageID int64, col, from, by int) error {
	_, err := tx.ExecContext(ctx, `UPDATE placements SET pos = pos + ? WHERE page_id = ? AND col = ? AND pos >= ? AND removed_at IS NULL`,
		by, pageID, col, from)
	if err != nil {
		return fmt.Errorf("shift widgets: %w", err)
	}
	return nil
}

// Create adds a widget to column col of the page at position pos (nil: the end of the column),
// moving the widgets below it down. The caller checks that the column exists.
func Create(ctx context.Context, tx DBTX, pageID int64, c Content, col int, pos *int, now api.Time, by int64) (*Widget, error) {
	var placed int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM placements WHERE page_id = ? AND removed_at IS NULL`,
		pageID).Scan(&placed); err != nil {
		return nil, fmt.Errorf("count widgets: %w", err)
	}
	if placed >= MaxPerPage {
		return nil, ErrPageFull
	}
	if err := checkPageSize(ctx, tx, pageID, 0, c); err != nil {
		return nil, err
	}
	at, err := slot(ctx, tx, pageID, col, pos, false)
	if err != nil {
		return nil, err
	}
	if err := shift(ctx, tx, pageID, col, at, 1); err != nil {
		return nil, err
	}
	id, _, err := insertVersion(ctx, tx, pageID, nil, c, now, by)
	if err != nil {
		return nil, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO placements (widget_id, page_id, current_id, col, pos) VALUES (?, ?, ?, ?, ?)`,
		id, pageID, id, col, at)
	if err != nil {
		return nil, fmt.Errorf("place widget: %w", err)
	}
	return Find(ctx, tx, pageID, id)
}

// Find returns the newest version of the widget that id names (any version's id) on the page.
// Returns ErrNotFound if there is none or it was removed.
func Find(ctx context.Context, db DBTX, pageID, id int64) (*Widget, error) {
	return find(ctx, db, pageID, id, true)
}

func find(ctx context.Context, db DBTX, pageID, id int64, placedOnly bool) (*Widget, error) {
	q := `SELECT ` + widgetColumns + ` FROM widgets a
		JOIN placements p ON p.widget_id = COALESCE(a.version_of_id, a.id)
		JOIN widgets w ON w.id = p.current_id
		WHERE a.id = ? AND a.page_id = ?`
	if placedOnly {
		q += ` AND p.removed_at IS NULL`
	}
	w, err := scanWidget(db.QueryRowContext(ctx, q, id, pageID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find widget %d: %w", id, err)
	}
	return w, nil
}

// FindKind is Find for a URL that names the kind ("paragraph"): a widget of another kind is a
// validation error that names the right URL.
func FindKind(ctx context.Context, db DBTX, pageID, id int64, classname string) (*Widget, error) {
	w, err := Find(ctx, db, pageID, id)
	if err != nil {
		return nil, err
	}
	if w.Classname != classname {
		return nil, WrongKind(w, classname)
	}
	return w, nil
}

// Update stores c as the newest version of the widget cur (its current version): a new row with a
// new id whose version_of_id is the first id, in the same place on the page. When c holds what cur
// holds already, it stores nothing and returns cur itself: an update that changes nothing adds no
// version (callers tell by comparing the pointers).
func Update(ctx context.Context, tx DBTX, cur *Widget, c Content, now api.Time, by int64) (*Widget, error) {
	if sameContent(ContentOf(cur), c) {
		return cur, nil
	}
	first := cur.FirstID()
	// A version no larger than the one it replaces cannot make the page grow: the page's sum is
	// read only for one that is (contentBytes of cur is what its row stores, byte for byte).
	if contentBytes(c) > contentBytes(ContentOf(cur)) {
		if err := checkPageSize(ctx, tx, cur.PageID, first, c); err != nil {
			return nil, err
		}
	}
	id, data, err := insertVersion(ctx, tx, cur.PageID, &first, c, now, by)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE placements SET current_id = ? WHERE widget_id = ?`, id, first); err != nil {
		return nil, fmt.Errorf("update widget %d: %w", first, err)
	}
	// The new version as a read of its row would give it, without reading it back.
	w := &Widget{ID: id, VersionOfID: &first, PageID: cur.PageID, Classname: c.Classname, HTML: c.HTML, Text: c.Text,
		Format: c.Format, Styleclass: nullable(c.Styleclass), Heading: nullable(c.Heading), Column: cur.Column,
		Position: cur.Position, CreatedAt: now, CreatedBy: api.UserRef{ID: by}}
	if err := json.Unmarshal(data, &w.Extra); err != nil {
		return nil, fmt.Errorf("widget %d data: %w", id, err)
	}
	return w, nil
}

// Remove takes the widget off its page; its versions stay in the history.
func Remove(ctx context.Context, tx DBTX, cur *Widget, now api.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE placements SET removed_at = ? WHERE widget_id = ?`, now, cur.FirstID()); err != nil {
		return fmt.Errorf("remove widget %d: %w", cur.FirstID(), err)
	}
	return shift(ctx, tx, cur.PageID, cur.Column, cur.Position+1, -1)
}

// Move puts the widget at position pos of column col (nil: the end of the column). When the
// widget is at that place already, it changes nothing and returns cur itself, as Update does.
func Move(ctx context.Context, tx DBTX, cur *Widget, col int, pos *int) (*Widget, error) {
	at, err := slot(ctx, tx, cur.PageID, col, pos, col == cur.Column)
	if err != nil {
		return nil, err
	}
	if col == cur.Column && at == cur.Position {
		return cur, nil
	}
	first := cur.FirstID()
	// Take the widget out of the order (a position no widget has), close its gap, open the new one.
	if _, err := tx.ExecContext(ctx, `UPDATE placements SET pos = -1 WHERE widget_id = ?`, first); err != nil {
		return nil, fmt.Errorf("move widget %d: %w", first, err)
	}
	if err := shift(ctx, tx, cur.PageID, cur.Column, cur.Position+1, -1); err != nil {
		return nil, err
	}
	if err := shift(ctx, tx, cur.PageID, col, at, 1); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE placements SET col = ?, pos = ? WHERE widget_id = ?`, col, at, first); err != nil {
		return nil, fmt.Errorf("move widget %d: %w", first, err)
	}
	return Find(ctx, tx, cur.PageID, first)
}

// ListByPage returns the current widgets of each page, by column and position.
func ListByPage(ctx context.Context, db DBTX, pageIDs ...int64) (map[int64][]*Widget, error) {
	out := make(map[int64][]*Widget, len(pageIDs))
	if len(pageIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(pageIDs))
	for i, id := range pageIDs {
		args[i] = id
	}
	list, err := scanWidgets(db.QueryContext(ctx, `SELECT `+widgetColumns+` FROM placements p JOIN widgets w ON w.id = p.current_id
		WHERE p.page_id IN (`+sqldb.Placeholders(len(args))+`) AND p.removed_at IS NULL
		ORDER BY p.page_id, p.col, p.pos LIMIT 100000`, args...))
	if err != nil {
		return nil, fmt.Errorf("list widgets: %w", err)
	}
	for _, w := range list {
		out[w.PageID] = append(out[w.PageID], w)
	}
	return out, nil
}

// ListCurrent returns the newest versions of the widgets of the page that ids (first ids) name,
// by column and position; a widget not on the page is left out.
func ListCurrent(ctx context.Context, db DBTX, pageID int64, ids ...int64) ([]*Widget, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(ids)+1)
	args = append(args, pageID)
	for _, id := range ids {
		args = append(args, id)
	}
	list, err := scanWidgets(db.QueryContext(ctx, `SELECT `+widgetColumns+` FROM placements p JOIN widgets w ON w.id = p.current_id
		WHERE p.page_id = ? AND p.widget_id IN (`+sqldb.Placeholders(len(ids))+`) AND p.removed_at IS NULL
		ORDER BY p.col, p.pos LIMIT 100000`, args...))
	if err != nil {
		return nil, fmt.Errorf("list widgets: %w", err)
	}
	return list, nil
}

// Versions reads a batch of the versions of the widget that id names (an api.ListReader), newest
// first, removed widgets included. Returns ErrNotFound if id is no widget of the page.
func Versions(ctx context.Context, db DBTX, pageID, id int64, q api.ListQuery) ([]*Widget, []string, error) {
	if err := q.CheckCursor(1); err != nil {
		return nil, nil, err
	}
	cur, err := find(ctx, db, pageID, id, false)
	if err != nil {
		return nil, nil, err
	}
	before := int64(math.MaxInt64)
	if len(q.Cursor) == 1 {
		if before, err = strconv.ParseInt(q.Cursor[0], 10, 64); err != nil {
			return nil, nil, api.Invalid("cursor", "Parameter \"cursor\" is not a cursor of this list; start again without it.")
		}
	}
	list, err := scanWidgets(db.QueryContext(ctx, `SELECT `+widgetColumns+` FROM widgets w JOIN placements p ON p.widget_id = ?
		WHERE (w.id = ? OR w.version_of_id = ?) AND w.id < ? ORDER BY w.id DESC LIMIT ?`,
		cur.FirstID(), cur.FirstID(), cur.FirstID(), before, q.Limit+1))
	if err != nil || len(list) <= q.Limit {
		return list, nil, err
	}
	list = list[:q.Limit]
	return list, []string{strconv.FormatInt(list[len(list)-1].ID, 10)}, nil
}

// Restore makes the content of version versionID the newest version of the widget cur; when that
// is what cur holds, it stores nothing and returns cur, as Update does. Returns
// ErrVersionNotFound if versionID is not one of its versions.
func Restore(ctx context.Context, tx DBTX, cur *Widget, versionID int64, now api.Time, by int64) (*Widget, error) {
	old, err := find(ctx, tx, cur.PageID, versionID, false)
	if errors.Is(err, ErrNotFound) || (err == nil && old.FirstID() != cur.FirstID()) {
		return nil, ErrVersionNotFound
	}
	if err != nil {
		return nil, err
	}
	row := tx.QueryRowContext(ctx, `SELECT `+widgetColumns+` FROM widgets w JOIN placements p ON p.widget_id = ? WHERE w.id = ?`,
		cur.FirstID(), versionID)
	version, err := scanWidget(row)
	if err != nil {
		return nil, fmt.Errorf("restore widget %d: %w", cur.FirstID(), err)
	}
	return Update(ctx, tx, cur, ContentOf(version), now, by)
}

// CopyPage copies the newest version of every widget of page from onto page to, in the same
// places, as new widgets.
func CopyPage(ctx context.Context, tx DBTX, from, to int64, now api.Time, by int64) ([]*Widget, error) {
	size, err := PageBytes(ctx, tx, from)
	if err != nil {
		return nil, err
	}
	if size > MaxPageBytes {
		return nil, ErrPageTooLarge{Bytes: size, Copy: true}
	}
	lists, err := ListByPage(ctx, tx, from)
	if err != nil {
		return nil, err
	}
	var out []*Widget
	for _, w := range lists[from] {
		content := ContentOf(w)
		if content.Extra.Files != nil {
			files, err := copyFiles(ctx, tx, *content.Extra.Files, to, now, by)
			if err != nil {
				return nil, err
			}
			content.Extra.Files = &files
		}
		id, _, err := insertVersion(ctx, tx, to, nil, content, now, by)
		if err != nil {
			return nil, err
		}
		if content.Extra.Files != nil {
			if err := AttachFiles(ctx, tx, id, *content.Extra.Files...); err != nil {
				return nil, err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO placements (widget_id, page_id, current_id, col, pos) VALUES (?, ?, ?, ?, ?)`,
			id, to, id, w.Column, w.Position); err != nil {
			return nil, fmt.Errorf("copy widget %d: %w", w.ID, err)
		}
		copied, err := Find(ctx, tx, to, id)
		if err != nil {
			return nil, err
		}
		out = append(out, copied)
	}
	return out, nil
}

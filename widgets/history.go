package widgets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"quire/app/api"
)

// The kinds of Change, what the store knows of a widget's life on its page. A move is not
// recorded (placements keep only the current place), so it is no change here.
const (
	ChangeCreated  = "created"  // the widget's first version
	ChangeEdited   = "edited"   // a later version
	ChangeRestored = "restored" // a later version holding what an older version held (RestoredFrom)
	ChangeRemoved  = "removed"  // taken off the page; its versions stay
)

// ExcerptRunes bounds the text a Change carries of its version.
const ExcerptRunes = 120

// restoreLookBack bounds how many older versions an edit is compared with (besides the first)
// to tell that it restored one: a history batch reads at most that many rows an entry.
const restoreLookBack = 100

// sameAs is the SQL condition that the version aliased o holds what the version w holds.
func sameAs(o string) string {
	return o + `.html = w.html AND ` + o + `.text = w.text AND ` + o + `.format = w.format AND ` + o +
		`.styleclass IS w.styleclass AND ` + o + `.heading IS w.heading AND ` + o + `.data = w.data`
}

// Change is one entry of a page's history: a version of one of its widgets, or a widget's
// removal.
type Change struct {
	Kind      string
	WidgetID  int64 // the widget's first id, which names it across versions
	VersionID int64 // the version made; for a removal, the version the widget held
	// RestoredFrom is, for ChangeRestored, the newest older version whose content it holds (among
	// the restoreLookBack before it and the first).
	RestoredFrom int64
	Classname    string
	Excerpt      string // the start of the version's text, at most ExcerptRunes runes
	At           api.Time
	By           api.UserRef // zero for a removal: who removed a widget is not stored
	seq          int64       // the order of changes at the same instant
}

// Key is the change's place in the history, newest first: the cursor keys of the batch after it.
func (c *Change) Key() []string {
	return []string{c.At.Key(), strconv.FormatInt(c.seq, 10)}
}

// Changes reads a batch of the history of the page's widgets (an api.ListReader, newest first):
// every version of every widget ever on the page, and every removal, at most q.Limit (which must
// be set) after q.Cursor. Each arm reads at most q.Limit+1 rows through its index
// (007_widget_history.sql). Returns a validation error on "cursor" for a cursor not of this list.
func Changes(ctx context.Context, db DBTX, pageID int64, q api.ListQuery) ([]*Change, []string, error) {
	if err := q.CheckCursor(2); err != nil {
		return nil, nil, err
	}
	if q.Limit < 1 {
		return nil, nil, fmt.Errorf("page %d history: no limit", pageID)
	}
	// A version equal to the one before it is never stored (Update), so one equal to an older
	// version brought that one back. Versions sort as id*2 and removals as current_id*2+1 among changes at the same instant,
	// so that a removal follows the version it removed.
	before, seq := "9999", int64(1)<<62
	if len(q.Cursor) == 2 {
		t, err := api.CursorTime(q.Cursor[0])
		if err != nil {
			return nil, nil, err
		}
		if seq, err = api.CursorID(q.Cursor[1]); err != nil {
			return nil, nil, err
		}
		before = t.Key()
	}
	versions, err := scanChanges(db.QueryContext(ctx, `SELECT w.id*2, CASE WHEN w.version_of_id IS NULL THEN 'created' ELSE 'edited' END,
		COALESCE(w.version_of_id, w.id), w.id, w.classname, substr(w.text, 1, ?), w.created_at, w.created_by,
		CASE WHEN w.version_of_id IS NULL THEN 0 ELSE COALESCE(
			(SELECT o.id FROM (SELECT id, html, text, format, styleclass, heading, data FROM widgets
				WHERE version_of_id = w.version_of_id AND id < w.id ORDER BY id DESC LIMIT ?) o
				WHERE `+sameAs("o")+` ORDER BY o.id DESC LIMIT 1),
			(SELECT f.id FROM widgets f WHERE f.id = w.version_of_id AND `+sameAs("f")+`), 0) END
		FROM widgets w WHERE w.page_id = ? AND (w.created_at, w.id) < (?, ?)
		ORDER BY w.created_at DESC, w.id DESC LIMIT ?`, ExcerptRunes, restoreLookBack, pageID, before, (seq+1)/2, q.Limit+1))
	if err != nil {
		return nil, nil, fmt.Errorf("page %d history: %w", pageID, err)
	}
	removals, err := scanChanges(db.QueryContext(ctx, `SELECT p.current_id*2+1, 'removed', p.widget_id, p.current_id, w.classname,
		substr(w.text, 1, ?), p.removed_at, NULL, 0
		FROM placements p JOIN widgets w ON w.id = p.current_id
		WHERE p.page_id = ? AND p.removed_at IS NOT NULL AND (p.removed_at, p.current_id) < (?, ?)
		ORDER BY p.removed_at DESC, p.current_id DESC LIMIT ?`, ExcerptRunes, pageID, before, seq/2, q.Limit+1))
	if err != nil {
		return nil, nil, fmt.Errorf("page %d history: %w", pageID, err)
	}
	list := mergeChanges(versions, removals, q.Limit+1)
	if len(list) <= q.Limit {
		return list, nil, nil
	}
	list = list[:q.Limit]
	return list, list[len(list)-1].Key(), nil
}

// mergeChanges merges two lists newest first into one of at most n.
func mergeChanges(a, b []*Change, n int) []*Change {
	out := make([]*Change, 0, min(n, len(a)+len(b)))
	for len(out) < n && (len(a) > 0 || len(b) > 0) {
		if len(b) == 0 || (len(a) > 0 && newer(a[0], b[0])) {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return out
}

func newer(x, y *Change) bool {
	if kx, ky := x.At.Key(), y.At.Key(); kx != ky {
		return kx > ky
	}
	return x.seq > y.seq
}

func scanChanges(rows *sql.Rows, err error) ([]*Change, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Change
	for rows.Next() {
		c := &Change{}
		var by sql.NullInt64
		if err := rows.Scan(&c.seq, &c.Kind, &c.WidgetID, &c.VersionID, &c.Classname, &c.Excerpt, &c.At, &by,
			&c.RestoredFrom); err != nil {
			return nil, err
		}
		c.By.ID = by.Int64
		if c.RestoredFrom != 0 {
			c.Kind = ChangeRestored
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Version returns the version versionID of the widget that widgetID (any of its versions' ids)
// names on the page, removed widgets included, placed where the widget is now. Returns
// ErrNotFound if widgetID is no widget of the page, ErrVersionNotFound if versionID is not one of
// its versions.
func Version(ctx context.Context, db DBTX, pageID, widgetID, versionID int64) (*Widget, error) {
	cur, err := find(ctx, db, pageID, widgetID, false)
	if err != nil {
		return nil, err
	}
	w, err := scanWidget(db.QueryRowContext(ctx, `SELECT `+widgetColumns+` FROM widgets w JOIN placements p ON p.widget_id = ?
		WHERE w.id = ? AND (w.id = p.widget_id OR w.version_of_id = p.widget_id)`, cur.FirstID(), versionID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrVersionNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("widget %d version %d: %w", cur.FirstID(), versionID, err)
	}
	return w, nil
}

// VersionNumber returns how many versions the widget w is a version of has up to w itself: 1 for
// its first version.
func VersionNumber(ctx context.Context, db DBTX, w *Widget) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM widgets WHERE (id = ? OR version_of_id = ?) AND id <= ?`,
		w.FirstID(), w.FirstID(), w.ID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("widget %d version number: %w", w.ID, err)
	}
	return n, nil
}

// CountChanges returns how many changes of the page's history (Changes) came after since and
// were not made by the person notBy (removals, whose author is not stored, count), counting at
// most max: the answer is then max.
func CountChanges(ctx context.Context, db DBTX, pageID int64, since api.Time, notBy int64, max int) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM widgets WHERE page_id = ? AND created_at > ?
			AND (created_by IS NULL OR created_by != ?) LIMIT ?))
		+ (SELECT COUNT(*) FROM (SELECT 1 FROM placements WHERE page_id = ? AND removed_at IS NOT NULL AND removed_at > ? LIMIT ?))`,
		pageID, since, notBy, max, pageID, since, max).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("page %d changes since %s: %w", pageID, since.Key(), err)
	}
	return min(n, max), nil
}

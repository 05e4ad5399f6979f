package widgets

import (
	"context"
	"encoding/json"
	"fmt"

	"quire/app/api"
	"quire/app/sqldb"
)

// MaxPageBytes bounds the content of one page: the bytes its widgets' newest versions store (HTML,
// plain text and data such as file lists and form fields). A page's answer is built from exactly
// this, so the bound is what keeps one pages/get a few tens of megabytes at worst.
//
// 8 MiB holds about 4 MiB of HTML with its text, four times MediaWiki's default article limit
// (2 MiB of wikitext) and far more than anyone reads on one page; a widget alone may hold
// MaxHTMLBytes. A write that would make a page larger than this is refused (ErrPageTooLarge);
// pages already larger (made before the bound) can still be read, and any change that does not
// make them larger is accepted, so that they can be shrunk.
const MaxPageBytes = 8 << 20

// ErrPageTooLarge refuses a write that would make a page's content larger than MaxPageBytes.
type ErrPageTooLarge struct {
	Bytes int64 // the page's content after the write
	Copy  bool  // the write is a copy of a page that large
}

func (e ErrPageTooLarge) Error() string {
	if e.Copy {
		return fmt.Sprintf("The page holds %.1f MB of content, over the limit of %d MB a page may hold; "+
			"make it smaller before copying it.", float64(e.Bytes)/(1<<20), MaxPageBytes>>20)
	}
	return fmt.Sprintf("This change would make the page hold %.1f MB of content, over the limit of %d MB a page may hold; "+
		"put the rest on another page.", float64(e.Bytes)/(1<<20), MaxPageBytes>>20)
}

// ErrorCode is a conflict with the page's state (409), as a full page is.
func (ErrPageTooLarge) ErrorCode() string { return api.CodeConflict }

// contentBytes returns what c takes in its page's content once stored (see insertVersion).
func contentBytes(c Content) int64 {
	c.Extra.PostCount = nil
	data, _ := json.Marshal(c.Extra)
	return int64(len(c.HTML) + len(c.Text) + len(data))
}

// sizeColumn is the bytes a stored widget version counts for; octet_length reads the length
// from the row's header, without reading the content itself.
const sizeColumn = `octet_length(w.html) + octet_length(w.text) + octet_length(w.data)`

// PageBytes returns the content of the page's placed widgets (their newest versions), in bytes.
func PageBytes(ctx context.Context, db DBTX, pageID int64) (int64, error) {
	total, _, err := pageBytes(ctx, db, pageID, 0)
	return total, err
}

// pageBytes returns the content of the page in bytes, and the part of it the widget firstID holds.
func pageBytes(ctx context.Context, db DBTX, pageID, firstID int64) (total, widget int64, err error) {
	err = db.QueryRowContext(ctx, `SELECT COALESCE(SUM(`+sizeColumn+`), 0),
		COALESCE(SUM(CASE WHEN p.widget_id = ? THEN `+sizeColumn+` END), 0)
		FROM placements p JOIN widgets w ON w.id = p.current_id WHERE p.page_id = ? AND p.removed_at IS NULL`,
		firstID, pageID).Scan(&total, &widget)
	if err != nil {
		return 0, 0, fmt.Errorf("page %d size: %w", pageID, err)
	}
	return total, widget, nil
}

// checkPageSize returns ErrPageTooLarge when c, as the new newest version of the widget firstID
// (0: a new widget), would make the page larger than MaxPageBytes and larger than it is.
func checkPageSize(ctx context.Context, tx DBTX, pageID, firstID int64, c Content) error {
	total, old, err := pageBytes(ctx, tx, pageID, firstID)
	if err != nil {
		return err
	}
	after := total - old + contentBytes(c)
	if after > MaxPageBytes && after > total {
		return ErrPageTooLarge{Bytes: after}
	}
	return nil
}

// Placed is a widget placed on a page, as the page's answer orders it, with its size.
type Placed struct {
	WidgetID  int64 // its first id, which names it across versions
	CurrentID int64 // the id of its newest version
	Column    int
	Bytes     int64 // what its newest version stores (see MaxPageBytes)
}

// ListPlacedSizes returns the widgets placed on the page by column and position, with their
// sizes, without reading their content: enough to plan reading a large page in parts, or to tell
// which widgets changed since a version was seen (search re-indexes only those).
func ListPlacedSizes(ctx context.Context, db DBTX, pageID int64) ([]Placed, error) {
	rows, err := db.QueryContext(ctx, `SELECT p.widget_id, p.current_id, p.col, `+sizeColumn+`
		FROM placements p JOIN widgets w ON w.id = p.current_id WHERE p.page_id = ? AND p.removed_at IS NULL
		ORDER BY p.col, p.pos LIMIT 100000`, pageID)
	if err != nil {
		return nil, fmt.Errorf("page %d sizes: %w", pageID, err)
	}
	defer rows.Close()
	var out []Placed
	for rows.Next() {
		var w Placed
		if err := rows.Scan(&w.WidgetID, &w.CurrentID, &w.Column, &w.Bytes); err != nil {
			return nil, fmt.Errorf("page %d sizes: %w", pageID, err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// ListPlaced returns the newest versions of the widgets of the page whose versions ids are
// currentIDs (from ListPlacedSizes), by column and position.
func ListPlaced(ctx context.Context, db DBTX, pageID int64, currentIDs ...int64) ([]*Widget, error) {
	if len(currentIDs) == 0 {
		return nil, nil
	}
	args := []any{pageID}
	for _, id := range currentIDs {
		args = append(args, id)
	}
	list, err := scanWidgets(db.QueryContext(ctx, `SELECT `+widgetColumns+` FROM placements p JOIN widgets w ON w.id = p.current_id
		WHERE p.page_id = ? AND p.removed_at IS NULL AND p.current_id IN (`+sqldb.Placeholders(len(currentIDs))+`)
		ORDER BY p.col, p.pos`, args...))
	if err != nil {
		return nil, fmt.Errorf("page %d widgets: %w", pageID, err)
	}
	return list, nil
}

// ListPlacedKind returns the newest versions of the page's widgets of one kind, by column and
// position, reading no other widget: a page's forms, without its text.
func ListPlacedKind(ctx context.Context, db DBTX, pageID int64, classname string) ([]*Widget, error) {
	list, err := scanWidgets(db.QueryContext(ctx, `SELECT `+widgetColumns+` FROM placements p JOIN widgets w ON w.id = p.current_id
		WHERE p.page_id = ? AND p.removed_at IS NULL AND w.classname = ? ORDER BY p.col, p.pos LIMIT ?`, pageID, classname, MaxPerPage))
	if err != nil {
		return nil, fmt.Errorf("page %d widgets: %w", pageID, err)
	}
	return list, nil
}

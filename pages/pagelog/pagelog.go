// Package pagelog records a page's own changes (its title, tags, folder and layout) and reads
// them back for the page's history timeline, where they stand beside its widgets' versions
// (widgets.Changes). pages writes them in the transaction of the change (UpdatePage); the web
// UI reads them. Its table, page_changes, is created by pages' migrations.
package pagelog

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"quire/app/api"
)

// DBTX is what the functions need of a connection or transaction.
type DBTX interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Fields are a page's fields that the log follows, as people read them: Tags joined with ", ",
// Folder the folder's path ("" for Main), Layout the widths joined with "-" ("66-34").
type Fields struct {
	Title, Tags, Folder, Layout string
}

// FieldsOf returns the Fields of a page with this title, tags, folder path and layout (one row
// of column widths).
func FieldsOf(title string, tags []string, folder string, layout [][]int) Fields {
	var widths []string
	if len(layout) > 0 {
		for _, w := range layout[0] {
			widths = append(widths, strconv.Itoa(w))
		}
	}
	return Fields{Title: title, Tags: strings.Join(tags, ", "), Folder: folder, Layout: strings.Join(widths, "-")}
}

// Field names, as stored in page_changes.field.
const (
	FieldTitle  = "title"
	FieldTags   = "tags"
	FieldFolder = "folder"
	FieldLayout = "layout"
)

// Record writes one change row for each field that differs between before and after, made by
// the person byID (0: none) at at. Call it in the transaction that changes the page.
func Record(ctx context.Context, tx DBTX, pageID, byID int64, at api.Time, before, after Fields) error {
	for _, f := range []struct{ name, old, new string }{
		{FieldTitle, before.Title, after.Title}, {FieldTags, before.Tags, after.Tags},
		{FieldFolder, before.Folder, after.Folder}, {FieldLayout, before.Layout, after.Layout},
	} {
		if f.old == f.new {
			continue
		}
		var by any
		if byID != 0 {
			by = byID
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO page_changes (page_id, field, old_value, new_value, changed_at, changed_by)
			VALUES (?, ?, ?, ?, ?, ?)`, pageID, f.name, f.old, f.new, at, by); err != nil {
			return fmt.Errorf("log %s change of page %d: %w", f.name, pageID, err)
		}
	}
	return nil
}

// Change is one logged change of a page's field.
type Change struct {
	Field    string // FieldTitle, FieldTags, FieldFolder or FieldLayout
	Old, New string
	At       api.Time
	By       api.UserRef // ID 0 when not known; the name is not filled
}

// MaxRead bounds one Read.
const MaxRead = 200

// Read returns the page's changes made at or after from (nil: from the first) and before until
// (nil: up to now), newest first, at most MaxRead: the page changes that belong between two
// widget changes of a timeline's batch.
func Read(ctx context.Context, db DBTX, pageID int64, from, until *api.Time) ([]Change, error) {
	lo, hi := "", "9999"
	if from != nil {
		lo = from.Key()
	}
	if until != nil {
		hi = until.Key()
	}
	rows, err := db.QueryContext(ctx, `SELECT field, old_value, new_value, changed_at, COALESCE(changed_by, 0) FROM page_changes
		WHERE page_id = ? AND changed_at >= ? AND changed_at < ? ORDER BY changed_at DESC, id DESC LIMIT ?`, pageID, lo, hi, MaxRead)
	if err != nil {
		return nil, fmt.Errorf("page %d changes: %w", pageID, err)
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		if err := rows.Scan(&c.Field, &c.Old, &c.New, &c.At, &c.By.ID); err != nil {
			return nil, fmt.Errorf("page %d changes: %w", pageID, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

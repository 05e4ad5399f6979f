package widgets

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"quire/app/api"
	"quire/app/sqldb"
)

// Record is a record submitted to a Form widget, in the shape the API answers.
type Record struct {
	ID        int64         `json:"id"`
	PageID    int64         `json:"page_id"`
	WidgetID  int64         `json:"widget_id"` // the form's first id
	CreatedAt api.Time      `json:"created_at"`
	CreatedBy api.UserRef   `json:"created_by"`
	Fields    []RecordField `json:"fields"`
	// Answers are the values as submitted, with the names and labels of that time.
	Answers []Answer `json:"-"`
}

// RecordField is one field of a record as answered: "field" is the label (as Papyrs names it),
// "name" the field's name, and "value" null when the record holds no answer to the field (it was
// added to the form later).
type RecordField struct {
	Field string  `json:"field"`
	Name  string  `json:"name"`
	Value *string `json:"value"`
}

// arrange fills r.Fields: the form's current fields first, in its order and with their current
// labels, then fields the record answered that the form no longer has, with their old labels.
func (r *Record) arrange(current []Field) {
	byName := make(map[string]*Answer, len(r.Answers))
	for i := range r.Answers {
		byName[r.Answers[i].Name] = &r.Answers[i]
	}
	r.Fields = make([]RecordField, 0, len(current)+len(r.Answers))
	for _, f := range current {
		rf := RecordField{Field: f.Label, Name: f.Name}
		if a := byName[f.Name]; a != nil {
			rf.Value = &a.Value
			delete(byName, f.Name)
		}
		r.Fields = append(r.Fields, rf)
	}
	for i := range r.Answers {
		if a := byName[r.Answers[i].Name]; a != nil {
			r.Fields = append(r.Fields, RecordField{Field: a.Label, Name: a.Name, Value: &a.Value})
		}
	}
}

// FindForm returns the newest version of the Form widget that id names on the page. A removed
// form is found only when withRemoved is set, so that its records can still be read. Returns
// ErrNotFound, or a validation error about widget_id when the widget is of another kind.
func FindForm(ctx context.Context, db DBTX, pageID, id int64, withRemoved bool) (*Widget, error) {
	w, err := find(ctx, db, pageID, id, !withRemoved)
	if err != nil {
		return nil, err
	}
	if w.Classname != Form {
		return nil, api.Invalid("widget_id", "Widget %d is a %s widget, not a Form.", id, w.Classname)
	}
	return w, nil
}

// CreateRecord stores answers as a record of the form (its current version form), and returns it.
func CreateRecord(ctx context.Context, tx DBTX, form *Widget, answers []Answer, now api.Time, by int64) (*Record, error) {
	data, err := json.Marshal(answers)
	if err != nil {
		return nil, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO records (page_id, widget_id, version_id, answers, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?)`, form.PageID, form.FirstID(), form.ID, string(data), now, by)
	if err != nil {
		return nil, fmt.Errorf("create record: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, err
	}
	r := &Record{ID: id, PageID: form.PageID, WidgetID: form.FirstID(), CreatedAt: now,
		CreatedBy: api.UserRef{ID: by}, Answers: answers}
	r.arrange(FormFields(form))
	return r, nil
}

// RecordQuery is what a client asked of a form's records: at most Limit of them, skipping Offset,
// after Cursor (a cursor ListRecords gave), and with Since only those created at or after it,
// oldest first; else newest first.
type RecordQuery struct {
	Limit  int
	Offset int
	Cursor []string
	Since  *api.Time
}

// ListRecords returns records of the form (as its current version form has them) and the
// cursor that continues after them (to encode with api.EncodeCursor), or nil when none remain.
func ListRecords(ctx context.Context, db DBTX, form *Widget, q RecordQuery) ([]*Record, []string, error) {
	where := []string{`widget_id = ?`}
	args := []any{form.FirstID()}
	order := `id DESC`
	if q.Since != nil {
		where = append(where, `created_at >= ?`)
		args = append(args, *q.Since)
		order = `created_at, id`
		if len(q.Cursor) == 2 {
			where = append(where, `(created_at > ? OR (created_at = ? AND id > ?))`)
			args = append(args, q.Cursor[0], q.Cursor[0], q.Cursor[1])
		}
	} else if len(q.Cursor) == 1 {
		where = append(where, `id < ?`)
		args = append(args, q.Cursor[0])
	}
	args = append(args, q.Limit+1, q.Offset)
	rows, err := db.QueryContext(ctx, `SELECT id, page_id, widget_id, answers, created_at, created_by FROM records
		WHERE `+strings.Join(where, " AND ")+` ORDER BY `+order+` LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("list records: %w", err)
	}
	defer rows.Close()
	out := []*Record{}
	for rows.Next() {
		r := &Record{}
		var data string
		var by sql.NullInt64
		if err := rows.Scan(&r.ID, &r.PageID, &r.WidgetID, &data, &r.CreatedAt, &by); err != nil {
			return nil, nil, fmt.Errorf("list records: %w", err)
		}
		if err := json.Unmarshal([]byte(data), &r.Answers); err != nil {
			return nil, nil, fmt.Errorf("record %d answers: %w", r.ID, err)
		}
		r.CreatedBy.ID = by.Int64
		r.arrange(FormFields(form))
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("list records: %w", err)
	}
	var next []string
	if len(out) > q.Limit {
		out = out[:q.Limit]
		last := out[len(out)-1]
		next = []string{strconv.FormatInt(last.ID, 10)}
		if q.Since != nil {
			next = []string{last.CreatedAt.Key(), next[0]}
		}
	}
	return out, next, nil
}

// RecordColumns returns the columns of a table of the form's records: its current fields, then
// the fields of earlier versions that records answered and the form no longer has, each with the
// label of the newest version that had it.
func RecordColumns(ctx context.Context, db DBTX, form *Widget) ([]Field, error) {
	cols := append([]Field(nil), FormFields(form)...)
	seen := map[string]bool{}
	for _, f := range cols {
		seen[f.Name] = true
	}
	ids, err := answeredVersions(ctx, db, form)
	if err != nil || len(ids) == 0 {
		return cols, err
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := db.QueryContext(ctx, `SELECT data FROM widgets WHERE id IN (`+sqldb.Placeholders(len(args))+`) ORDER BY id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("record columns: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var data string
		var extra Extra
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(data), &extra); err != nil {
			return nil, fmt.Errorf("record columns: %w", err)
		}
		if extra.Fields == nil {
			continue
		}
		for _, f := range *extra.Fields {
			if !seen[f.Name] {
				seen[f.Name] = true
				cols = append(cols, f)
			}
		}
	}
	return cols, rows.Err()
}

// answeredVersions returns the form's earlier versions that records answered.
func answeredVersions(ctx context.Context, db DBTX, form *Widget) ([]int64, error) {
	ids, err := sqldb.Int64s(ctx, db, `SELECT DISTINCT version_id FROM records WHERE widget_id = ? AND version_id <> ?
		LIMIT 10000`, form.FirstID(), form.ID)
	if err != nil {
		return nil, fmt.Errorf("answered versions: %w", err)
	}
	return ids, nil
}

// Value returns the record's answer to the field named name, and whether it has one.
func (r *Record) Value(name string) (string, bool) {
	for _, a := range r.Answers {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

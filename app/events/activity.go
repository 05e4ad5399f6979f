package events

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"quire/app/api"
	"quire/app/sqldb"
)

// Item is one event of the activity log, as GET activity/ answers it.
type Item struct {
	ID         int64        `json:"id"`
	Event      string       `json:"event"`
	SubsiteID  int64        `json:"-"`
	Subsite    string       `json:"subsite"` // the subsite's slug, filled by the caller
	ObjectType string       `json:"object_type"`
	ObjectID   int64        `json:"object_id"`
	Actor      *api.UserRef `json:"actor"` // nil when nobody did it (the CLI); the name is filled by the caller
	CreatedAt  api.Time     `json:"created_at"`
	Summary    string       `json:"summary"`
}

// ListActivity reads a batch of the activity of the subsites subsiteIDs (every subsite when all
// is true), an api.ListReader's work: newest first, or with q.Since the events at or after it,
// oldest first. A cursor of the other order is a validation error.
func ListActivity(ctx context.Context, db sqldb.DBTX, subsiteIDs []int64, all bool, q api.ListQuery) ([]*Item, []string, error) {
	if !all && len(subsiteIDs) == 0 {
		return []*Item{}, nil, nil
	}
	if want := map[bool]int{true: 2, false: 1}[q.Since != nil]; len(q.Cursor) != 0 && len(q.Cursor) != want {
		return nil, nil, api.Invalid("cursor", "Parameter \"cursor\" belongs to a list asked another way (with or without \"since\"); start again without it.")
	}
	var where []string
	var args []any
	if !all {
		where = append(where, `subsite_id IN (`+sqldb.Placeholders(len(subsiteIDs))+`)`)
		for _, id := range subsiteIDs {
			args = append(args, id)
		}
	}
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
		id, err := api.CursorID(q.Cursor[0])
		if err != nil {
			return nil, nil, err
		}
		where = append(where, `id < ?`)
		args = append(args, id)
	}
	query := `SELECT id, event, subsite_id, object_type, object_id, actor_id, summary, created_at FROM activity`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	limit := q.Limit
	if limit < 1 || limit > api.MaxLimit {
		limit = api.MaxLimit
	}
	args = append(args, limit+1)
	rows, err := db.QueryContext(ctx, query+` ORDER BY `+order+` LIMIT ?`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("list activity: %w", err)
	}
	defer rows.Close()
	out := []*Item{}
	for rows.Next() {
		it := &Item{}
		var actor sql.NullInt64
		if err := rows.Scan(&it.ID, &it.Event, &it.SubsiteID, &it.ObjectType, &it.ObjectID, &actor, &it.Summary, &it.CreatedAt); err != nil {
			return nil, nil, fmt.Errorf("list activity: %w", err)
		}
		if actor.Valid {
			it.Actor = &api.UserRef{ID: actor.Int64}
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("list activity: %w", err)
	}
	var next []string
	if len(out) > limit {
		out = out[:limit]
		last := out[len(out)-1]
		next = []string{strconv.FormatInt(last.ID, 10)}
		if q.Since != nil {
			next = []string{last.CreatedAt.Key(), next[0]}
		}
	}
	return out, next, nil
}

// Package events is what happens in subsites, recorded once for two readers: the activity log
// (who did what to which object when, ListActivity) and REST hooks (a delivery for every hook
// that wants the event, sent by Sender after commit: an outbox, as mail's). Record is called by
// the domain packages (pages, people) inside the transaction of the change, so an event is
// written exactly when its change is, and nothing is lost across a restart: deliveries are rows.
//
// It is a leaf, as app/api and app/sqldb are: it imports no domain package and no web framework,
// so that pages and people may both call it. Its tables (activity, hooks, hook_deliveries,
// hook_attempts) are created by its own migrations, applied after the domain packages'. Who may
// subscribe and read is decided by app/hooks, which calls it.
package events

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"slices"

	"quire/app/api"
	"quire/app/sqldb"
)

// Migrations are this package's schema files, applied after people's, widgets' and pages'.
//
//go:embed migrations/*.sql
var Migrations embed.FS

// The events, as hooks subscribe to them and the activity log names them.
const (
	PageCreated    = "page.created"
	PageUpdated    = "page.updated"
	PageDeleted    = "page.deleted"
	RecordCreated  = "record.created"
	CommentCreated = "comment.created"
	PersonJoined   = "person.joined"
)

// Kinds lists every event, in the order the API documents them.
var Kinds = []string{PageCreated, PageUpdated, PageDeleted, RecordCreated, CommentCreated, PersonJoined}

// Known reports whether kind is one of Kinds.
func Known(kind string) bool { return slices.Contains(Kinds, kind) }

// Event is one change to record.
type Event struct {
	Kind       string // one of Kinds
	SubsiteID  int64
	ObjectType string // "page", "record", "comment" or "person"
	ObjectID   int64
	ActorID    int64  // who did it; 0 for nobody (the CLI, the system)
	Summary    string // one line a person reads: the page's title, the post's first words
	// Payload returns the object as the API answers it (it is marshalled to JSON). Record calls it
	// inside the transaction, and only when some active hook wants the event.
	Payload func() (any, error)
}

// maxSummary bounds the summary kept of an event, in characters.
const maxSummary = 200

// Record writes ev to the activity log in the caller's transaction tx at now, and queues a
// delivery for every active hook of ev.Kind in ev's subsite or in every subsite. Whether the
// hook's owner may still read the subsite is checked when it is sent (Sender), as it may change
// before then. Returns the payload's errors and the database's.
func Record(ctx context.Context, tx sqldb.DBTX, ev Event, now api.Time) error {
	var actor any
	if ev.ActorID != 0 {
		actor = ev.ActorID
	}
	summary := []rune(api.Flatten(ev.Summary))
	if len(summary) > maxSummary {
		summary = append(summary[:maxSummary-1], '…')
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO activity (event, subsite_id, object_type, object_id, actor_id, summary, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, ev.Kind, ev.SubsiteID, ev.ObjectType, ev.ObjectID, actor, string(summary), now)
	if err != nil {
		return fmt.Errorf("record %s: %w", ev.Kind, err)
	}
	eventID, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("record %s: %w", ev.Kind, err)
	}
	hooks, err := sqldb.Int64s(ctx, tx, `SELECT id FROM hooks WHERE event = ? AND active = 1
		AND (subsite_id IS NULL OR subsite_id = ?) ORDER BY id LIMIT ?`, ev.Kind, ev.SubsiteID, maxHooksPerEvent)
	if err != nil {
		return fmt.Errorf("record %s: %w", ev.Kind, err)
	}
	if len(hooks) == 0 || ev.Payload == nil {
		return nil
	}
	obj, err := ev.Payload()
	if err != nil {
		return err
	}
	body, err := json.Marshal(obj)
	if err != nil {
		return fmt.Errorf("record %s: %w", ev.Kind, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE activity SET payload = ? WHERE id = ?`, string(body), eventID); err != nil {
		return fmt.Errorf("record %s: %w", ev.Kind, err)
	}
	for _, hook := range hooks {
		if _, err := tx.ExecContext(ctx, `INSERT INTO hook_deliveries (hook_id, event_id, state, created_at, next_attempt_at)
			VALUES (?, ?, 'pending', ?, ?)`, hook, eventID, now, now); err != nil {
			return fmt.Errorf("record %s: %w", ev.Kind, err)
		}
	}
	return nil
}

// maxHooksPerEvent bounds the deliveries one event queues (and so the work of the change that
// causes it); it is also the most hooks one person may have (MaxHooksPerUser is smaller).
const maxHooksPerEvent = 10000

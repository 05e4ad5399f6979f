package events

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"quire/app/api"
	"quire/app/sqldb"
)

// Hook is a subscription, as hooks/all answers it (Secret only in subscribe's answer).
type Hook struct {
	ID             int64         `json:"id"`
	UserID         int64         `json:"user_id"`
	SubsiteID      *int64        `json:"-"`
	Subsite        *string       `json:"subsite"` // the subsite's slug, or null for every subsite; filled by the caller
	Event          string        `json:"event"`
	TargetURL      string        `json:"target_url"`
	Active         bool          `json:"active"`
	DisabledReason string        `json:"disabled_reason"`
	Failures       int           `json:"consecutive_failures"`
	CreatedAt      api.Time      `json:"created_at"`
	Secret         string        `json:"secret,omitempty"`
	LastDelivery   *LastDelivery `json:"last_delivery"`
	secret         string
}

// LastDelivery is the newest delivery of a hook: its state and, once tried, the last attempt's
// answer.
type LastDelivery struct {
	ID        int64     `json:"id"`
	State     string    `json:"state"` // pending, delivered or failed
	Attempts  int       `json:"attempts"`
	Status    *int      `json:"status"` // the HTTP status of the last attempt; null without an answer
	LastError string    `json:"last_error"`
	At        *api.Time `json:"at"` // when it was last tried; null before the first attempt
}

// ErrHookNotFound is a hook that does not exist or is not the caller's.
var ErrHookNotFound = api.NotFound("There is no such hook of yours.")

// MaxHooksPerUser bounds the hooks one person may have.
const MaxHooksPerUser = 100

// NewHook is a subscription to make.
type NewHook struct {
	UserID    int64
	SubsiteID *int64 // nil: every subsite the person can read
	Event     string
	TargetURL string
}

// secretPrefix starts every hook secret, so that one found in a log or a repository is known
// for what it is.
const secretPrefix = "whsec_"

// CreateHook stores h with a new secret (32 random bytes, hex) and returns it with the secret set,
// once. Returns a validation error on "event" for an unknown event, and a conflict when the person
// has MaxHooksPerUser hooks already.
func CreateHook(ctx context.Context, db *sqldb.DB, h NewHook) (*Hook, error) {
	if !Known(h.Event) {
		return nil, api.Invalid("event", "Parameter \"event\" must be one of %v, not %q.", Kinds, h.Event)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, fmt.Errorf("hook secret: %w", err)
	}
	secret := secretPrefix + hex.EncodeToString(raw)
	var out *Hook
	err := db.Write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM hooks WHERE user_id = ?`, h.UserID).Scan(&n); err != nil {
			return fmt.Errorf("create hook: %w", err)
		}
		if n >= MaxHooksPerUser {
			return api.Conflict("You have %d hooks, the most one person may have; unsubscribe one first.", n)
		}
		now := api.NewTime(db.Now())
		res, err := tx.ExecContext(ctx, `INSERT INTO hooks (user_id, subsite_id, event, target_url, secret, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, h.UserID, h.SubsiteID, h.Event, h.TargetURL, secret, now)
		if err != nil {
			return fmt.Errorf("create hook: %w", err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("create hook: %w", err)
		}
		out, err = findHook(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	out.Secret = secret
	return out, nil
}

const hookColumns = `h.id, h.user_id, h.subsite_id, h.event, h.target_url, h.active, h.disabled_reason, h.failures, h.created_at, h.secret,
	d.id, d.state, d.attempts, d.last_error,
	(SELECT a.status FROM hook_attempts a WHERE a.delivery_id = d.id ORDER BY a.id DESC LIMIT 1),
	(SELECT a.at FROM hook_attempts a WHERE a.delivery_id = d.id ORDER BY a.id DESC LIMIT 1)`

const hookFrom = ` FROM hooks h LEFT JOIN hook_deliveries d ON d.id = (SELECT MAX(id) FROM hook_deliveries WHERE hook_id = h.id)`

func scanHook(row interface{ Scan(...any) error }) (*Hook, error) {
	h := &Hook{}
	var sub, did, attempts, status sql.NullInt64
	var state, lastErr sql.NullString
	var at *api.Time
	if err := row.Scan(&h.ID, &h.UserID, &sub, &h.Event, &h.TargetURL, &h.Active, &h.DisabledReason, &h.Failures, &h.CreatedAt, &h.secret,
		&did, &state, &attempts, &lastErr, &status, &at); err != nil {
		return nil, err
	}
	if sub.Valid {
		h.SubsiteID = &sub.Int64
	}
	if did.Valid {
		h.LastDelivery = &LastDelivery{ID: did.Int64, State: state.String, Attempts: int(attempts.Int64), LastError: lastErr.String, At: at}
		if status.Valid {
			s := int(status.Int64)
			h.LastDelivery.Status = &s
		}
	}
	return h, nil
}

func findHook(ctx context.Context, db sqldb.DBTX, id int64) (*Hook, error) {
	h, err := scanHook(db.QueryRowContext(ctx, `SELECT `+hookColumns+hookFrom+` WHERE h.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrHookNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find hook %d: %w", id, err)
	}
	return h, nil
}

// FindHook returns the hook id; ErrHookNotFound when there is none.
func FindHook(ctx context.Context, db sqldb.DBTX, id int64) (*Hook, error) {
	return findHook(ctx, db, id)
}

// DeleteHook removes the hook id and its deliveries: nothing more is sent to it, not even what
// was queued. Returns ErrHookNotFound.
func DeleteHook(ctx context.Context, db *sqldb.DB, id int64) error {
	return db.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM hooks WHERE id = ?`, id)
		if err != nil {
			return fmt.Errorf("delete hook %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrHookNotFound
		}
		return nil
	})
}

// ListHooks reads a batch of the hooks of user userID (every person's when userID is 0), newest
// first, an api.ListReader's work.
func ListHooks(ctx context.Context, db sqldb.DBTX, userID int64, q api.ListQuery) ([]*Hook, []string, error) {
	if err := q.CheckCursor(1); err != nil {
		return nil, nil, err
	}
	query := `SELECT ` + hookColumns + hookFrom + ` WHERE (? = 0 OR h.user_id = ?)`
	args := []any{userID, userID}
	if len(q.Cursor) == 1 {
		before, err := api.CursorID(q.Cursor[0])
		if err != nil {
			return nil, nil, err
		}
		query += ` AND h.id < ?`
		args = append(args, before)
	}
	limit := q.Limit
	if limit < 1 || limit > api.MaxLimit {
		limit = api.MaxLimit
	}
	rows, err := db.QueryContext(ctx, query+` ORDER BY h.id DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, nil, fmt.Errorf("list hooks: %w", err)
	}
	defer rows.Close()
	out := []*Hook{}
	for rows.Next() {
		h, err := scanHook(rows)
		if err != nil {
			return nil, nil, fmt.Errorf("list hooks: %w", err)
		}
		if len(out) == limit {
			return out, []string{strconv.FormatInt(out[len(out)-1].ID, 10)}, nil
		}
		out = append(out, h)
	}
	return out, nil, rows.Err()
}

// Delivery is one event sent (or to send) to a hook, with every attempt, as hooks/deliveries
// answers it.
type Delivery struct {
	ID            int64      `json:"id"`
	EventID       int64      `json:"event_id"` // the X-Quire-Delivery header: the activity item's id
	Event         string     `json:"event"`
	State         string     `json:"state"` // pending, delivered or failed
	Attempts      []*Attempt `json:"attempts"`
	CreatedAt     api.Time   `json:"created_at"`
	NextAttemptAt *api.Time  `json:"next_attempt_at"` // null once delivered or failed
	FinishedAt    *api.Time  `json:"finished_at"`
	LastError     string     `json:"last_error"`
}

// Attempt is one try at sending a delivery.
type Attempt struct {
	Attempt    int      `json:"attempt"` // 1 for the first try
	At         api.Time `json:"at"`
	Status     *int     `json:"status"` // the HTTP status answered; null when there was no answer
	Error      string   `json:"error"`
	DurationMS int64    `json:"duration_ms"`
}

// maxAttemptsListed bounds the attempts answered per delivery (the newest are kept).
const maxAttemptsListed = 100

// ListDeliveries reads a batch of the deliveries of hook hookID, newest first, with their
// attempts (oldest first), an api.ListReader's work.
func ListDeliveries(ctx context.Context, db sqldb.DBTX, hookID int64, q api.ListQuery) ([]*Delivery, []string, error) {
	if err := q.CheckCursor(1); err != nil {
		return nil, nil, err
	}
	query := `SELECT d.id, d.event_id, a.event, d.state, d.created_at, d.next_attempt_at, d.finished_at, d.last_error
		FROM hook_deliveries d JOIN activity a ON a.id = d.event_id WHERE d.hook_id = ?`
	args := []any{hookID}
	if len(q.Cursor) == 1 {
		before, err := api.CursorID(q.Cursor[0])
		if err != nil {
			return nil, nil, err
		}
		query += ` AND d.id < ?`
		args = append(args, before)
	}
	limit := q.Limit
	if limit < 1 || limit > api.MaxLimit {
		limit = api.MaxLimit
	}
	rows, err := db.QueryContext(ctx, query+` ORDER BY d.id DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, nil, fmt.Errorf("list deliveries: %w", err)
	}
	out := []*Delivery{}
	var next []string
	for rows.Next() {
		d := &Delivery{Attempts: []*Attempt{}}
		var nextAt api.Time
		if err := rows.Scan(&d.ID, &d.EventID, &d.Event, &d.State, &d.CreatedAt, &nextAt, &d.FinishedAt, &d.LastError); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("list deliveries: %w", err)
		}
		if d.State == statePending {
			d.NextAttemptAt = &nextAt
		}
		if len(out) == limit {
			next = []string{strconv.FormatInt(out[len(out)-1].ID, 10)}
			break
		}
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("list deliveries: %w", err)
	}
	for _, d := range out {
		if err := readAttempts(ctx, db, d); err != nil {
			return nil, nil, err
		}
	}
	return out, next, nil
}

func readAttempts(ctx context.Context, db sqldb.DBTX, d *Delivery) error {
	rows, err := db.QueryContext(ctx, `SELECT attempt, at, status, error, duration_ms FROM (
		SELECT id, attempt, at, status, error, duration_ms FROM hook_attempts WHERE delivery_id = ? ORDER BY id DESC LIMIT ?)
		ORDER BY id`, d.ID, maxAttemptsListed)
	if err != nil {
		return fmt.Errorf("list attempts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		a := &Attempt{}
		var status sql.NullInt64
		if err := rows.Scan(&a.Attempt, &a.At, &status, &a.Error, &a.DurationMS); err != nil {
			return fmt.Errorf("list attempts: %w", err)
		}
		if status.Valid {
			s := int(status.Int64)
			a.Status = &s
		}
		d.Attempts = append(d.Attempts, a)
	}
	return rows.Err()
}

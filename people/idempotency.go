package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"quire/app/api"
	"quire/app/sqldb"
)

// IdempotencyWindow is how long an Idempotency-Key's answer is kept and replayed.
const IdempotencyWindow = 24 * time.Hour

// IdempotentAnswer is what is kept of a request made with an Idempotency-Key.
type IdempotentAnswer struct {
	// Fingerprint identifies the request: "SHA256:SIZE", the hash of its method, path and body,
	// and its body's size in bytes. Rows of older versions hold the hash alone.
	Fingerprint string
	// Status is the answer's HTTP status, or 0 while the answer is not stored: the request's
	// change committed, and its answer is being written or was lost (the server stopped).
	Status      int
	ContentType string // TooLargeToKeep for a done request whose answer was too large to keep
	Body        []byte
	CreatedAt   time.Time // when the change committed, or the answer was kept
}

// TooLargeToKeep is the ContentType stored for an answer too large to keep for replay: the
// request was done, but its answer cannot be given again.
const TooLargeToKeep = "quire/too-large-to-keep"

// ErrKeyInProgress answers a request whose key another request with the same key has just
// used for its change: the change is done once, and a retry gets its answer.
var ErrKeyInProgress = api.Conflict("Another request with this Idempotency-Key is being answered or has just been; its change is done once. Retry in a moment to get its answer.")

// FindIdempotentAnswer returns what is kept of caller's request with key in the last 24 hours,
// or nil when there is none.
func (s *Service) FindIdempotentAnswer(ctx context.Context, db DBTX, caller, key string) (*IdempotentAnswer, error) {
	a := &IdempotentAnswer{}
	var created api.Time
	err := db.QueryRowContext(ctx, `SELECT fingerprint, status, content_type, body, created_at FROM idempotency_keys
		WHERE caller = ? AND idem_key = ? AND created_at >= ?`, caller, key, api.NewTime(s.DB.Now().Add(-IdempotencyWindow))).
		Scan(&a.Fingerprint, &a.Status, &a.ContentType, &a.Body, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find idempotent answer: %w", err)
	}
	a.CreatedAt = created.Time
	return a, nil
}

// RecordIdempotentChange records, inside the transaction tx of a keyed request's change, that
// the request is done (status 0 until StoreIdempotentAnswer): the record commits with the
// change or not at all. Returns ErrKeyInProgress when another request with the key recorded
// first; the caller must then roll its change back. Keys older than the window are purged.
func (s *Service) RecordIdempotentChange(ctx context.Context, tx DBTX, caller, key, fingerprint string) error {
	now := s.DB.Now()
	if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`,
		api.NewTime(now.Add(-IdempotencyWindow))); err != nil {
		return fmt.Errorf("record idempotent change: %w", err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (caller, idem_key, fingerprint, status, created_at)
		VALUES (?, ?, ?, 0, ?)`, caller, key, fingerprint, api.NewTime(now))
	if sqldb.IsUnique(err) {
		return ErrKeyInProgress
	}
	if err != nil {
		return fmt.Errorf("record idempotent change: %w", err)
	}
	return nil
}

// StoreIdempotentAnswer keeps the answer of caller's request with key for replay. For a request
// whose change committed (changed), it completes the record RecordIdempotentChange made; for one
// that changed nothing, it adds a record, unless another request with the key has one.
func (s *Service) StoreIdempotentAnswer(ctx context.Context, caller, key string, a IdempotentAnswer, changed bool) error {
	var err error
	if changed {
		_, err = s.DB.W.ExecContext(ctx, `UPDATE idempotency_keys SET status = ?, content_type = ?, body = ?
			WHERE caller = ? AND idem_key = ?`, a.Status, a.ContentType, a.Body, caller, key)
	} else {
		err = s.DB.Write(ctx, func(tx *sql.Tx) error {
			now := s.DB.Now()
			if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`,
				api.NewTime(now.Add(-IdempotencyWindow))); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (caller, idem_key, fingerprint, status, content_type, body, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (caller, idem_key) DO NOTHING`,
				caller, key, a.Fingerprint, a.Status, a.ContentType, a.Body, api.NewTime(now))
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("store idempotent answer: %w", err)
	}
	return nil
}

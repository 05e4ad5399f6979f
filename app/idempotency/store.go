// Package idempotency stores what the API's Idempotency-Key needs (app's idempotency middleware
// uses it): per caller and key, the fingerprint of the request, the record that its change
// committed (written in the change's own transaction) and the answer kept for replay, for 24
// hours. Its table, idempotency_keys, is created by people's migration 003_idempotency.sql, where
// it was first written: applied migrations keep their package's name, and are never moved.
package idempotency

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"quire/app/api"
	"quire/app/sqldb"
)

// Window is how long an Idempotency-Key's answer is kept and replayed.
const Window = 24 * time.Hour

// Answer is what is kept of a request made with an Idempotency-Key.
type Answer struct {
	// Fingerprint identifies the request: "SHA256:SIZE", the hash of its method, path and body,
	// and its body's size in bytes. Rows of older versions hold the hash alone, or nothing in a
	// claim (OlderClaim).
	Fingerprint string
	// Status is the answer's HTTP status, or 0 while the answer is not stored: the request's
	// change committed, and its answer is being kept or was lost (the server stopped).
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

// claimAbandonedAfter is how long an older version's claim (OlderClaim) counts as its request
// still running; after that it is abandoned and the key is free, as that version had it.
const claimAbandonedAfter = 10 * time.Minute

// OlderClaim reports whether a is a claim that an earlier version of Quire recorded before it
// ran the request (no fingerprint, no answer). Unlike a record of today's, which commits with
// the change, it says nothing of whether the change was made.
func (a *Answer) OlderClaim() bool { return a.Fingerprint == "" && a.Status == 0 }

// Abandoned reports whether a is an older version's claim made more than 10 minutes before now:
// the server that made it stopped before answering. The key is then free again (as that version
// had it): RecordChange and StoreAnswer replace the claim.
func (a *Answer) Abandoned(now time.Time) bool {
	return a.OlderClaim() && now.Sub(a.CreatedAt) >= claimAbandonedAfter
}

// Store is the idempotency records of one database.
type Store struct {
	DB *sqldb.DB
}

// Find returns what is kept of caller's request with key in the last 24 hours, or nil when
// there is none.
func (s *Store) Find(ctx context.Context, db sqldb.DBTX, caller, key string) (*Answer, error) {
	a := &Answer{}
	var created api.Time
	err := db.QueryRowContext(ctx, `SELECT fingerprint, status, content_type, body, created_at FROM idempotency_keys
		WHERE caller = ? AND idem_key = ? AND created_at >= ?`, caller, key, api.NewTime(s.DB.Now().Add(-Window))).
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

// RecordChange records, inside the transaction tx of a keyed request's change, that
// the request is done (status 0 until StoreAnswer): the record commits with the
// change or not at all. Returns ErrKeyInProgress when another request with the key recorded
// first; the caller must then roll its change back.
func (s *Store) RecordChange(ctx context.Context, tx sqldb.DBTX, caller, key, fingerprint string) error {
	now := s.DB.Now()
	if err := purgeKeys(ctx, tx, now, caller, key); err != nil {
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

// StoreAnswer keeps the answer of caller's request with key for replay, in a
// transaction of its own (sqldb.DB.Write; ctx must not carry the request's sqldb.Outcome). For a
// request whose change committed (changed), it completes the record RecordChange made;
// for one that changed nothing, it adds a record, unless another request with the key has one.
// When another process holds the database's write lock past the busy timeout, it returns an
// error for which sqldb.IsBusy holds, having changed nothing: the caller may ask again.
func (s *Store) StoreAnswer(ctx context.Context, caller, key string, a Answer, changed bool) error {
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		if changed {
			_, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET status = ?, content_type = ?, body = ?
				WHERE caller = ? AND idem_key = ?`, a.Status, a.ContentType, a.Body, caller, key)
			return err
		}
		now := s.DB.Now()
		if err := purgeKeys(ctx, tx, now, caller, key); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (caller, idem_key, fingerprint, status, content_type, body, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (caller, idem_key) DO NOTHING`,
			caller, key, a.Fingerprint, a.Status, a.ContentType, a.Body, api.NewTime(now))
		return err
	})
	if err != nil {
		return fmt.Errorf("store idempotent answer: %w", err)
	}
	return nil
}

// purgeKeys deletes, in tx, every record older than the window, and caller's record of key when
// it is an abandoned older claim (Answer.Abandoned), so that the key may be recorded
// again. Both writes that add a record call it first.
func purgeKeys(ctx context.Context, tx sqldb.DBTX, now time.Time, caller, key string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`,
		api.NewTime(now.Add(-Window))); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE caller = ? AND idem_key = ? AND fingerprint = '' AND status = 0
		AND created_at < ?`, caller, key, api.NewTime(now.Add(-claimAbandonedAfter)))
	return err
}

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

// IdempotentAnswer is the stored answer of a request made with an Idempotency-Key.
type IdempotentAnswer struct {
	Fingerprint string
	Status      int // 0 while the first request is still being answered
	ContentType string
	Body        []byte
}

// abandonedAfter is how long a claim may stay unanswered before it counts as abandoned (the
// server stopped mid-request) and the key may be used again.
const abandonedAfter = 10 * time.Minute

// TooLargeToKeep is the ContentType stored for an answer too large to keep for replay: the
// request was done, but its answer cannot be given again.
const TooLargeToKeep = "quire/too-large-to-keep"

// ErrKeyInProgress answers a retry that arrives while the first request is still running.
var ErrKeyInProgress = api.Conflict("A request with this Idempotency-Key is still being answered; retry in a moment.")

// ClaimIdempotencyKey records that caller starts a request with key, and returns nil; when the key
// was used in the last 24 hours it returns the stored answer instead. Expired keys are purged.
func (s *Service) ClaimIdempotencyKey(ctx context.Context, caller, key string) (*IdempotentAnswer, error) {
	var found *IdempotentAnswer
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		now := s.DB.Now()
		if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`,
			api.NewTime(now.Add(-IdempotencyWindow))); err != nil {
			return err
		}
		a := &IdempotentAnswer{}
		var created api.Time
		err := tx.QueryRowContext(ctx, `SELECT fingerprint, status, content_type, body, created_at FROM idempotency_keys
			WHERE caller = ? AND idem_key = ?`, caller, key).Scan(&a.Fingerprint, &a.Status, &a.ContentType, &a.Body, &created)
		switch {
		case err == nil && a.Status == 0 && created.Time.Before(now.Add(-abandonedAfter)):
			if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE caller = ? AND idem_key = ?`, caller, key); err != nil {
				return err
			}
		case err == nil:
			found = a
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO idempotency_keys (caller, idem_key, created_at) VALUES (?, ?, ?)`,
			caller, key, api.NewTime(now))
		if sqldb.IsUnique(err) {
			return ErrKeyInProgress
		}
		return err
	})
	if err != nil && !errors.Is(err, ErrKeyInProgress) {
		return nil, fmt.Errorf("claim idempotency key: %w", err)
	}
	return found, err
}

// FinishIdempotencyKey stores the answer of the request that claimed key.
func (s *Service) FinishIdempotencyKey(ctx context.Context, caller, key string, a IdempotentAnswer) error {
	_, err := s.DB.W.ExecContext(ctx, `UPDATE idempotency_keys SET fingerprint = ?, status = ?, content_type = ?, body = ?
		WHERE caller = ? AND idem_key = ?`, a.Fingerprint, a.Status, a.ContentType, a.Body, caller, key)
	if err != nil {
		return fmt.Errorf("finish idempotency key: %w", err)
	}
	return nil
}

// ReleaseIdempotencyKey forgets a claim whose request failed on the server's side, so that the
// client may retry it.
func (s *Service) ReleaseIdempotencyKey(ctx context.Context, caller, key string) error {
	_, err := s.DB.W.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE caller = ? AND idem_key = ?`, caller, key)
	if err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}

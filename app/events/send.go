package events

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"quire/app/api"
	"quire/app/sqldb"
)

// The delivery rules of hooks, as GitHub's and Stripe's are: a request times out after
// SendTimeout; a failed delivery is tried again after RetryBase (30 s unless configured), doubling
// up to RetryCap, for RetryFor from the event; a hook whose delivery exhausts its retries, or
// whose target answers 410 Gone, is disabled.
const (
	SendTimeout = 10 * time.Second
	RetryCap    = time.Hour
	RetryFor    = 24 * time.Hour
	// DefaultRetryBase is the wait before the first retry unless Sender.RetryBase says otherwise.
	DefaultRetryBase = 30 * time.Second
	// lease is how long a delivery being sent is kept from other senders; a crash while sending
	// leaves it to be sent again after it, which X-Quire-Delivery lets receivers notice.
	lease = time.Minute
	// maxSendBatch bounds the deliveries one tick sends.
	maxSendBatch = 50
	// maxAnswerRead bounds what is read of a target's answer (to reuse the connection).
	maxAnswerRead = 64 << 10
)

// The states of a delivery.
const (
	statePending   = "pending"
	stateDelivered = "delivered"
	stateFailed    = "failed"
)

// Sender sends due hook deliveries after their transaction commits. Run calls Tick every Poll;
// tests call Tick when they want.
type Sender struct {
	DB   *sqldb.DB
	Poll time.Duration
	// RetryBase is the wait before the first retry (DefaultRetryBase when 0).
	RetryBase time.Duration
	// AllowPrivate lets deliveries reach loopback, private and link-local addresses.
	AllowPrivate bool
	// CanRead returns nil when the person userID may still read the subsite: a hook is sent only
	// what its owner may read at the time of sending.
	CanRead func(ctx context.Context, userID, subsiteID int64) error
	// Log reports what failed; a failure never stops the sender.
	Log    func(msg string, args ...any)
	client *http.Client
}

// Run ticks until ctx ends.
func (s *Sender) Run(ctx context.Context) {
	t := time.NewTicker(s.Poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Tick(ctx); err != nil && ctx.Err() == nil {
				s.Log("hooks", "error", err.Error())
			}
		}
	}
}

// httpClient is the client deliveries are sent with: no proxy (it would dial for us, unchecked),
// no redirects (a 3xx is an answer that is not a success), every connection's address checked
// unless private targets are allowed.
func (s *Sender) httpClient() *http.Client {
	if s.client == nil {
		dialer := &net.Dialer{Timeout: SendTimeout}
		if !s.AllowPrivate {
			dialer.Control = controlDial
		}
		s.client = &http.Client{
			Timeout: SendTimeout,
			Transport: &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: SendTimeout,
				MaxIdleConnsPerHost: 2, IdleConnTimeout: 90 * time.Second, ForceAttemptHTTP2: true},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return s.client
}

// due is a delivery to send, with what is needed to send it.
type due struct {
	id, hookID, eventID, subsiteID, userID int64
	attempts                               int
	created                                api.Time
	next                                   string
	event, target, secret                  string
	payload                                sql.NullString
}

// Tick sends the deliveries that are due, one at a time; each outcome is recorded at once.
func (s *Sender) Tick(ctx context.Context) error {
	// Most ticks find nothing pending: they learn it without reading the clock, which a
	// process's tests may set after start (and the pending index makes it one row read).
	var pending bool
	if err := s.DB.R.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM hook_deliveries WHERE state = 'pending')`).Scan(&pending); err != nil {
		return fmt.Errorf("due deliveries: %w", err)
	}
	if !pending {
		return nil
	}
	now := api.NewTime(s.DB.Now())
	rows, err := s.DB.R.QueryContext(ctx, `SELECT d.id, d.hook_id, d.event_id, a.subsite_id, h.user_id, d.attempts, d.created_at,
			d.next_attempt_at, a.event, h.target_url, h.secret, a.payload
		FROM hook_deliveries d JOIN hooks h ON h.id = d.hook_id JOIN activity a ON a.id = d.event_id
		WHERE d.state = 'pending' AND d.next_attempt_at <= ? AND h.active = 1
		ORDER BY d.next_attempt_at, d.id LIMIT ?`, now, maxSendBatch)
	if err != nil {
		return fmt.Errorf("due deliveries: %w", err)
	}
	var list []*due
	for rows.Next() {
		d := &due{}
		if err := rows.Scan(&d.id, &d.hookID, &d.eventID, &d.subsiteID, &d.userID, &d.attempts, &d.created, &d.next,
			&d.event, &d.target, &d.secret, &d.payload); err != nil {
			rows.Close()
			return fmt.Errorf("due deliveries: %w", err)
		}
		list = append(list, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("due deliveries: %w", err)
	}
	// What was sent is recorded even when the sender is stopping, so it is not sent twice.
	record := context.WithoutCancel(ctx)
	var failures error
	for _, d := range list {
		if ctx.Err() != nil {
			return failures
		}
		if err := s.sendOne(ctx, record, d); err != nil {
			failures = errors.Join(failures, err)
		}
	}
	return failures
}

// sendOne claims the delivery d (so that another sender leaves it), sends it and records the
// outcome.
func (s *Sender) sendOne(ctx, record context.Context, d *due) error {
	claimed := false
	err := s.DB.Write(record, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(record, `UPDATE hook_deliveries SET next_attempt_at = ?
			WHERE id = ? AND state = 'pending' AND next_attempt_at = ?`, api.NewTime(s.DB.Now().Add(lease)), d.id, d.next)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		claimed = n == 1
		return err
	})
	if err != nil || !claimed {
		return err
	}
	if s.CanRead != nil {
		if err := s.CanRead(ctx, d.userID, d.subsiteID); err != nil {
			return s.finish(record, d, stateFailed, "The hook's owner may no longer read this subsite; the event was not sent.")
		}
	}
	if !d.payload.Valid {
		return s.finish(record, d, stateFailed, "The event has no body to send.")
	}
	started := time.Now()
	status, sendErr := s.post(ctx, d)
	took := time.Since(started)
	return s.recordAttempt(record, d, status, sendErr, took)
}

// Sign returns the X-Quire-Signature of body sent at timestamp (unix seconds) with secret:
// "sha256=" and the hex of HMAC-SHA256(secret, timestamp + "." + body).
func Sign(secret string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(timestamp, 10)))
	mac.Write([]byte("."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// post sends d and returns the status answered (0 without an answer) and the error, if any.
func (s *Sender) post(ctx context.Context, d *due) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	body := []byte(d.payload.String)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.target, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	ts := s.DB.Now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Quire-Hooks/1")
	req.Header.Set("X-Quire-Event", d.event)
	req.Header.Set("X-Quire-Hook-Id", strconv.FormatInt(d.hookID, 10))
	req.Header.Set("X-Quire-Delivery", strconv.FormatInt(d.eventID, 10))
	req.Header.Set("X-Quire-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Quire-Signature", Sign(d.secret, ts, body))
	resp, err := s.httpClient().Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswerRead))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("the target answered %s", resp.Status)
	}
	return resp.StatusCode, nil
}

// retryAfter is the wait after the attempt-th failed attempt: RetryBase doubling, at most RetryCap.
func (s *Sender) retryAfter(attempt int) time.Duration {
	base := s.RetryBase
	if base <= 0 {
		base = DefaultRetryBase
	}
	wait := base << min(attempt-1, 30)
	if wait <= 0 || wait > RetryCap {
		return RetryCap
	}
	return wait
}

// recordAttempt writes the attempt and its outcome in one transaction: delivered on a 2xx; the
// hook disabled at once on 410 Gone, or when the delivery's retries are over; a retry scheduled
// otherwise.
func (s *Sender) recordAttempt(ctx context.Context, d *due, status int, sendErr error, took time.Duration) error {
	now := s.DB.Now()
	attempt := d.attempts + 1
	var statusArg any
	if status != 0 {
		statusArg = status
	}
	errText := ""
	if sendErr != nil {
		errText = sendErr.Error()
	}
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO hook_attempts (delivery_id, attempt, at, status, error, duration_ms)
			VALUES (?, ?, ?, ?, ?, ?)`, d.id, attempt, api.NewTime(now), statusArg, errText, took.Milliseconds()); err != nil {
			return err
		}
		if sendErr == nil {
			if _, err := tx.ExecContext(ctx, `UPDATE hook_deliveries SET state = 'delivered', attempts = ?, finished_at = ?, last_error = ''
				WHERE id = ?`, attempt, api.NewTime(now), d.id); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `UPDATE hooks SET failures = 0 WHERE id = ?`, d.hookID)
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE hooks SET failures = failures + 1 WHERE id = ?`, d.hookID); err != nil {
			return err
		}
		next := now.Add(s.retryAfter(attempt))
		switch {
		case status == http.StatusGone:
			return disable(ctx, tx, d, attempt, now, errText, "The target answered 410 Gone: the hook was disabled at once.")
		case next.After(d.created.Add(RetryFor)):
			return disable(ctx, tx, d, attempt, now, errText, fmt.Sprintf("Delivery failed for %s after %d attempts: the hook was disabled.", RetryFor, attempt))
		}
		_, err := tx.ExecContext(ctx, `UPDATE hook_deliveries SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?`,
			attempt, api.NewTime(next), errText, d.id)
		return err
	})
	if err != nil {
		return fmt.Errorf("record delivery %d: %w", d.id, err)
	}
	return nil
}

// disable ends the delivery d as failed and disables its hook for reason; the hook's other pending
// deliveries end with it, as nothing more is sent to a disabled hook.
func disable(ctx context.Context, tx *sql.Tx, d *due, attempt int, now time.Time, errText, reason string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE hook_deliveries SET state = 'failed', attempts = ?, finished_at = ?, last_error = ?
		WHERE id = ?`, attempt, api.NewTime(now), errText, d.id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE hook_deliveries SET state = 'failed', finished_at = ?, last_error = ?
		WHERE hook_id = ? AND state = 'pending'`, api.NewTime(now), reason, d.hookID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE hooks SET active = 0, disabled_reason = ? WHERE id = ?`, reason, d.hookID)
	return err
}

// finish ends the delivery d without an attempt, in state, for reason.
func (s *Sender) finish(ctx context.Context, d *due, state, reason string) error {
	_, err := s.DB.Exec(ctx, `UPDATE hook_deliveries SET state = ?, finished_at = ?, last_error = ? WHERE id = ?`,
		state, api.NewTime(s.DB.Now()), reason, d.id)
	if err != nil {
		return fmt.Errorf("record delivery %d: %w", d.id, err)
	}
	return nil
}

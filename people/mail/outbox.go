// Package mail is the people domain's outgoing mail: the outbox that every mail is written to
// inside the transaction of the change it tells of, its delivery over SMTP after commit (Mailer),
// the notifications of what happens in subsites (QueueEvent) gathered into mails and digests, and
// the texts of every mail Quire sends. Its tables (outbox, notifications, mail_state) are created
// by people's migrations; it reads people's users, subsites and memberships to address them.
package mail

import (
	"context"
	"fmt"
	"regexp"
	"strconv"

	"quire/app/api"
	"quire/app/sqldb"
)

// Mail is a message in the outbox.
type Mail struct {
	ID        int64     `json:"id"`
	To        string    `json:"to"`
	Subject   string    `json:"subject"`
	Body      string    `json:"body"`
	CreatedAt api.Time  `json:"created_at"`
	Attempts  int       `json:"attempts"`
	SentAt    *api.Time `json:"sent_at"`
	LastError string    `json:"last_error"`
}

// Queue writes a mail to the outbox in the caller's transaction; the sender delivers it
// after commit. The subject is made one line (api.Flatten): names and titles are checked as one
// line when given, but older ones were not, and a line break there would start a header or a
// body of its own.
func Queue(ctx context.Context, tx sqldb.DBTX, to, subject, body string, now api.Time) error {
	subject = api.Flatten(subject)
	_, err := tx.ExecContext(ctx, `INSERT INTO outbox (to_addr, subject, body, created_at, next_attempt_at)
		VALUES (?, ?, ?, ?, ?)`, to, subject, body, now, now)
	if err != nil {
		return fmt.Errorf("queue mail: %w", err)
	}
	return nil
}

const mailColumns = `id, to_addr, subject, body, created_at, attempts, sent_at, last_error`

func scanMail(row interface{ Scan(...any) error }) (*Mail, error) {
	m := &Mail{}
	err := row.Scan(&m.ID, &m.To, &m.Subject, &m.Body, &m.CreatedAt, &m.Attempts, &m.SentAt, &m.LastError)
	return m, err
}

// ListOutbox reads a batch of the outbox (an api.ListReader), newest first.
func ListOutbox(ctx context.Context, db sqldb.DBTX, list api.ListQuery) ([]*Mail, []string, error) {
	if err := list.CheckCursor(1); err != nil {
		return nil, nil, err
	}
	q := `SELECT ` + mailColumns + ` FROM outbox`
	var args []any
	if len(list.Cursor) == 1 {
		before, err := api.CursorID(list.Cursor[0])
		if err != nil {
			return nil, nil, err
		}
		q += ` WHERE id < ?`
		args = append(args, before)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, list.Limit+1)
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("list outbox: %w", err)
	}
	defer rows.Close()
	out := []*Mail{}
	for rows.Next() {
		m, err := scanMail(rows)
		if err != nil {
			return nil, nil, fmt.Errorf("list outbox: %w", err)
		}
		if len(out) == list.Limit {
			return out, []string{strconv.FormatInt(out[len(out)-1].ID, 10)}, nil
		}
		out = append(out, m)
	}
	return out, nil, rows.Err()
}

// oneTimeLink is the token part of a one-time link in a mail: an invitation or a password reset.
var oneTimeLink = regexp.MustCompile(`/(invite|password/reset)/[A-Za-z0-9_-]{20,}`)

// redactLinks removes the tokens of one-time links from a mail that was sent.
func redactLinks(body string) string {
	return oneTimeLink.ReplaceAllString(body, "/$1/(link sent, not kept)")
}

package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/smtp"
	"net/url"
	"strings"
	"time"

	"quire/app/api"
	"quire/app/sqldb"
)

// Mailer delivers the outbox over SMTP and turns pending notifications into mail. Run calls
// Tick every Poll; tests call Tick with the time they want.
type Mailer struct {
	DB      *sqldb.DB
	SMTPURL string // smtp://user:password@host:port; empty keeps mail in the outbox
	From    string
	Poll    time.Duration
	// Log reports what failed; a failure never stops the mailer.
	Log func(msg string, args ...any)
}

// Run ticks until ctx ends.
func (m *Mailer) Run(ctx context.Context) {
	t := time.NewTicker(m.Poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := m.Tick(ctx, m.DB.Now()); err != nil && ctx.Err() == nil {
				m.Log("mailer", "error", err.Error())
			}
		}
	}
}

// Tick does what is due at now: notification mails and digests are written to the outbox, and
// the outbox is sent when an SMTP server is configured.
func (m *Mailer) Tick(ctx context.Context, now time.Time) error {
	err := composeNotifications(ctx, m.DB, now)
	if m.SMTPURL != "" {
		err = errors.Join(err, m.send(ctx, now))
	}
	return err
}

// maxSendBatch bounds the mails one tick sends.
const maxSendBatch = 50

// retryAfter is how long a failed mail waits before the next try: 1, 2, 4 ... minutes, at most
// an hour, for as long as it takes.
func retryAfter(attempts int) time.Duration {
	return min(time.Minute<<min(attempts-1, 6), time.Hour)
}

// send delivers the mail that is due, one at a time; each outcome is recorded at once.
func (m *Mailer) send(ctx context.Context, now time.Time) error {
	db := m.DB
	rows, err := db.R.QueryContext(ctx, `SELECT `+mailColumns+` FROM outbox
		WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?`, api.NewTime(now), maxSendBatch)
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	var due []*Mail
	for rows.Next() {
		mail, err := scanMail(rows)
		if err != nil {
			rows.Close()
			return fmt.Errorf("outbox: %w", err)
		}
		due = append(due, mail)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	var failures error
	// What was sent is recorded even when the mailer is stopping, so it is not sent twice.
	record := context.WithoutCancel(ctx)
	for _, mail := range due {
		if ctx.Err() != nil {
			return failures
		}
		sendErr := m.deliver(mail)
		err := db.Write(record, func(tx *sql.Tx) error {
			if sendErr == nil {
				// The invitation link has done its work: the outbox keeps no usable token.
				_, err := tx.ExecContext(record, `UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = '', body = ? WHERE id = ?`,
					api.NewTime(now), redactLinks(mail.Body), mail.ID)
				return err
			}
			_, err := tx.ExecContext(record, `UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?`,
				sendErr.Error(), api.NewTime(now.Add(retryAfter(mail.Attempts+1))), mail.ID)
			return err
		})
		if err != nil {
			return errors.Join(failures, fmt.Errorf("record mail %d: %w", mail.ID, err))
		}
		if sendErr != nil {
			failures = errors.Join(failures, fmt.Errorf("send mail %d to %s: %w", mail.ID, mail.To, sendErr))
			var unreachable *net.OpError
			if errors.As(sendErr, &unreachable) {
				return failures // the server is down: the rest waits for the next tick
			}
		}
	}
	return failures
}

// deliver sends one mail over SMTP: STARTTLS when the server offers it, and the URL's user and
// password with PLAIN authentication when given.
func (m *Mailer) deliver(mail *Mail) error {
	u, err := url.Parse(m.SMTPURL)
	if err != nil {
		return err
	}
	host := u.Host
	if u.Port() == "" {
		port := "25"
		if u.Scheme == "smtps" {
			port = "465"
		}
		host = net.JoinHostPort(u.Hostname(), port)
	}
	dialer := &net.Dialer{Timeout: 30 * time.Second}
	var conn net.Conn
	if u.Scheme == "smtps" { // TLS from the first byte
		conn, err = tls.DialWithDialer(dialer, "tcp", host, tlsConfig(u.Hostname()))
	} else {
		conn, err = dialer.Dial("tcp", host)
	}
	if err != nil {
		return err
	}
	conn.SetDeadline(time.Now().Add(2 * time.Minute))
	c, err := smtp.NewClient(conn, u.Hostname())
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if err := c.Hello(m.From[strings.LastIndexByte(m.From, '@')+1:]); err != nil {
		return err
	}
	if u.Scheme == "smtp" {
		// Invitation links are credentials: they travel encrypted, except to a server on this
		// machine or when the URL says ?insecure=1.
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tlsConfig(u.Hostname())); err != nil {
				return err
			}
		} else if !isLoopback(u.Hostname()) && u.Query().Get("insecure") != "1" {
			return errors.New("the SMTP server offers no STARTTLS; add ?insecure=1 to QUIRE_SMTP_URL to send without encryption")
		}
	}
	if u.User != nil {
		password, _ := u.User.Password()
		if err := c.Auth(smtp.PlainAuth("", u.User.Username(), password, u.Hostname())); err != nil {
			return err
		}
	}
	if err := c.Mail(m.From); err != nil {
		return err
	}
	if err := c.Rcpt(mail.To); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(m.message(mail)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// message is the mail as sent: headers, then the text body in quoted-printable UTF-8.
func (m *Mailer) message(mail *Mail) []byte {
	var b strings.Builder
	id := make([]byte, 12)
	rand.Read(id)
	domain := m.From[strings.LastIndexByte(m.From, '@')+1:]
	fmt.Fprintf(&b, "From: Quire <%s>\r\nTo: <%s>\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@%s>\r\n",
		m.From, mail.To, mime.QEncoding.Encode("utf-8", mail.Subject), mail.CreatedAt.Format(time.RFC1123Z),
		hex.EncodeToString(id), domain)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(strings.ReplaceAll(mail.Body, "\n", "\r\n")))
	qp.Close()
	return []byte(b.String())
}

func tlsConfig(host string) *tls.Config {
	return &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

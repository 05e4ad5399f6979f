package people

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"quire/app/api"
	"quire/app/sqldb"
)

// Browser sessions are rows of our own sessions table (migrations/005_sessions.sql) rather than
// a session library's store: what Quire needs of them is queries by person (list a person's
// sessions, end all but one on a password change), which a store of opaque blobs keyed by token
// cannot answer without a second table of its own.

// SessionCookie is the name of the cookie that carries a browser session's secret.
const SessionCookie = "quire_session"

// sessionPrefix starts every session secret, so that one is recognisable and never taken for
// an API token.
const sessionPrefix = "qs_"

// Default session lifetimes: a session ends after SessionIdle without a request, and at
// SessionLifetime after sign-in whatever its use.
const (
	DefaultSessionIdle     = 7 * 24 * time.Hour
	DefaultSessionLifetime = 30 * 24 * time.Hour
)

// maxSessionsListed bounds the list of a person's sessions.
const maxSessionsListed = 100

// ErrSessionInvalid is a session cookie that is unknown, ended or expired, or whose person left.
var ErrSessionInvalid = &api.Error{Code: api.CodeInvalidToken, Message: "Your session has ended; sign in again."}

// ErrWrongPassword is a wrong current password given to change it.
var ErrWrongPassword = api.Invalid("current_password", "The current password is wrong.")

// Session is a signed-in browser. Its secret is in the browser's cookie only; the database keeps
// its SHA-256.
type Session struct {
	ID         int64
	UserID     int64
	CreatedAt  api.Time
	LastSeenAt api.Time // written at most once a minute
	ExpiresAt  api.Time // the absolute end; the idle end is LastSeenAt plus the idle time
	UserAgent  string
	Address    string
}

func (s *Service) sessionIdle() time.Duration {
	if s.SessionIdle > 0 {
		return s.SessionIdle
	}
	return DefaultSessionIdle
}

func (s *Service) sessionLifetime() time.Duration {
	if s.SessionLifetime > 0 {
		return s.SessionLifetime
	}
	return DefaultSessionLifetime
}

const sessionColumns = `id, user_id, created_at, last_seen_at, expires_at, user_agent, address`

func scanSession(row interface{ Scan(...any) error }) (*Session, error) {
	ss := &Session{}
	err := row.Scan(&ss.ID, &ss.UserID, &ss.CreatedAt, &ss.LastSeenAt, &ss.ExpiresAt, &ss.UserAgent, &ss.Address)
	return ss, err
}

// SignIn checks email and password and starts a session for the person. userAgent and address
// describe the browser in the person's list of sessions. Returns ErrInvalidLogin for an unknown
// address, a wrong password or a person without one, alike.
func (s *Service) SignIn(ctx context.Context, email, password, userAgent, address string) (string, *Session, error) {
	u, err := s.CheckPassword(ctx, email, password)
	if err != nil {
		return "", nil, err
	}
	return s.StartSession(ctx, u.ID, userAgent, address)
}

// StartSession makes a session for an active person and returns its secret, for the cookie.
// The person's expired sessions are removed in the same transaction. Returns ErrUserNotFound.
func (s *Service) StartSession(ctx context.Context, userID int64, userAgent, address string) (string, *Session, error) {
	var secret string
	var ss *Session
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		var err error
		secret, ss, err = s.startSession(ctx, tx, userID, userAgent, address)
		return err
	})
	return secret, ss, err
}

func (s *Service) startSession(ctx context.Context, tx DBTX, userID int64, userAgent, address string) (string, *Session, error) {
	if _, err := FindActiveUser(ctx, tx, userID); err != nil {
		return "", nil, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, fmt.Errorf("start session: %w", err)
	}
	secret := sessionPrefix + base64.RawURLEncoding.EncodeToString(raw)
	now := s.DB.Now()
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND (expires_at <= ? OR last_seen_at <= ?)`,
		userID, api.NewTime(now), api.NewTime(now.Add(-s.sessionIdle()))); err != nil {
		return "", nil, fmt.Errorf("start session: %w", err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO sessions (user_id, secret_hash, created_at, last_seen_at, expires_at, user_agent, address)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, userID, hashToken(secret), api.NewTime(now), api.NewTime(now),
		api.NewTime(now.Add(s.sessionLifetime())), clip(api.Flatten(userAgent), 200), clip(address, 64))
	if err != nil {
		return "", nil, fmt.Errorf("start session: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return "", nil, fmt.Errorf("start session: %w", err)
	}
	ss, err := scanSession(tx.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id = ?`, id))
	return secret, ss, err
}

// clip cuts text to at most n bytes on a character boundary.
func clip(text string, n int) string {
	if len(text) <= n {
		return text
	}
	for n > 0 && !utf8.RuneStart(text[n]) {
		n--
	}
	return text[:n]
}

// AuthenticateSession returns the actor of a session's secret, with Session set and Token nil.
// Returns ErrSessionInvalid when the session is unknown, ended, past its absolute end or idle
// too long, or its person was removed. Like Authenticate it runs on every request of a browser:
// the actor is cached for the people epoch, and the last-seen time is written at most once a
// minute.
func (s *Service) AuthenticateSession(ctx context.Context, secret string) (*Actor, error) {
	if !strings.HasPrefix(secret, sessionPrefix) || len(secret) > 100 {
		return nil, ErrSessionInvalid
	}
	key := "session:" + hashToken(secret)
	epoch, err := s.currentEpoch(ctx)
	if err != nil {
		return nil, err
	}
	actor, cached := s.cache.actor(key, epoch), true
	for {
		if actor == nil {
			if actor, err = s.loadSessionActor(ctx, hashToken(secret)); err != nil {
				return nil, err
			}
			actor.epoch, cached = epoch, false
			s.cache.putActor(key, epoch, actor)
		}
		ss, now := actor.Session, s.DB.Now()
		seen := s.cache.sessionSeen(ss.ID, ss.LastSeenAt.Time)
		if actor.User.DeletedAt != nil || !now.Before(ss.ExpiresAt.Time) {
			return nil, ErrSessionInvalid
		}
		if now.Sub(seen) >= s.sessionIdle() {
			if cached { // the cached last-seen time may be older than the stored one: read it again
				actor = nil
				continue
			}
			return nil, ErrSessionInvalid
		}
		if now.Sub(seen) >= lastUsedEvery {
			s.cache.noteSessionSeen(ss.ID, now)
			// Bookkeeping, as a token's last use is: a locked database delays it and fails nothing.
			err := s.DB.Write(ctx, func(tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id = ?`, api.NewTime(now), ss.ID)
				return err
			})
			if err != nil && !sqldb.IsBusy(err) {
				return nil, fmt.Errorf("authenticate session: %w", err)
			}
		}
		return actor, nil
	}
}

// loadSessionActor reads a session, its person and their roles in one query.
func (s *Service) loadSessionActor(ctx context.Context, hash string) (*Actor, error) {
	var roles sql.NullString
	row := s.DB.R.QueryRowContext(ctx, `SELECT `+prefixed("ss.", sessionColumns)+`, `+userColumns+`,
			(SELECT group_concat(m.subsite_id || ':' || m.role) FROM memberships m WHERE m.user_id = u.id)
		FROM sessions ss JOIN users u ON u.id = ss.user_id WHERE ss.secret_hash = ?`, hash)
	ss, user := &Session{}, &User{}
	err := row.Scan(&ss.ID, &ss.UserID, &ss.CreatedAt, &ss.LastSeenAt, &ss.ExpiresAt, &ss.UserAgent, &ss.Address,
		&user.ID, &user.Email, &user.Name, &user.passwordHash, &user.IsOwner, &user.Position, &user.Bio, &user.Phone,
		&user.WaitingInvite, &user.CreatedAt, &user.DeletedAt, &roles)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrSessionInvalid
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate session: %w", err)
	}
	actor := NewActor(user, nil, map[int64]Role{})
	actor.Session = ss
	if err := parseRoles(roles.String, actor.roles); err != nil {
		return nil, fmt.Errorf("authenticate session: %w", err)
	}
	return actor, nil
}

// EndSession ends one session (signing out). Ending an ended session is fine.
func (s *Service) EndSession(ctx context.Context, id int64) error {
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id); err != nil {
			return fmt.Errorf("end session %d: %w", id, err)
		}
		return nil
	})
}

// endSessions ends every session of the person but keep (0 keeps none).
func endSessions(ctx context.Context, tx DBTX, userID, keep int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND id != ?`, userID, keep); err != nil {
		return fmt.Errorf("end sessions of user %d: %w", userID, err)
	}
	return nil
}

// EndOtherSessions ends every session of the actor's person but the actor's own ("sign out
// everywhere else"); an actor with an API token ends them all.
func (s *Service) EndOtherSessions(ctx context.Context, actor *Actor) error {
	return s.DB.Write(ctx, func(tx *sql.Tx) error { return endSessions(ctx, tx, actor.User.ID, actor.sessionID()) })
}

func (a *Actor) sessionID() int64 {
	if a.Session == nil {
		return 0
	}
	return a.Session.ID
}

// ListSessions returns the person's live sessions, the most recently seen first (at most 100).
func (s *Service) ListSessions(ctx context.Context, userID int64) ([]*Session, error) {
	now := s.DB.Now()
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+sessionColumns+` FROM sessions
		WHERE user_id = ? AND expires_at > ? AND last_seen_at > ? ORDER BY last_seen_at DESC, id DESC LIMIT ?`,
		userID, api.NewTime(now), api.NewTime(now.Add(-s.sessionIdle())), maxSessionsListed)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	defer rows.Close()
	var out []*Session
	for rows.Next() {
		ss, err := scanSession(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ss)
	}
	return out, rows.Err()
}

// ChangePassword sets the actor's password after checking their current one, and ends their
// other sessions (the one making the change stays signed in), in one transaction. Returns
// ErrWrongPassword, and a validation error on "password" for a new password too short or long.
func (s *Service) ChangePassword(ctx context.Context, actor *Actor, current, password string) error {
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		u, err := FindActiveUser(ctx, tx, actor.User.ID)
		if err != nil {
			return err
		}
		if u.passwordHash == "" || bcrypt.CompareHashAndPassword([]byte(u.passwordHash), []byte(current)) != nil {
			return ErrWrongPassword
		}
		if err := s.SetPassword(ctx, tx, u.ID, password); err != nil {
			return err
		}
		return endSessions(ctx, tx, u.ID, actor.sessionID())
	})
}

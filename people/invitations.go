package people

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"quire/app/api"
	"quire/app/sqldb"
	"quire/people/mail"
)

// InvitationLifetime is how long an invitation link works.
const InvitationLifetime = 7 * 24 * time.Hour

// ErrInvitationInvalid is a link that is unknown, used or expired; it does not say which.
var ErrInvitationInvalid = api.NotFound("This invitation link is not valid: it may have expired or been used already.")

// NewInvite is a person to invite.
type NewInvite struct {
	Email       string
	Name        string // the part of the address before the @ when empty
	AutoJoin    bool   // join the subsites that people join automatically
	SkipWelcome bool   // send no welcome mail; inviting again while they wait sends one
	By          int64
}

// Invite adds a person who is waiting for their invitation to be accepted, joins them to the
// auto-join subsites when asked, and queues the welcome mail with a one-time link, all in one
// transaction. Inviting someone who is still waiting sends a new link, and the old ones stop
// working; any other address already on the site is ErrEmailTaken.
func (s *Service) Invite(ctx context.Context, in NewInvite) (*User, error) {
	email, err := NormalizeEmail("email_address", in.Email)
	if err != nil {
		return nil, err
	}
	// A name not given is the address's local part, and a fault in it is the address's: the
	// error names the field that was sent.
	nameField := "name"
	if strings.TrimSpace(in.Name) == "" {
		in.Name, nameField = email[:strings.LastIndexByte(email, '@')], "email_address"
	}
	if _, err := validName(nameField, in.Name); err != nil {
		return nil, err
	}
	var u *User
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		u, err = s.createUser(ctx, tx, NewUser{Email: email, Name: in.Name, WaitingInvite: true})
		if errors.Is(err, ErrEmailTaken) {
			if u, err = FindUserByEmail(ctx, tx, email); err == nil && !u.WaitingInvite {
				err = ErrEmailTaken
			}
		}
		if err != nil {
			return err
		}
		if in.AutoJoin {
			if err := s.joinAutoJoinSubsites(ctx, tx, u.ID, in.By); err != nil {
				return err
			}
		}
		if !in.SkipWelcome {
			if err := s.sendInvitation(ctx, tx, u, in.By); err != nil {
				return err
			}
		}
		return s.personChanged(ctx, tx, u.ID)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// InvitePerson invites a person on actor's behalf (site owners only), as Invite does, with actor
// as the inviter the mail names. Returns actor.Can's errors, a validation error for a bad address
// or name, and ErrEmailTaken.
func (s *Service) InvitePerson(ctx context.Context, actor *Actor, in NewInvite) (*User, error) {
	if err := actor.Can(ManageSite, 0); err != nil {
		return nil, err
	}
	in.By = actor.User.ID
	return s.Invite(ctx, in)
}

// sendInvitation makes a one-time link for u and queues the welcome mail that carries it.
func (s *Service) sendInvitation(ctx context.Context, tx DBTX, u *User, by int64) error {
	var inviter string
	if by != 0 {
		if err := tx.QueryRowContext(ctx, `SELECT name FROM users WHERE id = ?`, by).Scan(&inviter); err != nil {
			return fmt.Errorf("create invitation: %w", err)
		}
	}
	token, _, err := s.makeLink(ctx, tx, u.ID, by, linkInvite, InvitationLifetime)
	if err != nil {
		return err
	}
	subject, body := mail.Invitation(u.Name, u.Email, inviter, s.BaseURL, token)
	return mail.Queue(ctx, tx, u.Email, subject, body, api.NewTime(s.DB.Now()))
}

// The kinds of one-time link (invitations.kind): one kind's link never works as the other's.
const (
	linkInvite = "invite" // sets a new person's name and password (/invite/TOKEN)
	linkReset  = "reset"  // sets a new password (/password/reset/TOKEN)
)

// makeLink makes a one-time link of kind for user userID, valid for lifetime, made by by (0 for
// nobody: the person themself or the CLI), and returns its token and when it expires. Links of
// the same kind made before for the person stop working: one at a time.
func (s *Service) makeLink(ctx context.Context, tx DBTX, userID, by int64, kind string, lifetime time.Duration) (string, time.Time, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", time.Time{}, fmt.Errorf("one-time link: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	now := s.DB.Now()
	var createdBy any
	if by != 0 {
		createdBy = by
	}
	if _, err := tx.ExecContext(ctx, `UPDATE invitations SET used_at = ? WHERE user_id = ? AND kind = ? AND used_at IS NULL`,
		api.NewTime(now), userID, kind); err != nil {
		return "", time.Time{}, fmt.Errorf("one-time link: %w", err)
	}
	expires := now.Add(lifetime)
	_, err := tx.ExecContext(ctx, `INSERT INTO invitations (user_id, token_hash, kind, created_by, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, userID, hashToken(token), kind, createdBy, api.NewTime(now), api.NewTime(expires))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("one-time link: %w", err)
	}
	return token, expires, nil
}

// Invitation is a valid invitation link and the person it is for.
type Invitation struct {
	ID   int64
	User *User
}

// FindInvitation returns the invitation of a link that is unused and unexpired, for a person
// still on the site; any other link is ErrInvitationInvalid.
func (s *Service) FindInvitation(ctx context.Context, db DBTX, token string) (*Invitation, error) {
	return s.findLink(ctx, db, token, linkInvite, ErrInvitationInvalid)
}

// findLink returns the link of kind whose token is token, unused and unexpired, for a person
// still on the site; any other token is invalid.
func (s *Service) findLink(ctx context.Context, db DBTX, token, kind string, invalid error) (*Invitation, error) {
	var inv Invitation
	var userID int64
	err := db.QueryRowContext(ctx, `SELECT id, user_id FROM invitations
		WHERE token_hash = ? AND kind = ? AND used_at IS NULL AND expires_at > ?`, hashToken(token), kind, api.NewTime(s.DB.Now())).Scan(&inv.ID, &userID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, invalid
	}
	if err != nil {
		return nil, fmt.Errorf("find %s link: %w", kind, err)
	}
	if inv.User, err = FindActiveUser(ctx, db, userID); err != nil {
		return nil, invalid
	}
	return &inv, nil
}

// AcceptInvitation sets the person's name and password, ends their waiting, uses up the link,
// and signs the person in (a session for the browser userAgent at address), in one transaction.
// It returns the person and the session's secret. Returns ErrInvitationInvalid and validation
// errors on "name" and "password".
func (s *Service) AcceptInvitation(ctx context.Context, token, name, password, userAgent, address string) (*User, string, *Session, error) {
	name, err := validName("name", name)
	if err != nil {
		return nil, "", nil, err
	}
	var u *User
	var secret string
	var ss *Session
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		inv, err := s.FindInvitation(ctx, tx, token)
		if err != nil {
			return err
		}
		if err := s.SetPassword(ctx, tx, inv.User.ID, password); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET name = ?, updated_at = ? WHERE id = ?`, name, api.NewTime(s.DB.Now()), inv.User.ID); err != nil {
			return fmt.Errorf("accept invitation: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET used_at = ? WHERE id = ?`, api.NewTime(s.DB.Now()), inv.ID); err != nil {
			return fmt.Errorf("accept invitation: %w", err)
		}
		if err := s.personChanged(ctx, tx, inv.User.ID); err != nil {
			return err
		}
		if u, err = FindUserByID(ctx, tx, inv.User.ID); err != nil {
			return err
		}
		secret, ss, err = s.startSession(ctx, tx, u.ID, userAgent, address)
		return err
	})
	return u, secret, ss, err
}

// siteSecret returns the named secret of the site, making it on first use. A secret never
// changes once made, so it is read once per process.
func (s *Service) siteSecret(ctx context.Context, name string) ([]byte, error) {
	if v, ok := s.secrets.Load(name); ok {
		return v.([]byte), nil
	}
	v, err := s.loadSiteSecret(ctx, name)
	if err == nil {
		s.secrets.Store(name, v)
	}
	return v, err
}

func (s *Service) loadSiteSecret(ctx context.Context, name string) ([]byte, error) {
	var v []byte
	err := s.DB.R.QueryRowContext(ctx, `SELECT value FROM site_secrets WHERE name = ?`, name).Scan(&v)
	if err == nil {
		return v, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("site secret: %w", err)
	}
	v = make([]byte, 32)
	if _, err := rand.Read(v); err != nil {
		return nil, err
	}
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO site_secrets (name, value) VALUES (?, ?)`, name, v)
		if sqldb.IsUnique(err) { // made meanwhile by another request: use that one
			return tx.QueryRowContext(ctx, `SELECT value FROM site_secrets WHERE name = ?`, name).Scan(&v)
		}
		return err
	})
	return v, err
}

// CSRFToken is the token a form about subject (such as an invitation link) carries, so that
// only a page this site served can post it.
func (s *Service) CSRFToken(ctx context.Context, subject string) (string, error) {
	key, err := s.siteSecret(ctx, "csrf")
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(subject))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)), nil
}

// CheckCSRF reports whether token is the CSRF token of subject.
func (s *Service) CheckCSRF(ctx context.Context, subject, token string) bool {
	want, err := s.CSRFToken(ctx, subject)
	return err == nil && hmac.Equal([]byte(want), []byte(token))
}

package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"quire/app/api"
	"quire/people/mail"
)

// ResetLinkLifetime is how long a password reset link works, mailed or given by an owner.
const ResetLinkLifetime = 24 * time.Hour

// ErrResetLinkInvalid is a reset link that is unknown, used or expired; it does not say which.
var ErrResetLinkInvalid = api.NotFound("This password reset link is not valid: it may have expired or been used already.")

// ResetLink is a one-time link that sets a person's password.
type ResetLink struct {
	URL       string
	ExpiresAt time.Time
}

// SendPasswordReset mails a one-time reset link to the active person with the address, if there
// is one; for any other address it does nothing and says nothing, so that nobody learns who has
// an account. The mail is queued in the transaction that makes the link.
func (s *Service) SendPasswordReset(ctx context.Context, email string) error {
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		u, err := FindUserByEmail(ctx, tx, email)
		if errors.Is(err, ErrUserNotFound) || (err == nil && u.DeletedAt != nil) {
			return nil
		}
		if err != nil {
			return err
		}
		token, _, err := s.makeLink(ctx, tx, u.ID, 0, linkReset, ResetLinkLifetime)
		if err != nil {
			return err
		}
		subject, body := mail.PasswordReset(u.Name, s.BaseURL, s.resetURL(token))
		return mail.Queue(ctx, tx, u.Email, subject, body, api.NewTime(s.DB.Now()))
	})
}

func (s *Service) resetURL(token string) string { return s.BaseURL + "/password/reset/" + token }

// IssueResetLink makes a one-time reset link for an active person on actor's behalf (site
// owners only) and returns it, for the owner to hand over; no mail is sent. Earlier reset links
// of the person stop working. Returns actor.Can's errors and ErrUserNotFound.
func (s *Service) IssueResetLink(ctx context.Context, actor *Actor, userID int64) (*ResetLink, error) {
	if err := actor.Can(ManageSite, 0); err != nil {
		return nil, err
	}
	var link *ResetLink
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		if _, err := FindActiveUser(ctx, tx, userID); err != nil {
			return err
		}
		token, expires, err := s.makeLink(ctx, tx, userID, actor.User.ID, linkReset, ResetLinkLifetime)
		if err != nil {
			return err
		}
		link = &ResetLink{URL: s.resetURL(token), ExpiresAt: expires}
		return nil
	})
	return link, err
}

// FindResetLink returns the reset link of token and its person. Returns ErrResetLinkInvalid for
// a link unknown, used or expired, or of a person no longer on the site.
func (s *Service) FindResetLink(ctx context.Context, token string) (*Invitation, error) {
	return s.findLink(ctx, s.DB.R, token, linkReset, ErrResetLinkInvalid)
}

// ResetPassword sets the password of the reset link's person, uses the link up, ends every
// session of the person and starts a new one for this browser, in one transaction; it returns
// the new session's secret. Returns ErrResetLinkInvalid and a validation error on "password".
func (s *Service) ResetPassword(ctx context.Context, token, password, userAgent, address string) (string, *Session, error) {
	var secret string
	var ss *Session
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		link, err := s.findLink(ctx, tx, token, linkReset, ErrResetLinkInvalid)
		if err != nil {
			return err
		}
		if err := s.SetPassword(ctx, tx, link.User.ID, password); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET used_at = ? WHERE id = ?`, api.NewTime(s.DB.Now()), link.ID); err != nil {
			return fmt.Errorf("reset password: %w", err)
		}
		if err := endSessions(ctx, tx, link.User.ID, 0); err != nil {
			return err
		}
		if err := s.personChanged(ctx, tx, link.User.ID); err != nil {
			return err
		}
		secret, ss, err = s.startSession(ctx, tx, link.User.ID, userAgent, address)
		return err
	})
	return secret, ss, err
}

package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"quire/app/api"
	"quire/people/mail"
)

// Notification levels of a member in a subsite.
const (
	NotifyOff    = "off"
	NotifyOn     = "on"
	NotifyDigest = "digest"
)

// ParseNotifications reads off, on or digest.
func ParseNotifications(s string) (string, bool) {
	switch s = strings.ToLower(strings.TrimSpace(s)); s {
	case NotifyOff, NotifyOn, NotifyDigest:
		return s, true
	}
	return "", false
}

// Membership is a person's place in a subsite.
type Membership struct {
	SubsiteID     int64    `json:"subsite_id"`
	Subsite       string   `json:"subsite"` // the slug
	Role          Role     `json:"role"`
	Notifications string   `json:"notifications"`
	JoinedAt      api.Time `json:"joined_at"`
}

// ErrNotMember is a person who is not a member of the subsite an action is about.
var ErrNotMember = api.NotFound("This person is not a member of this subsite.")

// join adds the user to the subsite with role, by by (0 for nobody); a member already there keeps
// their role.
func (s *Service) join(ctx context.Context, tx DBTX, subsiteID, userID int64, role Role, by int64) error {
	_, err := s.joinNew(ctx, tx, subsiteID, userID, role, by)
	return err
}

// joinNew is join that reports whether the user was not a member before; a new membership is
// recorded in the activity log (recordJoined).
func (s *Service) joinNew(ctx context.Context, tx DBTX, subsiteID, userID int64, role Role, by int64) (bool, error) {
	now := api.NewTime(s.DB.Now())
	res, err := tx.ExecContext(ctx, `INSERT INTO memberships (subsite_id, user_id, role, joined_at, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (subsite_id, user_id) DO NOTHING`, subsiteID, userID, role, now, now)
	if err != nil {
		return false, fmt.Errorf("join user %d to subsite %d: %w", userID, subsiteID, err)
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return false, err
	}
	return true, s.recordJoined(ctx, tx, subsiteID, userID, by)
}

// AddToSubsite makes the user a member of the subsite. With role RoleNone a newcomer gets the
// subsite's default role and a member keeps theirs; with a role, the member gets that role. A
// member who has that role already changes nothing (nothing is written). Returns
// ErrUserNotFound for an unknown or deleted user.
func (s *Service) AddToSubsite(ctx context.Context, sub *Subsite, userID int64, role Role) (*Membership, error) {
	return s.addMember(ctx, sub, userID, role, 0, 0)
}

// MemberAdd is how AddMember adds a person: with Role (RoleNone: the subsite's default for a
// newcomer, unchanged for a member), and a welcome mail to a newcomer unless SkipWelcome.
type MemberAdd struct {
	Role        Role
	SkipWelcome bool
}

// AddMember makes userID a member of subsite subsiteID on actor's behalf (admins of the subsite
// and owners), as AddToSubsite does, and mails a newcomer a welcome from actor unless
// in.SkipWelcome, in the same transaction. It returns the subsite. Returns ErrSubsiteNotFound,
// actor.Can's errors (ErrNotFound for a non-member) and ErrUserNotFound for an unknown or deleted
// user.
func (s *Service) AddMember(ctx context.Context, actor *Actor, subsiteID, userID int64, in MemberAdd) (*Subsite, error) {
	sub, err := s.FindSubsiteByID(ctx, s.DB.R, subsiteID)
	if err != nil {
		return nil, err
	}
	if err := actor.Can(ManageMembers, sub.ID); err != nil {
		return nil, err
	}
	welcomeBy := actor.User.ID
	if in.SkipWelcome {
		welcomeBy = 0
	}
	if _, err := s.addMember(ctx, sub, userID, in.Role, welcomeBy, actor.User.ID); err != nil {
		return nil, err
	}
	return sub, nil
}

// addMember is AddToSubsite that also mails a newcomer a welcome to the subsite, in the same
// transaction, when by (who added them) is not 0; actorID is who added them for the activity log
// (0 for nobody: the CLI).
func (s *Service) addMember(ctx context.Context, sub *Subsite, userID int64, role Role, by, actorID int64) (*Membership, error) {
	var m *Membership
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		u, err := FindActiveUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		// A newcomer hears of it; one still waiting for their invitation hears through it.
		if by != 0 && !u.WaitingInvite {
			_, err := s.findMembership(ctx, tx, sub.ID, userID)
			switch {
			case errors.Is(err, ErrNotMember):
				if err := s.welcomeToSubsite(ctx, tx, u, sub, by); err != nil {
					return err
				}
			case err != nil:
				return err
			}
		}
		joinRole := role
		if joinRole == RoleNone {
			joinRole = sub.DefaultRole
		}
		changed, err := s.joinNew(ctx, tx, sub.ID, userID, joinRole, actorID)
		if err != nil {
			return err
		}
		if role != RoleNone && !changed {
			if changed, err = s.updateMembership(ctx, tx, sub.ID, userID, "role", string(role)); err != nil {
				return err
			}
		}
		if m, err = s.findMembership(ctx, tx, sub.ID, userID); err != nil || !changed {
			return err
		}
		return s.personChanged(ctx, tx, userID)
	})
	return m, err
}

// welcomeToSubsite queues the mail that tells u they were added to sub.
func (s *Service) welcomeToSubsite(ctx context.Context, tx DBTX, u *User, sub *Subsite, by int64) error {
	var adder string
	if err := tx.QueryRowContext(ctx, `SELECT name FROM users WHERE id = ?`, by).Scan(&adder); err != nil {
		return fmt.Errorf("welcome mail: %w", err)
	}
	subject, body := mail.Welcome(u.Name, adder, sub.Title, s.BaseURL+"/@"+sub.Slug+"/")
	return mail.Queue(ctx, tx, u.Email, subject, body, api.NewTime(s.DB.Now()))
}

// RemoveFromSubsite ends the user's membership. Returns ErrNotMember if there is none.
func (s *Service) RemoveFromSubsite(ctx context.Context, subsiteID, userID int64) error {
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE subsite_id = ? AND user_id = ?`, subsiteID, userID)
		if err != nil {
			return fmt.Errorf("remove user %d from subsite %d: %w", userID, subsiteID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("remove user %d from subsite %d: %w", userID, subsiteID, err)
		} else if n == 0 {
			return ErrNotMember
		}
		return s.personChanged(ctx, tx, userID)
	})
}

// RemoveMember ends userID's membership of the subsite on actor's behalf (admins of the subsite
// and owners). Returns actor.Can's errors (ErrNotFound for a non-member) and ErrNotMember.
func (s *Service) RemoveMember(ctx context.Context, actor *Actor, subsiteID, userID int64) error {
	if err := actor.Can(ManageMembers, subsiteID); err != nil {
		return err
	}
	return s.RemoveFromSubsite(ctx, subsiteID, userID)
}

// SetRole changes a member's role on actor's behalf (admins of the subsite and owners); the role
// they have already changes nothing (nothing is written). Returns actor.Can's errors (ErrNotFound
// for a non-member) and ErrNotMember if the user is not a member.
func (s *Service) SetRole(ctx context.Context, actor *Actor, subsiteID, userID int64, role Role) (*Membership, error) {
	if err := actor.Can(ManageMembers, subsiteID); err != nil {
		return nil, err
	}
	return s.changeMembership(ctx, subsiteID, userID, "role", string(role))
}

// SetNotifications changes how a member hears of news in the subsite (off, on or digest) on
// actor's behalf: members set their own level, admins of the subsite and owners anyone's. The
// level they have already changes nothing. Returns actor.Can's errors (ErrNotFound for a
// non-member) and ErrNotMember if the user is not a member.
func (s *Service) SetNotifications(ctx context.Context, actor *Actor, subsiteID, userID int64, level string) (*Membership, error) {
	action := ManageMembers
	if actor != nil && userID == actor.User.ID {
		action = ChangeOwnSettings
	}
	if err := actor.Can(action, subsiteID); err != nil {
		return nil, err
	}
	return s.changeMembership(ctx, subsiteID, userID, "notifications", level)
}

func (s *Service) changeMembership(ctx context.Context, subsiteID, userID int64, column, value string) (*Membership, error) {
	var m *Membership
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		if _, err := s.updateMembership(ctx, tx, subsiteID, userID, column, value); err != nil {
			return err
		}
		var err error
		m, err = s.findMembership(ctx, tx, subsiteID, userID)
		return err
	})
	return m, err
}

// updateMembership sets column ("role" or "notifications") of the membership to value unless it
// holds value already (so that an unchanged membership is not written, and the people epoch that
// empties the permission caches does not move), and reports whether it wrote. A membership that
// does not exist is not written either: the caller finds it missing. A write moves the
// membership's updated_at (people/all's since).
func (s *Service) updateMembership(ctx context.Context, tx DBTX, subsiteID, userID int64, column, value string) (bool, error) {
	if column != "role" && column != "notifications" {
		return false, fmt.Errorf("update membership: no column %q", column)
	}
	res, err := tx.ExecContext(ctx, `UPDATE memberships SET `+column+` = ?, updated_at = ? WHERE subsite_id = ? AND user_id = ? AND `+column+` <> ?`,
		value, api.NewTime(s.DB.Now()), subsiteID, userID, value)
	if err != nil {
		return false, fmt.Errorf("update membership of user %d in subsite %d: %w", userID, subsiteID, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

const membershipColumns = `m.subsite_id, s.slug, m.role, m.notifications, m.joined_at`

func (s *Service) findMembership(ctx context.Context, db DBTX, subsiteID, userID int64) (*Membership, error) {
	m := &Membership{}
	err := db.QueryRowContext(ctx, `SELECT `+membershipColumns+` FROM memberships m JOIN subsites s ON s.id = m.subsite_id
		WHERE m.subsite_id = ? AND m.user_id = ?`, subsiteID, userID).
		Scan(&m.SubsiteID, &m.Subsite, &m.Role, &m.Notifications, &m.JoinedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotMember
	}
	if err != nil {
		return nil, fmt.Errorf("find membership: %w", err)
	}
	return m, nil
}

// MembershipsOf returns every subsite the user belongs to, oldest subsite first.
func MembershipsOf(ctx context.Context, db DBTX, userID int64) ([]Membership, error) {
	rows, err := db.QueryContext(ctx, `SELECT `+membershipColumns+` FROM memberships m JOIN subsites s ON s.id = m.subsite_id
		WHERE m.user_id = ? ORDER BY m.subsite_id LIMIT 10000`, userID)
	if err != nil {
		return nil, fmt.Errorf("memberships of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []Membership
	for rows.Next() {
		var m Membership
		if err := rows.Scan(&m.SubsiteID, &m.Subsite, &m.Role, &m.Notifications, &m.JoinedAt); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Member is a member of a subsite as other packages need them: to find whom a post mentions.
type Member struct {
	UserID int64
	Name   string
	Email  string
}

// maxMembersListed bounds ListMembers.
const maxMembersListed = 100000

// ListMembers returns the members of the subsite (at most 100,000), by user id.
func ListMembers(ctx context.Context, db DBTX, subsiteID int64) ([]Member, error) {
	rows, err := db.QueryContext(ctx, `SELECT u.id, u.name, u.email FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.subsite_id = ? AND u.deleted_at IS NULL ORDER BY u.id LIMIT ?`, subsiteID, maxMembersListed)
	if err != nil {
		return nil, fmt.Errorf("members of subsite %d: %w", subsiteID, err)
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.UserID, &m.Name, &m.Email); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

package people

import (
	"context"
	"fmt"
	"strconv"

	"quire/app/api"
)

// Person is a user as the People Directory answers them (people/all and people writes).
type Person struct {
	ID                int64    `json:"id"`
	DistinguishedName string   `json:"distinguished_name"`
	Email             string   `json:"email"`
	AvatarLarge       string   `json:"avatar_large"`
	WaitingInvite     bool     `json:"waiting_invite"`
	IsOwner           bool     `json:"is_owner"`
	JoinedAt          api.Time `json:"joined_at"`
	// UpdatedAt is when the entry last changed: joining, the name, the invitation accepted, and
	// on a subsite URL the role or notifications there. people/all's since compares it.
	UpdatedAt     api.Time          `json:"updated_at"`
	Role          *Role             `json:"role"`
	Notifications *string           `json:"notifications"`
	Attributes    map[string]string `json:"attributes"`
}

// AvatarURL is where a person's picture is served.
func (s *Service) AvatarURL(userID int64) string {
	return s.BaseURL + "/avatar/" + strconv.FormatInt(userID, 10) + ".svg"
}

// PersonOf returns u as the directory shows them; m, when not nil, adds their role in a subsite.
// Its UpdatedAt is the time they joined, the earliest it can be; PersonView and the directory
// read the real one.
func (s *Service) PersonOf(u *User, m *Membership) *Person {
	p := &Person{
		ID: u.ID, DistinguishedName: u.Name, Email: u.Email, AvatarLarge: s.AvatarURL(u.ID),
		WaitingInvite: u.WaitingInvite, IsOwner: u.IsOwner, JoinedAt: u.CreatedAt, UpdatedAt: u.CreatedAt,
		Attributes: map[string]string{"Name": u.Name, "Email": u.Email, "Position": u.Position, "Bio": u.Bio, "Phone": u.Phone},
	}
	if m != nil {
		role, level := m.Role, m.Notifications
		p.Role, p.Notifications, p.JoinedAt, p.UpdatedAt = &role, &level, m.JoinedAt, m.JoinedAt
	}
	return p
}

// DirectoryReader returns the reader of the People Directory for actor at place: on a subsite's
// URL, the subsite's members, for anyone who may view it; on the site-wide URL, everyone actor
// shares a subsite with (everyone, for owners), for a credential that may read. Returns
// actor.Can's errors (ErrNotFound for a non-member) and the missing-scope error.
func (s *Service) DirectoryReader(actor *Actor, place Place) (api.ListReader[*Person], error) {
	q := directoryQuery{Viewer: actor}
	if place.SiteWide && actor.RestrictedTo() == 0 {
		if !actor.HasScope(ScopePeopleRead) {
			return nil, errMissingScope(ScopePeopleRead)
		}
	} else {
		// A token restricted to one subsite sees that subsite's members, on any URL.
		q.SubsiteID = place.Subsite.ID
		if place.SiteWide {
			q.SubsiteID = actor.RestrictedTo()
		}
		if err := actor.Can(ViewPeople, q.SubsiteID); err != nil {
			return nil, err
		}
	}
	return func(ctx context.Context, db DBTX, list api.ListQuery) ([]*Person, []string, error) {
		q := q
		q.List = list
		return s.readDirectory(ctx, db, q)
	}, nil
}

// PersonView returns userID as a people write answers them to viewer: as a member of subsite
// subsiteID (0: site-wide, without a role), and, when viewer is an owner, with every membership
// (an empty list for none; nil for other viewers). Returns ErrUserNotFound.
func (s *Service) PersonView(ctx context.Context, viewer *Actor, userID, subsiteID int64) (*Person, []Membership, error) {
	u, err := FindUserByID(ctx, s.DB.R, userID)
	if err != nil {
		return nil, nil, err
	}
	memberships, err := MembershipsOf(ctx, s.DB.R, userID)
	if err != nil {
		return nil, nil, err
	}
	var here *Membership
	for i := range memberships {
		if subsiteID != 0 && memberships[i].SubsiteID == subsiteID {
			here = &memberships[i]
		}
	}
	p := s.PersonOf(u, here)
	if p.UpdatedAt, err = personChangedAt(ctx, s.DB.R, userID, subsiteID); err != nil {
		return nil, nil, err
	}
	if !viewer.User.IsOwner {
		return p, nil, nil
	}
	if memberships == nil {
		memberships = []Membership{}
	}
	return p, memberships, nil
}

// userChanged and memberChanged are when a user's row and a membership last changed, as the
// directory shows them; rows older than the updated_at columns changed last when they were made.
const userChanged, memberChanged = `COALESCE(u.updated_at, u.created_at)`, `COALESCE(m.updated_at, m.joined_at)`

// personChangedAt returns when userID's directory entry last changed: their row, and their
// membership of subsite subsiteID when not 0 and they have one.
func personChangedAt(ctx context.Context, db DBTX, userID, subsiteID int64) (api.Time, error) {
	var at api.Time
	err := db.QueryRowContext(ctx, `SELECT CASE WHEN m.user_id IS NOT NULL AND `+memberChanged+` > `+userChanged+`
		THEN `+memberChanged+` ELSE `+userChanged+` END
		FROM users u LEFT JOIN memberships m ON m.user_id = u.id AND m.subsite_id = ? WHERE u.id = ?`, subsiteID, userID).Scan(&at)
	if err != nil {
		return at, fmt.Errorf("when person %d changed: %w", userID, err)
	}
	return at, nil
}

// directoryQuery says whose people to list: a subsite's members, or (SubsiteID 0) everyone the
// viewer shares a subsite with, or everyone for owners.
type directoryQuery struct {
	SubsiteID int64
	Viewer    *Actor
	List      api.ListQuery
}

// readDirectory reads a batch of the People Directory (an api.ListReader), newest joined first;
// with a since time, those whose entry changed at or after it (Person.UpdatedAt), oldest change
// first. Returns a validation error for a cursor not of this list.
func (s *Service) readDirectory(ctx context.Context, db DBTX, q directoryQuery) ([]*Person, []string, error) {
	var query string
	var args []any
	changed := userChanged
	switch {
	case q.SubsiteID != 0:
		changed = `CASE WHEN ` + memberChanged + ` > ` + userChanged + ` THEN ` + memberChanged + ` ELSE ` + userChanged + ` END`
		query = `SELECT ` + userColumns + `, m.role, m.notifications, m.joined_at, ` + changed + `
			FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.subsite_id = ?`
		args = append(args, q.SubsiteID)
	case q.Viewer.User.IsOwner:
		query = `SELECT ` + userColumns + `, NULL, NULL, u.created_at, ` + changed + ` FROM users u WHERE u.deleted_at IS NULL`
	default:
		query = `SELECT ` + userColumns + `, NULL, NULL, u.created_at, ` + changed + ` FROM users u
			WHERE u.deleted_at IS NULL AND (u.id = ? OR EXISTS (SELECT 1 FROM memberships a JOIN memberships b ON b.subsite_id = a.subsite_id
				WHERE a.user_id = u.id AND b.user_id = ?))`
		args = append(args, q.Viewer.User.ID, q.Viewer.User.ID)
	}
	key := "u.created_at"
	if q.SubsiteID != 0 {
		key = "m.joined_at"
	}
	// Newest joined first; with since, oldest change first, as polling clients read it.
	order, after := "DESC", "<"
	if q.List.Since != nil {
		key, order, after = changed, "ASC", ">"
		query += ` AND ` + key + ` >= ?`
		args = append(args, *q.List.Since)
	}
	if err := q.List.CheckCursor(2); err != nil {
		return nil, nil, err
	}
	if len(q.List.Cursor) == 2 {
		at, err := api.CursorTime(q.List.Cursor[0])
		if err != nil {
			return nil, nil, err
		}
		id, err := api.CursorID(q.List.Cursor[1])
		if err != nil {
			return nil, nil, err
		}
		query += ` AND (` + key + ` ` + after + ` ? OR (` + key + ` = ? AND u.id ` + after + ` ?))`
		args = append(args, at, at, id)
	}
	query += ` ORDER BY ` + key + ` ` + order + `, u.id ` + order + ` LIMIT ?`
	args = append(args, q.List.Limit+1)

	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("list people: %w", err)
	}
	defer rows.Close()
	out := []*Person{}
	for rows.Next() {
		u := &User{}
		var role *Role
		var level *string
		var joinedAt, changedAt api.Time
		if err := rows.Scan(&u.ID, &u.Email, &u.Name, &u.passwordHash, &u.IsOwner, &u.Position, &u.Bio, &u.Phone,
			&u.WaitingInvite, &u.CreatedAt, &u.DeletedAt, &role, &level, &joinedAt, &changedAt); err != nil {
			return nil, nil, fmt.Errorf("list people: %w", err)
		}
		if len(out) == q.List.Limit {
			last := out[len(out)-1]
			at := last.JoinedAt
			if q.List.Since != nil {
				at = last.UpdatedAt
			}
			return out, []string{at.Key(), strconv.FormatInt(last.ID, 10)}, nil
		}
		p := s.PersonOf(u, nil)
		p.Role, p.Notifications, p.JoinedAt, p.UpdatedAt = role, level, joinedAt, changedAt
		out = append(out, p)
	}
	return out, nil, rows.Err()
}

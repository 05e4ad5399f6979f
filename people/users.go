package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"quire/app/api"
	"quire/app/sqldb"
)

// User is a person with an account on the site. Deleted users keep their row, so that what they
// wrote still names them, but lose their memberships and tokens.
type User struct {
	ID            int64
	Email         string
	Name          string
	IsOwner       bool
	Position      string
	Bio           string
	Phone         string
	WaitingInvite bool
	CreatedAt     api.Time
	DeletedAt     *api.Time
	passwordHash  string
}

// NewUser is what creating a user takes.
type NewUser struct {
	Email         string
	Name          string
	Password      string // may be empty: the person sets one through an invitation
	Owner         bool
	WaitingInvite bool
}

const userColumns = `u.id, u.email, u.name, u.password_hash, u.is_owner, u.position, u.bio, u.phone, u.waiting_invite, u.created_at, u.deleted_at`

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	u := &User{}
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.passwordHash, &u.IsOwner, &u.Position, &u.Bio, &u.Phone,
		&u.WaitingInvite, &u.CreatedAt, &u.DeletedAt)
	return u, err
}

// NormalizeEmail checks an address under the text rule for addresses (api.Email: one line, no
// control, bidirectional or invisible characters, a bare address of at most 254 bytes) and
// returns it lower-case, or a validation error on field.
func NormalizeEmail(field, email string) (string, error) {
	email, err := api.Email(field, email)
	if err != nil {
		return "", err
	}
	return strings.ToLower(email), nil
}

// validName checks a person's name or a subsite's title: one line of text (api.Line), required,
// at most 200 characters.
func validName(field, name string) (string, error) {
	name, err := api.Line(field, name, 200)
	if err == nil && name == "" {
		err = api.Invalid(field, "Parameter %q is required.", field)
	}
	return name, err
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 8

// passwordCost is the bcrypt work factor of s: Service.PasswordCost, or bcrypt's default (10).
func (s *Service) passwordCost() int {
	if s.PasswordCost == 0 {
		return bcrypt.DefaultCost
	}
	return s.PasswordCost
}

// hashPassword checks a new password's length and hashes it with bcrypt at the given cost.
func hashPassword(password string, cost int) (string, error) {
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return "", api.Invalid("password", "The password must have at least %d characters.", MinPasswordLength)
	}
	if len(password) > 72 {
		return "", api.Invalid("password", "The password must be at most 72 bytes long.")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// CreateUser adds a person to the site and to every subsite that people join automatically.
// Returns ErrEmailTaken when the address is on the site already.
func (s *Service) CreateUser(ctx context.Context, nu NewUser) (*User, error) {
	var u *User
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = s.createUser(ctx, tx, nu)
		if err != nil {
			return err
		}
		if err := s.joinAutoJoinSubsites(ctx, tx, u.ID, 0); err != nil {
			return err
		}
		return s.personChanged(ctx, tx, u.ID)
	})
	return u, err
}

func (s *Service) createUser(ctx context.Context, tx DBTX, nu NewUser) (*User, error) {
	email, err := NormalizeEmail("email", nu.Email)
	if err != nil {
		return nil, err
	}
	name, err := validName("name", nu.Name)
	if err != nil {
		return nil, err
	}
	hash := ""
	if nu.Password != "" {
		if hash, err = hashPassword(nu.Password, s.passwordCost()); err != nil {
			return nil, err
		}
	}
	now := api.NewTime(s.DB.Now())
	// A deleted person invited again gets their old row back, so their old content names them.
	res, err := tx.ExecContext(ctx, `UPDATE users SET name = ?, password_hash = ?, is_owner = ?, waiting_invite = ?,
		deleted_at = NULL, created_at = ?, updated_at = ? WHERE email = ? AND deleted_at IS NOT NULL`,
		name, hash, nu.Owner, nu.WaitingInvite, now, now, email)
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	restored, err := res.RowsAffected()
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	if restored == 0 {
		_, err = tx.ExecContext(ctx, `INSERT INTO users (email, name, password_hash, is_owner, waiting_invite, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, email, name, hash, nu.Owner, nu.WaitingInvite, now, now)
		if sqldb.IsUnique(err) {
			return nil, ErrEmailTaken
		}
		if err != nil {
			return nil, fmt.Errorf("create user: %w", err)
		}
	}
	return FindUserByEmail(ctx, tx, email)
}

// FindUserByID returns a user, deleted ones included. Returns ErrUserNotFound if there is none.
func FindUserByID(ctx context.Context, db DBTX, id int64) (*User, error) {
	u, err := scanUser(db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrUserNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find user %d: %w", id, err)
	}
	return u, nil
}

// FindUserByEmail returns the user with the address (any case). Returns ErrUserNotFound if none.
func FindUserByEmail(ctx context.Context, db DBTX, email string) (*User, error) {
	u, err := scanUser(db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.email = ?`,
		strings.ToLower(strings.TrimSpace(email))))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrUserNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find user by email: %w", err)
	}
	return u, nil
}

// FindActiveUser returns a user who is not deleted. Returns ErrUserNotFound otherwise.
func FindActiveUser(ctx context.Context, db DBTX, id int64) (*User, error) {
	u, err := FindUserByID(ctx, db, id)
	if err == nil && u.DeletedAt != nil {
		return nil, ErrUserNotFound
	}
	return u, err
}

// CheckPassword returns the active user with this email and password, or ErrInvalidLogin.
func (s *Service) CheckPassword(ctx context.Context, email, password string) (*User, error) {
	u, err := FindUserByEmail(ctx, s.DB.R, email)
	if err != nil || u.DeletedAt != nil || u.passwordHash == "" {
		// Spend the same time as a real check, so that timing does not reveal who has an account.
		bcrypt.CompareHashAndPassword(s.dummyHash(), []byte(password))
		return nil, ErrInvalidLogin
	}
	if bcrypt.CompareHashAndPassword([]byte(u.passwordHash), []byte(password)) != nil {
		return nil, ErrInvalidLogin
	}
	return u, nil
}

// dummyHash is compared against when there is no user, to spend the time of a real check at
// the site's cost.
func (s *Service) dummyHash() []byte {
	s.dummyOnce.Do(func() {
		s.dummy, _ = bcrypt.GenerateFromPassword([]byte("not a password of anyone"), s.passwordCost())
	})
	return s.dummy
}

// SetPassword sets a user's password and ends their waiting for an invitation (which moves their
// updated_at, as the directory shows it; a new password alone does not).
func (s *Service) SetPassword(ctx context.Context, tx DBTX, userID int64, password string) error {
	hash, err := hashPassword(password, s.passwordCost())
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, waiting_invite = FALSE,
		updated_at = CASE WHEN waiting_invite THEN ? ELSE updated_at END WHERE id = ?`, hash, api.NewTime(s.DB.Now()), userID)
	if err != nil {
		return fmt.Errorf("set password of user %d: %w", userID, err)
	}
	return nil
}

// DeleteUser removes a person from the site: their memberships, tokens and sessions go, their content
// stays. Returns ErrUserNotFound if there is no such active user and ErrLastOwner for the
// site's only owner.
func (s *Service) DeleteUser(ctx context.Context, id int64) (*User, error) {
	var u *User
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		var err error
		if u, err = FindActiveUser(ctx, tx, id); err != nil {
			return err
		}
		if u.IsOwner {
			var owners int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE is_owner AND deleted_at IS NULL`).Scan(&owners); err != nil {
				return fmt.Errorf("delete user %d: %w", id, err)
			}
			if owners == 1 {
				return ErrLastOwner
			}
		}
		now := api.NewTime(s.DB.Now())
		for _, q := range []string{
			`UPDATE users SET deleted_at = ?1, is_owner = FALSE, password_hash = '' WHERE id = ?2`,
			`UPDATE tokens SET revoked_at = ?1 WHERE user_id = ?2 AND revoked_at IS NULL`,
			`UPDATE invitations SET used_at = ?1 WHERE user_id = ?2 AND used_at IS NULL`,
		} {
			if _, err := tx.ExecContext(ctx, q, now, id); err != nil {
				return fmt.Errorf("delete user %d: %w", id, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE user_id = ?`, id); err != nil {
			return fmt.Errorf("delete user %d: %w", id, err)
		}
		if err := endSessions(ctx, tx, id, 0); err != nil {
			return err
		}
		u.DeletedAt = &now
		return s.personChanged(ctx, tx, id)
	})
	return u, err
}

// DeletePerson removes a person from the site on actor's behalf (site owners only), as DeleteUser
// does. Returns actor.Can's errors, ErrUserNotFound and ErrLastOwner.
func (s *Service) DeletePerson(ctx context.Context, actor *Actor, id int64) (*User, error) {
	if err := actor.Can(ManageSite, 0); err != nil {
		return nil, err
	}
	return s.DeleteUser(ctx, id)
}

// FillNames sets the Name of each reference that has none from the users table, in one query.
func FillNames(ctx context.Context, db DBTX, refs ...*api.UserRef) error {
	ids := make([]any, 0, len(refs))
	seen := map[int64]bool{}
	for _, r := range refs {
		if r != nil && r.ID != 0 && r.Name == "" && !seen[r.ID] {
			seen[r.ID] = true
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	names := make(map[int64]string, len(ids))
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		rows, err := db.QueryContext(ctx, `SELECT id, name FROM users WHERE id IN (`+sqldb.Placeholders(len(chunk))+`)`, chunk...)
		if err != nil {
			return fmt.Errorf("fill names: %w", err)
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return err
			}
			names[id] = name
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	for _, r := range refs {
		if r != nil && r.Name == "" {
			r.Name = names[r.ID]
		}
	}
	return nil
}

// SetUserPassword sets a person's password, for the site itself (the CLI, tests); it ends none
// of their sessions. Returns a validation error on "password".
func (s *Service) SetUserPassword(ctx context.Context, userID int64, password string) error {
	return s.DB.Write(ctx, func(tx *sql.Tx) error { return s.SetPassword(ctx, tx, userID, password) })
}

package people

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"quire/app/api"
	"quire/app/sqldb"
)

// tokenPrefix starts every token, so that a leaked one is recognisable (secret scanners) and the
// list can show which is which without the secret.
const tokenPrefix = "qt_"

// lastUsedEvery limits how often using a token writes its last-used time.
const lastUsedEvery = time.Minute

// Token is an API token. Its secret is shown once, at creation; the database keeps its SHA-256.
type Token struct {
	ID         int64     `json:"id"`
	UserID     int64     `json:"user_id"`
	Name       string    `json:"name"`
	Prefix     string    `json:"prefix"`
	Scopes     []string  `json:"scopes"`
	Rate       string    `json:"rate"` // "N/DURATION", or "" for the site default
	CreatedBy  *int64    `json:"created_by"`
	CreatedAt  api.Time  `json:"created_at"`
	LastUsedAt *api.Time `json:"last_used_at"`
	ExpiresAt  *api.Time `json:"expires_at"`
	RevokedAt  *api.Time `json:"revoked_at"`
	// SubsiteID is the one subsite the token works in (nil: every subsite its user may see);
	// Subsite is that subsite's slug.
	SubsiteID *int64  `json:"subsite_id"`
	Subsite   *string `json:"subsite"`
}

// NewToken is what creating a token takes.
type NewToken struct {
	UserID    int64
	Name      string
	Scopes    []string // scopes and groups (NormalizeScopes); nil means all
	Rate      string   // "" means the site default
	ExpiresAt *time.Time
	CreatedBy int64
	SubsiteID *int64 // restrict the token to this subsite; nil for none
}

// Rate is an allowance of N requests per Per, refilled evenly, with a burst of N.
type Rate struct {
	N   int
	Per time.Duration
}

// Interval is the time one request's allowance takes to come back.
func (r Rate) Interval() time.Duration { return r.Per / time.Duration(r.N) }

// String writes the rate as ParseRate reads it, in seconds when whole ("6/60s").
func (r Rate) String() string {
	if r.Per%time.Second == 0 {
		return fmt.Sprintf("%d/%ds", r.N, r.Per/time.Second)
	}
	return fmt.Sprintf("%d/%s", r.N, r.Per)
}

// ParseRate reads "N/DURATION" such as "6/60s", "100/1m" or "10/s".
func ParseRate(s string) (Rate, error) {
	n, per, ok := strings.Cut(strings.TrimSpace(s), "/")
	count, err := strconv.Atoi(n)
	if !ok || err != nil || count < 1 {
		return Rate{}, fmt.Errorf("rate %q must be N/DURATION with N at least 1, such as 6/60s", s)
	}
	if per != "" && (per[0] < '0' || per[0] > '9') {
		per = "1" + per
	}
	d, err := time.ParseDuration(per)
	if err != nil || d < time.Millisecond {
		return Rate{}, fmt.Errorf("rate %q must be N/DURATION with a duration such as 60s, 1m or 1h", s)
	}
	return Rate{N: count, Per: d}, nil
}

func hashToken(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}

// tokenSelect reads the columns scanToken scans from tokens t, the slug of its subsite last.
const tokenSelect = `SELECT ` + tokenFields + ` FROM tokens t`

const tokenFields = `t.id, t.user_id, t.name, t.prefix, t.scopes, t.rate, t.created_by, t.created_at, t.last_used_at,
	t.expires_at, t.revoked_at, t.subsite_id, (SELECT s.slug FROM subsites s WHERE s.id = t.subsite_id)`

// tokenDest returns where a row of tokenFields goes: into t, and its scopes column into scopes.
func tokenDest(t *Token, scopes *string) []any {
	return []any{&t.ID, &t.UserID, &t.Name, &t.Prefix, scopes, &t.Rate, &t.CreatedBy, &t.CreatedAt,
		&t.LastUsedAt, &t.ExpiresAt, &t.RevokedAt, &t.SubsiteID, &t.Subsite}
}

func scanToken(row interface{ Scan(...any) error }) (*Token, error) {
	t := &Token{}
	var scopes string
	err := row.Scan(tokenDest(t, &scopes)...)
	t.Scopes = storedScopes(scopes)
	return t, err
}

// CreateToken makes a token for an active user and returns its secret, which is never shown
// again. Returns a validation error for a bad name or rate, ErrUserNotFound for an unknown user.
func (s *Service) CreateToken(ctx context.Context, nt NewToken) (string, *Token, error) {
	name, err := api.Line("name", nt.Name, 200)
	if err != nil {
		return "", nil, err
	}
	if name == "" {
		return "", nil, api.Invalid("name", "A token needs a name, such as the script that will use it.")
	}
	if nt.Rate != "" {
		r, err := ParseRate(nt.Rate)
		if err != nil {
			return "", nil, api.Invalid("rate", "%v.", err)
		}
		nt.Rate = r.String()
	}
	scopes := AllScopes
	if len(nt.Scopes) != 0 {
		if scopes, err = NormalizeScopes(nt.Scopes); err != nil {
			return "", nil, api.Invalid("scopes", "%v.", err)
		}
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, fmt.Errorf("create token: %w", err)
	}
	plain := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	var createdBy *int64
	if nt.CreatedBy != 0 {
		createdBy = &nt.CreatedBy
	}
	var expires *api.Time
	if nt.ExpiresAt != nil {
		t := api.NewTime(*nt.ExpiresAt)
		expires = &t
	}
	var tok *Token
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		if _, err := FindActiveUser(ctx, tx, nt.UserID); err != nil {
			return err
		}
		if nt.SubsiteID != nil {
			if _, err := s.FindSubsiteByID(ctx, tx, *nt.SubsiteID); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO tokens (user_id, name, hash, prefix, scopes, rate, created_by, created_at, expires_at, subsite_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, nt.UserID, name, hashToken(plain), plain[:len(tokenPrefix)+6],
			strings.Join(scopes, " "), nt.Rate, createdBy, api.NewTime(s.DB.Now()), expires, nt.SubsiteID)
		if err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		tok, err = scanToken(tx.QueryRowContext(ctx, tokenSelect+` WHERE t.id = ?`, id))
		return err
	})
	if err != nil {
		return "", nil, err
	}
	return plain, tok, nil
}

// ErrTokenNotFound is an unknown token id.
var ErrTokenNotFound = api.NotFound("No such API token.")

// RevokeToken ends a token; the next request with it gets 401. Revoking a revoked token is fine.
// Returns ErrTokenNotFound if there is no such token.
func (s *Service) RevokeToken(ctx context.Context, id int64) (*Token, error) {
	var tok *Token
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`,
			api.NewTime(s.DB.Now()), id); err != nil {
			return fmt.Errorf("revoke token %d: %w", id, err)
		}
		var err error
		tok, err = scanToken(tx.QueryRowContext(ctx, tokenSelect+` WHERE t.id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrTokenNotFound
		}
		return err
	})
	return tok, err
}

// FindTokenBySecret returns the token whose secret is plain, valid or not, for the CLI's revoke.
// Returns ErrTokenNotFound if there is none.
func (s *Service) FindTokenBySecret(ctx context.Context, plain string) (*Token, error) {
	tok, err := scanToken(s.DB.R.QueryRowContext(ctx, tokenSelect+` WHERE t.hash = ?`, hashToken(plain)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrTokenNotFound
	}
	return tok, err
}

// ListTokens returns the user's tokens, newest first (every user's when userID is 0).
func (s *Service) ListTokens(ctx context.Context, userID int64, limit int) ([]*Token, error) {
	rows, err := s.DB.R.QueryContext(ctx, tokenSelect+` WHERE ? = 0 OR t.user_id = ?
		ORDER BY t.id DESC LIMIT ?`, userID, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []*Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Authenticate returns the actor for a token secret. Returns ErrInvalidToken when the token is
// unknown, revoked or expired, or its user is deleted. It reads the token, its user and their
// roles in one query: it runs on every API request.
func (s *Service) Authenticate(ctx context.Context, plain string) (*Actor, error) {
	if !strings.HasPrefix(plain, tokenPrefix) || len(plain) > 100 {
		return nil, ErrInvalidToken
	}
	hash := hashToken(plain)
	epoch, err := s.currentEpoch(ctx)
	if err != nil {
		return nil, err
	}
	actor := s.cache.actor(hash, epoch)
	if actor == nil {
		if actor, err = s.loadActor(ctx, hash); err != nil {
			return nil, err
		}
		actor.epoch = epoch
		s.cache.putActor(hash, epoch, actor)
	}
	tok, now := actor.Token, s.DB.Now()
	if tok.RevokedAt != nil || (tok.ExpiresAt != nil && !now.Before(tok.ExpiresAt.Time)) || actor.User.DeletedAt != nil {
		return nil, ErrInvalidToken
	}
	if s.lastUsedDue(tok.ID, now) {
		// Written at most once a minute per token, so that reads stay off the single writer. It
		// is bookkeeping: a database locked by another process delays it (a Write's patience),
		// and fails no request.
		err := s.DB.Write(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE tokens SET last_used_at = ? WHERE id = ?`, api.NewTime(now), tok.ID)
			return err
		})
		if err != nil && !sqldb.IsBusy(err) {
			return nil, fmt.Errorf("authenticate: %w", err)
		}
	}
	return actor, nil
}

// lastUsedDue reports whether the token's last use should be written now, and notes that it is.
func (s *Service) lastUsedDue(tokenID int64, now time.Time) bool {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	if s.cache.lastUsed == nil {
		s.cache.lastUsed = map[int64]time.Time{}
	}
	if last, ok := s.cache.lastUsed[tokenID]; ok && now.Sub(last) < lastUsedEvery {
		return false
	}
	if len(s.cache.lastUsed) >= maxCachedActors {
		clear(s.cache.lastUsed)
	}
	s.cache.lastUsed[tokenID] = now
	return true
}

// loadActor reads a token, its user and their roles in one query.
func (s *Service) loadActor(ctx context.Context, hash string) (*Actor, error) {
	var roles sql.NullString
	row := s.DB.R.QueryRowContext(ctx, `SELECT `+tokenFields+`, `+userColumns+`,
			(SELECT group_concat(m.subsite_id || ':' || m.role) FROM memberships m WHERE m.user_id = u.id)
		FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ?`, hash)
	tok, user := &Token{}, &User{}
	var scopes string
	err := row.Scan(append(tokenDest(tok, &scopes), &user.ID, &user.Email, &user.Name, &user.passwordHash, &user.IsOwner, &user.Position, &user.Bio, &user.Phone,
		&user.WaitingInvite, &user.CreatedAt, &user.DeletedAt, &roles)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	tok.Scopes = storedScopes(scopes)
	actor := NewActor(user, tok, map[int64]Role{})
	if err := parseRoles(roles.String, actor.roles); err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	return actor, nil
}

// parseRoles reads the memberships "SUBSITE:ROLE,..." that the actor queries concatenate into roles.
func parseRoles(list string, roles map[int64]Role) error {
	for _, pair := range strings.Split(list, ",") {
		if id, role, ok := strings.Cut(pair, ":"); ok {
			n, err := strconv.ParseInt(id, 10, 64)
			if err != nil {
				return fmt.Errorf("membership of subsite %q: %w", id, err)
			}
			roles[n] = Role(role)
		}
	}
	return nil
}

// prefixed qualifies each column of a list with a table alias.
func prefixed(alias, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = alias + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// FindToken returns the token with the id, revoked or not. Returns ErrTokenNotFound.
func (s *Service) FindToken(ctx context.Context, db DBTX, id int64) (*Token, error) {
	tok, err := scanToken(db.QueryRowContext(ctx, tokenSelect+` WHERE t.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrTokenNotFound
	}
	return tok, err
}

// RenameToken gives a token that is not revoked a new name of at most 200 characters. Returns
// a validation error on "name" and ErrTokenNotFound (also for a revoked token).
func (s *Service) RenameToken(ctx context.Context, id int64, name string) (*Token, error) {
	name, err := api.Line("name", name, 200)
	if err == nil && name == "" {
		err = api.Invalid("name", "A token needs a name, such as the script that will use it.")
	}
	if err != nil {
		return nil, err
	}
	var tok *Token
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE tokens SET name = ? WHERE id = ? AND revoked_at IS NULL`, name, id)
		if err != nil {
			return fmt.Errorf("rename token %d: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmp.Or(err, error(ErrTokenNotFound))
		}
		tok, err = s.FindToken(ctx, tx, id)
		return err
	})
	return tok, err
}

// LiveTokens reads the tokens that are not revoked (expired ones too, until revoked), newest
// first: the user's, or every user's when userID is 0. It is an api.ListReader once userID is
// bound; its cursor is the id of the last token answered.
func LiveTokens(userID int64) api.ListReader[*Token] {
	return func(ctx context.Context, db DBTX, list api.ListQuery) ([]*Token, []string, error) {
		if err := list.CheckCursor(1); err != nil {
			return nil, nil, err
		}
		q, args := tokenSelect+` WHERE t.revoked_at IS NULL AND (? = 0 OR t.user_id = ?)`, []any{userID, userID}
		if len(list.Cursor) == 1 {
			before, err := api.CursorID(list.Cursor[0])
			if err != nil {
				return nil, nil, err
			}
			q += ` AND t.id < ?`
			args = append(args, before)
		}
		rows, err := db.QueryContext(ctx, q+` ORDER BY t.id DESC LIMIT ?`, append(args, list.Limit+1)...)
		if err != nil {
			return nil, nil, fmt.Errorf("list tokens: %w", err)
		}
		defer rows.Close()
		out := []*Token{}
		for rows.Next() {
			t, err := scanToken(rows)
			if err != nil {
				return nil, nil, fmt.Errorf("list tokens: %w", err)
			}
			if len(out) == list.Limit {
				return out, []string{strconv.FormatInt(out[len(out)-1].ID, 10)}, nil
			}
			out = append(out, t)
		}
		return out, nil, rows.Err()
	}
}

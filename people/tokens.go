package people

import (
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
}

// NewToken is what creating a token takes.
type NewToken struct {
	UserID    int64
	Name      string
	Scopes    []string // nil means all
	Rate      string   // "" means the site default
	ExpiresAt *time.Time
	CreatedBy int64
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

const tokenColumns = `id, user_id, name, prefix, scopes, rate, created_by, created_at, last_used_at, expires_at, revoked_at`

func scanToken(row interface{ Scan(...any) error }) (*Token, error) {
	t := &Token{}
	var scopes string
	err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &scopes, &t.Rate, &t.CreatedBy, &t.CreatedAt,
		&t.LastUsedAt, &t.ExpiresAt, &t.RevokedAt)
	t.Scopes = strings.Fields(scopes)
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
	scopes := nt.Scopes
	if len(scopes) == 0 {
		scopes = AllScopes
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
		res, err := tx.ExecContext(ctx, `INSERT INTO tokens (user_id, name, hash, prefix, scopes, rate, created_by, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, nt.UserID, name, hashToken(plain), plain[:len(tokenPrefix)+6],
			strings.Join(scopes, " "), nt.Rate, createdBy, api.NewTime(s.DB.Now()), expires)
		if err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		tok, err = scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE id = ?`, id))
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
		tok, err = scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE id = ?`, id))
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
	tok, err := scanToken(s.DB.R.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash = ?`, hashToken(plain)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrTokenNotFound
	}
	return tok, err
}

// ListTokens returns the user's tokens, newest first (every user's when userID is 0).
func (s *Service) ListTokens(ctx context.Context, userID int64, limit int) ([]*Token, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE ? = 0 OR user_id = ?
		ORDER BY id DESC LIMIT ?`, userID, userID, limit)
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
	row := s.DB.R.QueryRowContext(ctx, `SELECT `+prefixed("t.", tokenColumns)+`, `+userColumns+`,
			(SELECT group_concat(m.subsite_id || ':' || m.role) FROM memberships m WHERE m.user_id = u.id)
		FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ?`, hash)
	tok, user := &Token{}, &User{}
	var scopes string
	err := row.Scan(&tok.ID, &tok.UserID, &tok.Name, &tok.Prefix, &scopes, &tok.Rate, &tok.CreatedBy, &tok.CreatedAt,
		&tok.LastUsedAt, &tok.ExpiresAt, &tok.RevokedAt,
		&user.ID, &user.Email, &user.Name, &user.passwordHash, &user.IsOwner, &user.Position, &user.Bio, &user.Phone,
		&user.WaitingInvite, &user.CreatedAt, &user.DeletedAt, &roles)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	tok.Scopes = strings.Fields(scopes)
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

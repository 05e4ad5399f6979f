// Package links is share links, as Papermark has them: a secret URL (BASE/s/SECRET) that shows
// one page, read-only, to people without an account, with an optional password, expiry,
// email-before-viewing and permission to download the page's attachments. Each view of the page
// and each download through a link is recorded with its time and the email given.
//
// The page's editors manage its links (CreateLink, ListLinks, RevokeLink, ListViews); the public
// side (OpenLink, ReadSharedPage, OpenSharedFile, RecordView) serves the link's page and that
// page's files, and nothing else. It imports pages and calls its exported reads, so pages never
// imports it; its front ends are rest.go (the API), web.go (the page's Share screen) and
// public.go (the link's own pages, outside any subsite).
package links

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"

	"quire/app/api"
	"quire/pages"
	"quire/people"
)

// Migrations are the share links' tables; app applies them after pages'.
//
//go:embed migrations/*.sql
var Migrations embed.FS

// OpenAPI holds the API's description of the links endpoints (openapi/*.yaml), merged by app.
//
//go:embed openapi/*.yaml
var OpenAPI embed.FS

// Service holds the share links' operations; Pages is the pages domain they find pages through.
type Service struct {
	Pages *pages.Service
}

// Bounds of links: links a page may have (revoked ones count: their views are kept), the
// characters of a name, a password's length in bytes (bcrypt reads 72) and the views a view
// list answers, newest first.
const (
	MaxLinksPerPage = 200
	maxNameLength   = 100
	minPassword     = 4
	maxPassword     = 72
	MaxViewsListed  = 1000
)

// Link is a share link in the shape the API answers. URL is where it is opened; the page's
// editors may read it again, as Papermark shows a link's URL on its dashboard. Views counts the
// views of the page through it and Downloads the files downloaded.
type Link struct {
	ID            int64       `json:"id"`
	PageID        int64       `json:"page_id"`
	SubsiteID     int64       `json:"subsite_id"`
	Name          string      `json:"name"`
	URL           string      `json:"url"`
	HasPassword   bool        `json:"has_password"`
	RequireEmail  bool        `json:"require_email"`
	AllowDownload bool        `json:"allow_download"`
	ExpiresAt     *api.Time   `json:"expires_at"`
	CreatedAt     api.Time    `json:"created_at"`
	CreatedBy     api.UserRef `json:"created_by"`
	RevokedAt     *api.Time   `json:"revoked_at"`
	Active        bool        `json:"active"` // neither revoked nor expired
	Views         int64       `json:"views"`
	Downloads     int64       `json:"downloads"`
	LastViewedAt  *api.Time   `json:"last_viewed_at"`

	passwordHash string
}

// View is one view of a link's page, or one download of a file through it.
type View struct {
	ID       int64    `json:"id"`
	ViewedAt api.Time `json:"viewed_at"`
	Email    *string  `json:"email"`
	Download bool     `json:"download"`
	FileID   *int64   `json:"file_id"`
}

// LinkViews is a link with its totals and its latest views, newest first (at most
// MaxViewsListed; More tells that older ones were left out).
type LinkViews struct {
	Link  *Link   `json:"link"`
	Views []*View `json:"views"`
	More  bool    `json:"more"`
}

// NewLink is what CreateLink takes: all optional. A Password of "" means none; ExpiresAt nil
// means never.
type NewLink struct {
	Name          string
	Password      string
	ExpiresAt     *api.Time
	RequireEmail  bool
	AllowDownload bool
}

// ErrLinkNotFound is a link that does not exist, is not of the subsite addressed, or (for the
// public side) is revoked or expired, or whose page is in the trash: all alike.
var ErrLinkNotFound = api.NotFound("There is no such share link.")

// errDownloadRefused answers a download through a link that does not allow downloads.
var errDownloadRefused = api.Forbidden("This share link does not allow downloading files. Ask whoever shared it for a link that does.")

// CleanNewLink checks and normalizes nl at time now: the name is one line of at most 100
// characters, the password 4 to 72 bytes, the expiry in the future. Returns a validation error
// naming the field.
func CleanNewLink(nl NewLink, now time.Time) (NewLink, error) {
	var err error
	if nl.Name, err = api.Line("name", nl.Name, maxNameLength); err != nil {
		return nl, err
	}
	if nl.Password != "" && (len([]rune(nl.Password)) < minPassword || len(nl.Password) > maxPassword) {
		return nl, api.Invalid("password", "A link's password must have at least %d characters and at most %d bytes.", minPassword, maxPassword)
	}
	if nl.ExpiresAt != nil && !nl.ExpiresAt.After(now) {
		return nl, api.Invalid("expires_at", "The expiry %s is not in the future.", nl.ExpiresAt.Key())
	}
	return nl, nil
}

// CreateLink makes a share link to the page for the actor, who must be an editor of sub (a
// token needs pages:write, through people.Edit). Returns people.ErrNotFound for a
// subsite actor is not in, a forbidden error, pages.ErrPageNotFound, a validation error
// (CleanNewLink) and a conflict when the page has MaxLinksPerPage links.
func (s *Service) CreateLink(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64, nl NewLink) (*Link, error) {
	if err := actor.Can(people.Edit, sub.ID); err != nil {
		return nil, err
	}
	now := s.Pages.DB.Now()
	nl, err := CleanNewLink(nl, now)
	if err != nil {
		return nil, err
	}
	var hash any
	if nl.Password != "" {
		cost := s.Pages.People.PasswordCost
		if cost == 0 {
			cost = bcrypt.DefaultCost
		}
		h, err := bcrypt.GenerateFromPassword([]byte(nl.Password), cost)
		if err != nil {
			return nil, fmt.Errorf("hash link password: %w", err)
		}
		hash = string(h)
	}
	raw := make([]byte, 32)
	_, _ = rand.Read(raw) // crypto/rand.Read never fails (Go 1.24)
	secret := base64.RawURLEncoding.EncodeToString(raw)
	var id int64
	err = s.Pages.DB.Write(ctx, func(tx *sql.Tx) error {
		if _, err := s.Pages.FindPage(ctx, tx, sub, pageID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM share_links WHERE page_id = ?`, pageID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxLinksPerPage {
			return api.Conflict("Page %d has %d share links, the most a page may have.", pageID, MaxLinksPerPage)
		}
		var expires any
		if nl.ExpiresAt != nil {
			expires = *nl.ExpiresAt
		}
		return tx.QueryRowContext(ctx, `INSERT INTO share_links (page_id, subsite_id, name, secret, secret_sha256,
			password_hash, require_email, allow_download, expires_at, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			pageID, sub.ID, nl.Name, secret, secretDigest(secret), hash, nl.RequireEmail, nl.AllowDownload, expires,
			api.NewTime(now), actor.User.ID).Scan(&id)
	})
	if err != nil {
		return nil, err
	}
	return s.findLink(ctx, s.Pages.DB.R, sub, id)
}

// ListLinks returns the page's links, newest first, with their view totals, to its editors.
// Returns CreateLink's permission errors and pages.ErrPageNotFound.
func (s *Service) ListLinks(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64) ([]*Link, error) {
	if err := actor.Can(people.Edit, sub.ID); err != nil {
		return nil, err
	}
	tx, err := s.Pages.DB.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback() // read only
	if _, err := s.Pages.FindPage(ctx, tx, sub, pageID); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+linkColumns+` FROM share_links l WHERE l.page_id = ? AND l.subsite_id = ?
		ORDER BY l.id DESC LIMIT ?`, pageID, sub.ID, MaxLinksPerPage)
	if err != nil {
		return nil, fmt.Errorf("list links of page %d: %w", pageID, err)
	}
	defer rows.Close()
	list := []*Link{}
	refs := []*api.UserRef{}
	for rows.Next() {
		l, err := s.scanLink(rows)
		if err != nil {
			return nil, err
		}
		list, refs = append(list, l), append(refs, &l.CreatedBy)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return list, people.FillNames(ctx, tx, refs...)
}

// FindLink returns a link of sub to its page's editors. Returns CreateLink's permission errors
// and ErrLinkNotFound.
func (s *Service) FindLink(ctx context.Context, actor *people.Actor, sub *people.Subsite, linkID int64) (*Link, error) {
	if err := actor.Can(people.Edit, sub.ID); err != nil {
		return nil, err
	}
	return s.findLink(ctx, s.Pages.DB.R, sub, linkID)
}

// RevokeLink ends a link of sub at once: the next request through it is a 404. Revoking a
// revoked link answers it as it is. Returns FindLink's errors.
func (s *Service) RevokeLink(ctx context.Context, actor *people.Actor, sub *people.Subsite, linkID int64) (*Link, error) {
	if err := actor.Can(people.Edit, sub.ID); err != nil {
		return nil, err
	}
	err := s.Pages.DB.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE share_links SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND subsite_id = ?`,
			api.NewTime(s.Pages.DB.Now()), linkID, sub.ID)
		if err != nil {
			return fmt.Errorf("revoke link %d: %w", linkID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrLinkNotFound
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.findLink(ctx, s.Pages.DB.R, sub, linkID)
}

// ListViews returns a link of sub with its totals and its latest views, newest first, to its
// page's editors. Returns FindLink's errors.
func (s *Service) ListViews(ctx context.Context, actor *people.Actor, sub *people.Subsite, linkID int64) (*LinkViews, error) {
	if err := actor.Can(people.Edit, sub.ID); err != nil {
		return nil, err
	}
	tx, err := s.Pages.DB.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback() // read only
	l, err := s.findLink(ctx, tx, sub, linkID)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, viewed_at, email, download, file_id FROM share_link_views
		WHERE link_id = ? ORDER BY id DESC LIMIT ?`, linkID, MaxViewsListed+1)
	if err != nil {
		return nil, fmt.Errorf("list views of link %d: %w", linkID, err)
	}
	defer rows.Close()
	out := &LinkViews{Link: l, Views: []*View{}}
	for rows.Next() {
		v := &View{}
		var email sql.NullString
		var file sql.NullInt64
		if err := rows.Scan(&v.ID, &v.ViewedAt, &email, &v.Download, &file); err != nil {
			return nil, err
		}
		if email.Valid {
			v.Email = &email.String
		}
		if file.Valid {
			v.FileID = &file.Int64
		}
		out.Views = append(out.Views, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out.Views) > MaxViewsListed {
		out.Views, out.More = out.Views[:MaxViewsListed], true
	}
	return out, nil
}

// linkColumns are a link's columns with its view totals, from share_links aliased l.
const linkColumns = `l.id, l.page_id, l.subsite_id, l.name, l.secret, l.password_hash, l.require_email, l.allow_download,
	l.expires_at, l.created_at, l.created_by, l.revoked_at,
	(SELECT COUNT(*) FROM share_link_views v WHERE v.link_id = l.id AND v.download = 0),
	(SELECT COUNT(*) FROM share_link_views v WHERE v.link_id = l.id AND v.download = 1),
	(SELECT MAX(v.viewed_at) FROM share_link_views v WHERE v.link_id = l.id)`

func (s *Service) scanLink(row interface{ Scan(...any) error }) (*Link, error) {
	l := &Link{}
	var secret string
	var hash sql.NullString
	var expires, revoked, last *api.Time
	err := row.Scan(&l.ID, &l.PageID, &l.SubsiteID, &l.Name, &secret, &hash, &l.RequireEmail, &l.AllowDownload,
		&expires, &l.CreatedAt, &l.CreatedBy.ID, &revoked, &l.Views, &l.Downloads, &last)
	if err != nil {
		return nil, err
	}
	l.URL = s.Pages.BaseURL + "/s/" + secret
	l.passwordHash, l.HasPassword = hash.String, hash.Valid
	l.ExpiresAt, l.RevokedAt, l.LastViewedAt = expires, revoked, last
	l.Active = revoked == nil && (expires == nil || expires.After(s.Pages.DB.Now()))
	return l, nil
}

// findLink returns the link of sub with the id, with its creator's name. Returns ErrLinkNotFound.
func (s *Service) findLink(ctx context.Context, db pages.DBTX, sub *people.Subsite, id int64) (*Link, error) {
	l, err := s.scanLink(db.QueryRowContext(ctx, `SELECT `+linkColumns+` FROM share_links l WHERE l.id = ? AND l.subsite_id = ?`, id, sub.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrLinkNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find link %d: %w", id, err)
	}
	return l, people.FillNames(ctx, db, &l.CreatedBy)
}

// secretDigest is the hex SHA-256 of a link's secret, by which it is looked up.
func secretDigest(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"quire/app/api"
	"quire/app/sqldb"
)

// DefaultSlug is the slug of the subsite made at install, as Papyrs names it.
const DefaultSlug = "home"

// maxSlug bounds subsite slugs.
const maxSlug = 60

// maxDescription bounds a subsite's description, in characters.
const maxDescription = 2000

// reservedSlugs cannot be subsites: they would shadow the site's own URLs.
var reservedSlugs = map[string]bool{"api": true, "static": true, "files": true, "healthz": true, "docs": true}

// Subsite is a part of the site with its own members, pages and folders, at /@slug/.
type Subsite struct {
	ID          int64    `json:"id"`
	Slug        string   `json:"slug"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	URL         string   `json:"url"`
	DefaultRole Role     `json:"default_role"`
	AutoJoin    bool     `json:"auto_join"`
	CreatedAt   api.Time `json:"created_at"`
	// MemberCount is filled by ListSubsites and CreateSubsite, the answers that show it; lookups
	// on the request path leave it 0 rather than count members on every request.
	MemberCount int `json:"member_count"`
}

// NewSubsite is what creating a subsite takes. Slug may be empty: one is made from the title.
type NewSubsite struct {
	Title       string
	Description string
	Slug        string
	DefaultRole Role // RoleNone means editor
	AutoJoin    bool
}

const subsiteColumns = `s.id, s.slug, s.title, s.description, s.default_role, s.auto_join, s.created_at`

const memberCountColumn = `, (SELECT COUNT(*) FROM memberships m WHERE m.subsite_id = s.id)`

func (s *Service) scanSubsite(row interface{ Scan(...any) error }, withCount bool) (*Subsite, error) {
	sub := &Subsite{}
	dest := []any{&sub.ID, &sub.Slug, &sub.Title, &sub.Description, &sub.DefaultRole, &sub.AutoJoin, &sub.CreatedAt}
	if withCount {
		dest = append(dest, &sub.MemberCount)
	}
	err := row.Scan(dest...)
	if err != nil {
		return nil, err
	}
	sub.URL = s.BaseURL + "/@" + sub.Slug + "/"
	return sub, nil
}

// FindSubsiteBySlug returns the subsite with the slug. Returns ErrSubsiteNotFound if none.
func (s *Service) FindSubsiteBySlug(ctx context.Context, db DBTX, slug string) (*Subsite, error) {
	return s.findSubsite(ctx, db, `s.slug = ?`, strings.ToLower(slug))
}

// FindSubsiteByID returns the subsite with the id. Returns ErrSubsiteNotFound if none.
func (s *Service) FindSubsiteByID(ctx context.Context, db DBTX, id int64) (*Subsite, error) {
	return s.findSubsite(ctx, db, `s.id = ?`, id)
}

// DefaultSubsite returns the subsite made at install: the site-wide URL acts on it.
func (s *Service) DefaultSubsite(ctx context.Context, db DBTX) (*Subsite, error) {
	return s.findSubsite(ctx, db, `s.id = (SELECT MIN(id) FROM subsites)`)
}

func (s *Service) findSubsite(ctx context.Context, db DBTX, where string, args ...any) (*Subsite, error) {
	sub, err := s.scanSubsite(db.QueryRowContext(ctx, `SELECT `+subsiteColumns+` FROM subsites s WHERE `+where, args...), false)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrSubsiteNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find subsite: %w", err)
	}
	return sub, nil
}

// ListSubsites reads a batch of the site's subsites (an api.ListReader), oldest first. Returns a
// validation error for a cursor that is not one of this list's.
func (s *Service) ListSubsites(ctx context.Context, db DBTX, q api.ListQuery) ([]*Subsite, []string, error) {
	if err := q.CheckCursor(1); err != nil {
		return nil, nil, err
	}
	var after int64
	if len(q.Cursor) == 1 {
		var err error
		if after, err = api.CursorID(q.Cursor[0]); err != nil {
			return nil, nil, err
		}
	}
	rows, err := db.QueryContext(ctx, `SELECT `+subsiteColumns+memberCountColumn+` FROM subsites s WHERE s.id > ? ORDER BY s.id LIMIT ?`,
		after, q.Limit+1)
	if err != nil {
		return nil, nil, fmt.Errorf("list subsites: %w", err)
	}
	defer rows.Close()
	out := []*Subsite{}
	for rows.Next() {
		sub, err := s.scanSubsite(rows, true)
		if err != nil {
			return nil, nil, fmt.Errorf("list subsites: %w", err)
		}
		if len(out) == q.Limit {
			return out, []string{strconv.FormatInt(out[len(out)-1].ID, 10)}, nil
		}
		out = append(out, sub)
	}
	return out, nil, rows.Err()
}

// AddSubsite adds a subsite on actor's behalf (site owners only); actor becomes its admin.
// Returns actor.Can's errors, a validation error for a bad title, description or slug, and
// ErrSlugTaken for a slug in use.
func (s *Service) AddSubsite(ctx context.Context, actor *Actor, ns NewSubsite) (*Subsite, error) {
	if err := actor.Can(ManageSite, 0); err != nil {
		return nil, err
	}
	return s.CreateSubsite(ctx, ns, actor.User.ID)
}

// SubsitesReader returns the reader of the site's subsites (ListSubsites) for actor: site
// owners only. Returns actor.Can's errors.
func (s *Service) SubsitesReader(actor *Actor) (api.ListReader[*Subsite], error) {
	if err := actor.Can(ManageSite, 0); err != nil {
		return nil, err
	}
	return s.ListSubsites, nil
}

// CreateSubsite adds a subsite; creatorID (0 for none) becomes its admin. Returns a validation
// error for a bad title or slug and ErrSlugTaken for a slug in use.
func (s *Service) CreateSubsite(ctx context.Context, ns NewSubsite, creatorID int64) (*Subsite, error) {
	var sub *Subsite
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		var err error
		sub, err = s.insertSubsite(ctx, tx, ns)
		if err != nil || creatorID == 0 {
			return err
		}
		if err := s.join(ctx, tx, sub.ID, creatorID, RoleAdmin, creatorID); err != nil {
			return err
		}
		sub.MemberCount = 1
		return s.personChanged(ctx, tx, creatorID)
	})
	return sub, err
}

func (s *Service) insertSubsite(ctx context.Context, tx DBTX, ns NewSubsite) (*Subsite, error) {
	title, err := validName("title", ns.Title)
	if err != nil {
		return nil, err
	}
	description, err := api.Text("description", ns.Description, maxDescription)
	if err != nil {
		return nil, err
	}
	// A slug is one line of text first (api.Line), so that a control or bidirectional character
	// in it is named as everywhere else; then a-z, 0-9 and hyphens.
	slug, err := api.Line("slug", ns.Slug, 0)
	if err != nil {
		return nil, err
	}
	slug = strings.ToLower(slug)
	if slug == "" {
		if slug = api.Slugify(title, maxSlug); slug == "" {
			slug = "subsite"
		}
		if slug, err = freeSlug(ctx, tx, slug); err != nil {
			return nil, err
		}
	} else if !api.ValidSlug(slug, maxSlug) {
		return nil, api.Invalid("slug", "The slug may use a-z, 0-9 and single hyphens, at most %d characters.", maxSlug)
	}
	if reservedSlugs[slug] {
		return nil, api.Invalid("slug", "The slug %q is reserved; choose another.", slug)
	}
	role := ns.DefaultRole
	if role == RoleNone {
		role = RoleEditor
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO subsites (slug, title, description, default_role, auto_join, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, slug, title, description, role, ns.AutoJoin, api.NewTime(s.DB.Now()))
	if err != nil {
		if sqldb.IsUnique(err) {
			return nil, ErrSlugTaken
		}
		return nil, fmt.Errorf("create subsite: %w", err)
	}
	sub, err := s.FindSubsiteBySlug(ctx, tx, slug)
	if err != nil {
		return nil, err
	}
	if s.SubsiteCreated != nil {
		if err := s.SubsiteCreated(ctx, tx, sub.ID); err != nil {
			return nil, err
		}
	}
	return sub, nil
}

// freeSlug returns slug, or slug-2, slug-3... when it is taken or reserved.
func freeSlug(ctx context.Context, db DBTX, slug string) (string, error) {
	candidate := slug
	for n := 2; ; n++ {
		var taken bool
		err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM subsites WHERE slug = ?)`, candidate).Scan(&taken)
		if err != nil {
			return "", fmt.Errorf("free slug: %w", err)
		}
		if !taken && !reservedSlugs[candidate] {
			return candidate, nil
		}
		candidate = fmt.Sprintf("%s-%d", slug, n)
	}
}

// SubsiteChange is what subsites/update changes; nil fields stay as they are.
type SubsiteChange struct {
	Title, Description *string
	DefaultRole        *Role
	AutoJoin           *bool
}

// UpdateSubsite changes a subsite's title, description, default role or auto-join setting on
// actor's behalf: admins of the subsite and owners, and only owners change auto-join, which puts
// everyone invited from now on in the subsite. Values it holds already change nothing: a subsite
// given nothing new is not written (so the people epoch that empties the permission caches does
// not move). Returns actor.Can's errors (ErrNotFound for a non-member), a forbidden error for
// auto-join asked by an admin who is no owner, a validation error for a bad title or
// description, and ErrSubsiteNotFound.
func (s *Service) UpdateSubsite(ctx context.Context, actor *Actor, id int64, ch SubsiteChange) (*Subsite, error) {
	if err := actor.Can(ManageMembers, id); err != nil {
		return nil, err
	}
	if ch.AutoJoin != nil && actor.Can(ManageSite, 0) != nil {
		return nil, api.Forbidden("Only site owners may change auto_join: it puts everyone invited from now on in this subsite.")
	}
	var sets, differs []string
	var args []any
	set := func(column string, value any) {
		sets, differs, args = append(sets, column+" = ?"), append(differs, column+" <> ?"), append(args, value)
	}
	if ch.Title != nil {
		title, err := validName("title", *ch.Title)
		if err != nil {
			return nil, err
		}
		set("title", title)
	}
	if ch.Description != nil {
		description, err := api.Text("description", *ch.Description, maxDescription)
		if err != nil {
			return nil, err
		}
		set("description", description)
	}
	if ch.DefaultRole != nil {
		set("default_role", string(*ch.DefaultRole))
	}
	if ch.AutoJoin != nil {
		set("auto_join", *ch.AutoJoin)
	}
	var sub *Subsite
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		if len(sets) > 0 {
			_, err := tx.ExecContext(ctx, `UPDATE subsites SET `+strings.Join(sets, ", ")+` WHERE id = ? AND (`+
				strings.Join(differs, " OR ")+`)`, append(append(args, id), args...)...)
			if err != nil {
				return fmt.Errorf("update subsite: %w", err)
			}
		}
		var err error
		sub, err = s.scanSubsite(tx.QueryRowContext(ctx, `SELECT `+subsiteColumns+memberCountColumn+` FROM subsites s WHERE s.id = ?`, id), true)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrSubsiteNotFound
		}
		return err
	})
	return sub, err
}

// EnsureDefaultSubsite makes the default subsite when the site has none, and returns it.
func (s *Service) EnsureDefaultSubsite(ctx context.Context) (*Subsite, error) {
	// Read first: a command that only reads need not wait for the write lock.
	sub, err := s.DefaultSubsite(ctx, s.DB.R)
	if !errors.Is(err, ErrSubsiteNotFound) {
		return sub, err
	}
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		var err error
		sub, err = s.DefaultSubsite(ctx, tx)
		if !errors.Is(err, ErrSubsiteNotFound) {
			return err
		}
		sub, err = s.insertSubsite(ctx, tx, NewSubsite{Title: "Home", Slug: DefaultSlug, AutoJoin: true,
			Description: "The whole company's space."})
		return err
	})
	return sub, err
}

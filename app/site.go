// Package app is the composition root: configuration, the database, the wiring of the domain
// packages, the router and its middleware, the CLI, and the mapping of errors to HTTP.
package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"quire/app/events"
	"quire/app/hooks"
	"quire/app/httpapi"
	"quire/app/sqldb"
	"quire/pages"
	"quire/pages/links"
	"quire/pages/search"
	"quire/people"
	"quire/widgets"
	"quire/widgets/blobs"
)

// DatabaseFile is the name of the SQLite file in the data directory.
const DatabaseFile = "quire.db"

// Site is an opened data directory with the domain services wired together. The server and every
// CLI command work through one.
type Site struct {
	Config Config
	DB     *sqldb.DB
	People *people.Service
	Pages  *pages.Service
	Search *search.Service
	// Hooks is REST hooks and the activity log (app/hooks over app/events).
	Hooks *hooks.Service
	Links *links.Service // share links (pages/links)
}

// OpenSite opens the data directory of cfg, creating and initialising it when it is empty:
// migrations applied in package order, the default subsite made.
func OpenSite(ctx context.Context, cfg Config) (*Site, error) {
	if err := os.MkdirAll(cfg.Data, 0o750); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	file := filepath.Join(cfg.Data, DatabaseFile)
	db, err := sqldb.Open(file)
	if err != nil {
		return nil, err
	}
	if cfg.lockNotice != nil {
		db.OnLocked = lockWaiter(cfg.lockNotice, file)
	}
	site := wire(cfg, db)
	if _, err := sqldb.Migrate(ctx, db,
		sqldb.Migrations{Package: "people", FS: people.Migrations},
		sqldb.Migrations{Package: "widgets", FS: widgets.Migrations},
		sqldb.Migrations{Package: "pages", FS: pages.Migrations},
		sqldb.Migrations{Package: "events", FS: events.Migrations},
		sqldb.Migrations{Package: "pages/links", FS: links.Migrations},
	); err != nil {
		db.Close()
		return nil, err
	}
	if _, err := site.People.EnsureDefaultSubsite(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return site, nil
}

// wire builds the services over db and connects their hooks.
func wire(cfg Config, db *sqldb.DB) *Site {
	budget := httpapi.NewBudget(cfg.AnswerMemMB<<20, filepath.Join(cfg.Data, "tmp"))
	ppl := &people.Service{DB: db, BaseURL: cfg.BaseURL, Budget: budget, PasswordCost: cfg.PasswordCost}
	store := &blobs.Store{Dir: filepath.Join(cfg.Data, "files")}
	sr := &search.Service{DB: db, People: ppl, BaseURL: cfg.BaseURL, Blobs: store}
	pg := &pages.Service{DB: db, People: ppl, BaseURL: cfg.BaseURL, Budget: budget,
		Blobs: store, MaxUploadBytes: cfg.MaxUploadMB << 20, Search: sr}
	ppl.SubsiteCreated = pg.CreateMainFolder
	ppl.PersonChanged = sr.IndexPerson
	hk := &hooks.Service{DB: db, People: ppl, Budget: budget, AllowPrivate: cfg.HooksAllowPrivate}
	return &Site{Config: cfg, DB: db, People: ppl, Pages: pg, Search: sr, Hooks: hk, Links: &links.Service{Pages: pg}}
}

// SetBaseURL changes the site's URL once the listener's address is known.
func (s *Site) SetBaseURL(u string) {
	s.Config.BaseURL = u
	s.People.BaseURL = u
	s.Pages.BaseURL = u
	s.Search.BaseURL = u
}

// Close closes the database.
func (s *Site) Close() error { return s.DB.Close() }

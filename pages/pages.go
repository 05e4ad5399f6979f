// Package pages holds pages and their column layout, folders, copy and trash, the operations on
// their widgets and the widgets' versions, and the page cache. It uses widgets for content and
// people for who may do what.
//
// Concepts that need only its exported reads live in sub-packages that import it (so it never
// imports them): pages/activity (a page's timeline, visits, editors), pages/records (forms'
// records) and pages/discussions (posts). pages/search is the other way: pages calls it inside
// its write transactions.
//
// What the API offers is a set of operations, exported methods of Service that take the caller
// (a *people.Actor), the subsite and parsed values, and know nothing of HTTP: CreatePage,
// CopyPage, UpdateTextWidget, TrashPage, ReadPages, ReadPage... Each checks permission
// (actor.Can), validates, runs one transaction with its side effects queued in it
// (notifications, the search queue) and returns typed errors, listed in its doc comment; a read
// of a list returns the api.ListReader the answer reads in batches. The REST API's handlers
// (pages/rest) are one front end of them; the bench's seeding calls the same CreatePage, and so
// will the web UI (pages/web).
package pages

import (
	"context"
	"embed"
	"fmt"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/app/sqldb"
	"quire/pages/search"
	"quire/people"
	"quire/widgets"
	"quire/widgets/blobs"
)

// Migrations are the page tables; app applies them after people's and widgets'.
//
//go:embed migrations/*.sql
var Migrations embed.FS

// DBTX is a connection or transaction.
type DBTX = sqldb.DBTX

// Service is the pages domain: its operations and store functions.
type Service struct {
	DB      *sqldb.DB
	People  *people.Service
	BaseURL string
	// Blobs stores uploaded files; MaxUploadBytes is the largest accepted.
	Blobs          *blobs.Store
	MaxUploadBytes int64
	// Budget bounds the memory of large answers built at once (nil: no bound).
	Budget *httpapi.Budget

	// Search indexes what pages' writes change, inside their transactions.
	Search *search.Service

	pageCache pageCache // answers of pages/get
}

// Page is a page in the shape the API answers. JSON (the columns of widgets) is nil in lists.
type Page struct {
	ID        int64                `json:"id"`
	Title     string               `json:"title"`
	Slug      string               `json:"slug"`
	URL       string               `json:"url"`
	SubsiteID int64                `json:"subsite_id"`
	FolderID  int64                `json:"folder_id"`
	Category  string               `json:"category"`
	Tags      []string             `json:"tags"`
	IsPublic  bool                 `json:"is_public"`
	Layout    [][]int              `json:"layout"`
	CreatedAt api.Time             `json:"created_at"`
	UpdatedAt api.Time             `json:"updated_at"`
	CreatedBy api.UserRef          `json:"created_by"`
	DeletedAt *api.Time            `json:"deleted_at,omitempty"`
	JSON      *[][]*widgets.Widget `json:"json,omitempty"`
}

// Columns returns how many columns the page has.
func (p *Page) Columns() int {
	if len(p.Layout) == 0 {
		return 0
	}
	return len(p.Layout[0])
}

// pageURL is where a page is read in the browser.
func (s *Service) pageURL(subsiteSlug, pageSlug string) string {
	return s.BaseURL + "/@" + subsiteSlug + "/" + pageSlug + "/"
}

// pageChanged records that something on the page changed at now, and indexes the page for
// search: every write that touches a page or its widgets goes through here or pageTextChanged,
// inside its transaction.
func (s *Service) pageChanged(ctx context.Context, tx DBTX, pageID int64, now api.Time) error {
	if err := touchPage(ctx, tx, pageID, now); err != nil {
		return err
	}
	return s.Search.IndexPage(ctx, tx, pageID, false)
}

// pageTextChanged is pageChanged for a write that changes only the page's own text or order, not
// what else is found with it (see indexing): the page is queued for the search index instead.
func (s *Service) pageTextChanged(ctx context.Context, tx DBTX, pageID int64, now api.Time) error {
	if err := touchPage(ctx, tx, pageID, now); err != nil {
		return err
	}
	return s.Search.QueuePage(ctx, tx, pageID, false)
}

func touchPage(ctx context.Context, tx DBTX, pageID int64, now api.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE pages SET updated_at = ? WHERE id = ?`, now, pageID); err != nil {
		return fmt.Errorf("page %d changed: %w", pageID, err)
	}
	return nil
}

// OpenAPI holds this package's parts of the OpenAPI document (openapi/*.yaml): the paths and
// schemas of its endpoints, one file per area.
//
//go:embed openapi/*.yaml
var OpenAPI embed.FS

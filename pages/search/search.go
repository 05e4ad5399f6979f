// Package search is the wiki's full-text search: the index (one FTS5 index over pages, files,
// people, form entries and comments, in parts), the queue of pages to index, the rebuild of an
// index of an older format, the query and its ranking and snippets, the HTTP handler of
// /search/query/, and the web UI's search page and suggestions (web.go).
//
// pages calls it inside its write transactions (IndexPage, QueuePage, IndexFile, IndexDoc);
// people, through app's wiring, for every change to a person (IndexPerson). It never imports
// pages: it reads the page tables it indexes with SQL, and widgets through widgets' functions.
// Its tables are created by pages' migrations (pages/migrations/*search*.sql), where they were
// first applied.
package search

import (
	"embed"
	"html/template"
	"log/slog"
	"sync"

	"github.com/gin-gonic/gin"

	"quire/app/sqldb"
	"quire/people"
	"quire/widgets/blobs"
)

// DBTX is a connection or transaction.
type DBTX = sqldb.DBTX

// Service is the search index and its queries.
type Service struct {
	DB      *sqldb.DB
	People  *people.Service // the subsites that results link into
	BaseURL string          // results' url is BaseURL + their lnk
	Blobs   *blobs.Store    // the bytes of uploaded files, whose text is indexed
	// Log takes what the service does not answer to anyone (nil: slog's default logger).
	Log *slog.Logger
	// Sidebar renders the subsite's page tree that the search page shows beside its results
	// ("" on a site-wide URL); app sets it from pages/web, which this package cannot import.
	// nil: no sidebar.
	Sidebar func(c *gin.Context) (template.HTML, error)

	wake     chan struct{} // wakes the indexer (rebuild.go)
	wakeOnce sync.Once
}

// OpenAPI holds this package's part of the OpenAPI document (openapi/*.yaml).
//
//go:embed openapi/*.yaml
var OpenAPI embed.FS

// log returns the service's logger.
func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

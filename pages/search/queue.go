package search

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"quire/app/sqldb"
)

// A write that changes only a page's own text or order (pages' indexLater: text widgets,
// Markdown, forms' fields, moves, a new page) does not index the page inside its transaction: it
// queues the page (QueuePage: one statement, so a crash loses nothing). The search indexer
// (RunIndexer) indexes queued pages in batches, many to a transaction, and a search first
// indexes up to a batch's worth (pageBatch) of the queue, so that it finds what was written
// before it unless a bulk change queued more than that. Writes that change what else is found (a
// page trashed, a widget deleted: pages' indexNow) index at once, so that nothing hidden is ever found,
// whatever is queued. Indexing a page inside each write made the index's tables (parts, texts,
// full-text segments) the larger part of every write transaction on the one writer; in batches
// the full-text index writes one segment for many pages.

// Bounds of one batch of queued pages, one transaction: at most pageBatch pages, and no page
// more once batchTime has passed (one page's indexing is bounded by MaxPageBytes: a second or so
// for a page of 8 MB of text, whose parts are all new), so that the writer is held briefly.
const (
	pageBatch = 200
	batchTime = 100 * time.Millisecond
)

// QueuePage asks, in the caller's transaction, for the page's search entries to be brought
// up to date with it (IndexPage); force asks for every part to be indexed again.
func (s *Service) QueuePage(ctx context.Context, tx DBTX, pageID int64, force bool) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO search_page_queue (page_id, force) VALUES (?, ?)
		ON CONFLICT (page_id) DO UPDATE SET force = force OR excluded.force`, pageID, force); err != nil {
		return fmt.Errorf("queue page %d for search: %w", pageID, err)
	}
	return nil
}

// CatchUp indexes the pages that writes queued, in batches of one transaction each, until it
// has indexed max pages (all of them when max is 0) or the queue is empty. It returns the
// database's error (a busy one when another process holds the writer), or ctx's.
func (s *Service) CatchUp(ctx context.Context, max int) error {
	for done := 0; max == 0 || done < max; {
		limit := pageBatch
		if max > 0 {
			limit = min(limit, max-done)
		}
		n, err := s.indexQueuedPages(ctx, limit)
		if err != nil || n == 0 {
			return err
		}
		done += n
	}
	return nil
}

// catchUpBeforeSearch indexes up to pageBatch queued pages before a search, so that it finds
// what was written before it: in as many transactions as batchTime cuts them into, so that a
// slow machine does not make it find less. It never makes the search wait for another process's
// write lock, nor fail: a search then finds what is indexed (writes that hide things index at
// once).
func (s *Service) catchUpBeforeSearch(ctx context.Context) {
	ctx = sqldb.WithOutcome(sqldb.WithPatience(ctx, 0), nil) // the request's own outcome is not this write's
	if err := s.CatchUp(ctx, pageBatch); err != nil && !sqldb.IsBusy(err) && ctx.Err() == nil {
		s.log().Warn("search: could not index the queued pages first; searching what is indexed", "err", err)
	}
}

// indexQueuedPages indexes one batch of queued pages, at most limit, in one transaction, and
// returns how many.
func (s *Service) indexQueuedPages(ctx context.Context, limit int) (int, error) {
	// Looking costs a read, not a write transaction (which would also end every cached answer).
	var queued bool
	if err := s.DB.R.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM search_page_queue)`).Scan(&queued); err != nil || !queued {
		return 0, err
	}
	n := 0
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		n = 0
		rows, err := tx.QueryContext(ctx, `SELECT page_id, force FROM search_page_queue ORDER BY page_id LIMIT ?`, limit)
		if err != nil {
			return err
		}
		type queued struct {
			id    int64
			force bool
		}
		var list []queued
		for rows.Next() {
			var q queued
			if err := rows.Scan(&q.id, &q.force); err != nil {
				rows.Close()
				return err
			}
			list = append(list, q)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		start := time.Now()
		for _, q := range list {
			if n > 0 && time.Since(start) > batchTime {
				break
			}
			err := s.IndexPage(ctx, tx, q.id, q.force)
			if errors.Is(err, sql.ErrNoRows) { // the page is gone: so are its entries
				err = unindexDocs(ctx, tx, CatPage, q.id)
			}
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM search_page_queue WHERE page_id = ?`, q.id); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("index queued pages: %w", err)
	}
	return n, nil
}

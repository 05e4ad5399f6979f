package pages

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Search indexing of pages runs after the write, not inside it. A write to a page queues the page
// (queueIndexPage: one statement in the write's transaction, so a crash loses nothing); the
// search indexer (RunSearchIndexer) indexes queued pages in batches, many to a transaction; and
// every search first indexes what is queued (CatchUpSearch), so that it finds all that was
// written before it, as when the index was written with the page. Indexing a page inside each
// write made the index's tables (parts, texts, full-text segments) the larger part of every
// write transaction, held on the one writer; in batches the full-text index writes one segment
// for many pages.

// Bounds of one batch of queued pages, one transaction: at most pageBatch pages, and no more
// pages once batchTime has passed (a page's indexing is bounded by MaxPageBytes), so that the
// writer is never held long.
const (
	pageBatch = 200
	batchTime = 100 * time.Millisecond
)

// searchCatchUp is how many queued pages one search indexes at most before it runs; past that
// (after a bulk import, say), it finds what is indexed, and the indexer does the rest.
const searchCatchUp = 2000

// queueIndexPage asks, in the caller's transaction, for the page's search entries to be brought
// up to date with it (indexPage); force asks for every part to be indexed again.
func (s *Service) queueIndexPage(ctx context.Context, tx DBTX, pageID int64, force bool) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO search_page_queue (page_id, force) VALUES (?, ?)
		ON CONFLICT (page_id) DO UPDATE SET force = force OR excluded.force`, pageID, force); err != nil {
		return fmt.Errorf("queue page %d for search: %w", pageID, err)
	}
	return nil
}

// CatchUpSearch indexes the pages that writes queued, most of them at the most (0: all), in
// batches of one transaction each. It returns the database's error (a busy one when another
// process holds the writer), or ctx's.
func (s *Service) CatchUpSearch(ctx context.Context, most int) error {
	done := 0
	for most == 0 || done < most {
		n, err := s.indexQueuedPages(ctx)
		if err != nil || n == 0 {
			return err
		}
		done += n
	}
	return nil
}

// indexQueuedPages indexes one batch of queued pages, in one transaction, and returns how many.
func (s *Service) indexQueuedPages(ctx context.Context) (int, error) {
	// Looking costs a read, not a write transaction (which would also end every cached answer).
	var queued bool
	if err := s.DB.R.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM search_page_queue)`).Scan(&queued); err != nil || !queued {
		return 0, err
	}
	n := 0
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		n = 0
		rows, err := tx.QueryContext(ctx, `SELECT page_id, force FROM search_page_queue ORDER BY page_id LIMIT ?`, pageBatch)
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
			err := s.indexPage(ctx, tx, q.id, q.force)
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

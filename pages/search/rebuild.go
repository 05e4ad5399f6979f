package search

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"quire/app/sqldb"
	"quire/widgets"
)

// indexFormat is the format of the search index this binary writes. Raise it whenever what the
// index holds or how text is cut into tokens (text.go) changes: the rebuild at start then
// indexes everything again. Format 1 was one entry per page, cut at 1 MiB; format 2 is in parts,
// with glyph and symbol tokens; format 3 reads full-width and half-width forms as their ordinary
// forms and holds gap tokens beside symbols that stand apart, and its rebuild hides what sits
// on a page but no longer shows there (IndexPage, showWhatSitsOn).
const indexFormat = 3

// rebuildBatch is how many things one rebuild transaction indexes, and rebuildBytes how much
// text at most, whichever comes first: the writer is held for one batch at a time.
const (
	rebuildBatch = 200
	rebuildBytes = 8 << 20
)

// Rebuild phases, in order: every page from its page row and widgets, then everything else from
// the text the index keeps (a file from its bytes).
const (
	phasePages = "pages"
	phaseOther = "other"
)

// RebuildProgress is where a rebuild is, after a batch.
type RebuildProgress struct {
	FromFormat int
	Phase      string // "pages", "other", or "" when done
	After      int64  // the last id done in the phase
	Done       int    // things indexed by this call
	Total      int    // things to index, counted when the call began
}

// Rebuild brings the search index to the format this binary writes, when it is not: a
// database written by an older binary, or a rebuild that stopped. It works in batches of at most
// batch things, one transaction each, and records after each where it is (search_state), so that
// a stop or a crash loses at most one batch; the next call carries on from there. Meanwhile
// searches find what is indexed already, and writes index what they change as always. progress
// is called after each batch. It returns nil when the index is current, or ctx's error when ctx
// ends first.
func (s *Service) Rebuild(ctx context.Context, batch int, progress func(RebuildProgress)) error {
	format, phase, after, err := s.rebuildState(ctx)
	if err != nil || format == indexFormat {
		return err
	}
	if phase == "" {
		phase = phasePages
	}
	p := RebuildProgress{FromFormat: format, Phase: phase, After: after}
	if err := s.DB.R.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM pages) + (SELECT COUNT(*) FROM search_docs WHERE cat <> ?)`,
		CatPage).Scan(&p.Total); err != nil {
		return fmt.Errorf("search rebuild: %w", err)
	}
	for p.Phase != "" {
		var n int
		err := s.DB.Write(ctx, func(tx *sql.Tx) error {
			var err error
			after := p.After
			switch p.Phase {
			case phasePages:
				n, after, err = s.rebuildPages(ctx, tx, p.After, batch)
			case phaseOther:
				n, after, err = s.rebuildOther(ctx, tx, p.After, batch)
			}
			if err != nil {
				return err
			}
			next := p
			next.After = after
			if n == 0 { // the phase is done
				next.After = 0
				if next.Phase == phasePages {
					next.Phase = phaseOther
				} else {
					next.Phase = ""
				}
			}
			if err := saveRebuildState(ctx, tx, next.Phase, next.After); err != nil {
				return err
			}
			p = next
			return nil
		})
		if err != nil {
			return fmt.Errorf("search rebuild: %w", err)
		}
		p.Done += n
		progress(p)
	}
	return nil
}

// rebuildState reads the index format and, during a rebuild, its phase and last id done.
func (s *Service) rebuildState(ctx context.Context) (format int, phase string, after int64, err error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT name, value FROM search_state WHERE name IN ('format', 'rebuild')`)
	if err != nil {
		return 0, "", 0, fmt.Errorf("search state: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			return 0, "", 0, fmt.Errorf("search state: %w", err)
		}
		switch name {
		case "format":
			format, _ = strconv.Atoi(value)
		case "rebuild":
			p, id, _ := strings.Cut(value, ":")
			if n, err := strconv.ParseInt(id, 10, 64); err == nil && (p == phasePages || p == phaseOther) {
				phase, after = p, n
			}
		}
	}
	return format, phase, after, rows.Err()
}

// saveRebuildState records where the rebuild is; an empty phase records the rebuild as done.
func saveRebuildState(ctx context.Context, tx *sql.Tx, phase string, after int64) error {
	if phase == "" {
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_state WHERE name = 'rebuild'`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO search_state (name, value) VALUES ('format', ?)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value`, strconv.Itoa(indexFormat))
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO search_state (name, value) VALUES ('rebuild', ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, phase+":"+strconv.FormatInt(after, 10))
	return err
}

// rebuildPages indexes the pages after page id after, up to a batch, from their page rows and
// widgets, and returns how many and the last id.
func (s *Service) rebuildPages(ctx context.Context, tx *sql.Tx, after int64, batch int) (int, int64, error) {
	ids, err := sqldb.Int64s(ctx, tx, `SELECT id FROM pages WHERE id > ? ORDER BY id LIMIT ?`, after, batch)
	if err != nil {
		return 0, after, err
	}
	for _, id := range ids {
		if err := s.IndexPage(ctx, tx, id, true); err != nil {
			return 0, after, err
		}
		after = id
	}
	return len(ids), after, nil
}

// rebuildOther indexes again the things other than pages after id after, up to a batch or
// rebuildBytes of text: files from their bytes, the others from the text the index keeps.
func (s *Service) rebuildOther(ctx context.Context, tx *sql.Tx, after int64, batch int) (int, int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, cat, ref_id, subsite_id, COALESCE(page_id, 0) FROM search_docs
		WHERE id > ? AND cat <> ? ORDER BY id LIMIT ?`, after, CatPage, batch)
	if err != nil {
		return 0, after, err
	}
	type doc struct {
		id, ref, subsite, page int64
		cat                    string
	}
	var docs []doc
	for rows.Next() {
		var d doc
		if err := rows.Scan(&d.id, &d.cat, &d.ref, &d.subsite, &d.page); err != nil {
			rows.Close()
			return 0, after, err
		}
		docs = append(docs, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, after, err
	}
	bytes := 0
	for i, d := range docs {
		if bytes >= rebuildBytes {
			return i, after, nil
		}
		n, err := s.reindexDoc(ctx, tx, d.id, d.cat, d.ref, d.subsite, d.page)
		if err != nil {
			return 0, after, err
		}
		bytes += n
		after = d.id
	}
	return len(docs), after, nil
}

// reindexDoc indexes one thing again and returns how much text it read: a file from its bytes
// (when they can be read; else from the text its parts keep, and that is logged), anything else
// from the text its parts keep.
func (s *Service) reindexDoc(ctx context.Context, tx *sql.Tx, docID int64, cat string, ref, subsiteID, pageID int64) (int, error) {
	if cat == CatFile {
		f, err := widgets.FindFile(ctx, tx, ref)
		if err == nil {
			blob, err := s.Blobs.Open(f.SHA256)
			if err == nil {
				blob.Close()
				return int(min(f.Size, maxPartText)), s.IndexFile(ctx, tx, subsiteID, pageID, f)
			}
			if widgets.IsTextLike(f.ContentType) {
				s.unreadable(f, 0, err)
			}
		} else if !errors.Is(err, widgets.ErrFileNotFound) {
			return 0, err
		}
	}
	var title string
	if err := tx.QueryRowContext(ctx, `SELECT title FROM search_docs WHERE id = ?`, docID).Scan(&title); err != nil {
		return 0, err
	}
	if titled(cat) {
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_titles WHERE rowid = ?`, docID); err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO search_titles (rowid, title) VALUES (?, ?)`, docID, indexText(title)); err != nil {
			return 0, err
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT p.id, t.context, t.text FROM search_parts p JOIN search_texts t ON t.part_id = p.id
		WHERE p.doc_id = ? LIMIT 100000`, docID)
	if err != nil {
		return 0, err
	}
	type part struct {
		id          int64
		about, text string
	}
	var parts []part
	size := 0
	for rows.Next() {
		var p part
		if err := rows.Scan(&p.id, &p.about, &p.text); err != nil {
			rows.Close()
			return 0, err
		}
		parts = append(parts, p)
		size += len(p.text)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, p := range parts {
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_fts WHERE rowid = ?`, p.id); err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO search_fts (rowid, context, body) VALUES (?, ?, ?)`,
			p.id, indexText(p.about), indexText(p.text)); err != nil {
			return 0, err
		}
	}
	return size, nil
}

// searchQueuePoll is how often the search indexer looks for queued work when nothing wakes it.
const searchQueuePoll = 2 * time.Second

// RunIndexer is the search index's background work, until ctx ends: first the rebuild of
// an index of another format (Rebuild), then the pages that writes queued (CatchUp),
// in batches, and the parts of long text files that uploads queued (indexQueuedPart), one
// transaction per part. An error is logged and the work tried
// again later. It returns ctx's error.
func (s *Service) RunIndexer(ctx context.Context, log *slog.Logger) error {
	start, reported := time.Now(), time.Time{}
	progress := func(p RebuildProgress) {
		if p.Total == 0 || (p.Phase != "" && time.Since(reported) < 5*time.Second) {
			return
		}
		reported = time.Now()
		// Formats are recorded from format 2 on: an index with none recorded is of format 1.
		log.Info("search index: rebuilding", "from_format", max(p.FromFormat, 1), "to_format", indexFormat, "phase", p.Phase,
			"after_id", p.After, "done", p.Done, "of", p.Total, "elapsed", time.Since(start).Round(time.Millisecond).String())
	}
	tick := time.NewTicker(searchQueuePoll)
	defer tick.Stop()
	rebuilt := false
	for {
		if !rebuilt {
			err := s.Rebuild(ctx, rebuildBatch, progress)
			if err != nil && ctx.Err() == nil {
				log.Error("search index: the rebuild failed; trying again later", "err", err)
			}
			rebuilt = err == nil
		}
		if err := s.CatchUp(ctx, 0); err != nil && ctx.Err() == nil {
			log.Error("search index: queued pages failed; trying again later", "err", err)
		}
		for rebuilt && ctx.Err() == nil {
			did, err := s.indexQueuedPart(ctx)
			if err != nil && ctx.Err() == nil {
				log.Error("search index: a queued part failed; trying again later", "err", err)
			}
			if err != nil || !did {
				break
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		case <-s.waker():
		}
	}
}

func (s *Service) waker() chan struct{} {
	s.wakeOnce.Do(func() { s.wake = make(chan struct{}, 1) })
	return s.wake
}

// wakeIndexer tells the search indexer that work was queued (it may find it only once the
// transaction that queued it commits; it waits for the writer, so it does).
func (s *Service) wakeIndexer() {
	select {
	case s.waker() <- struct{}{}:
	default:
	}
}

// indexQueuedPart indexes the next queued part of a text file, in one transaction, and reports
// whether there was one.
func (s *Service) indexQueuedPart(ctx context.Context) (bool, error) {
	// Looking costs a read, not a write transaction (which would also end every cached answer).
	var queued bool
	if err := s.DB.R.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM search_queue)`).Scan(&queued); err != nil || !queued {
		return false, err
	}
	did := false
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		var doc, part, offset, ref int64
		err := tx.QueryRowContext(ctx, `SELECT q.doc_id, q.next_part, q.next_offset, d.ref_id
			FROM search_queue q JOIN search_docs d ON d.id = q.doc_id ORDER BY q.doc_id LIMIT 1`).Scan(&doc, &part, &offset, &ref)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		did = true
		next := int64(-1)
		f, err := widgets.FindFile(ctx, tx, ref)
		if err == nil {
			var text string
			if text, next, err = s.readFilePart(f, offset); err == nil {
				err = putPart(ctx, tx, doc, part, "", f.Filename, text)
			} else {
				s.unreadable(f, offset, err)
				next, err = -1, nil
			}
		} else if errors.Is(err, widgets.ErrFileNotFound) {
			err = nil
		}
		if err != nil {
			return fmt.Errorf("index file %d part %d: %w", ref, part, err)
		}
		if next < 0 {
			_, err = tx.ExecContext(ctx, `DELETE FROM search_queue WHERE doc_id = ?`, doc)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE search_queue SET next_part = ?, next_offset = ? WHERE doc_id = ?`, part+1, next, doc)
		}
		return err
	})
	return did, err
}

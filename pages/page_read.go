package pages

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"quire/app/api"
	"quire/people"
	"quire/widgets"
)

// A page's answer (pages/get) is its fields and its columns of widgets. A page of ordinary size is
// built in memory and kept in the page cache; a larger one is read in parts into a spool (each
// part's widgets read just before they are encoded, so that a request holds one part, never the
// page: pages made before widgets.MaxPageBytes existed may hold gigabytes) and sent from it once
// read (pages/rest's PageAnswer). Either way the answer goes out at the client's pace holding no
// read transaction and no more memory than the budget's share of waiting answers allows.

const (
	// builtPageBytes is the most content (widgets.MaxPageBytes' measure) of a page whose answer is
	// built whole in memory, and cached.
	builtPageBytes = 1 << 20
	// pagePartBytes is about how much content one part of a spooled page holds: its widgets are
	// read in parts up to it (a larger widget is a part alone).
	pagePartBytes = 1 << 20
	// answerFactor is how many bytes of memory an answer holds per byte of content: the widgets as
	// read, their JSON, and the \u003c escapes JSON writes for the < and > of HTML.
	answerFactor = 3
)

// PageJSON is a page's answer of pages/get: the JSON of its Page with its columns of widgets
// ("json"), exactly as json.Marshal writes the filled Page. A page of ordinary size comes whole
// in Body; a larger one (Body nil) is written by WriteLarge.
type PageJSON struct {
	Body []byte

	s   *Service
	sub *people.Subsite
	id  int64
}

// ReadPageJSON returns the answer of pages/get for the page: from the page cache, or built in
// memory (and cached) when its content is at most builtPageBytes, or else to be written in parts
// (WriteLarge). The memory of building counts against the budget until the answer is built.
// Returns people.ErrNotFound for a subsite actor is not in, a forbidden error, ErrPageNotFound for
// a page not in sub or in the trash, and the budget's error when it has no room in time.
func (s *Service) ReadPageJSON(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64) (*PageJSON, error) {
	if err := actor.Can(people.View, sub.ID); err != nil {
		return nil, err
	}
	// The epoch is read before the page is: an answer that shows a change committed in between
	// is kept under the older epoch, which no later request reads, never under the newer one.
	epoch, err := s.pageEpoch(ctx)
	if err != nil {
		return nil, err
	}
	if body := s.pageCache.get(epoch, pageID, sub.ID); body != nil {
		return &PageJSON{Body: body}, nil
	}
	p, release, err := s.readFilled(ctx, sub, pageID, builtPageBytes)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return &PageJSON{s: s, sub: sub, id: pageID}, nil
	}
	defer release()
	body, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	s.pageCache.put(epoch, pageID, sub.ID, body)
	return &PageJSON{Body: body}, nil
}

// ReadPage returns the page with its columns of widgets (JSON), presented, read in one read
// transaction (one snapshot), as the web UI shows it. Returns people.ErrNotFound for a subsite
// actor is not in, a forbidden error, ErrPageNotFound for a page not in sub or in the trash, the
// budget's error when it has no room in time, and a too_large error for a page of more than
// builtPageBytes of content (made before widgets.MaxPageBytes existed), which only pages/get,
// written in parts, answers.
func (s *Service) ReadPage(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64) (*Page, error) {
	if err := actor.Can(people.View, sub.ID); err != nil {
		return nil, err
	}
	p, release, err := s.readFilled(ctx, sub, pageID, builtPageBytes)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, api.TooLarge("Page %d holds more than %d MB of content, too much to show at once; read it from the API's pages/get, which sends it in parts.", pageID, builtPageBytes>>20)
	}
	release()
	return p, nil
}

// ReadPageBySlug is ReadPage for the page of sub whose slug is slug (the last part of its url),
// with ReadPage's errors.
func (s *Service) ReadPageBySlug(ctx context.Context, actor *people.Actor, sub *people.Subsite, slug string) (*Page, error) {
	if err := actor.Can(people.View, sub.ID); err != nil {
		return nil, err
	}
	var id int64
	err := s.DB.R.QueryRowContext(ctx, `SELECT id FROM pages WHERE subsite_id = ? AND slug = ? AND deleted_at IS NULL`, sub.ID, slug).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrPageNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find page %q: %w", slug, err)
	}
	return s.ReadPage(ctx, actor, sub, id)
}

// readFilled reads the page with its content, presented, in one read transaction, unless its
// content is over most bytes: then p is nil (and release too). The memory of the read counts
// against the budget (a 503 when it has no room in time) until the caller calls release.
func (s *Service) readFilled(ctx context.Context, sub *people.Subsite, id, most int64) (p *Page, release func(), err error) {
	tx, err := s.DB.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback() // read only: nothing to commit
	if p, err = s.FindPage(ctx, tx, sub, id); err != nil {
		return nil, nil, err
	}
	placed, err := widgets.ListPlacedSizes(ctx, tx, id)
	if err != nil {
		return nil, nil, err
	}
	var size int64
	for _, w := range placed {
		size += w.Bytes
	}
	if size > most {
		return nil, nil, nil
	}
	if release, err = s.Budget.Reserve(ctx, size*answerFactor); err != nil {
		return nil, nil, err
	}
	if err := s.FillContent(ctx, tx, sub, p); err != nil {
		release()
		return nil, nil, err
	}
	return p, release, nil
}

// ReadLarge reads a large page (a PageJSON whose Body is nil) in one read transaction, in the
// order of its answer: page gets the page without its widgets (its creator's name filled in),
// then part gets its placed widgets, presented, in order, in parts of about pagePartBytes (a
// larger widget is a part alone); the budget holds the largest part while the page is read. It
// stops at the first error that page or part returns. The caller writes the answer to a spool
// and sends it once ReadLarge returns, so that no read transaction waits on a client. Returns
// ReadPageJSON's errors but the permission's, and theirs.
func (a *PageJSON) ReadLarge(ctx context.Context, page func(*Page) error, part func([]*widgets.Widget) error) error {
	s, sub, id := a.s, a.sub, a.id
	tx, err := s.DB.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback() // read only: nothing to commit
	p, err := s.FindPage(ctx, tx, sub, id)
	if err != nil {
		return err
	}
	if err := people.FillNames(ctx, tx, &p.CreatedBy); err != nil {
		return err
	}
	placed, err := widgets.ListPlacedSizes(ctx, tx, id)
	if err != nil {
		return err
	}
	parts, largest := pageParts(placed)
	release, err := s.Budget.Reserve(ctx, largest*answerFactor)
	if err != nil {
		return err
	}
	defer release()
	if err := page(p); err != nil {
		return err
	}
	for _, ids := range parts {
		list, err := s.readPart(ctx, tx, sub, id, ids)
		if err != nil {
			return err
		}
		if err := part(list); err != nil {
			return err
		}
	}
	return nil
}

// pageParts groups a page's widgets, in order, into parts of about pagePartBytes, and returns
// the bytes of the largest part.
func pageParts(placed []widgets.Placed) (parts [][]int64, largest int64) {
	var ids []int64
	var bytes int64
	for _, w := range placed {
		if len(ids) > 0 && bytes+w.Bytes > pagePartBytes {
			parts, ids, bytes = append(parts, ids), nil, 0
		}
		ids = append(ids, w.CurrentID)
		bytes += w.Bytes
		largest = max(largest, bytes)
	}
	if len(ids) > 0 {
		parts = append(parts, ids)
	}
	return parts, largest
}

// readPart reads the widgets of one part of the page, presented.
func (s *Service) readPart(ctx context.Context, tx DBTX, sub *people.Subsite, pageID int64, ids []int64) ([]*widgets.Widget, error) {
	list, err := widgets.ListPlaced(ctx, tx, pageID, ids...)
	if err != nil {
		return nil, err
	}
	return list, s.present(ctx, tx, sub, list...)
}

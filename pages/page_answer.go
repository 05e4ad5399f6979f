package pages

import (
	"database/sql"
	"encoding/json"
	"io"

	"quire/people"
	"quire/widgets"
)

// A page's answer (pages/get) is its fields and its columns of widgets. A page of ordinary size is
// built in memory and kept in the page cache; a larger one is read in parts into a spool (each
// part's widgets read just before they are encoded, so that a request holds one part, never the
// page: pages made before widgets.MaxPageBytes existed may hold gigabytes) and sent from it once
// read. Either way the answer goes out at the client's pace holding no read transaction and no
// more memory than the budget's share of waiting answers allows (httpapi.Spool).

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

// answerPage answers pages/get for the page: from the cache, built, or spooled.
func (s *Service) answerPage(r *request, id int64) error {
	// The epoch is read before the page is: an answer that shows a change committed in between
	// is kept under the older epoch, which no later request reads, never under the newer one.
	epoch, err := s.pageEpoch(r.ctx)
	if err != nil {
		return err
	}
	if body := s.pageCache.get(epoch, id, r.sub.ID); body != nil {
		s.Budget.SendBytes(r.c, jsonType, body)
		return nil
	}
	body, large, err := s.buildPage(r, id)
	if err != nil {
		return err
	}
	if large {
		return s.spoolPage(r, id)
	}
	s.pageCache.put(epoch, id, r.sub.ID, body)
	s.Budget.SendBytes(r.c, jsonType, body)
	return nil
}

// buildPage returns the page's answer built in memory, or large when its content is over
// builtPageBytes: such a page is spooled instead. The memory of building counts against the
// budget (a 503 when it has no room in time) until the answer is built.
func (s *Service) buildPage(r *request, id int64) (body []byte, large bool, err error) {
	tx, err := s.DB.R.BeginTx(r.ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, false, err
	}
	defer tx.Rollback() // read only: nothing to commit
	p, err := s.FindPage(r.ctx, tx, r.sub, id)
	if err != nil {
		return nil, false, err
	}
	placed, err := widgets.ListPlacedSizes(r.ctx, tx, id)
	if err != nil {
		return nil, false, err
	}
	var size int64
	for _, w := range placed {
		size += w.Bytes
	}
	if size > builtPageBytes {
		return nil, true, nil
	}
	release, err := s.Budget.Reserve(r.ctx, size*answerFactor)
	if err != nil {
		return nil, false, err
	}
	defer release()
	if err := s.FillContent(r.ctx, tx, r.sub, p); err != nil {
		return nil, false, err
	}
	body, err = json.Marshal(p)
	return body, false, err
}

// spoolPage answers a large page: read in parts into a spool, all in one read transaction that
// ends before the answer is sent. The budget holds the largest part while the page is read.
func (s *Service) spoolPage(r *request, id int64) error {
	spool := s.Budget.NewSpool()
	defer spool.Close()
	if err := s.writeLargePage(r, id, spool); err != nil {
		return err
	}
	r.c.Header("Content-Type", jsonType)
	spool.Send(r.c)
	return nil
}

// writeLargePage writes the page's answer to w, exactly as json.Marshal of the filled page would,
// reading its widgets in parts of about pagePartBytes in one read transaction.
func (s *Service) writeLargePage(r *request, id int64, w io.Writer) error {
	tx, err := s.DB.R.BeginTx(r.ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback() // read only: nothing to commit
	p, err := s.FindPage(r.ctx, tx, r.sub, id)
	if err != nil {
		return err
	}
	if err := people.FillNames(r.ctx, tx, &p.CreatedBy); err != nil {
		return err
	}
	placed, err := widgets.ListPlacedSizes(r.ctx, tx, id)
	if err != nil {
		return err
	}
	parts, largest := pageParts(placed)
	release, err := s.Budget.Reserve(r.ctx, largest*answerFactor)
	if err != nil {
		return err
	}
	defer release()
	head, err := json.Marshal(p) // without "json", which comes last
	if err != nil {
		return err
	}
	if _, err := w.Write(head[:len(head)-1]); err != nil {
		return err
	}
	if _, err := io.WriteString(w, `,"json":[`); err != nil {
		return err
	}
	cols, err := newColumnWriter(w, p.Columns())
	if err != nil {
		return err
	}
	for _, ids := range parts {
		part, err := s.readPart(r, tx, id, ids)
		if err != nil {
			return err
		}
		for _, widget := range part {
			if err := cols.write(widget); err != nil {
				return err
			}
		}
	}
	if err := cols.close(); err != nil {
		return err
	}
	_, err = io.WriteString(w, `]}`)
	return err
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
func (s *Service) readPart(r *request, tx DBTX, pageID int64, ids []int64) ([]*widgets.Widget, error) {
	list, err := widgets.ListPlaced(r.ctx, tx, pageID, ids...)
	if err != nil {
		return nil, err
	}
	return list, s.present(r.ctx, tx, r.sub, list...)
}

// columnWriter writes a page's widgets, in column order, as its list of columns (the "json" of a
// page): every column of the layout, the empty ones as [], and no widget outside the layout, as
// FillContent has it.
type columnWriter struct {
	w       io.Writer
	columns int
	col     int  // the column being written
	any     bool // whether it has a widget yet
}

func newColumnWriter(w io.Writer, columns int) (*columnWriter, error) {
	if columns > 0 {
		if _, err := io.WriteString(w, "["); err != nil {
			return nil, err
		}
	}
	return &columnWriter{w: w, columns: columns}, nil
}

func (c *columnWriter) write(widget *widgets.Widget) error {
	if widget.Column < c.col || widget.Column >= c.columns {
		return nil
	}
	for c.col < widget.Column {
		c.col, c.any = c.col+1, false
		if _, err := io.WriteString(c.w, "],["); err != nil {
			return err
		}
	}
	b, err := json.Marshal(widget)
	if err != nil {
		return err
	}
	if c.any {
		if _, err := io.WriteString(c.w, ","); err != nil {
			return err
		}
	}
	c.any = true
	_, err = c.w.Write(b)
	return err
}

// close ends the last column and writes the empty columns after it.
func (c *columnWriter) close() error {
	if c.columns == 0 {
		return nil
	}
	for ; c.col < c.columns-1; c.col++ {
		if _, err := io.WriteString(c.w, "],["); err != nil {
			return err
		}
	}
	_, err := io.WriteString(c.w, "]")
	return err
}

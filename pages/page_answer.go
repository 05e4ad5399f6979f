package pages

import (
	"database/sql"
	"encoding/json"
	"io"
	"net/http"

	"quire/app/api"
	"quire/people"
	"quire/widgets"
)

// A page's answer (pages/get) is its fields and its columns of widgets. A page of ordinary size is
// built in memory and kept in the page cache; a larger one is written to the client in parts, each
// part's widgets read just before they are written, so that a request holds one part, never the
// page: pages made before widgets.MaxPageBytes existed may hold gigabytes.

const (
	// builtPageBytes is the most content (widgets.MaxPageBytes' measure) of a page whose answer is
	// built whole in memory, and cached.
	builtPageBytes = 1 << 20
	// pagePartBytes is about how much content one part of a streamed page holds: its widgets are
	// read in parts up to it (a larger widget is a part alone).
	pagePartBytes = 1 << 20
	// answerFactor is how many bytes of memory an answer holds per byte of content: the widgets as
	// read, their JSON, and the \u003c escapes JSON writes for the < and > of HTML.
	answerFactor = 3
)

// answerPage answers pages/get for the page: from the cache, built, or streamed.
func (s *Service) answerPage(r *request, id int64) {
	// The generation is taken before reading, so that a write committed meanwhile keeps what
	// was read out of the cache.
	gen := s.DB.Generation()
	if body := s.pageCache.get(gen, id, r.sub.ID); body != nil {
		r.c.Data(http.StatusOK, jsonType, body)
		return
	}
	tx, err := s.DB.R.BeginTx(r.ctx, &sql.TxOptions{ReadOnly: true})
	if r.failed(err) {
		return
	}
	defer tx.Rollback()
	p, err := s.FindPage(r.ctx, tx, r.sub, id)
	if r.failed(err) {
		return
	}
	placed, err := widgets.ListPlacedSizes(r.ctx, tx, id)
	if r.failed(err) {
		return
	}
	var size int64
	for _, w := range placed {
		size += w.Bytes
	}
	if size > builtPageBytes {
		_ = tx.Rollback()
		s.streamPage(r, id)
		return
	}
	release, err := s.Budget.Reserve(r.c, size*answerFactor)
	if r.failed(err) {
		return
	}
	defer release()
	if r.failed(s.FillContent(r.ctx, tx, r.sub, p)) {
		return
	}
	body, err := json.Marshal(p)
	if r.failed(err) {
		return
	}
	s.pageCache.put(gen, id, r.sub.ID, body)
	r.c.Data(http.StatusOK, jsonType, body)
}

// streamPage answers a large page in parts, all read in one snapshot. The budget holds the
// largest part while the answer is written.
func (s *Service) streamPage(r *request, id int64) {
	tx, done, err := api.ReadSnapshot(r.c, s.DB)
	if r.failed(err) {
		return
	}
	defer done()
	p, err := s.FindPage(r.ctx, tx, r.sub, id)
	if r.failed(err) || r.failed(people.FillNames(r.ctx, tx, &p.CreatedBy)) {
		return
	}
	placed, err := widgets.ListPlacedSizes(r.ctx, tx, id)
	if r.failed(err) {
		return
	}
	parts, largest := pageParts(placed)
	release, err := s.Budget.Reserve(r.c, largest*answerFactor)
	if r.failed(err) {
		return
	}
	defer release()
	head, err := json.Marshal(p) // without "json", which comes last
	if r.failed(err) {
		return
	}
	// The first part is read before the answer starts, so that its failure is a clean error.
	var part []*widgets.Widget
	if len(parts) > 0 {
		if part, err = s.readPart(r, tx, id, parts[0]); r.failed(err) {
			return
		}
	}
	r.c.Header("Content-Type", jsonType)
	r.c.Status(http.StatusOK)
	w := api.NewAnswerWriter(r.c.Writer)
	_, _ = w.Write(head[:len(head)-1])
	_, _ = io.WriteString(w, `,"json":[`)
	cols := newColumnWriter(w, p.Columns())
	for i := 0; ; i++ {
		for _, widget := range part {
			if err := cols.write(widget); err != nil {
				api.AbortAnswer(r.c, err)
			}
		}
		part = nil
		if err := w.Flush(); err != nil {
			api.AbortAnswer(r.c, err)
		}
		if i+1 >= len(parts) {
			break
		}
		if part, err = s.readPart(r, tx, id, parts[i+1]); err != nil {
			api.AbortAnswer(r.c, err)
		}
	}
	cols.close()
	_, _ = io.WriteString(w, `]}`)
	if err := w.Flush(); err != nil {
		api.AbortAnswer(r.c, err)
	}
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

func newColumnWriter(w io.Writer, columns int) *columnWriter {
	if columns > 0 {
		_, _ = io.WriteString(w, "[")
	}
	return &columnWriter{w: w, columns: columns}
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
func (c *columnWriter) close() {
	if c.columns == 0 {
		return
	}
	for ; c.col < c.columns-1; c.col++ {
		_, _ = io.WriteString(c.w, "],[")
	}
	_, _ = io.WriteString(c.w, "]")
}

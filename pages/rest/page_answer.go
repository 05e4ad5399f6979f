package rest

import (
	"context"
	"encoding/json"
	"io"

	"quire/pages"
	"quire/people"
	"quire/widgets"

	"github.com/gin-gonic/gin"
)

// jsonType is the Content-Type of a page's answer, as httpapi.JSON sends every other.
const jsonType = "application/json; charset=utf-8"

// PageAnswer answers the page's JSON exactly as pages/get does, byte for byte: whole from the
// page cache or as built (pages.Service.ReadPageJSON), or, for a large page, written in parts
// into a spool and sent once read, so that no read transaction waits on the client. A front end
// that answers a page's JSON (the web UI's ?json) calls it after its own checks. Returns the
// errors of ReadPageJSON and ReadLarge, for app's error writer; nothing is sent then.
func PageAnswer(c *gin.Context, s *pages.Service, actor *people.Actor, sub *people.Subsite, pageID int64) error {
	page, err := s.ReadPageJSON(c.Request.Context(), actor, sub, pageID)
	if err != nil {
		return err
	}
	if page.Body != nil {
		s.Budget.SendBytes(c, jsonType, page.Body)
		return nil
	}
	spool := s.Budget.NewSpool()
	defer spool.Close()
	if err := writeLargePage(c.Request.Context(), page, spool); err != nil {
		return err
	}
	c.Header("Content-Type", jsonType)
	spool.Send(c)
	return nil
}

// writeLargePage writes a large page's answer to w, exactly as json.Marshal of the filled page
// would: its fields, then "json", its columns of widgets, each part of them written as it is read
// (pages.PageJSON.ReadLarge). Returns ReadLarge's errors and w's.
func writeLargePage(ctx context.Context, page *pages.PageJSON, w io.Writer) error {
	var cols *columnWriter
	err := page.ReadLarge(ctx, func(p *pages.Page) error {
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
		cols, err = newColumnWriter(w, p.Columns())
		return err
	}, func(part []*widgets.Widget) error {
		for _, widget := range part {
			if err := cols.write(widget); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := cols.close(); err != nil {
		return err
	}
	_, err = io.WriteString(w, `]}`)
	return err
}

// columnWriter writes a page's widgets, in column order, as its list of columns (the "json" of a
// page): every column of the layout, the empty ones as [], and no widget outside the layout, as
// pages.Service.FillContent has it.
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

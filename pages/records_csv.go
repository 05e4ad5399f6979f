package pages

import (
	"encoding/csv"
	"net/http"
	"regexp"
	"strconv"

	"quire/app/api"
	"quire/widgets"
)

// csvBatch is how many records the export reads at a time, so that memory stays bounded however
// many records a form has.
const csvBatch = 500

// exportRecords answers the form's records as CSV (RFC 4180, UTF-8): a header row of labels
// (after the record's id, time and author), then a row per record, read and written in batches.
// Without paging parameters it answers every record. The columns are the form's current fields,
// then fields of earlier versions that records answered.
func (s *Service) exportRecords(r *request, page *Page, form *widgets.Widget, q widgets.RecordQuery, paged bool) {
	cols, err := widgets.RecordColumns(r.ctx, s.DB.R, form)
	if r.failed(err) {
		return
	}
	if !paged {
		q.Limit = csvBatch
	}
	// The first batch is read before anything is written, so that a failure can still answer
	// a clean error.
	list, next, err := widgets.ListRecords(r.ctx, s.DB.R, form, q)
	if r.failed(err) || r.failed(fillRecordNames(r.ctx, s.DB.R, list)) {
		return
	}
	if paged {
		api.SetNextLink(r.c, nextCursor(next))
	}
	w := startCSV(r, page, cols)
	for {
		for _, rec := range list {
			writeCSVRow(w, recordRow(rec, cols))
		}
		w.Flush()
		r.c.Writer.Flush()
		if w.Error() != nil || paged || next == nil {
			return // done, or the client went away
		}
		q.Cursor, q.Offset = next, 0
		list, next, err = widgets.ListRecords(r.ctx, s.DB.R, form, q)
		if err == nil {
			err = fillRecordNames(r.ctx, s.DB.R, list)
		}
		if err != nil {
			// Half the file is sent: break the connection, so that the client sees a failed
			// download rather than a short file.
			r.c.Error(err)
			panic(http.ErrAbortHandler)
		}
	}
}

// startCSV answers the headers of a CSV file of the page's records and writes its header row.
func startCSV(r *request, page *Page, cols []widgets.Field) *csv.Writer {
	h := r.c.Writer.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", dispositionHeader("attachment", page.Slug+"-records.csv"))
	r.c.Status(http.StatusOK)
	w := csv.NewWriter(r.c.Writer)
	w.UseCRLF = true
	header := []string{"Record ID", "Created at", "Created by"}
	for _, f := range cols {
		header = append(header, f.Label)
	}
	writeCSVRow(w, header)
	return w
}

// recordRow returns a record's cells: its id, time and author, then its value for each column
// ("" for none).
func recordRow(rec *widgets.Record, cols []widgets.Field) []string {
	row := []string{strconv.FormatInt(rec.ID, 10), rec.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"), rec.CreatedBy.Name}
	for _, f := range cols {
		v, _ := rec.Value(f.Name)
		row = append(row, v)
	}
	return row
}

// plainNumber is a cell a spreadsheet reads as a number, never as a formula.
var plainNumber = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)$`)

// writeCSVRow writes cells, each defused against formula injection: a cell that a spreadsheet
// would run as a formula (starting with = + - @, tab or carriage return) gets a leading
// apostrophe, unless it is a plain number such as -5.
func writeCSVRow(w *csv.Writer, cells []string) {
	for i, c := range cells {
		if c != "" && !plainNumber.MatchString(c) {
			switch c[0] {
			case '=', '+', '-', '@', '\t', '\r':
				cells[i] = "'" + c
			}
		}
	}
	_ = w.Write(cells) // errors surface at Flush
}

package rest

import (
	"encoding/csv"
	"io"
	"net/http"
	"regexp"
	"strconv"

	"github.com/gin-gonic/gin"

	"quire/app/httpapi"
	"quire/pages/records"
	"quire/widgets"
)

// exportRecords answers the form's records as CSV (RFC 4180, UTF-8): a header row of labels
// (after the record's id, time and author), then a row per record, read and written in batches
// as every list is (httpapi.StreamList). Without paging parameters it answers every record. The
// columns are the form's current fields, then fields of earlier versions that records answered.
func (s handlers) exportRecords(c *gin.Context, records *records.FormRecords, list httpapi.List[*widgets.Record], paged bool) error {
	cols, err := s.Records.RecordColumns(c.Request.Context(), records)
	if err != nil {
		return err
	}
	if !paged {
		list.Query.Limit = 0
	}
	httpapi.StreamList(c, list, &recordsCSV{filename: records.Page.Slug + "-records.csv", cols: cols})
	return nil
}

// recordsCSV writes records as CSV rows under a header row.
type recordsCSV struct {
	filename string
	cols     []widgets.Field
	w        *csv.Writer
}

func (e *recordsCSV) Header(h http.Header) {
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", dispositionHeader("attachment", e.filename))
}

func (e *recordsCSV) Begin(w io.Writer) error {
	e.w = csv.NewWriter(w)
	e.w.UseCRLF = true
	header := []string{"Record ID", "Created at", "Created by"}
	for _, f := range e.cols {
		header = append(header, f.Label)
	}
	writeCSVRow(e.w, header)
	return e.flush()
}

func (e *recordsCSV) Item(_ io.Writer, rec *widgets.Record) error {
	writeCSVRow(e.w, recordRow(rec, e.cols))
	return e.flush()
}

func (e *recordsCSV) End(io.Writer) error { return e.flush() }

// flush passes the row on, so that what was written is counted where it is written.
func (e *recordsCSV) flush() error {
	e.w.Flush()
	return e.w.Error()
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

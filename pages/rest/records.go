package rest

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/people"
	"quire/widgets"
)

// Paging of GET pages/records, as Papyrs has it: items_per_page (default 50, at most 250) and a
// 0-based page; Quire's limit and cursor work too.
const (
	defaultRecordsPerPage = 50
	maxRecordsPerPage     = 250
	maxRecordPage         = 100000
)

// submitRecord stores a record of the page's form (SubmitRecord). The body is an object keyed by
// field name, or {"fields": [{"field", "value"}]}.
func (s handlers) submitRecord(c *gin.Context) error {
	r, err := start(c, people.SubmitRecord)
	if err != nil {
		return err
	}
	values := r.p.Object()
	formID := r.p.OptInt("widget_id")
	delete(values, "widget_id")
	if err := r.p.Err(); err != nil {
		return err
	}
	pageID, err := r.id("page_id")
	if err != nil {
		return err
	}
	rec, err := s.Records.SubmitRecord(r.ctx, r.actor, r.sub, pageID, formID, values)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, rec)
	return nil
}

// listRecords answers the records of the page's form as JSON, or as CSV with format=csv.
func (s handlers) listRecords(c *gin.Context) error {
	r, err := start(c, people.ViewRecords)
	if err != nil {
		return err
	}
	q, paged := readRecordQuery(r.p)
	formID := r.p.OptInt("widget_id")
	format := strings.ToLower(r.p.String("format"))
	if format != "" && format != "json" && format != "csv" {
		r.p.Fail(api.Invalid("format", "Parameter \"format\" must be json or csv."))
	}
	if err := r.p.Err(); err != nil {
		return err
	}
	pageID, err := r.id("page_id")
	if err != nil {
		return err
	}
	records, err := s.Records.ReadRecords(r.ctx, r.actor, r.sub, pageID, formID)
	if err != nil {
		return err
	}
	list := httpapi.List[*widgets.Record]{DB: s.DB, Budget: s.Budget, Query: q, Read: records.Read}
	if format == "csv" {
		return s.exportRecords(c, records, list, paged)
	}
	if !paged {
		list.Query.Limit = defaultRecordsPerPage
	}
	httpapi.AnswerList(c, list)
	return nil
}

// readRecordQuery reads the paging of a record list; paged reports whether the client asked for
// one page rather than everything (Limit is then 0: only the CSV export answers everything, the
// JSON list answers Papyrs' first page).
func readRecordQuery(p *httpapi.Params) (q api.ListQuery, paged bool) {
	list := httpapi.ParseList(p)
	q.Cursor, q.Since = list.Cursor, list.Since
	perPage := p.OptInt("items_per_page")
	page := p.OptInt("page")
	switch {
	case p.Has("limit") && perPage != nil:
		p.Fail(api.Invalid("items_per_page", "Give \"limit\" or \"items_per_page\", not both."))
	case p.Has("limit"):
		q.Limit = list.Limit
	case perPage != nil && (*perPage < 1 || *perPage > maxRecordsPerPage):
		p.Fail(api.Invalid("items_per_page", "Parameter \"items_per_page\" must be between 1 and %d.", maxRecordsPerPage))
	case perPage != nil:
		q.Limit = int(*perPage)
	}
	paged = p.Has("limit") || perPage != nil || page != nil || q.Cursor != nil
	if paged && q.Limit == 0 {
		q.Limit = defaultRecordsPerPage
	}
	switch {
	case page == nil:
	case *page < 0 || *page > maxRecordPage:
		p.Fail(api.Invalid("page", "Parameter \"page\" must be between 0 and %d (the first page is 0).", maxRecordPage))
	case q.Cursor != nil:
		p.Fail(api.Invalid("page", "Give \"page\" or \"cursor\", not both."))
	default:
		q.Offset = int(*page) * q.Limit
	}
	if want := map[bool]int{true: 2, false: 1}[q.Since != nil]; q.Cursor != nil && len(q.Cursor) != want {
		p.Fail(api.Invalid("cursor", "Parameter \"cursor\" belongs to a list asked another way (with or without \"since\"); start again without it."))
	}
	return q, paged
}

package pages

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/pages/search"
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
func (s *Service) submitRecord(c *gin.Context) error {
	r, err := start(c, people.Comment)
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
	rec, err := s.SubmitRecord(r.ctx, r.actor, r.sub, pageID, formID, values)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, rec)
	return nil
}

// listRecords answers the records of the page's form as JSON, or as CSV with format=csv.
func (s *Service) listRecords(c *gin.Context) error {
	r, err := start(c, people.View)
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
	records, err := s.ReadRecords(r.ctx, r.actor, r.sub, pageID, formID)
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

// SubmitRecord stores the actor's answers to the page's form: the form widget formID names, or
// else the page's only Form widget; values is keyed by field name, or {"fields": [{"field",
// "value"}]} where field is a name or a label. Whoever may comment (viewers up) may submit.
// Returns people.ErrNotFound for a subsite actor is not in, a forbidden error, ErrPageNotFound,
// widgets' not found for a form not on the page, and a validation error for answers the form does
// not take or a page with no form or several (naming them).
func (s *Service) SubmitRecord(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64, formID *int64, values map[string]any) (*widgets.Record, error) {
	if err := actor.Can(people.Comment, sub.ID); err != nil {
		return nil, err
	}
	var rec *widgets.Record
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		page, form, err := s.recordForm(ctx, tx, sub, pageID, formID, false)
		if err != nil {
			return err
		}
		answers, err := readSubmission(widgets.FormFields(form), values)
		if err != nil {
			return err
		}
		if rec, err = widgets.CreateRecord(ctx, tx, form, answers, api.NewTime(s.DB.Now()), actor.User.ID); err != nil {
			return err
		}
		return indexRecord(ctx, tx, page, rec)
	})
	if err != nil {
		return nil, err
	}
	return rec, people.FillNames(ctx, s.DB.R, &rec.CreatedBy)
}

// Records is a form's records to read: the page, its form, and the reader of the records, oldest
// first, with their authors' names.
type Records struct {
	Page *Page
	Form *widgets.Widget
	Read api.ListReader[*widgets.Record]
}

// ReadRecords returns the records of the page's form: the one formID names (also when it was taken
// off the page, so that its records can still be read), or else the page's only Form widget.
// Returns people.ErrNotFound for a subsite actor is not in, a forbidden error, ErrPageNotFound,
// widgets' not found for a form not of the page, and a validation error for a page with no form
// or several.
func (s *Service) ReadRecords(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64, formID *int64) (*Records, error) {
	if err := actor.Can(people.View, sub.ID); err != nil {
		return nil, err
	}
	page, form, err := s.recordForm(ctx, s.DB.R, sub, pageID, formID, true)
	if err != nil {
		return nil, err
	}
	return &Records{Page: page, Form: form,
		Read: func(ctx context.Context, db api.DBTX, q api.ListQuery) ([]*widgets.Record, []string, error) {
			list, next, err := widgets.ListRecords(ctx, db, form, widgets.RecordQuery{Limit: q.Limit, Offset: q.Offset,
				Cursor: q.Cursor, Since: q.Since})
			if err != nil {
				return nil, nil, err
			}
			return list, next, fillRecordNames(ctx, db, list)
		}}, nil
}

// recordForm returns the page pageID of sub and its form that records go to: the one formID
// names, or else the page's only Form widget. withRemoved finds a form taken off the page, so that
// its records can still be read.
func (s *Service) recordForm(ctx context.Context, db DBTX, sub *people.Subsite, pageID int64, formID *int64, withRemoved bool) (*Page, *widgets.Widget, error) {
	page, err := s.FindPage(ctx, db, sub, pageID)
	if err != nil {
		return nil, nil, err
	}
	if formID != nil {
		form, err := widgets.FindForm(ctx, db, page.ID, *formID, withRemoved)
		return page, form, err
	}
	forms, err := widgets.ListPlacedKind(ctx, db, page.ID, widgets.Form)
	if err != nil {
		return nil, nil, err
	}
	var ids []string
	for _, w := range forms {
		ids = append(ids, strconv.FormatInt(w.FirstID(), 10))
	}
	switch len(forms) {
	case 0:
		return nil, nil, api.Invalid("page_id", "Page %d has no Form widget; add one with /page/%d/form/create/.", page.ID, page.ID)
	case 1:
		return page, forms[0], nil
	}
	return nil, nil, api.Invalid("widget_id", "Page %d has %d forms; say which with the widget_id parameter: %s.",
		page.ID, len(forms), strings.Join(ids, ", "))
}

// readSubmission validates a record's values against the form's fields: an object keyed by field
// name, or {"fields": [{"field", "value"}]} where field is a name or a label.
func readSubmission(fields []widgets.Field, values map[string]any) ([]widgets.Answer, error) {
	if len(fields) == 0 {
		return nil, api.Invalid("widget_id", "This form has no fields to answer.")
	}
	if len(values) == 0 {
		return nil, api.Invalid("fields", "The record is empty: send the answers as an object keyed by field name, "+
			"such as {%q: \"...\"}, or as {\"fields\": [{\"field\": \"%s\", \"value\": \"...\"}]}.", fields[0].Name, fields[0].Label)
	}
	if list, isList := values["fields"].([]any); isList {
		for k := range values {
			if k != "fields" {
				return nil, api.Invalid(k, "A record given as \"fields\" takes no other keys; %q is one too many.", k)
			}
		}
		var err error
		if values, err = widgets.SubmissionFromList(fields, list); err != nil {
			return nil, err
		}
	}
	return widgets.CheckSubmission(fields, values)
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

func fillRecordNames(ctx context.Context, db DBTX, list []*widgets.Record) error {
	refs := make([]*api.UserRef, len(list))
	for i, rec := range list {
		refs[i] = &rec.CreatedBy
	}
	return people.FillNames(ctx, db, refs...)
}

// indexRecord adds a record to the search index, in its transaction: found by its values, under
// its page's title, where its page is visible.
func indexRecord(ctx context.Context, tx DBTX, page *Page, rec *widgets.Record) error {
	var body strings.Builder
	for _, a := range rec.Answers {
		if a.Value != "" {
			body.WriteString(a.Value)
			body.WriteString("\n")
		}
	}
	return search.IndexDoc(ctx, tx, search.Doc{Cat: search.CatForm, RefID: rec.ID, SubsiteID: page.SubsiteID, PageID: page.ID,
		Title: page.Title, Body: body.String(), UpdatedAt: rec.CreatedAt})
}

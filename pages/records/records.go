// Package records is the answers people submit to a page's Form widgets: storing one
// (SubmitRecord, with its search entry) and reading them (ReadRecords, RecordColumns).
//
// It imports pages and calls its exported reads (FindPage) for the page a form is on, so pages
// never imports it; its callers are the front ends (pages/rest, pages/web). The Form widget
// itself, and its records' table, belong to widgets.
package records

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"quire/app/api"
	"quire/app/events"
	"quire/pages"
	"quire/pages/search"
	"quire/people"
	"quire/widgets"
)

// Service holds the operations on forms' records; Pages is the pages domain they find pages
// through.
type Service struct {
	Pages *pages.Service
}

// SubmitRecord stores the actor's answers to the page's form: the form widget formID names, or
// else the page's only Form widget; values is keyed by field name, or {"fields": [{"field",
// "value"}]} where field is a name or a label. Whoever may comment (viewers up) may submit.
// Returns people.ErrNotFound for a subsite actor is not in, a forbidden error, pages.ErrPageNotFound,
// widgets' not found for a form not on the page, and a validation error for answers the form does
// not take or a page with no form or several (naming them).
func (s *Service) SubmitRecord(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64, formID *int64, values map[string]any) (*widgets.Record, error) {
	if err := actor.Can(people.SubmitRecord, sub.ID); err != nil {
		return nil, err
	}
	var rec *widgets.Record
	err := s.Pages.DB.Write(ctx, func(tx *sql.Tx) error {
		page, form, err := s.recordForm(ctx, tx, sub, pageID, formID, false)
		if err != nil {
			return err
		}
		answers, err := readSubmission(widgets.FormFields(form), values)
		if err != nil {
			return err
		}
		now := api.NewTime(s.Pages.DB.Now())
		if rec, err = widgets.CreateRecord(ctx, tx, form, answers, now, actor.User.ID); err != nil {
			return err
		}
		if err := indexRecord(ctx, tx, page, rec); err != nil {
			return err
		}
		// The activity log and hooks: the record as this operation answers it.
		return events.Record(ctx, tx, events.Event{Kind: events.RecordCreated, SubsiteID: page.SubsiteID, ObjectType: "record",
			ObjectID: rec.ID, ActorID: actor.User.ID, Summary: "A form answer on " + page.Title,
			Payload: func() (any, error) { return rec, people.FillNames(ctx, tx, &rec.CreatedBy) }}, now)
	})
	if err != nil {
		return nil, err
	}
	return rec, people.FillNames(ctx, s.Pages.DB.R, &rec.CreatedBy)
}

// FormRecords is a form's records to read: the page, its form, and the reader of the records
// (newest first; with since, oldest first), with their authors' names.
type FormRecords struct {
	Page *pages.Page
	Form *widgets.Widget
	Read api.ListReader[*widgets.Record]
}

// ReadRecords returns the records of the page's form: the one formID names (also when it was taken
// off the page, so that its records can still be read), or else the page's only Form widget.
// Returns people.ErrNotFound for a subsite actor is not in, a forbidden error, pages.ErrPageNotFound,
// widgets' not found for a form not of the page, and a validation error for a page with no form
// or several.
func (s *Service) ReadRecords(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64, formID *int64) (*FormRecords, error) {
	if err := actor.Can(people.ViewRecords, sub.ID); err != nil {
		return nil, err
	}
	page, form, err := s.recordForm(ctx, s.Pages.DB.R, sub, pageID, formID, true)
	if err != nil {
		return nil, err
	}
	return &FormRecords{Page: page, Form: form,
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
func (s *Service) recordForm(ctx context.Context, db pages.DBTX, sub *people.Subsite, pageID int64, formID *int64, withRemoved bool) (*pages.Page, *widgets.Widget, error) {
	page, err := s.Pages.FindPage(ctx, db, sub, pageID)
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

func fillRecordNames(ctx context.Context, db pages.DBTX, list []*widgets.Record) error {
	refs := make([]*api.UserRef, len(list))
	for i, rec := range list {
		refs[i] = &rec.CreatedBy
	}
	return people.FillNames(ctx, db, refs...)
}

// indexRecord adds a record to the search index, in its transaction: found by its values, under
// its page's title, where its page is visible.
func indexRecord(ctx context.Context, tx pages.DBTX, page *pages.Page, rec *widgets.Record) error {
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

// RecordColumns returns the columns of a table of the records: the form's current fields, then
// fields of earlier versions that records answered (widgets.RecordColumns).
func (s *Service) RecordColumns(ctx context.Context, records *FormRecords) ([]widgets.Field, error) {
	return widgets.RecordColumns(ctx, s.Pages.DB.R, records.Form)
}

package pages

import (
	"context"

	"quire/people"
	"quire/widgets"
)

// CreateFormWidget places a new Form widget made of in on the page, at at. Returns the errors of
// the widget operations (widget_handlers.go), and a validation error for fields or text the form
// does not take or a column the page does not have.
func (s *Service) CreateFormWidget(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64, in widgets.FormInput, at Place) (*widgets.Widget, error) {
	content, err := widgets.NewForm(in)
	if err != nil {
		return nil, err
	}
	return s.addWidget(ctx, actor, sub, pageID, content, at, nil)
}

// UpdateFormWidget stores a new version of a Form widget with in applied; fields, when given,
// replace the old ones whole, and records keep the answers they were given (see widgets.Record).
// An update that changes nothing stores nothing and returns the current version. Returns the
// errors of the widget operations, and a validation error for input the form does not take.
func (s *Service) UpdateFormWidget(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID, widgetID int64, in widgets.FormInput) (*widgets.Widget, error) {
	return s.updateWidget(ctx, actor, sub, pageID, widgetID, widgets.Form, 0, in.Apply)
}

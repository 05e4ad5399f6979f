package pages

import (
	"context"

	"quire/app/api"
	"quire/people"
	"quire/widgets"
)

// A widget's history, as the web UI shows it: its versions, numbered, whatever its kind.

// NumberedVersion is one version of a widget with its number among the widget's versions (1 for
// its first).
type NumberedVersion struct {
	*widgets.Widget
	Number int
}

// ReadWidgetVersion returns the version versionID of the widget of the page that widgetID names
// (removed widgets included), presented (its author's name, its files' URLs), and numbered.
// Returns ErrPageNotFound, widgets.ErrNotFound, widgets.ErrVersionNotFound, or the actor's
// permission error.
func (s *Service) ReadWidgetVersion(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID, widgetID, versionID int64) (*NumberedVersion, error) {
	if err := actor.Can(people.View, sub.ID); err != nil {
		return nil, err
	}
	if _, err := s.FindPage(ctx, s.DB.R, sub, pageID); err != nil {
		return nil, err
	}
	w, err := widgets.Version(ctx, s.DB.R, pageID, widgetID, versionID)
	if err != nil {
		return nil, err
	}
	n, err := widgets.VersionNumber(ctx, s.DB.R, w)
	if err != nil {
		return nil, err
	}
	return &NumberedVersion{Widget: w, Number: n}, s.present(ctx, s.DB.R, sub, w)
}

// ReadWidgetHistory returns a batch of the versions of the widget of the page that widgetID
// names (removed widgets included, whatever its kind), newest first, at most q.Limit (1 to
// api.MaxLimit) after q.Cursor, numbered and presented, and the cursor of the next batch (nil
// after the last). Returns ErrPageNotFound, widgets.ErrNotFound, a validation error on "cursor",
// or the actor's permission error.
func (s *Service) ReadWidgetHistory(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID, widgetID int64, q api.ListQuery) ([]*NumberedVersion, []string, error) {
	if err := actor.Can(people.View, sub.ID); err != nil {
		return nil, nil, err
	}
	if q.Limit < 1 || q.Limit > api.MaxLimit {
		q.Limit = api.MaxLimit
	}
	if _, err := s.FindPage(ctx, s.DB.R, sub, pageID); err != nil {
		return nil, nil, err
	}
	list, next, err := widgets.Versions(ctx, s.DB.R, pageID, widgetID, q)
	if err != nil || len(list) == 0 {
		return nil, nil, err
	}
	first, err := widgets.VersionNumber(ctx, s.DB.R, list[0])
	if err != nil {
		return nil, nil, err
	}
	out := make([]*NumberedVersion, len(list))
	for i, w := range list {
		out[i] = &NumberedVersion{Widget: w, Number: first - i}
	}
	return out, next, s.present(ctx, s.DB.R, sub, list...)
}

package pages

import (
	"context"
	"errors"
	"fmt"
	"time"

	"quire/app/api"
	"quire/people"
	"quire/widgets"
)

// EditConflict is the refusal of an edit made from a version that is no longer the widget's
// newest: someone else saved since the editor opened it. Nothing was changed. Its code is
// api.CodeEditConflict (409).
type EditConflict struct {
	// Base is the version id the editor opened.
	Base int64
	// Current is the widget's newest version, presented (with its author's name).
	Current *widgets.Widget
}

func (e *EditConflict) Error() string {
	return fmt.Sprintf("Someone else saved a newer version of this widget since you opened version %d: version %d, by %s at %s. "+
		"Nothing was changed. To keep your text, send it again with base_version_id %d; to take theirs, discard your edit.",
		e.Base, e.Current.ID, e.Current.CreatedBy.Name, e.Current.CreatedAt.UTC().Format(time.RFC3339), e.Current.ID)
}

// ErrorCode returns api.CodeEditConflict.
func (e *EditConflict) ErrorCode() string { return api.CodeEditConflict }

// ErrorField names the parameter that was out of date.
func (e *EditConflict) ErrorField() string { return "base_version_id" }

// UpdateTextWidgetFrom is UpdateTextWidget for an editor that opened version base of the widget
// (0: no version given, as UpdateTextWidget). When the widget's newest version is not base, it
// stores nothing and returns an *EditConflict that holds the newest version. Returns also a
// validation error on "base_version_id" for a base that is not a version of this widget, and the
// errors of UpdateTextWidget.
func (s *Service) UpdateTextWidgetFrom(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID, widgetID int64, kind string, base int64, in widgets.Input) (*widgets.Widget, error) {
	return s.updateWidget(ctx, actor, sub, pageID, widgetID, kind, base, in.Apply)
}

// checkVersionOf returns a validation error on "base_version_id" unless id is a version of the
// widget cur (whose current version it names).
func checkVersionOf(ctx context.Context, tx DBTX, cur *widgets.Widget, id int64) error {
	other, err := widgets.Find(ctx, tx, cur.PageID, id)
	if err == nil && other.FirstID() == cur.FirstID() {
		return nil
	}
	if err != nil && !errors.Is(err, widgets.ErrNotFound) {
		return err
	}
	return api.Invalid("base_version_id", "Version %d is not a version of widget %d; give the version id the editor opened.", id, cur.FirstID())
}

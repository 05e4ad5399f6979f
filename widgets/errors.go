package widgets

import (
	"strings"

	"quire/app/api"
)

// ErrNotFound is a widget that does not exist on the page, or was removed from it.
var ErrNotFound = api.NotFound("No such widget on this page.")

// ErrVersionNotFound is a version id that is not a version of the widget.
var ErrVersionNotFound = api.Invalid("version_id", "Parameter \"version_id\" is not a version of this widget.")

// WrongKind is the error for a widget addressed with another kind's URL: it names the right one.
func WrongKind(w *Widget, asked string) error {
	return api.Invalid("", "Widget %d is a %s widget, not a %s: use /page/%d/%s/.../%d/.",
		w.ID, w.Classname, asked, w.PageID, strings.ToLower(w.Classname), w.ID)
}

// MaxPerPage is the most widgets a page may hold.
const MaxPerPage = 1000

// ErrPageFull refuses a widget on a page that holds MaxPerPage already.
var ErrPageFull = api.Conflict("The page already has 1000 widgets, the most a page may hold; put the rest on another page.")

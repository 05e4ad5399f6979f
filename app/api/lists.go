package api

import (
	"context"
	"encoding/base64"
	"encoding/json"

	"quire/app/sqldb"
)

// MaxLimit is the largest page a list answers when asked with limit, and the page of a cursor
// given without limit.
const MaxLimit = 1000

// ListQuery is what a client asked of a list. Without limit and cursor it asks for the whole list
// (Limit 0), as Papyrs' lists answer; with them, for at most Limit items after the Cursor
// position. With Since, only items created or changed at or after it, oldest first.
type ListQuery struct {
	Limit  int
	Cursor []string
	Since  *Time
	// Offset is how many items to skip before the first, for lists that keep Papyrs' page
	// numbers (pages/records); cursors make it 0.
	Offset int
}

// Whole reports whether the client asked for the whole list rather than one page of it.
func (q ListQuery) Whole() bool { return q.Limit == 0 }

// CheckCursor refuses a cursor that is not of the n keys the list gives out (one from another
// list), rather than starting the list again.
func (q ListQuery) CheckCursor(n int) error {
	if len(q.Cursor) != 0 && len(q.Cursor) != n {
		return Invalid("cursor", "Parameter \"cursor\" is not a cursor of this list; start again without it.")
	}
	return nil
}

// EncodeCursor makes an opaque cursor from the sort key of the last item answered.
func EncodeCursor(key ...string) string {
	raw, _ := json.Marshal(key)
	return base64.RawURLEncoding.EncodeToString(raw)
}

// DBTX is what a list reader reads through: the list's read transaction.
type DBTX = sqldb.DBTX

// ListReader reads one batch of a list through db, in the list's order: at most q.Limit items
// after the position q.Cursor names (none: from the start, skipping q.Offset), with everything
// the answer shows of them, and the sort key of the last one when more remain after it (nil
// when none do), which is the cursor of the next batch. It reads at most q.Limit+1 rows, and
// returns a validation error for a cursor that is not of this list.
type ListReader[T any] func(ctx context.Context, db DBTX, q ListQuery) (items []T, next []string, err error)

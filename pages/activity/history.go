package activity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"quire/app/api"
	"quire/pages"
	"quire/people"
	"quire/widgets"
)

// A page's timeline, as the web UI shows it: its widgets' changes, and what changed since the
// reader's last visit.

// ReadPageHistory returns a batch of the page's history (widgets.Changes: its widgets' versions
// and removals, newest first), at most q.Limit (1 to api.MaxLimit) after q.Cursor, with their
// authors' names, and the cursor of the next batch (nil after the last). Returns pages.ErrPageNotFound,
// a validation error on "cursor", or the actor's permission error.
func (s *Service) ReadPageHistory(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64, q api.ListQuery) ([]*widgets.Change, []string, error) {
	if err := actor.Can(people.View, sub.ID); err != nil {
		return nil, nil, err
	}
	if q.Limit < 1 || q.Limit > api.MaxLimit {
		q.Limit = api.MaxLimit
	}
	if _, err := s.Pages.FindPage(ctx, s.Pages.DB.R, sub, pageID); err != nil {
		return nil, nil, err
	}
	list, next, err := widgets.Changes(ctx, s.Pages.DB.R, pageID, q)
	if err != nil {
		return nil, nil, err
	}
	refs := make([]*api.UserRef, 0, len(list))
	for _, c := range list {
		if c.By.ID != 0 {
			refs = append(refs, &c.By)
		}
	}
	return list, next, people.FillNames(ctx, s.Pages.DB.R, refs...)
}

// visitGap is how long after the start of a person's visit to a page a view still belongs to
// it: the first view after that starts a new visit. So page_visits is written at most once per
// visitGap per person and page, not on every view.
const visitGap = 30 * time.Minute

// Visit is what RecordVisit tells of a person's visits to a page.
type Visit struct {
	// Since is the start of the person's visit before the current one: changes after it by
	// someone else are new to them. Nil on a first visit.
	Since *api.Time
	// Until is when the current visit ends: the first view after it starts a new one (and
	// writes). Until then, what a view shows of the visit stays as it is.
	Until time.Time
}

// IsNew reports whether the change is new to the person since their last visit: made after it,
// and not by them (a removal, whose author is not stored, is new to everyone).
func (v Visit) IsNew(c *widgets.Change, personID int64) bool {
	return v.Since != nil && c.At.Key() > v.Since.Key() && c.By.ID != personID
}

// RecordVisit records that actor views the page now and returns their previous visit. It reads
// one row on every view and writes one only when a new visit starts (visitGap). Returns
// pages.ErrPageNotFound, or the actor's permission error.
func (s *Service) RecordVisit(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64) (Visit, error) {
	if err := actor.Can(people.View, sub.ID); err != nil {
		return Visit{}, err
	}
	now := api.NewTime(s.Pages.DB.Now())
	var visited, previous *api.Time
	// The page (live, in sub) and the person's visit of it, in one read: a page view makes it.
	err := s.Pages.DB.R.QueryRowContext(ctx, `SELECT v.visited_at, v.previous_at FROM pages p
		LEFT JOIN page_visits v ON v.page_id = p.id AND v.user_id = ?
		WHERE p.id = ? AND p.subsite_id = ? AND p.deleted_at IS NULL`, actor.User.ID, pageID, sub.ID).Scan(&visited, &previous)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Visit{}, pages.ErrPageNotFound
	case err != nil:
		return Visit{}, fmt.Errorf("page %d visit: %w", pageID, err)
	case visited != nil && now.Sub(visited.Time) < visitGap:
		return Visit{Since: previous, Until: visited.Add(visitGap)}, nil // the same visit: nothing to write
	}
	previous = visited // a new visit: the one that started at visited (if any) is now the previous
	// Two views at once may both come here: the condition lets only the first start the visit.
	stale := api.NewTime(now.Add(-visitGap))
	started := false
	err = s.Pages.DB.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO page_visits (user_id, page_id, visited_at, previous_at) VALUES (?, ?, ?, NULL)
			ON CONFLICT (user_id, page_id) DO UPDATE SET previous_at = visited_at, visited_at = excluded.visited_at
			WHERE visited_at <= ?`, actor.User.ID, pageID, now, stale)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		started = n == 1
		return err
	})
	if err != nil {
		return Visit{}, fmt.Errorf("page %d visit: %w", pageID, err)
	}
	if !started { // a view at the same moment started it: when, this one does not know
		return Visit{Since: previous, Until: now.Time}, nil
	}
	return Visit{Since: previous, Until: now.Add(visitGap)}, nil
}

// MaxChangesSince bounds CountChangesSince: a reader is told "99+" rather than made to wait
// for an exact count of a busy page's history.
const MaxChangesSince = 100

// CountChangesSince returns how many changes of the page's history are new to actor since the
// visit v (see Visit.IsNew), at most MaxChangesSince; 0 on a first visit. Returns the actor's
// permission error, or the errors of widgets.CountChanges.
func (s *Service) CountChangesSince(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64, v Visit) (int, error) {
	if err := actor.Can(people.View, sub.ID); err != nil {
		return 0, err
	}
	if v.Since == nil {
		return 0, nil
	}
	return widgets.CountChanges(ctx, s.Pages.DB.R, pageID, *v.Since, actor.User.ID, MaxChangesSince)
}

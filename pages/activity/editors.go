package activity

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"quire/app/api"
	"quire/pages"
	"quire/people"
)

// EditorTTL is how long an open editor counts as editing after its last refresh; the web editor
// refreshes about every 20 seconds, so a closed tab drops out within a minute.
const EditorTTL = 60 * time.Second

// maxEditorsShown bounds the list of people editing a page at once.
const maxEditorsShown = 20

// MarkEditing records that actor has the page pageID of sub open for editing now, and returns
// the others who do (refreshed within EditorTTL), by name. It also forgets the page's expired
// rows. The actor must be an editor in sub. Returns people.ErrNotFound for a subsite actor is not
// in, a forbidden error, and pages.ErrPageNotFound for a page not in sub or in the trash.
func (s *Service) MarkEditing(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64) ([]api.UserRef, error) {
	if err := actor.Can(people.Edit, sub.ID); err != nil {
		return nil, err
	}
	var others []api.UserRef
	err := s.Pages.DB.Write(ctx, func(tx *sql.Tx) error {
		if _, err := s.Pages.FindPage(ctx, tx, sub, pageID); err != nil {
			return err
		}
		now := s.Pages.DB.Now()
		if _, err := tx.ExecContext(ctx, `DELETE FROM page_editors WHERE page_id = ? AND seen_at < ?`,
			pageID, api.NewTime(now.Add(-EditorTTL))); err != nil {
			return fmt.Errorf("mark editing: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO page_editors (page_id, user_id, seen_at) VALUES (?, ?, ?)
			ON CONFLICT (page_id, user_id) DO UPDATE SET seen_at = excluded.seen_at`, pageID, actor.User.ID, api.NewTime(now)); err != nil {
			return fmt.Errorf("mark editing: %w", err)
		}
		var err error
		others, err = s.editors(ctx, tx, pageID, actor.User.ID, now)
		return err
	})
	return others, err
}

// StopEditing forgets that actor has the page open for editing (the editor was closed). The
// actor must be an editor in sub; a page that is gone is no error.
func (s *Service) StopEditing(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64) error {
	if err := actor.Can(people.Edit, sub.ID); err != nil {
		return err
	}
	return s.Pages.DB.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM page_editors WHERE page_id = ? AND user_id = ?
			AND page_id IN (SELECT id FROM pages WHERE subsite_id = ?)`, pageID, actor.User.ID, sub.ID)
		if err != nil {
			return fmt.Errorf("stop editing: %w", err)
		}
		return nil
	})
}

// PageEditors returns who has the page pageID of sub open for editing now, other than actor, by
// name. The actor must be allowed to view sub. Returns people.ErrNotFound for a subsite actor is
// not in, and pages.ErrPageNotFound for a page not in sub or in the trash.
func (s *Service) PageEditors(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64) ([]api.UserRef, error) {
	if err := actor.Can(people.View, sub.ID); err != nil {
		return nil, err
	}
	// The page (live, in sub) and its editors in one read: every page view makes it.
	rows, err := s.Pages.DB.R.QueryContext(ctx, `SELECT e.user_id FROM pages p
		LEFT JOIN (SELECT user_id, seen_at FROM page_editors WHERE page_id = ? AND user_id != ? AND seen_at >= ?
			ORDER BY seen_at DESC LIMIT ?) e
		WHERE p.id = ? AND p.subsite_id = ? AND p.deleted_at IS NULL`,
		pageID, actor.User.ID, api.NewTime(s.Pages.DB.Now().Add(-EditorTTL)), maxEditorsShown, pageID, sub.ID)
	if err != nil {
		return nil, fmt.Errorf("page editors: %w", err)
	}
	defer rows.Close()
	found, out := false, []api.UserRef{}
	for rows.Next() {
		var id *int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("page editors: %w", err)
		}
		found = true
		if id != nil {
			out = append(out, api.UserRef{ID: *id})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("page editors: %w", err)
	}
	if !found {
		return nil, pages.ErrPageNotFound
	}
	return out, s.fillEditorNames(ctx, s.Pages.DB.R, out)
}

func (s *Service) editors(ctx context.Context, db pages.DBTX, pageID, except int64, now time.Time) ([]api.UserRef, error) {
	rows, err := db.QueryContext(ctx, `SELECT user_id FROM page_editors WHERE page_id = ? AND user_id != ? AND seen_at >= ?
		ORDER BY seen_at DESC LIMIT ?`, pageID, except, api.NewTime(now.Add(-EditorTTL)), maxEditorsShown)
	if err != nil {
		return nil, fmt.Errorf("page editors: %w", err)
	}
	defer rows.Close()
	out := []api.UserRef{}
	for rows.Next() {
		var r api.UserRef
		if err := rows.Scan(&r.ID); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.fillEditorNames(ctx, db, out)
}

// fillEditorNames fills in the names of editors (none: no read).
func (s *Service) fillEditorNames(ctx context.Context, db pages.DBTX, editors []api.UserRef) error {
	refs := make([]*api.UserRef, len(editors))
	for i := range editors {
		refs[i] = &editors[i]
	}
	return people.FillNames(ctx, db, refs...)
}

// ReaderEpoch returns the epoch of everything a page view shows its reader: the page's content
// (pages.Service.ContentEpoch: the page, its widgets, people's names) and who is editing it
// (the presence epoch, moved by every change to page_editors). Read once per request with the
// content's (sqldb.WithEpochs), before what it keys is read.
func (s *Service) ReaderEpoch(ctx context.Context) (int64, error) {
	return s.Pages.ContentEpochWith(ctx, "presence")
}

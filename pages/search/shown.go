package search

import (
	"context"
	"fmt"

	"quire/app/sqldb"
	"quire/widgets"
)

// showWhatSitsOn makes what sits on the page findable exactly while it shows there: a form entry
// while its Form widget is on the page, a comment while the page has a Discussion widget, a file
// while the current version of its Image or Attachment widget lists it (not the file an image
// had before it was replaced), and none of them while the page is in the trash (trashed). With
// all it looks at every widget the page ever had; else at the widgets (first ids) that came or
// left (moved) and those with a new version (versioned), so that a paragraph edit costs nothing
// here and a form's entries are looked at only when the form comes or goes. Entries are hidden
// rather than removed, so that a page or widget that comes back brings them back as they were.
func (s *Service) showWhatSitsOn(ctx context.Context, tx DBTX, pageID int64, trashed, all bool, moved, versioned []int64) error {
	fail := func(err error) error { return fmt.Errorf("index what sits on page %d: %w", pageID, err) }
	if trashed {
		_, err := tx.ExecContext(ctx, `UPDATE search_docs SET hidden = TRUE WHERE page_id = ? AND cat <> ? AND NOT hidden`,
			pageID, CatPage)
		if err != nil {
			return fail(err)
		}
		return nil
	}
	query, args := `SELECT p.widget_id, w.classname, p.removed_at IS NULL FROM placements p JOIN widgets w ON w.id = p.widget_id
		WHERE p.page_id = ?`, []any{pageID}
	if !all {
		ids := append(append([]int64(nil), moved...), versioned...)
		if len(ids) == 0 {
			return nil
		}
		query += ` AND p.widget_id IN (` + sqldb.Placeholders(len(ids)) + `)`
		for _, id := range ids {
			args = append(args, id)
		}
	}
	rows, err := tx.QueryContext(ctx, query+` LIMIT 100000`, args...)
	if err != nil {
		return fail(err)
	}
	type held struct {
		id     int64
		kind   string
		placed bool
	}
	var list []held
	for rows.Next() {
		var h held
		if err := rows.Scan(&h.id, &h.kind, &h.placed); err != nil {
			rows.Close()
			return fail(err)
		}
		list = append(list, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fail(err)
	}
	came := map[int64]bool{}
	for _, id := range moved {
		came[id] = true
	}
	discussion := false
	for _, h := range list {
		switch {
		case h.kind == widgets.Form && (all || came[h.id]):
			if _, err := tx.ExecContext(ctx, `UPDATE search_docs SET hidden = ? WHERE cat = ? AND hidden <> ?
				AND ref_id IN (SELECT id FROM records WHERE widget_id = ?)`, !h.placed, CatForm, !h.placed, h.id); err != nil {
				return fail(err)
			}
		case h.kind == widgets.Discussion && (all || came[h.id]):
			discussion = true
		case h.kind == widgets.Image || h.kind == widgets.Attachment:
			if err := showFiles(ctx, tx, pageID, h.id, h.placed); err != nil {
				return fail(err)
			}
		}
	}
	if discussion {
		has, err := widgets.HasDiscussion(ctx, tx, pageID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE search_docs SET hidden = ? WHERE page_id = ? AND cat = ? AND hidden <> ?`,
			!has, pageID, CatComment, !has); err != nil {
			return fail(err)
		}
	}
	if all {
		// A file of no widget shows with its page.
		if _, err := tx.ExecContext(ctx, `UPDATE search_docs SET hidden = FALSE WHERE cat = ? AND hidden
			AND ref_id IN (SELECT id FROM files WHERE page_id = ? AND widget_id IS NULL)`, CatFile, pageID); err != nil {
			return fail(err)
		}
	}
	return nil
}

// showFiles makes the files of the widget (first id) findable while its current version lists
// them and it is placed.
func showFiles(ctx context.Context, tx DBTX, pageID, widgetID int64, placed bool) error {
	files, err := widgets.FilesOf(ctx, tx, widgetID)
	if err != nil || len(files) == 0 {
		return err
	}
	listed := map[int64]bool{}
	if placed {
		current, err := widgets.ListCurrent(ctx, tx, pageID, widgetID)
		if err != nil {
			return err
		}
		for _, w := range current {
			if w.Files != nil {
				for _, f := range *w.Files {
					listed[f.ID] = true
				}
			}
		}
	}
	for _, f := range files {
		if _, err := tx.ExecContext(ctx, `UPDATE search_docs SET hidden = ? WHERE cat = ? AND ref_id = ? AND hidden <> ?`,
			!listed[f.ID], CatFile, f.ID, !listed[f.ID]); err != nil {
			return err
		}
	}
	return nil
}

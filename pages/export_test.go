package pages

import (
	"context"
	"database/sql"
	"encoding/json"

	"quire/app/api"
	"quire/people"
	"quire/widgets"
)

// SeedPage is a page for SeedPages: its folder path, title, tags and one Paragraph per text.
type SeedPage struct {
	Path  string
	Title string
	Tags  []string
	Texts []string
}

// SeedPages creates the pages (and their folders) in one transaction, as createPage does for
// pages/create, so that tests can make thousands of pages in a second. It returns their ids.
func (s *Service) SeedPages(ctx context.Context, sub *people.Subsite, by int64, list []SeedPage) ([]int64, error) {
	ids := make([]int64, 0, len(list))
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		now := api.NewTime(s.DB.Now())
		for _, sp := range list {
			np := NewPage{Title: sp.Title, Layout: [][]int{{100}}, Columns: [][]widgets.Content{{}}, Tags: sp.Tags}
			for _, text := range sp.Texts {
				c, err := widgets.NewContent(widgets.Paragraph, widgets.Input{Val: &text})
				if err != nil {
					return err
				}
				np.Columns[0] = append(np.Columns[0], c)
			}
			var err error
			if np.Folder, err = s.EnsureFolderPath(ctx, tx, sub.ID, sp.Path); err != nil {
				return err
			}
			p, err := s.createPage(ctx, tx, sub, np, now, by)
			if err != nil {
				return err
			}
			ids = append(ids, p.ID)
		}
		return nil
	})
	return ids, err
}

// SeedLegacyPage makes a page holding one Paragraph per text, stored as they are without the
// checks of today's writes, as a page made before widgets.MaxPageBytes existed may be. It
// returns the page's id.
func (s *Service) SeedLegacyPage(ctx context.Context, sub *people.Subsite, by int64, title string, texts []string) (int64, error) {
	var id int64
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		main, err := s.EnsureFolderPath(ctx, tx, sub.ID, "")
		if err != nil {
			return err
		}
		now := api.NewTime(s.DB.Now())
		p, err := s.createPage(ctx, tx, sub, NewPage{Title: title, Layout: [][]int{{100}}, Columns: [][]widgets.Content{{}}, Folder: main}, now, by)
		if err != nil {
			return err
		}
		id = p.ID
		for pos, text := range texts {
			res, err := tx.ExecContext(ctx, `INSERT INTO widgets (page_id, classname, html, text, format, data, created_at, created_by)
				VALUES (?, 'Paragraph', ?, ?, 'html', '{}', ?, ?)`, id, "<p>"+text+"</p>", text, now, by)
			if err != nil {
				return err
			}
			wid, _ := res.LastInsertId()
			if _, err := tx.ExecContext(ctx, `INSERT INTO placements (widget_id, page_id, current_id, col, pos) VALUES (?, ?, ?, 0, ?)`,
				wid, id, wid, pos); err != nil {
				return err
			}
		}
		return nil
	})
	return id, err
}

// BuiltPageJSON returns the answer of pages/get for the page as it is built in memory, for
// comparison with the streamed one.
func (s *Service) BuiltPageJSON(ctx context.Context, sub *people.Subsite, id int64) ([]byte, error) {
	p, err := s.FindPage(ctx, s.DB.R, sub, id)
	if err != nil {
		return nil, err
	}
	if err := s.FillContent(ctx, s.DB.R, sub, p); err != nil {
		return nil, err
	}
	return json.Marshal(p)
}

package pages

import (
	"context"
	"database/sql"

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

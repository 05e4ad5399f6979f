package pages

import (
	"context"

	"quire/app/api"
	"quire/app/events"
	"quire/people"
)

// recordPage writes the page event kind (events.PageCreated, PageUpdated or PageDeleted) of page p
// of sub, done by by at now, to the activity log in tx, with the page as pages/get answers it for
// the hooks that want it. filled says p is whole, content included (FillContent); otherwise the
// page is read again in tx (a page in the trash: p is whole but for its content).
func (s *Service) recordPage(ctx context.Context, tx DBTX, kind string, sub *people.Subsite, p *Page, by int64, now api.Time, filled bool) error {
	return events.Record(ctx, tx, events.Event{Kind: kind, SubsiteID: p.SubsiteID, ObjectType: "page", ObjectID: p.ID,
		ActorID: by, Summary: p.Title, Payload: func() (any, error) {
			if !filled {
				if kind != events.PageDeleted {
					fresh, err := s.FindPage(ctx, tx, sub, p.ID)
					if err != nil {
						return nil, err
					}
					p = fresh
				}
				p.UpdatedAt = now
				if err := s.FillContent(ctx, tx, sub, p); err != nil {
					return nil, err
				}
			}
			return p, nil
		}}, now)
}

package pages

import (
	"context"
	"database/sql"
	"strings"

	"quire/app/api"
	"quire/app/events"
	"quire/people"
	"quire/people/mail"
)

// The two ways a page is made, pages/create and pages/copy: both tell the subsite's members.

// CreatePage makes the page np in the folder that folder names (none: Main; a path's missing
// folders are made) of sub, with its widgets, in one transaction, and tells the subsite's members
// of it (mail.QueueEvent, by their notification levels) unless notify is false; np.Folder is
// set from folder. It returns the page with its content, presented. The actor must be an editor
// in sub. Returns people.ErrNotFound for a subsite actor is not in, a forbidden error for a role
// or token that may not edit, and a validation error for a title, tags, layout or folder it does
// not take.
func (s *Service) CreatePage(ctx context.Context, actor *people.Actor, sub *people.Subsite, np NewPage, folder FolderChoice, notify bool) (*Page, error) {
	if err := actor.Can(people.Edit, sub.ID); err != nil {
		return nil, err
	}
	var err error
	if np.Title, err = CleanTitle(np.Title); err != nil {
		return nil, err
	}
	if np.Tags, err = CleanTags(np.Tags); err != nil {
		return nil, err
	}
	if len(np.Layout) != 1 || len(np.Layout[0]) != len(np.Columns) {
		return nil, api.Invalid("layout", "The layout must be one row of %d column widths, one per column of widgets.", len(np.Columns))
	}
	var p *Page
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		if np.Folder, err = s.resolve(ctx, tx, sub.ID, folder); err != nil {
			return err
		}
		now := api.NewTime(s.DB.Now())
		if p, err = s.createPage(ctx, tx, sub, np, now, actor.User.ID); err != nil {
			return err
		}
		if err := s.notifyNewPage(ctx, tx, p, actor.User.ID, now, notify); err != nil {
			return err
		}
		if err := s.FillContent(ctx, tx, sub, p); err != nil {
			return err
		}
		return s.recordPage(ctx, tx, events.PageCreated, sub, p, actor.User.ID, now, true)
	})
	return p, err
}

// CopyInput is where a copy of a page goes and what changes.
type CopyInput struct {
	// SubsiteID is the subsite the copy goes to; nil (or the source's): the source's. A Folder path
	// written "@slug/Folder" names the subsite too, and wins.
	SubsiteID *int64
	// Folder is the folder of the copy in its subsite (none: Main; a path's missing folders are
	// made).
	Folder FolderChoice
	Title  string // "" keeps the source's title
	Tags   []string
	// KeepTags copies the source's tags when Tags is nil.
	KeepTags bool
	// Notify tells the target subsite's members of the copy, as of a new page.
	Notify bool
}

// CopyPage copies the page id of sub, with the newest version of every widget, as in says, in one
// transaction, and returns the copy with its content, presented. The actor must be an editor in
// sub and in the target subsite. Returns people.ErrNotFound for a subsite actor is not in (source
// or target), a forbidden error for a role or token that may not edit there, ErrPageNotFound for
// a source not in sub or in the trash, and a validation error for a folder the target does not
// have.
func (s *Service) CopyPage(ctx context.Context, actor *people.Actor, sub *people.Subsite, id int64, in CopyInput) (*Page, error) {
	if err := actor.Can(people.Edit, sub.ID); err != nil {
		return nil, err
	}
	target, err := s.copyTarget(ctx, actor, sub, &in)
	if err != nil {
		return nil, err
	}
	var p *Page
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		src, err := s.FindPage(ctx, tx, sub, id)
		if err != nil {
			return err
		}
		pc := PageCopy{To: target, Title: in.Title, Tags: in.Tags, KeepTags: in.KeepTags}
		if pc.Folder, err = s.resolve(ctx, tx, target.ID, in.Folder); err != nil {
			return err
		}
		now := api.NewTime(s.DB.Now())
		if p, err = s.copyPage(ctx, tx, src, pc, now, actor.User.ID); err != nil {
			return err
		}
		if err := s.notifyNewPage(ctx, tx, p, actor.User.ID, now, in.Notify); err != nil {
			return err
		}
		if err := s.FillContent(ctx, tx, target, p); err != nil {
			return err
		}
		return s.recordPage(ctx, tx, events.PageCreated, target, p, actor.User.ID, now, true)
	})
	return p, err
}

// copyTarget returns the subsite a copy goes to: in.SubsiteID, or the subsite of a folder path
// written "@slug/Folder" (whose folder part then replaces in.Folder.Path), or the source's own
// (sub). The actor must be an editor there; a subsite they cannot see is not found.
func (s *Service) copyTarget(ctx context.Context, actor *people.Actor, sub *people.Subsite, in *CopyInput) (*people.Subsite, error) {
	target := sub
	var err error
	if id := in.SubsiteID; id != nil && *id != sub.ID {
		if target, err = s.People.FindSubsiteByID(ctx, s.DB.R, *id); err != nil {
			return nil, err
		}
	}
	if path := in.Folder.Path; path != nil && strings.HasPrefix(strings.TrimLeft(*path, "/"), "@") {
		slug, rest, _ := strings.Cut(strings.TrimLeft(*path, "/")[1:], "/")
		if target, err = s.People.FindSubsiteBySlug(ctx, s.DB.R, slug); err != nil {
			return nil, err
		}
		in.Folder.Path = &rest
	}
	if err := actor.Can(people.Edit, target.ID); err != nil {
		return nil, err
	}
	return target, nil
}

// notifyNewPage tells the members of the page's subsite of it, by their notification levels,
// unless notify is false.
func (s *Service) notifyNewPage(ctx context.Context, tx DBTX, p *Page, by int64, now api.Time, notify bool) error {
	if !notify {
		return nil
	}
	return mail.QueueEvent(ctx, tx, mail.Event{SubsiteID: p.SubsiteID, Kind: mail.EventPage, ActorID: by,
		Title: p.Title, URL: p.URL}, now)
}

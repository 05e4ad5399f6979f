package pages

import (
	"context"
	"database/sql"

	"quire/app/api"
	"quire/pages/folderpath"
	"quire/people"
)

// ReadFolders returns the reader of sub's folders, ordered by path. Returns people.ErrNotFound
// for a subsite actor is not in, or a forbidden error.
func (s *Service) ReadFolders(ctx context.Context, actor *people.Actor, sub *people.Subsite) (api.ListReader[*Folder], error) {
	if err := actor.Can(people.View, sub.ID); err != nil {
		return nil, err
	}
	return func(ctx context.Context, db api.DBTX, q api.ListQuery) ([]*Folder, []string, error) {
		return ListFolders(ctx, db, sub.ID, q)
	}, nil
}

// CreateFolder makes the folder at path in sub and any missing parents. A path that exists
// already returns its folder, as mkdir -p does, so that scripts can ensure a folder without
// checking first. The actor must be an editor in sub. Returns people.ErrNotFound for a subsite
// actor is not in, a forbidden error, and a validation error on "path" for a malformed path or
// the Main folder's.
func (s *Service) CreateFolder(ctx context.Context, actor *people.Actor, sub *people.Subsite, path string) (*Folder, error) {
	if err := actor.Can(people.Edit, sub.ID); err != nil {
		return nil, err
	}
	path, err := folderpath.Clean("path", path)
	if err != nil {
		return nil, err
	}
	if path == "" {
		return nil, api.Invalid("path", "Give the path of a folder below Main, such as \"HR/Guides\"; the Main folder always exists.")
	}
	var f *Folder
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		f, err = s.EnsureFolderPath(ctx, tx, sub.ID, path)
		return err
	})
	return f, err
}

// DeleteFolder deletes the folder fc names in sub with its subfolders, and returns it and how
// many folders went. The actor must be an editor in sub. Returns people.ErrNotFound for a subsite
// actor is not in, a forbidden error, ErrFolderNotFound, and a validation error for no folder
// named, the Main folder, or a subtree that holds live pages.
func (s *Service) DeleteFolder(ctx context.Context, actor *people.Actor, sub *people.Subsite, fc FolderChoice) (*Folder, int64, error) {
	if err := actor.Can(people.Edit, sub.ID); err != nil {
		return nil, 0, err
	}
	if !fc.given() {
		return nil, 0, api.Invalid(fc.IDField, "Give %q or %q: the folder to delete.", fc.IDField, fc.PathField)
	}
	var f *Folder
	var deleted int64
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		var err error
		if f, err = findChoice(ctx, tx, sub.ID, fc); err != nil {
			return err
		}
		field := fc.PathField
		if fc.ID != nil {
			field = fc.IDField
		}
		deleted, err = deleteFolder(ctx, tx, f, field)
		return err
	})
	return f, deleted, err
}

// FolderCopyInput is one step of folder/copy as asked: a first step names the source and the
// target folder; a following step (the "more" of the last answer) names the copy made and how far
// it got. What the copy takes is kept by the server (resumeFolderCopy), never read from the input.
type FolderCopyInput struct {
	Source, Target FolderChoice
	// SubsiteID is the target subsite; nil: the source's.
	SubsiteID   *int64
	NewFolderID *int64
	AfterPath   string
	AfterPageID *int64
}

// Check passes fail a validation error for a step that names no source, or mixes a first step's
// fields with a following step's.
func (in FolderCopyInput) Check(fail func(error)) {
	switch {
	case !in.Source.given():
		fail(api.Invalid(in.Source.IDField, "Give %q or %q: the folder to copy.", in.Source.IDField, in.Source.PathField))
	case in.NewFolderID != nil && in.Target.given():
		fail(api.Invalid("new_folder_id", "A copy under way (\"new_folder_id\") takes no \"target_folder_id\" or \"target_path\"; POST the \"more\" object of the last answer as it is."))
	case in.NewFolderID == nil && (in.AfterPageID != nil || in.AfterPath != ""):
		fail(api.Invalid("new_folder_id", "\"after_path\" and \"after_page_id\" continue a copy under way and need its \"new_folder_id\"."))
	}
}

// CopyFolder runs one step of copying a folder of sub, with its subfolders and pages, into the
// target subsite (see FolderCopy), in one transaction, and returns how far it got. The actor must
// be an editor in sub and in the target. Returns people.ErrNotFound for a subsite actor is not in
// (source or target), a forbidden error, ErrFolderNotFound for a source sub does not have, and a
// validation error for an input check refuses, a target folder the target subsite does not have,
// or a new_folder_id that is no copy under way.
func (s *Service) CopyFolder(ctx context.Context, actor *people.Actor, sub *people.Subsite, in FolderCopyInput) (*FolderCopyStep, error) {
	if err := actor.Can(people.Edit, sub.ID); err != nil {
		return nil, err
	}
	var err error
	in.Check(func(e error) {
		if err == nil {
			err = e
		}
	})
	if err != nil {
		return nil, err
	}
	to := sub
	if in.SubsiteID != nil && *in.SubsiteID != sub.ID {
		if to, err = s.People.FindSubsiteByID(ctx, s.DB.R, *in.SubsiteID); err != nil {
			return nil, err
		}
	}
	if err := actor.Can(people.Edit, to.ID); err != nil {
		return nil, err
	}
	var step *FolderCopyStep
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		fc := FolderCopy{From: sub, To: to, AfterPath: in.AfterPath, AfterPageID: in.AfterPageID}
		var err error
		if fc.Source, err = findChoice(ctx, tx, sub.ID, in.Source); err != nil {
			return err
		}
		if in.NewFolderID == nil {
			fc.Into, err = s.resolve(ctx, tx, to.ID, in.Target)
		} else {
			err = resumeFolderCopy(ctx, tx, &fc, *in.NewFolderID)
		}
		if err != nil {
			return err
		}
		step, err = s.copyFolderStep(ctx, tx, fc, api.NewTime(s.DB.Now()), actor.User.ID)
		return err
	})
	return step, err
}

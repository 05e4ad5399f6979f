package pages

import (
	"context"
	"database/sql"
	"net/http"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/people"
)

// maxFolderItemBytes is the most one folder of folder/tree takes in JSON: a path of
// maxFolderDepth names of maxFolderName characters of up to 4 bytes, its name, and the rest.
const maxFolderItemBytes = 8 << 10

func (s *Service) folderTree(c *gin.Context) {
	r := start(c, people.View)
	if r == nil {
		return
	}
	list := httpapi.ParseList(r.p)
	if r.failed(r.p.Err()) {
		return
	}
	httpapi.AnswerList(c, httpapi.List[*Folder]{DB: s.DB, Budget: s.Budget, Query: list, ItemBytes: maxFolderItemBytes,
		Read: func(ctx context.Context, db api.DBTX, q api.ListQuery) ([]*Folder, []string, error) {
			return ListFolders(ctx, db, r.sub.ID, q)
		}})
}

// createFolder makes the folder at path and any missing parents. A path that exists already
// answers its folder, as mkdir -p does, so that scripts can ensure a folder without checking first.
func (s *Service) createFolder(c *gin.Context) {
	r := start(c, people.Edit)
	if r == nil {
		return
	}
	r.p.Allow("path")
	r.p.Require("path")
	path, err := CleanFolderPath("path", r.p.String("path"))
	r.p.Fail(err)
	if path == "" {
		r.p.Fail(api.Invalid("path", "Give the path of a folder below Main, such as \"HR/Guides\"; the Main folder always exists."))
	}
	if r.failed(r.p.Err()) {
		return
	}
	var f *Folder
	err = s.DB.Write(r.ctx, func(tx *sql.Tx) error {
		f, err = s.EnsureFolderPath(r.ctx, tx, r.sub.ID, path)
		return err
	})
	if r.failed(err) {
		return
	}
	httpapi.JSON(c, http.StatusOK, f)
}

func (s *Service) deleteFolder(c *gin.Context) {
	r := start(c, people.Edit)
	if r == nil {
		return
	}
	r.p.Allow("folder_id", "path")
	fc := readFolderPair(r.p, "folder_id", "path")
	if !fc.given() {
		r.p.Fail(api.Invalid("folder_id", "Give \"folder_id\" or \"path\": the folder to delete."))
	}
	if r.failed(r.p.Err()) {
		return
	}
	var f *Folder
	var deleted int64
	err := s.DB.Write(r.ctx, func(tx *sql.Tx) error {
		var err error
		if f, err = findChoice(r.ctx, tx, r.sub.ID, fc); err != nil {
			return err
		}
		field := fc.pathName
		if fc.id != nil {
			field = fc.idName
		}
		deleted, err = deleteFolder(r.ctx, tx, f, field)
		return err
	})
	if r.failed(err) {
		return
	}
	httpapi.JSON(c, http.StatusOK, gin.H{"success": true, "folder": f, "folders_deleted": deleted})
}

// copyRequest is what folder/copy was asked: a first step names the source and the target
// folder; a following step (the "more" of the last answer) names the copy made and how far it
// got. What the copy takes is kept by the server (resumeFolderCopy), never read from the request.
type copyRequest struct {
	source, target folderChoice
	to             *people.Subsite
	newFolderID    *int64
	afterPath      string
	afterPageID    *int64
}

func (s *Service) copyFolder(c *gin.Context) {
	r := start(c, people.Edit)
	if r == nil {
		return
	}
	req, err := s.readCopyRequest(r)
	if r.failed(err) {
		return
	}
	var step *FolderCopyStep
	err = s.DB.Write(r.ctx, func(tx *sql.Tx) error {
		fc := FolderCopy{From: r.sub, To: req.to, AfterPath: req.afterPath, AfterPageID: req.afterPageID}
		var err error
		if fc.Source, err = findChoice(r.ctx, tx, r.sub.ID, req.source); err != nil {
			return err
		}
		if req.newFolderID == nil {
			fc.Into, err = s.resolve(r.ctx, tx, req.to.ID, req.target)
		} else {
			err = resumeFolderCopy(r.ctx, tx, &fc, *req.newFolderID)
		}
		if err != nil {
			return err
		}
		step, err = s.copyFolderStep(r.ctx, tx, fc, api.NewTime(s.DB.Now()), r.actor.User.ID)
		return err
	})
	if r.failed(err) {
		return
	}
	httpapi.JSON(c, http.StatusOK, step)
}

// readCopyRequest reads folder/copy's parameters and checks that the caller is an editor in the
// target subsite (a subsite they are not in is not found). max_folder_id and max_page_id, which
// the "more" objects of earlier versions carried, are taken and ignored: a copy's marks are the
// server's.
func (s *Service) readCopyRequest(r *request) (*copyRequest, error) {
	r.p.Allow("copy_folder_id", "copy_path", "target_folder_id", "target_path", "target_subsite_id",
		"new_folder_id", "max_folder_id", "max_page_id", "after_path", "after_page_id")
	req := &copyRequest{
		source:      readFolderPair(r.p, "copy_folder_id", "copy_path"),
		target:      readFolderPair(r.p, "target_folder_id", "target_path"),
		newFolderID: r.p.OptInt("new_folder_id"),
		afterPath:   r.p.String("after_path"),
		afterPageID: r.p.OptInt("after_page_id"),
		to:          r.sub,
	}
	switch {
	case !req.source.given():
		r.p.Fail(api.Invalid("copy_folder_id", "Give \"copy_folder_id\" or \"copy_path\": the folder to copy."))
	case req.newFolderID != nil && req.target.given():
		r.p.Fail(api.Invalid("new_folder_id", "A copy under way (\"new_folder_id\") takes no \"target_folder_id\" or \"target_path\"; POST the \"more\" object of the last answer as it is."))
	case req.newFolderID == nil && (req.afterPageID != nil || req.afterPath != ""):
		r.p.Fail(api.Invalid("new_folder_id", "\"after_path\" and \"after_page_id\" continue a copy under way and need its \"new_folder_id\"."))
	}
	targetID := r.p.OptInt("target_subsite_id")
	if err := r.p.Err(); err != nil {
		return nil, err
	}
	if targetID != nil && *targetID != r.sub.ID {
		var err error
		if req.to, err = s.People.FindSubsiteByID(r.ctx, s.DB.R, *targetID); err != nil {
			return nil, err
		}
	}
	if err := r.actor.Can(people.Edit, req.to.ID); err != nil {
		return nil, err
	}
	return req, nil
}

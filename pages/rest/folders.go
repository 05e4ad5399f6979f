package rest

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"quire/app/httpapi"
	"quire/pages"
	"quire/people"
)

// maxFolderItemBytes is the most one folder of folder/tree takes in JSON: a path of
// folderpath.MaxDepth names of folderpath.MaxName characters of up to 4 bytes, its name, and the rest.
const maxFolderItemBytes = 8 << 10

func (s handlers) folderTree(c *gin.Context) error {
	r, err := start(c, people.View)
	if err != nil {
		return err
	}
	list := httpapi.ParseList(r.p)
	if err := r.p.Err(); err != nil {
		return err
	}
	read, err := s.ReadFolders(r.ctx, r.actor, r.sub)
	if err != nil {
		return err
	}
	httpapi.AnswerList(c, httpapi.List[*pages.Folder]{DB: s.DB, Budget: s.Budget, Query: list, ItemBytes: maxFolderItemBytes, Read: read})
	return nil
}

func (s handlers) createFolder(c *gin.Context) error {
	r, err := start(c, people.Edit)
	if err != nil {
		return err
	}
	r.p.Allow("path")
	r.p.Require("path")
	path := r.p.String("path")
	if err := r.p.Err(); err != nil {
		return err
	}
	f, err := s.CreateFolder(r.ctx, r.actor, r.sub, path)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, f)
	return nil
}

func (s handlers) deleteFolder(c *gin.Context) error {
	r, err := start(c, people.Edit)
	if err != nil {
		return err
	}
	r.p.Allow("folder_id", "path")
	fc := readFolderPair(r.p, "folder_id", "path")
	if err := r.p.Err(); err != nil {
		return err
	}
	f, deleted, err := s.DeleteFolder(r.ctx, r.actor, r.sub, fc)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, gin.H{"success": true, "folder": f, "folders_deleted": deleted})
	return nil
}

// copyFolder answers one step of folder/copy. max_folder_id and max_page_id, which the "more"
// objects of earlier versions carried, are taken and ignored: a copy's marks are the server's.
func (s handlers) copyFolder(c *gin.Context) error {
	r, err := start(c, people.Edit)
	if err != nil {
		return err
	}
	r.p.Allow("copy_folder_id", "copy_path", "target_folder_id", "target_path", "target_subsite_id",
		"new_folder_id", "max_folder_id", "max_page_id", "after_path", "after_page_id")
	in := pages.FolderCopyInput{
		Source:      readFolderPair(r.p, "copy_folder_id", "copy_path"),
		Target:      readFolderPair(r.p, "target_folder_id", "target_path"),
		NewFolderID: r.p.OptInt("new_folder_id"),
		AfterPath:   r.p.String("after_path"),
		AfterPageID: r.p.OptInt("after_page_id"),
	}
	in.Check(r.p.Fail)
	in.SubsiteID = r.p.OptInt("target_subsite_id")
	if err := r.p.Err(); err != nil {
		return err
	}
	step, err := s.CopyFolder(r.ctx, r.actor, r.sub, in)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, step)
	return nil
}

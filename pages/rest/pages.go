package rest

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/pages"
	"quire/people"
)

func (s handlers) getPage(c *gin.Context) error {
	r, err := start(c, people.View)
	if err != nil {
		return err
	}
	id, err := r.id("page_id")
	if err != nil {
		return err
	}
	return PageAnswer(c, s.Service, r.actor, r.sub, id)
}

func (s handlers) listPages(c *gin.Context) error {
	r, err := start(c, people.View)
	if err != nil {
		return err
	}
	list := httpapi.ParseList(r.p)
	f := pages.PageFilter{Tag: strings.TrimSpace(r.p.String("tag")), FolderID: r.p.Int("folder_id", 0)}
	if err := r.p.Err(); err != nil {
		return err
	}
	read, err := s.ReadPages(r.ctx, r.actor, r.sub, f)
	if err != nil {
		return err
	}
	httpapi.AnswerList(c, httpapi.List[*pages.Page]{DB: s.DB, Budget: s.Budget, Query: list, ItemBytes: maxPageItemBytes, Read: read})
	return nil
}

func (s handlers) listTrash(c *gin.Context) error {
	r, err := start(c, people.ViewTrash)
	if err != nil {
		return err
	}
	list := httpapi.ParseList(r.p)
	if err := r.p.Err(); err != nil {
		return err
	}
	read, err := s.ReadTrash(r.ctx, r.actor, r.sub)
	if err != nil {
		return err
	}
	httpapi.AnswerList(c, httpapi.List[*pages.Page]{DB: s.DB, Budget: s.Budget, Query: list, ItemBytes: maxPageItemBytes, Read: read})
	return nil
}

// maxPageItemBytes is the most one page of a list takes in JSON: a title and 50 tags of 50
// characters of up to 4 bytes, and the rest.
const maxPageItemBytes = 16 << 10

// readFolderChoice reads the folder of pages/create and pages/copy: folder_id, or a folder path
// in "path" or in "category", the name Papyrs clients send it under (and pages answer it under);
// one of the three at most.
func readFolderChoice(p *httpapi.Params) pages.FolderChoice {
	if p.Has("category") {
		if p.Has("path") {
			p.Fail(api.Invalid("category", "Give \"path\" or \"category\" (both are the folder path), not both."))
		}
		return readFolderPair(p, "folder_id", "category")
	}
	return readFolderPair(p, "folder_id", "path")
}

// readNotify reads "notifications", which Papyrs clients send with a new page: false makes the
// page without telling the subsite's members of it (no notification, no mail). Default true.
func readNotify(p *httpapi.Params) bool { return p.Bool("notifications", true) }

// checkPermissions checks "permissions" of pages/create and pages/copy: Papyrs' page permissions,
// an object keyed by user id that gives those people a level of access, and nobody else any.
// Quire has no permissions per page: every member of a page's subsite reads it, and its editors
// and admins change it. So only values that ask for nothing narrower are taken: none (absent or
// null), an empty object, list or string, or "default". Anything else is a validation error on
// "permissions" that says to use a subsite, never a page readable by more people than asked.
func checkPermissions(p *httpapi.Params) {
	if !p.Has("permissions") {
		return
	}
	v := p.Raw("permissions")
	if s, isText := v.(string); isText {
		if t := strings.TrimSpace(s); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
			v = p.JSON("permissions") // JSON text, as a form sends an object
		}
	}
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 0 {
			return
		}
	case []any:
		if len(v) == 0 {
			return
		}
	case string:
		if s := strings.TrimSpace(v); s == "" || strings.EqualFold(s, "default") {
			return
		}
	}
	p.Fail(api.Invalid("permissions", "Quire has no permissions per page: every member of the page's subsite reads it, "+
		"and its editors and admins change it, so \"permissions\" may only be empty (or \"default\"). To keep a page from "+
		"some people, create it in a subsite whose members are the people who may see it (subsites/create, "+
		"people/add_to_subsite) and leave \"permissions\" out."))
}

// readFolderPair reads a folder given by the id parameter idName or the path parameter pathName,
// not both.
func readFolderPair(p *httpapi.Params, idName, pathName string) pages.FolderChoice {
	fc := pages.FolderChoice{IDField: idName, PathField: pathName}
	fc.ID = p.OptInt(idName)
	if p.Has(pathName) {
		path := p.String(pathName)
		fc.Path = &path
	}
	if fc.ID != nil && fc.Path != nil {
		p.Fail(api.Invalid(pathName, "Give %q or %q, not both.", idName, pathName))
	}
	return fc
}

func (s handlers) createPageHandler(c *gin.Context) error {
	r, err := start(c, people.Edit)
	if err != nil {
		return err
	}
	r.p.Allow("title", "json", "layout", "folder_id", "path", "category", "tags", "notifications", "permissions")
	r.p.Require("title", "json")
	notify := readNotify(r.p)
	checkPermissions(r.p)
	title, err := pages.CleanTitle(r.p.String("title"))
	r.p.Fail(err)
	np := pages.NewPage{Title: title}
	if r.p.Err() == nil {
		np.Columns, err = parseColumns(r.p.JSON("json"))
		r.p.Fail(err)
	}
	if r.p.Err() == nil {
		np.Layout, err = parseLayout(r.p.JSON("layout"), len(np.Columns))
		r.p.Fail(err)
	}
	np.Tags, err = pages.CleanTags(r.p.Strings("tags"))
	r.p.Fail(err)
	folder := readFolderChoice(r.p)
	if err := r.p.Err(); err != nil {
		return err
	}
	p, err := s.CreatePage(r.ctx, r.actor, r.sub, np, folder, notify)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, p)
	return nil
}

func (s handlers) trashPage(c *gin.Context) error { return s.movePage(c, s.TrashPage) }

func (s handlers) restorePage(c *gin.Context) error { return s.movePage(c, s.RestorePage) }

// movePage answers pages/delete and pages/restore, which take only the page's id: move (the
// TrashPage or RestorePage operation) and answer the page.
func (s handlers) movePage(c *gin.Context, move func(context.Context, *people.Actor, *people.Subsite, int64) (*pages.Page, error)) error {
	r, err := start(c, people.Edit)
	if err != nil {
		return err
	}
	r.p.Allow()
	if err := r.p.Err(); err != nil {
		return err
	}
	id, err := r.id("page_id")
	if err != nil {
		return err
	}
	p, err := move(r.ctx, r.actor, r.sub, id)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, gin.H{"success": true, "page": p})
	return nil
}

func (s handlers) copyPageHandler(c *gin.Context) error {
	r, err := start(c, people.Edit)
	if err != nil {
		return err
	}
	id, err := r.id("page_id")
	if err != nil {
		return err
	}
	r.p.Allow("title", "tags", "folder_id", "path", "category", "subsite_id", "notifications", "permissions")
	in := pages.CopyInput{KeepTags: !r.p.Has("tags"), Notify: readNotify(r.p)}
	checkPermissions(r.p)
	if r.p.Has("title") {
		in.Title, err = pages.CleanTitle(r.p.String("title"))
		r.p.Fail(err)
	}
	if r.p.Has("tags") {
		in.Tags, err = pages.CleanTags(r.p.Strings("tags"))
		r.p.Fail(err)
	}
	in.Folder = readFolderChoice(r.p)
	in.SubsiteID = r.p.OptInt("subsite_id")
	if err := r.p.Err(); err != nil {
		return err
	}
	p, err := s.CopyPage(r.ctx, r.actor, r.sub, id, in)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, p)
	return nil
}

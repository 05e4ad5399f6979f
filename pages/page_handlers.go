package pages

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/people"
)

func (s *Service) getPage(c *gin.Context) {
	r := start(c, people.View)
	if r == nil {
		return
	}
	id, err := r.id("page_id")
	if r.failed(err) {
		return
	}
	s.answerPage(r, id)
}

const jsonType = "application/json; charset=utf-8"

func (s *Service) listPages(c *gin.Context) {
	r := start(c, people.View)
	if r == nil {
		return
	}
	list := httpapi.ParseList(r.p)
	f := PageFilter{Tag: strings.TrimSpace(r.p.String("tag")), FolderID: r.p.Int("folder_id", 0)}
	if r.failed(r.p.Err()) {
		return
	}
	if f.FolderID != 0 {
		_, err := s.resolve(r.ctx, s.DB.R, r.sub.ID, folderChoice{id: &f.FolderID, idName: "folder_id"})
		if r.failed(err) {
			return
		}
	}
	s.answerPages(r, f, list)
}

func (s *Service) listTrash(c *gin.Context) {
	r := start(c, people.ViewTrash)
	if r == nil {
		return
	}
	list := httpapi.ParseList(r.p)
	if r.failed(r.p.Err()) {
		return
	}
	s.answerPages(r, PageFilter{Trash: true}, list)
}

// maxPageItemBytes is the most one page of a list takes in JSON: a title and 50 tags of 50
// characters of up to 4 bytes, and the rest.
const maxPageItemBytes = 16 << 10

// answerPages answers the pages of the request's subsite that f selects, as list asks.
func (s *Service) answerPages(r *request, f PageFilter, list api.ListQuery) {
	httpapi.AnswerList(r.c, httpapi.List[*Page]{DB: s.DB, Budget: s.Budget, Query: list, ItemBytes: maxPageItemBytes,
		Read: func(ctx context.Context, db api.DBTX, q api.ListQuery) ([]*Page, []string, error) {
			return s.ListPages(ctx, db, r.sub, f, q)
		}})
}

// folderChoice is a folder named by id or by path, as pages/create and pages/copy take it, with
// the names of the two parameters for messages.
type folderChoice struct {
	id               *int64
	path             *string
	idName, pathName string
}

// readFolderChoice reads the folder of pages/create and pages/copy: folder_id, or a folder path
// in "path" or in "category", the name Papyrs clients send it under (and pages answer it under);
// one of the three at most.
func readFolderChoice(p *httpapi.Params) folderChoice {
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
func readFolderPair(p *httpapi.Params, idName, pathName string) folderChoice {
	fc := folderChoice{idName: idName, pathName: pathName}
	fc.id = p.OptInt(idName)
	if p.Has(pathName) {
		path := p.String(pathName)
		fc.path = &path
	}
	if fc.id != nil && fc.path != nil {
		p.Fail(api.Invalid(pathName, "Give %q or %q, not both.", idName, pathName))
	}
	return fc
}

// given reports whether the request named a folder at all.
func (fc folderChoice) given() bool { return fc.id != nil || fc.path != nil }

// resolve returns the chosen folder of the subsite, creating a path's missing folders; with no
// choice, the Main folder.
func (s *Service) resolve(ctx context.Context, tx DBTX, subsiteID int64, fc folderChoice) (*Folder, error) {
	if fc.id != nil {
		f, err := FindFolder(ctx, tx, subsiteID, *fc.id)
		if errors.Is(err, ErrFolderNotFound) {
			return nil, api.Invalid(fc.idName, "There is no folder %d in this subsite.", *fc.id)
		}
		return f, err
	}
	path := ""
	if fc.path != nil {
		var err error
		if path, err = CleanFolderPath(fc.pathName, *fc.path); err != nil {
			return nil, err
		}
	}
	return s.EnsureFolderPath(ctx, tx, subsiteID, path)
}

func (s *Service) createPageHandler(c *gin.Context) {
	r := start(c, people.Edit)
	if r == nil {
		return
	}
	r.p.Allow("title", "json", "layout", "folder_id", "path", "category", "tags", "notifications", "permissions")
	r.p.Require("title", "json")
	notify := readNotify(r.p)
	checkPermissions(r.p)
	title, err := cleanTitle(r.p.String("title"))
	r.p.Fail(err)
	var np NewPage
	if r.p.Err() == nil {
		np.Columns, err = parseColumns(r.p.JSON("json"))
		r.p.Fail(err)
	}
	if r.p.Err() == nil {
		np.Layout, err = parseLayout(r.p.JSON("layout"), len(np.Columns))
		r.p.Fail(err)
	}
	np.Title = title
	np.Tags, err = cleanTags(r.p.Strings("tags"))
	r.p.Fail(err)
	fc := readFolderChoice(r.p)
	if r.failed(r.p.Err()) {
		return
	}
	var p *Page
	err = s.DB.Write(r.ctx, func(tx *sql.Tx) error {
		if np.Folder, err = s.resolve(r.ctx, tx, r.sub.ID, fc); err != nil {
			return err
		}
		now := api.NewTime(s.DB.Now())
		if p, err = s.createPage(r.ctx, tx, r.sub, np, now, r.actor.User.ID); err != nil {
			return err
		}
		if err := s.notifyNewPage(r.ctx, tx, p, r.actor.User.ID, now, notify); err != nil {
			return err
		}
		return s.FillContent(r.ctx, tx, r.sub, p)
	})
	if r.failed(err) {
		return
	}
	httpapi.JSON(c, http.StatusOK, p)
}

func (s *Service) trashPage(c *gin.Context) {
	r := start(c, people.Edit)
	if r == nil {
		return
	}
	r.p.Allow()
	if r.failed(r.p.Err()) {
		return
	}
	id, err := r.id("page_id")
	if r.failed(err) {
		return
	}
	p, err := s.TrashPage(r.ctx, r.sub, id, r.actor.User.ID)
	if r.failed(err) {
		return
	}
	httpapi.JSON(c, http.StatusOK, gin.H{"success": true, "page": p})
}

func (s *Service) restorePage(c *gin.Context) {
	r := start(c, people.Edit)
	if r == nil {
		return
	}
	r.p.Allow()
	if r.failed(r.p.Err()) {
		return
	}
	id, err := r.id("page_id")
	if r.failed(err) {
		return
	}
	p, err := s.RestorePage(r.ctx, r.sub, id)
	if r.failed(err) {
		return
	}
	httpapi.JSON(c, http.StatusOK, gin.H{"success": true, "page": p})
}

func (s *Service) copyPageHandler(c *gin.Context) {
	r := start(c, people.Edit)
	if r == nil {
		return
	}
	id, err := r.id("page_id")
	if r.failed(err) {
		return
	}
	r.p.Allow("title", "tags", "folder_id", "path", "category", "subsite_id", "notifications", "permissions")
	pc := PageCopy{To: r.sub, KeepTags: !r.p.Has("tags")}
	notify := readNotify(r.p)
	checkPermissions(r.p)
	if r.p.Has("title") {
		pc.Title, err = cleanTitle(r.p.String("title"))
		r.p.Fail(err)
	}
	if r.p.Has("tags") {
		pc.Tags, err = cleanTags(r.p.Strings("tags"))
		r.p.Fail(err)
	}
	fc := readFolderChoice(r.p)
	target, err := s.copyTarget(r, fc)
	if r.failed(err) || r.failed(r.p.Err()) {
		return
	}
	pc.To = target
	var p *Page
	err = s.DB.Write(r.ctx, func(tx *sql.Tx) error {
		src, err := s.FindPage(r.ctx, tx, r.sub, id)
		if err != nil {
			return err
		}
		if pc.Folder, err = s.resolve(r.ctx, tx, target.ID, fc); err != nil {
			return err
		}
		now := api.NewTime(s.DB.Now())
		if p, err = s.copyPage(r.ctx, tx, src, pc, now, r.actor.User.ID); err != nil {
			return err
		}
		if err := s.notifyNewPage(r.ctx, tx, p, r.actor.User.ID, now, notify); err != nil {
			return err
		}
		return s.FillContent(r.ctx, tx, target, p)
	})
	if r.failed(err) {
		return
	}
	httpapi.JSON(c, http.StatusOK, p)
}

// copyTarget returns the subsite a copy goes to: subsite_id, or a path written "@slug/Folder"
// (whose folder part then replaces fc.path), or the source's own. The caller must be an editor
// there; a subsite they cannot see is not found.
func (s *Service) copyTarget(r *request, fc folderChoice) (*people.Subsite, error) {
	target := r.sub
	var err error
	if id := r.p.OptInt("subsite_id"); id != nil && *id != r.sub.ID {
		if target, err = s.People.FindSubsiteByID(r.ctx, s.DB.R, *id); err != nil {
			return nil, err
		}
	}
	if fc.path != nil && strings.HasPrefix(strings.TrimLeft(*fc.path, "/"), "@") {
		slug, rest, _ := strings.Cut(strings.TrimLeft(*fc.path, "/")[1:], "/")
		if target, err = s.People.FindSubsiteBySlug(r.ctx, s.DB.R, slug); err != nil {
			return nil, err
		}
		*fc.path = rest
	}
	if err := r.actor.Can(people.Edit, target.ID); err != nil {
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
	return people.QueueEvent(ctx, tx, people.Event{SubsiteID: p.SubsiteID, Kind: people.EventPage, ActorID: by,
		Title: p.Title, URL: p.URL}, now)
}

package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/webui"
	"quire/pages"
	"quire/people"
)

// pageForm is the form of a new page and of a page's settings: what was sent (or the page's
// values), the error of the field at fault, and the folders to choose from.
type pageForm struct {
	Action  string
	CSRF    string
	Title   string
	Folder  string // a folder path; "" for Main
	Tags    string // comma-separated
	Layout  string // a value of layouts
	Layouts []layoutChoice
	Folders []string // existing folder paths, for the folder field's suggestions
	Error   string
	Field   string // the field Error is about
	// Settings only: the page, where to go back, and its removal.
	Page      *pages.Page
	Back      string
	DeleteURL string
}

type layoutChoice struct {
	Value, Label string
	Selected     bool
}

// maxFolderChoices bounds the folder suggestions of the page forms.
const maxFolderChoices = 500

// fill completes the form with the subsite's folders and the layout choices.
func (h *Handler) fill(c *gin.Context, f *pageForm) error {
	actor, place := people.RequestContext(c)
	f.CSRF = webui.CSRFToken(c)
	read, err := h.Pages.ReadFolders(c.Request.Context(), actor, place.Subsite)
	if err != nil {
		return err
	}
	folders, _, err := read(c.Request.Context(), h.Pages.DB.R, api.ListQuery{Limit: maxFolderChoices})
	if err != nil {
		return err
	}
	for _, fo := range folders {
		if fo.Path != "" {
			f.Folders = append(f.Folders, fo.Path)
		}
	}
	for _, l := range layouts {
		f.Layouts = append(f.Layouts, layoutChoice{l.Value, l.Label, l.Value == f.Layout})
	}
	return nil
}

// editorSubsite returns the subsite of an editing page, after checking that the person may edit
// there; a site-wide URL has no pages.
func editorSubsite(c *gin.Context) (*people.Actor, *people.Subsite, error) {
	actor, place := people.RequestContext(c)
	if place.SiteWide {
		return nil, nil, pages.ErrPageNotFound
	}
	if err := actor.Can(people.Edit, place.Subsite.ID); err != nil {
		return nil, nil, err
	}
	return actor, place.Subsite, nil
}

// editorPage returns the actor, subsite and live page of an editing request: the actor must
// be an editor of the subsite (editorSubsite), and the page live (livePage).
func (h *Handler) editorPage(c *gin.Context) (*people.Actor, *people.Subsite, *pages.Page, error) {
	actor, sub, err := editorSubsite(c)
	if err != nil {
		return nil, nil, nil, err
	}
	p, err := h.livePage(c)
	return actor, sub, p, err
}

// newPageForm shows the form of a new page: title, folder, layout and tags.
func (h *Handler) newPageForm(c *gin.Context) error {
	_, sub, err := editorSubsite(c)
	if err != nil {
		return err
	}
	f := &pageForm{Action: subsitePath(sub) + "-/new/", Layout: "100", Folder: c.Query("folder"), Back: subsitePath(sub)}
	return h.renderPageForm(c, http.StatusOK, "edit-new.html", "New page", f)
}

func (h *Handler) renderPageForm(c *gin.Context, status int, tmpl, title string, f *pageForm) error {
	_, place := people.RequestContext(c)
	if err := h.fill(c, f); err != nil {
		return err
	}
	crumbs := []webui.Crumb{{Name: place.Subsite.Title, URL: subsitePath(place.Subsite)}}
	if f.Page != nil {
		var err error
		if crumbs, err = h.pageCrumbs(c.Request.Context(), place.Subsite, f.Page); err != nil {
			return err
		}
	}
	bar, err := h.Sidebar(c, f.Page)
	if err != nil {
		return err
	}
	crumbs = append(crumbs, webui.Crumb{Name: title})
	return webui.Render(c, status, tmpl, webui.Page{Title: title, Crumbs: crumbs, Data: f, Sidebar: bar})
}

// readPageForm reads the page form's fields as sent.
func readPageForm(c *gin.Context, f *pageForm) {
	f.Title = c.PostForm("title")
	f.Folder = strings.TrimSpace(c.PostForm("folder"))
	f.Tags = c.PostForm("tags")
	f.Layout = c.PostForm("layout")
}

// formTags splits the tags field at commas.
func formTags(s string) []string {
	out := []string{}
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// createPage makes a page from the new page form (pages.Service.CreatePage, with empty columns)
// and goes to its editor; a refused field shows the form again (422) with what was sent.
func (h *Handler) createPage(c *gin.Context) error {
	actor, sub, err := editorSubsite(c)
	if err != nil {
		return err
	}
	f := &pageForm{Action: subsitePath(sub) + "-/new/", Back: subsitePath(sub)}
	readPageForm(c, f)
	layout, ok := layoutOf(f.Layout)
	if !ok {
		f.Error, f.Field = "Choose one of the layouts.", "layout"
		return h.renderPageForm(c, http.StatusUnprocessableEntity, "edit-new.html", "New page", f)
	}
	np := pages.NewPage{Title: f.Title, Layout: layout, Tags: formTags(f.Tags)}
	for range layout[0] {
		np.Columns = append(np.Columns, nil)
	}
	p, err := h.Pages.CreatePage(c.Request.Context(), actor, sub, np, folderChoice(f.Folder), true)
	if e := invalid(err); e != nil {
		f.Error, f.Field = e.Message, formField(e.Field)
		return h.renderPageForm(c, http.StatusUnprocessableEntity, "edit-new.html", "New page", f)
	}
	if err != nil {
		return err
	}
	webui.SetFlash(c, webui.FlashPageCreated)
	return seeOther(c, editPath(sub, p))
}

// folderChoice is the folder of a form's path field ("" or "/": Main).
func folderChoice(path string) pages.FolderChoice {
	return pages.FolderChoice{Path: &path, PathField: "folder"}
}

// formField maps an operation's field name to the form's.
func formField(field string) string {
	switch field {
	case "path", "folder_id", "category":
		return "folder"
	}
	return field
}

// settingsForm shows a page's settings: title, folder, tags and layout, and its removal.
func (h *Handler) settingsForm(c *gin.Context) error {
	_, sub, p, err := h.editorPage(c)
	if err != nil {
		return err
	}
	f := &pageForm{Title: p.Title, Folder: p.Category, Tags: strings.Join(p.Tags, ", "), Layout: layoutValue(p.Layout)}
	h.settingsOf(sub, p, f)
	return h.renderPageForm(c, http.StatusOK, "edit-settings.html", "Page settings", f)
}

func (h *Handler) settingsOf(sub *people.Subsite, p *pages.Page, f *pageForm) {
	f.Page, f.Action, f.Back, f.DeleteURL = p, pagePath(sub, p)+"settings/", editPath(sub, p), pagePath(sub, p)+"delete/"
}

// saveSettings changes the page as its settings form says (pages.Service.UpdatePage): only the
// fields that differ from the page. A layout left at a value that is no choice (a page laid out
// through the API) is kept. Then to the page, at its URL now, saying so: as Confluence and
// BookStack land on the page after its settings are saved.
func (h *Handler) saveSettings(c *gin.Context) error {
	actor, sub, p, err := h.editorPage(c)
	if err != nil {
		return err
	}
	f := &pageForm{}
	readPageForm(c, f)
	h.settingsOf(sub, p, f)
	var in pages.PageUpdate
	if f.Title != p.Title {
		in.Title = &f.Title
	}
	if tags := formTags(f.Tags); strings.Join(tags, ",") != strings.Join(p.Tags, ",") {
		in.Tags = &tags
	}
	if strings.Trim(f.Folder, "/ ") != p.Category {
		in.Folder = folderChoice(f.Folder)
	}
	if f.Layout != "" && f.Layout != layoutValue(p.Layout) {
		layout, ok := layoutOf(f.Layout)
		if !ok {
			f.Error, f.Field = "Choose one of the layouts.", "layout"
			return h.renderPageForm(c, http.StatusUnprocessableEntity, "edit-settings.html", "Page settings", f)
		}
		in.Layout = layout
	}
	updated, err := h.Pages.UpdatePage(c.Request.Context(), actor, sub, p.ID, in)
	if e := invalid(err); e != nil {
		f.Error, f.Field = e.Message, formField(e.Field)
		return h.renderPageForm(c, http.StatusUnprocessableEntity, "edit-settings.html", "Page settings", f)
	}
	if err != nil {
		return err
	}
	webui.SetFlash(c, webui.FlashPageSaved)
	return seeOther(c, pagePath(sub, updated))
}

// trashPage moves the page to the trash and shows the trash.
func (h *Handler) trashPage(c *gin.Context) error {
	actor, sub, p, err := h.editorPage(c)
	if err != nil {
		return err
	}
	if _, err := h.Pages.TrashPage(c.Request.Context(), actor, sub, p.ID); err != nil {
		return err
	}
	webui.SetFlash(c, webui.FlashPageTrashed)
	return seeOther(c, subsitePath(sub)+"-/trash/")
}

// trashData is the trash view of a subsite.
type trashData struct {
	Pages []trashEntry
	More  bool // more pages are in the trash than are shown
	CSRF  string
}

type trashEntry struct {
	*pages.Page
	URL     string // the page, as it reads in the trash
	Restore string // where its restore form posts
}

// maxTrashShown bounds the trash view: the newest pages trashed.
const maxTrashShown = 200

// trash lists the subsite's pages in the trash, newest first, each with a restore button.
func (h *Handler) trash(c *gin.Context) error {
	actor, sub, err := editorSubsite(c)
	if err != nil {
		return err
	}
	read, err := h.Pages.ReadTrash(c.Request.Context(), actor, sub)
	if err != nil {
		return err
	}
	list, next, err := read(c.Request.Context(), h.Pages.DB.R, api.ListQuery{Limit: maxTrashShown})
	if err != nil {
		return err
	}
	d := trashData{More: len(next) > 0, CSRF: webui.CSRFToken(c)}
	for _, p := range list {
		d.Pages = append(d.Pages, trashEntry{Page: p, URL: pagePath(sub, p), Restore: trashRestorePath(sub, p)})
	}
	crumbs := []webui.Crumb{{Name: sub.Title, URL: subsitePath(sub)}, {Name: "Trash"}}
	bar, err := h.Sidebar(c, nil)
	if err != nil {
		return err
	}
	return webui.Render(c, http.StatusOK, "edit-trash.html", webui.Page{Title: "Trash", Crumbs: crumbs, Data: d, Sidebar: bar})
}

// trashRestorePath is where the form that takes p out of the trash posts.
func trashRestorePath(sub *people.Subsite, p *pages.Page) string {
	return subsitePath(sub) + "-/trash/" + itoa(p.ID) + "/restore/"
}

// restorePage takes a page out of the trash and goes to it.
func (h *Handler) restorePage(c *gin.Context) error {
	actor, sub, err := editorSubsite(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "page_id")
	if err != nil {
		return err
	}
	p, err := h.Pages.RestorePage(c.Request.Context(), actor, sub, id)
	if err != nil {
		return err
	}
	webui.SetFlash(c, webui.FlashPageRestored)
	return seeOther(c, pagePath(sub, p))
}

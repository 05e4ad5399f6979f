package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/webui"
	"quire/pages"
	"quire/people"
	"quire/widgets"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// fieldError is a validation error that names the parameter at fault.
type fieldError interface {
	error
	ErrorCode() string
	ErrorField() string
}

// livePage returns the live page a form on it posts to; not found as the page view's 404.
func (h *Handler) livePage(c *gin.Context) (*pages.Page, error) {
	actor, place := people.RequestContext(c)
	if place.SiteWide {
		return nil, pages.ErrPageNotFound
	}
	p, err := h.Pages.FindPageBySlug(c.Request.Context(), actor, place.Subsite, c.Param("page"))
	if err != nil {
		return nil, err
	}
	if p.DeletedAt != nil {
		return nil, pages.ErrPageNotFound
	}
	return p, nil
}

// submitForm stores a record of a form of the page (records.Service.SubmitRecord) from a plain
// form post. Each field is checked on its own first, so that every field's error shows next to
// it; the page is answered again (422) with what was sent. On success, 303 back to the page.
func (h *Handler) submitForm(c *gin.Context) error {
	actor, place := people.RequestContext(c)
	p, err := h.livePage(c)
	if err != nil {
		return err
	}
	formID, err := idParam(c, "widget_id")
	if err != nil {
		return err
	}
	if err := c.Request.ParseForm(); err != nil {
		return api.Invalid("", "The form could not be read: %v.", err)
	}
	// The form's fields as stored: from the page's content, as the view shows them.
	if p, err = h.Pages.ReadPage(c.Request.Context(), actor, place.Subsite, p.ID); err != nil {
		return err
	}
	var form *widgets.Widget
	for _, col := range *p.JSON {
		for _, w := range col {
			if w.Classname == widgets.Form && w.FirstID() == formID && w.Extra.Fields != nil {
				form = w
			}
		}
	}
	if form == nil {
		return pages.ErrPageNotFound
	}
	values, errs := map[string]any{}, map[string]string{}
	for _, f := range *form.Extra.Fields {
		v := c.Request.PostForm.Get(f.Name)
		if f.Type == widgets.FieldCheckbox && v == "" {
			v = "false"
		}
		values[f.Name] = v
		if _, err := widgets.CheckSubmission([]widgets.Field{f}, map[string]any{f.Name: v}); err != nil {
			if r := webui.RefusalOf(err); r != nil {
				errs[f.Name] = r.Message
			} else {
				errs[f.Name] = err.Error()
			}
		}
	}
	if len(errs) == 0 {
		_, err = h.Records.SubmitRecord(c.Request.Context(), actor, place.Subsite, p.ID, &formID, values)
		var fe fieldError
		if err == nil {
			c.Redirect(http.StatusSeeOther, pagePath(place.Subsite, p)+"?sent="+itoa(formID)+"#w"+itoa(formID))
			return nil
		}
		if !errors.As(err, &fe) || fe.ErrorCode() != api.CodeInvalid {
			return err
		}
		errs[fe.ErrorField()] = webui.RefusalOf(err).Message
	}
	return h.renderPage(c, http.StatusUnprocessableEntity, p, func(v *widgetView) {
		if v.FirstID() != formID {
			return
		}
		for i := range v.Fields {
			f := &v.Fields[i]
			f.Value, f.Error = c.Request.PostForm.Get(f.Name), errs[f.Name]
			f.Checked = f.Type == widgets.FieldCheckbox && f.Value != "" && f.Value != "false"
		}
	})
}

// postComment posts a comment to the page's discussion (discussions.Service.PostToPage) from a plain
// form post: 303 back to the discussion, or the page again (422) with the message kept and the
// error next to it.
func (h *Handler) postComment(c *gin.Context) error {
	actor, place := people.RequestContext(c)
	p, err := h.livePage(c)
	if err != nil {
		return err
	}
	msg := c.PostForm("message")
	_, err = h.Discussions.PostToPage(c.Request.Context(), actor, place.Subsite, p.ID, msg, "message")
	var fe fieldError
	if err == nil {
		c.Redirect(http.StatusSeeOther, pagePath(place.Subsite, p)+"#discussion")
		return nil
	}
	if !errors.As(err, &fe) || fe.ErrorCode() != api.CodeInvalid {
		return err
	}
	return h.renderPage(c, http.StatusUnprocessableEntity, p, func(v *widgetView) {
		if v.Classname == widgets.Discussion {
			v.Error, v.Values = webui.RefusalOf(err).Message, map[string]string{"message": msg}
		}
	})
}

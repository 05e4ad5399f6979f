package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/webui"
	"quire/people"
	"quire/templates"
)

type accountData struct {
	User          *people.User
	CSRF          string
	Error, Notice string
	MinPassword   int
	Sessions      []sessionRow
	Others        int // sessions besides this one
}

type sessionRow struct {
	Current            bool
	Started, LastSeen  string
	UserAgent, Address string
}

func (h *Handler) renderAccount(c *gin.Context, status int, actor *people.Actor, problem, notice string) error {
	list, err := h.People.ListSessions(c.Request.Context(), actor.User.ID)
	if err != nil {
		return err
	}
	d := accountData{User: actor.User, CSRF: webui.CSRFToken(c), Error: problem, Notice: notice, MinPassword: people.MinPasswordLength}
	for _, ss := range list {
		row := sessionRow{Current: actor.Session != nil && ss.ID == actor.Session.ID,
			Started: ss.CreatedAt.Format("2 Jan 2006 15:04 MST"), LastSeen: ss.LastSeenAt.Format("2 Jan 2006 15:04 MST"),
			UserAgent: describeBrowser(ss.UserAgent), Address: ss.Address}
		if !row.Current {
			d.Others++
		}
		d.Sessions = append(d.Sessions, row)
	}
	return templates.Render(c.Writer, status, "account.html", d)
}

// accountPage shows the person's account: the password form and their sessions.
func (h *Handler) accountPage(c *gin.Context) error {
	actor := signedIn(c)
	if actor == nil {
		return toLogin(c)
	}
	notice := ""
	switch c.Query("done") {
	case "password":
		notice = "Your password is changed. Your other sessions are signed out."
	case "sessions":
		notice = "Your other sessions are signed out."
	}
	return h.renderAccount(c, http.StatusOK, actor, "", notice)
}

// changePassword takes the current password and the new one twice; the person's other
// sessions end (people.Service.ChangePassword) and this one stays.
func (h *Handler) changePassword(c *gin.Context) error {
	actor := signedIn(c)
	if actor == nil {
		return toLogin(c)
	}
	if status, problem := readForm(c, maxForm); problem != "" {
		return h.renderAccount(c, status, actor, problem, "")
	}
	form := c.Request.PostForm
	if form.Get("password") != form.Get("confirm") {
		return h.renderAccount(c, http.StatusBadRequest, actor, "The two new passwords differ; type the same password twice.", "")
	}
	err := h.People.ChangePassword(c.Request.Context(), actor, form.Get("current_password"), form.Get("password"))
	var apiErr *api.Error
	switch {
	case errors.As(err, &apiErr) && apiErr.Code == api.CodeInvalid:
		return h.renderAccount(c, http.StatusBadRequest, actor, apiErr.Message, "")
	case err != nil:
		return err
	}
	c.Redirect(http.StatusSeeOther, "/account?done=password")
	return nil
}

// endOtherSessions signs the person out everywhere but here.
func (h *Handler) endOtherSessions(c *gin.Context) error {
	actor := signedIn(c)
	if actor == nil {
		return toLogin(c)
	}
	if err := h.People.EndOtherSessions(c.Request.Context(), actor); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/account?done=sessions")
	return nil
}

// describeBrowser names a browser and its system from its User-Agent, as people recognise them
// ("Firefox on Windows"); "" when it is none it knows.
func describeBrowser(ua string) string {
	name := ""
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"HeadlessChrome/", "Headless Chrome"},
		{"Chrome/", "Chrome"}, {"Safari/", "Safari"}, {"curl/", "curl"},
	} {
		if strings.Contains(ua, b.token) {
			name = b.name
			break
		}
	}
	if name == "" {
		return ""
	}
	for _, o := range []struct{ token, name string }{
		{"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Android", "Android"}, {"Windows", "Windows"},
		{"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, o.token) {
			return name + " on " + o.name
		}
	}
	return name
}

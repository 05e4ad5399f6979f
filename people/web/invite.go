package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/webui"
	"quire/people"
	"quire/templates"
)

// maxInviteForm bounds the invitation form's body: a name, two passwords and a CSRF token.
const maxInviteForm = 64 << 10

type invitePageData struct {
	Token, CSRF, Name, Email, Error string
	MinPassword                     int
}

// invitePage answers the page where an invited person sets their name and password. The token
// in the URL is the credential; the form also carries a CSRF token bound to it.
func (h *Handler) invitePage(c *gin.Context) error {
	inv, err := h.People.FindInvitation(c.Request.Context(), h.People.DB.R, c.Param("token"))
	if err != nil {
		return h.inviteInvalid(c, err)
	}
	return h.renderInviteForm(c, http.StatusOK, inv, inv.User.Name, "")
}

// renderInviteForm answers the invitation form with status, name filled in and problem shown.
// It also answers a form whose body could not be read, after which net/http has cancelled the
// request's context: the form's CSRF token is read without that cancellation (one row, or one
// bounded write the first time), so the answer is the form again, not a 500.
func (h *Handler) renderInviteForm(c *gin.Context, status int, inv *people.Invitation, name, problem string) error {
	token := c.Param("token")
	// A signed-in browser's forms carry its session's token, which app's middleware checks.
	csrf := webui.CSRFToken(c)
	if csrf == "" {
		var err error
		if csrf, err = h.People.CSRFToken(context.WithoutCancel(c.Request.Context()), "invite:"+token); err != nil {
			return err
		}
	}
	data := invitePageData{Token: token, CSRF: csrf, Name: name, Email: inv.User.Email, Error: problem, MinPassword: people.MinPasswordLength}
	return templates.Render(c.Writer, status, "invite.html", data)
}

// inviteInvalid answers a link that is unknown, used or expired with one page for all three, and
// returns any other error.
func (h *Handler) inviteInvalid(c *gin.Context, err error) error {
	if !errors.Is(err, people.ErrInvitationInvalid) {
		return err
	}
	return templates.Render(c.Writer, http.StatusNotFound, "invite_invalid.html", nil)
}

// acceptInvitePage takes the invitation form: the person's name and password, twice. A problem
// the person can fix shows the form again with it; a link no longer valid shows that page. The
// person is then signed in and sent to the wiki's front page (303).
func (h *Handler) acceptInvitePage(c *gin.Context) error {
	ctx := c.Request.Context()
	token := c.Param("token")
	inv, err := h.People.FindInvitation(ctx, h.People.DB.R, token)
	if err != nil {
		return h.inviteInvalid(c, err)
	}
	if status, problem := readForm(c, maxInviteForm); problem != "" {
		return h.renderInviteForm(c, status, inv, inv.User.Name, problem)
	}
	form := c.Request.PostForm
	name, password := form.Get("name"), form.Get("password")
	if webui.CSRFToken(c) == "" && !h.People.CheckCSRF(ctx, "invite:"+token, form.Get(webui.CSRFField)) {
		return h.renderInviteForm(c, http.StatusForbidden, inv, name, expired)
	}
	if password != form.Get("confirm") {
		return h.renderInviteForm(c, http.StatusBadRequest, inv, name, "The two passwords differ; type the same password twice.")
	}
	_, secret, ss, err := h.People.AcceptInvitation(ctx, token, name, password, c.Request.UserAgent(), c.ClientIP())
	var apiErr *api.Error
	switch {
	case errors.Is(err, people.ErrInvitationInvalid):
		return h.inviteInvalid(c, err)
	case errors.As(err, &apiErr):
		return h.renderInviteForm(c, http.StatusBadRequest, inv, name, apiErr.Message)
	case err != nil:
		return err
	}
	h.People.SetSessionCookie(c, secret, ss)
	c.Redirect(http.StatusSeeOther, "/")
	return nil
}

package people

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/templates"
)

// InvitePageRoutes registers the page where an invited person sets their password. The token
// in the URL is the credential; the form also carries a CSRF token bound to it.
func (s *Service) InvitePageRoutes(r gin.IRoutes) {
	r.GET("/invite/:token", s.invitePage)
	r.POST("/invite/:token", s.acceptInvitePage)
}

// maxInviteForm bounds the invitation form's body: a name, two passwords and a CSRF token.
const maxInviteForm = 64 << 10

type invitePageData struct {
	Token, CSRF, Name, Email, Error string
	MinPassword                     int
}

func (s *Service) invitePage(c *gin.Context) {
	inv, err := s.FindInvitation(c.Request.Context(), s.DB.R, c.Param("token"))
	if err != nil {
		s.inviteInvalid(c, err)
		return
	}
	s.renderInviteForm(c, http.StatusOK, inv, inv.User.Name, "")
}

// renderInviteForm answers the invitation form with status, name filled in and problem shown.
// It also answers a form whose body could not be read, after which net/http has cancelled the
// request's context: the form's CSRF token is read without that cancellation (one row, or one
// bounded write the first time), so the answer is the form again, not a 500.
func (s *Service) renderInviteForm(c *gin.Context, status int, inv *Invitation, name, problem string) {
	token := c.Param("token")
	csrf, err := s.CSRFToken(context.WithoutCancel(c.Request.Context()), "invite:"+token)
	if err != nil {
		c.Error(err)
		return
	}
	data := invitePageData{Token: token, CSRF: csrf, Name: name, Email: inv.User.Email, Error: problem, MinPassword: MinPasswordLength}
	if err := templates.Render(c.Writer, status, "invite.html", data); err != nil {
		c.Error(err)
	}
}

// inviteInvalid answers a link that is unknown, used or expired with one page for all three.
func (s *Service) inviteInvalid(c *gin.Context, err error) {
	if !errors.Is(err, ErrInvitationInvalid) {
		c.Error(err)
		return
	}
	if err := templates.Render(c.Writer, http.StatusNotFound, "invite_invalid.html", nil); err != nil {
		c.Error(err)
	}
}

func (s *Service) acceptInvitePage(c *gin.Context) {
	ctx := c.Request.Context()
	token := c.Param("token")
	inv, err := s.FindInvitation(ctx, s.DB.R, token)
	if err != nil {
		s.inviteInvalid(c, err)
		return
	}
	tooLarge := api.TooLarge("The form is over %d KB; shorten what you typed.", maxInviteForm>>10)
	err = httpapi.LimitBody(c, maxInviteForm, tooLarge)
	if err == nil {
		if err = c.Request.ParseForm(); err != nil {
			err = httpapi.ReadError(c, err, tooLarge, "")
		}
	}
	if err != nil {
		status, msg := http.StatusBadRequest, "The form could not be read; please try again."
		var coded *api.Error
		switch {
		case errors.Is(err, tooLarge):
			status, msg = http.StatusRequestEntityTooLarge, tooLarge.Message
		case errors.As(err, &coded) && coded.Code == api.CodeRequestTimeout:
			status, msg = http.StatusRequestTimeout, "The form arrived too slowly; please send it again."
		}
		s.renderInviteForm(c, status, inv, inv.User.Name, msg)
		return
	}
	name, password := c.Request.PostForm.Get("name"), c.Request.PostForm.Get("password")
	if !s.CheckCSRF(ctx, "invite:"+token, c.Request.PostForm.Get("csrf_token")) {
		s.renderInviteForm(c, http.StatusForbidden, inv, name, "This form has expired; please fill it in again.")
		return
	}
	if password != c.Request.PostForm.Get("confirm") {
		s.renderInviteForm(c, http.StatusBadRequest, inv, name, "The two passwords differ; type the same password twice.")
		return
	}
	u, err := s.AcceptInvitation(ctx, token, name, password)
	var apiErr *api.Error
	switch {
	case errors.Is(err, ErrInvitationInvalid):
		s.inviteInvalid(c, err)
		return
	case errors.As(err, &apiErr):
		s.renderInviteForm(c, http.StatusBadRequest, inv, name, apiErr.Message)
		return
	case err != nil:
		c.Error(err)
		return
	}
	if err := templates.Render(c.Writer, http.StatusOK, "invite_done.html", u); err != nil {
		c.Error(err)
	}
}

package people

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/app/webui"
	"quire/templates"
)

// InvitePageRoutes registers the page where an invited person sets their password. The token
// in the URL is the credential; the form also carries a CSRF token bound to it.
func (s *Service) InvitePageRoutes(r gin.IRoutes) {
	r.GET("/invite/:token", httpapi.Handle(s.invitePage))
	r.POST("/invite/:token", httpapi.Handle(s.acceptInvitePage))
}

// maxInviteForm bounds the invitation form's body: a name, two passwords and a CSRF token.
const maxInviteForm = 64 << 10

type invitePageData struct {
	Token, CSRF, Name, Email, Error string
	MinPassword                     int
}

func (s *Service) invitePage(c *gin.Context) error {
	inv, err := s.FindInvitation(c.Request.Context(), s.DB.R, c.Param("token"))
	if err != nil {
		return s.inviteInvalid(c, err)
	}
	return s.renderInviteForm(c, http.StatusOK, inv, inv.User.Name, "")
}

// renderInviteForm answers the invitation form with status, name filled in and problem shown.
// It also answers a form whose body could not be read, after which net/http has cancelled the
// request's context: the form's CSRF token is read without that cancellation (one row, or one
// bounded write the first time), so the answer is the form again, not a 500.
func (s *Service) renderInviteForm(c *gin.Context, status int, inv *Invitation, name, problem string) error {
	token := c.Param("token")
	// A signed-in browser's forms carry its session's token, which app's middleware checks.
	csrf := webui.CSRFToken(c)
	if csrf == "" {
		var err error
		if csrf, err = s.CSRFToken(context.WithoutCancel(c.Request.Context()), "invite:"+token); err != nil {
			return err
		}
	}
	data := invitePageData{Token: token, CSRF: csrf, Name: name, Email: inv.User.Email, Error: problem, MinPassword: MinPasswordLength}
	return templates.Render(c.Writer, status, "invite.html", data)
}

// inviteInvalid answers a link that is unknown, used or expired with one page for all three, and
// returns any other error.
func (s *Service) inviteInvalid(c *gin.Context, err error) error {
	if !errors.Is(err, ErrInvitationInvalid) {
		return err
	}
	return templates.Render(c.Writer, http.StatusNotFound, "invite_invalid.html", nil)
}

// readInviteForm reads the invitation form's body. When it cannot be read whole, it returns the
// status and the message that the form, shown again, gives.
func readInviteForm(c *gin.Context) (status int, problem string) {
	tooLarge := api.TooLarge("The form is over %d KB; shorten what you typed.", maxInviteForm>>10)
	err := httpapi.LimitBody(c, maxInviteForm, tooLarge)
	if err == nil {
		if err = c.Request.ParseForm(); err != nil {
			err = httpapi.ReadError(c, err, tooLarge, "")
		}
	}
	var coded *api.Error
	switch {
	case err == nil:
		return 0, ""
	case errors.Is(err, tooLarge):
		return http.StatusRequestEntityTooLarge, tooLarge.Message
	case errors.As(err, &coded) && coded.Code == api.CodeRequestTimeout:
		return http.StatusRequestTimeout, "The form arrived too slowly; please send it again."
	}
	return http.StatusBadRequest, "The form could not be read; please try again."
}

// acceptInvitePage takes the invitation form: the person's name and password, twice. A problem
// the person can fix shows the form again with it; a link no longer valid shows that page. The
// person is then signed in and sent to the wiki's front page (303).
func (s *Service) acceptInvitePage(c *gin.Context) error {
	ctx := c.Request.Context()
	token := c.Param("token")
	inv, err := s.FindInvitation(ctx, s.DB.R, token)
	if err != nil {
		return s.inviteInvalid(c, err)
	}
	if status, problem := readInviteForm(c); problem != "" {
		return s.renderInviteForm(c, status, inv, inv.User.Name, problem)
	}
	form := c.Request.PostForm
	name, password := form.Get("name"), form.Get("password")
	if webui.CSRFToken(c) == "" && !s.CheckCSRF(ctx, "invite:"+token, form.Get(webui.CSRFField)) {
		return s.renderInviteForm(c, http.StatusForbidden, inv, name, "This form has expired; please fill it in again.")
	}
	if password != form.Get("confirm") {
		return s.renderInviteForm(c, http.StatusBadRequest, inv, name, "The two passwords differ; type the same password twice.")
	}
	_, secret, ss, err := s.AcceptInvitation(ctx, token, name, password, c.Request.UserAgent(), c.ClientIP())
	var apiErr *api.Error
	switch {
	case errors.Is(err, ErrInvitationInvalid):
		return s.inviteInvalid(c, err)
	case errors.As(err, &apiErr):
		return s.renderInviteForm(c, http.StatusBadRequest, inv, name, apiErr.Message)
	case err != nil:
		return err
	}
	s.SetSessionCookie(c, secret, ss)
	c.Redirect(http.StatusSeeOther, "/")
	return nil
}

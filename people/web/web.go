// Package web is the people domain's web pages: signing in and out, forgotten and reset
// passwords, accepting an invitation, the account page (password, sessions) and its API tokens. Its handlers
// render templates/ through people's operations; app's middleware has found the actor
// (people.ActorFrom) and checked the CSRF token of a signed-in browser's unsafe requests. The
// forms of a signed-out browser carry a token bound to its form cookie (people.Service.FormToken)
// or, on the invitation page, to the invitation (people.Service.CSRFToken), checked here.
package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/people"
	"quire/people/attempts"
)

// Sign-in limits: failures per account (the address typed, whether or not it has an account, so
// that the answer tells nothing) and per client address; and mails of "forgot password" per
// account (silently) and requests of it per client address.
var (
	FailuresPerAccount   = people.Rate{N: 5, Per: 15 * time.Minute}
	FailuresPerAddress   = people.Rate{N: 20, Per: 15 * time.Minute}
	ResetMailsPerAccount = people.Rate{N: 3, Per: time.Hour}
	ResetAsksPerAddress  = people.Rate{N: 10, Per: time.Hour}
)

// Handler serves the pages; its counters live as long as the server.
type Handler struct {
	People                         *people.Service
	accountFails, addressFails     *attempts.Counter
	accountMails, addressResetAsks *attempts.Counter
}

// New returns the handler of the people pages over svc, whose clock (DB.Now) the limits follow.
func New(svc *people.Service) *Handler {
	now := func() time.Time { return svc.DB.Now() }
	return &Handler{People: svc,
		accountFails: attempts.New(FailuresPerAccount, now), addressFails: attempts.New(FailuresPerAddress, now),
		accountMails: attempts.New(ResetMailsPerAccount, now), addressResetAsks: attempts.New(ResetAsksPerAddress, now)}
}

// Routes registers the pages on the web group.
func (h *Handler) Routes(r gin.IRoutes) {
	r.GET("/login", httpapi.Handle(h.loginPage))
	r.POST("/login", httpapi.Handle(h.signIn))
	r.POST("/logout", httpapi.Handle(h.signOut))
	r.GET("/password/forgot", httpapi.Handle(h.forgotPage))
	r.POST("/password/forgot", httpapi.Handle(h.forgot))
	r.GET("/password/reset/:reset", httpapi.Handle(h.resetPage))
	r.POST("/password/reset/:reset", httpapi.Handle(h.reset))
	r.GET("/invite/:token", httpapi.Handle(h.invitePage))
	r.POST("/invite/:token", httpapi.Handle(h.acceptInvitePage))
	r.GET("/account", httpapi.Handle(h.accountPage))
	r.POST("/account", httpapi.Handle(h.changePassword))
	r.POST("/account/sessions/end-others", httpapi.Handle(h.endOtherSessions))
	r.GET("/account/tokens", httpapi.Handle(h.tokensPage))
	r.POST("/account/tokens", httpapi.Handle(h.createToken))
	r.POST("/account/tokens/:token_id/rename", httpapi.Handle(h.renameToken))
	r.POST("/account/tokens/:token_id/revoke", httpapi.Handle(h.revokeToken))
}

// maxForm bounds a form's body on these pages: an address, passwords and a token.
const maxForm = 16 << 10

// readForm reads the form of the request, of at most limit bytes; a body that cannot be read
// whole is an error the form shows: its status and message (0 and "" when it was read).
func readForm(c *gin.Context, limit int64) (status int, problem string) {
	tooLarge := api.TooLarge("The form is over %d KB; shorten what you typed.", limit>>10)
	err := httpapi.LimitBody(c, limit, tooLarge)
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

// expired is what a form whose CSRF token is missing or wrong says.
const expired = "This form has expired; please fill it in again."

// LocalPath returns next when it is a path on this site ("/@team/page/", "/account?x=1"), and
// "/" for anything else: empty, relative, with a scheme or host ("https://x", "//x", "/\x"), or
// with control characters. It keeps ?next= from sending someone to another site.
func LocalPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\") || len(next) > 2000 {
		return "/"
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

// signedIn returns the actor of a signed-in browser (or API token), nil for a visitor.
func signedIn(c *gin.Context) *people.Actor { return people.ActorFrom(c.Request.Context()) }

// toLogin sends a visitor to the sign-in page, to come back to where they were.
func toLogin(c *gin.Context) error {
	c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(LocalPath(c.Request.URL.RequestURI())))
	return nil
}

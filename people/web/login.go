package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"quire/people"
	"quire/templates"
)

// errWrongLogin is the one answer to an unknown address and a wrong password alike.
const errWrongLogin = "Email or password is wrong."

type loginData struct {
	Email, Next, CSRF, Error, Notice string
}

func (h *Handler) renderLogin(c *gin.Context, status int, d loginData) error {
	tok, err := h.People.FormToken(c)
	if err != nil {
		return err
	}
	d.CSRF, d.Next = tok, LocalPath(d.Next)
	return templates.Render(c.Writer, status, "login.html", d)
}

// loginPage shows the sign-in form; a browser signed in already goes on to ?next.
func (h *Handler) loginPage(c *gin.Context) error {
	next := LocalPath(c.Query("next"))
	if a := signedIn(c); a != nil && a.Session != nil {
		c.Redirect(http.StatusSeeOther, next)
		return nil
	}
	d := loginData{Next: next}
	if c.Query("signed_out") != "" {
		d.Notice = "You are signed out."
	}
	return h.renderLogin(c, http.StatusOK, d)
}

// signIn takes the sign-in form: on the right address and password, a session and a 303 to
// ?next (or /); otherwise the form again with one message for every failure. Failures count per
// account and per client address; past either limit the form answers 429 without checking the
// password.
func (h *Handler) signIn(c *gin.Context) error {
	d := loginData{Next: c.Query("next")}
	if status, problem := readForm(c, maxForm); problem != "" {
		d.Error = problem
		return h.renderLogin(c, status, d)
	}
	form := c.Request.PostForm
	d.Email, d.Next = strings.TrimSpace(form.Get("email")), form.Get("next")
	if !h.People.CheckFormToken(c, form.Get("csrf_token")) {
		d.Error = expired
		return h.renderLogin(c, http.StatusForbidden, d)
	}
	account, address := "account:"+strings.ToLower(d.Email), "address:"+c.ClientIP()
	if wait := max(h.accountFails.Wait(account), h.addressFails.Wait(address)); wait > 0 {
		c.Header("Retry-After", seconds(wait))
		d.Error = "Too many attempts; try again in " + minutes(wait) + "."
		return h.renderLogin(c, http.StatusTooManyRequests, d)
	}
	secret, ss, err := h.People.SignIn(c.Request.Context(), d.Email, form.Get("password"), c.Request.UserAgent(), c.ClientIP())
	if errors.Is(err, people.ErrInvalidLogin) {
		h.accountFails.Spend(account)
		h.addressFails.Spend(address)
		d.Error = errWrongLogin
		return h.renderLogin(c, http.StatusBadRequest, d)
	}
	if err != nil {
		return err
	}
	h.accountFails.Forget(account)
	h.People.SetSessionCookie(c, secret, ss)
	c.Redirect(http.StatusSeeOther, LocalPath(d.Next))
	return nil
}

// signOut ends the browser's session on the server and clears its cookie, then shows the
// sign-in page.
func (h *Handler) signOut(c *gin.Context) error {
	if a := signedIn(c); a != nil && a.Session != nil {
		if err := h.People.EndSession(c.Request.Context(), a.Session.ID); err != nil {
			return err
		}
	}
	h.People.ClearSessionCookie(c)
	c.Redirect(http.StatusSeeOther, "/login?signed_out=1")
	return nil
}

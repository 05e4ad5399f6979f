package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/people"
	"quire/templates"
)

type forgotData struct {
	Email, CSRF, Error string
	Sent               bool
}

func (h *Handler) renderForgot(c *gin.Context, status int, d forgotData) error {
	tok, err := h.People.FormToken(c)
	if err != nil {
		return err
	}
	d.CSRF = tok
	return templates.Render(c.Writer, status, "password_forgot.html", d)
}

func (h *Handler) forgotPage(c *gin.Context) error {
	return h.renderForgot(c, http.StatusOK, forgotData{})
}

// forgot takes the "forgot password" form. Whether or not the address has an account, the
// answer is the same page; a person with one is mailed a one-time link
// (people.Service.SendPasswordReset), at most ResetMailsPerAccount, and a client address may ask
// ResetAsksPerAddress times (then 429).
func (h *Handler) forgot(c *gin.Context) error {
	var d forgotData
	if status, problem := readForm(c, maxForm); problem != "" {
		d.Error = problem
		return h.renderForgot(c, status, d)
	}
	form := c.Request.PostForm
	d.Email = strings.TrimSpace(form.Get("email"))
	if !h.People.CheckFormToken(c, form.Get("csrf_token")) {
		d.Error = expired
		return h.renderForgot(c, http.StatusForbidden, d)
	}
	email, err := people.NormalizeEmail("email", d.Email)
	if err != nil {
		d.Error = "Type the email address you sign in with, such as ada@example.com."
		return h.renderForgot(c, http.StatusBadRequest, d)
	}
	address := "address:" + c.ClientIP()
	if wait := h.addressResetAsks.Wait(address); wait > 0 {
		c.Header("Retry-After", seconds(wait))
		d.Error = "Too many attempts; try again in " + minutes(wait) + "."
		return h.renderForgot(c, http.StatusTooManyRequests, d)
	}
	h.addressResetAsks.Spend(address)
	if account := "account:" + email; h.accountMails.Wait(account) == 0 {
		h.accountMails.Spend(account)
		if err := h.People.SendPasswordReset(c.Request.Context(), email); err != nil {
			return err
		}
	}
	d.Sent = true
	return h.renderForgot(c, http.StatusOK, d)
}

type resetData struct {
	Token, CSRF, Email, Error string
	MinPassword               int
}

func (h *Handler) renderReset(c *gin.Context, status int, link *people.Invitation, problem string) error {
	tok, err := h.People.FormToken(c)
	if err != nil {
		return err
	}
	return templates.Render(c.Writer, status, "password_reset.html", resetData{Token: c.Param("reset"), CSRF: tok,
		Email: link.User.Email, Error: problem, MinPassword: people.MinPasswordLength})
}

// resetInvalid answers a reset link unknown, used or expired with one page, and returns any
// other error.
func resetInvalid(c *gin.Context, err error) error {
	if !errors.Is(err, people.ErrResetLinkInvalid) {
		return err
	}
	return templates.Render(c.Writer, http.StatusNotFound, "password_reset_invalid.html", nil)
}

func (h *Handler) resetPage(c *gin.Context) error {
	link, err := h.People.FindResetLink(c.Request.Context(), c.Param("reset"))
	if err != nil {
		return resetInvalid(c, err)
	}
	return h.renderReset(c, http.StatusOK, link, "")
}

// reset takes the new password, twice: it is set, the person's sessions all end, and this
// browser is signed in and sent to the front page (303).
func (h *Handler) reset(c *gin.Context) error {
	ctx := c.Request.Context()
	token := c.Param("reset")
	link, err := h.People.FindResetLink(ctx, token)
	if err != nil {
		return resetInvalid(c, err)
	}
	if status, problem := readForm(c, maxForm); problem != "" {
		return h.renderReset(c, status, link, problem)
	}
	form := c.Request.PostForm
	if !h.People.CheckFormToken(c, form.Get("csrf_token")) {
		return h.renderReset(c, http.StatusForbidden, link, expired)
	}
	password := form.Get("password")
	if password != form.Get("confirm") {
		return h.renderReset(c, http.StatusBadRequest, link, "The two passwords differ; type the same password twice.")
	}
	secret, ss, err := h.People.ResetPassword(ctx, token, password, c.Request.UserAgent(), c.ClientIP())
	var apiErr *api.Error
	switch {
	case errors.Is(err, people.ErrResetLinkInvalid):
		return resetInvalid(c, err)
	case errors.As(err, &apiErr) && apiErr.Code == api.CodeInvalid:
		return h.renderReset(c, http.StatusBadRequest, link, apiErr.Message)
	case err != nil:
		return err
	}
	h.People.SetSessionCookie(c, secret, ss)
	c.Redirect(http.StatusSeeOther, "/")
	return nil
}

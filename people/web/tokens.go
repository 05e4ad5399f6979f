package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/webui"
	"quire/people"
	"quire/people/tokens"
	"quire/templates"
)

// maxTokensShown bounds the list of the API tokens page; a person with more revokes some first
// (the API lists them all, in pages).
const maxTokensShown = 200

// expiryChoices are the lifetimes the create form offers, in days (0: never).
var expiryChoices = []struct {
	Days  int
	Label string
}{{0, "Never"}, {7, "In 7 days"}, {30, "In 30 days"}, {90, "In 90 days"}, {365, "In a year"}}

type tokensData struct {
	CSRF          string
	Error, Notice string
	Secret        string // the new token's secret, on the one answer that shows it
	Tokens        []tokenRow
	More          bool // more tokens than the page shows
	Groups        []scopeGroup
	Subsites      []*people.Subsite
	Expiries      any
	Form          tokenForm // what the create form was sent with, to show again after an error
}

type tokenRow struct {
	*people.Token
	Created, Expires, LastUsed string
	Expired                    bool
}

type scopeGroup struct {
	Legend, Group string // the group's name ("" for scopes outside read and write)
	Scopes        []string
}

// tokenForm is the create form's fields as sent.
type tokenForm struct {
	Name, Subsite string
	Days          int
	Scopes        map[string]bool
}

func (h *Handler) renderTokens(c *gin.Context, status int, actor *people.Actor, d tokensData) error {
	ctx := c.Request.Context()
	list, next, err := people.LiveTokens(actor.User.ID)(ctx, h.People.DB.R, api.ListQuery{Limit: maxTokensShown})
	if err != nil {
		return err
	}
	now := h.People.DB.Now()
	for _, t := range list {
		row := tokenRow{Token: t, Created: day(&t.CreatedAt), Expires: day(t.ExpiresAt), LastUsed: day(t.LastUsedAt)}
		row.Expired = t.ExpiresAt != nil && !now.Before(t.ExpiresAt.Time)
		d.Tokens = append(d.Tokens, row)
	}
	d.More = next != nil
	if d.Subsites, err = h.People.MemberSubsites(ctx, actor); err != nil {
		return err
	}
	d.CSRF, d.Expiries = webui.CSRFToken(c), expiryChoices
	d.Groups = []scopeGroup{
		{Legend: "Read", Group: people.GroupRead, Scopes: people.ScopeGroup(people.GroupRead)},
		{Legend: "Write", Group: people.GroupWrite, Scopes: people.ScopeGroup(people.GroupWrite)},
		{Legend: "Administer", Scopes: []string{people.ScopeSubsitesAdmin}},
	}
	if d.Form.Scopes == nil {
		d.Form.Scopes = map[string]bool{people.GroupRead: true}
	}
	// The page may carry a secret: no cache keeps it, and a reload shows the list without it.
	c.Header("Cache-Control", "no-store")
	return templates.Render(c.Writer, status, "tokens.html", d)
}

// day writes a time as the list shows it, "" for none.
func day(t *api.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format("2 Jan 2006 15:04 MST")
}

// tokensPage lists the person's API tokens, with the form to make one.
func (h *Handler) tokensPage(c *gin.Context) error {
	actor := signedIn(c)
	if actor == nil {
		return toLogin(c)
	}
	notice := map[string]string{"renamed": "The token is renamed.", "revoked": "The token is revoked; it no longer works."}[c.Query("done")]
	return h.renderTokens(c, http.StatusOK, actor, tokensData{Notice: notice})
}

// createToken makes a token from the form and shows its secret, this once: the answer is the
// page itself, never a redirect, so that the secret is in no URL and no history entry.
func (h *Handler) createToken(c *gin.Context) error {
	actor := signedIn(c)
	if actor == nil {
		return toLogin(c)
	}
	if status, problem := readForm(c, maxForm); problem != "" {
		return h.renderTokens(c, status, actor, tokensData{Error: problem})
	}
	form := c.Request.PostForm
	f := tokenForm{Name: form.Get("name"), Subsite: form.Get("subsite"), Scopes: map[string]bool{}}
	for _, s := range form["scopes"] {
		f.Scopes[s] = true
	}
	f.Days, _ = strconv.Atoi(form.Get("expires"))
	req := tokens.Request{Name: f.Name, Scopes: form["scopes"], Subsite: f.Subsite}
	if f.Days < 0 || f.Days > 3660 {
		return h.renderTokens(c, http.StatusBadRequest, actor, tokensData{Error: "Choose an expiry from the list.", Form: f})
	}
	if f.Days > 0 {
		at := h.People.DB.Now().Add(time.Duration(f.Days) * 24 * time.Hour)
		req.ExpiresAt = &at
	}
	secret, _, err := tokens.New(h.People).Create(c.Request.Context(), actor, req)
	if problem := formProblem(err); problem != "" {
		return h.renderTokens(c, http.StatusBadRequest, actor, tokensData{Error: problem, Form: f})
	}
	if err != nil {
		return err
	}
	return h.renderTokens(c, http.StatusOK, actor, tokensData{Secret: secret,
		Notice: "Your new token " + strings.TrimSpace(f.Name) + " is made."})
}

// renameToken renames one of the person's tokens.
func (h *Handler) renameToken(c *gin.Context) error {
	actor := signedIn(c)
	if actor == nil {
		return toLogin(c)
	}
	if status, problem := readForm(c, maxForm); problem != "" {
		return h.renderTokens(c, status, actor, tokensData{Error: problem})
	}
	id, err := strconv.ParseInt(c.Param("token_id"), 10, 64)
	if err != nil || id < 1 {
		return people.ErrTokenNotFound
	}
	_, err = tokens.New(h.People).Rename(c.Request.Context(), actor, id, c.Request.PostForm.Get("name"))
	if problem := formProblem(err); problem != "" {
		return h.renderTokens(c, http.StatusBadRequest, actor, tokensData{Error: problem})
	}
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/account/tokens?done=renamed")
	return nil
}

// revokeToken revokes one of the person's tokens.
func (h *Handler) revokeToken(c *gin.Context) error {
	actor := signedIn(c)
	if actor == nil {
		return toLogin(c)
	}
	id, err := strconv.ParseInt(c.Param("token_id"), 10, 64)
	if err != nil || id < 1 {
		return people.ErrTokenNotFound
	}
	if _, err := tokens.New(h.People).Revoke(c.Request.Context(), actor, id); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/account/tokens?done=revoked")
	return nil
}

// formProblem returns the message of a validation error, for the form to show; "" for others.
func formProblem(err error) string {
	var apiErr *api.Error
	if errors.As(err, &apiErr) && apiErr.Code == api.CodeInvalid {
		return apiErr.Message
	}
	return ""
}

package links

// The link's own pages, for people without an account: /s/SECRET shows the one page read-only,
// after a password and email form when the link asks for them, and /s/SECRET/files/ID/NAME
// serves the files shown on it. Nothing here links into the wiki: no top bar, no sidebar, no
// breadcrumbs. Forms and discussions are left out: they take answers and posts from members,
// and a discussion's posts are the members' conversation, not the page that was shared.

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/app/webui"
	"quire/pages"
	"quire/pages/rest"
	pagesweb "quire/pages/web"
	"quire/people"
	"quire/people/attempts"
	"quire/widgets"
)

// Public serves a link's pages; People signs its forms and cookies.
type Public struct {
	Links  *Service
	People *people.Service
	tries  *attempts.Counter // wrong passwords, per link and address
}

// NewPublic returns the link pages of s, counting wrong passwords with now's clock.
func NewPublic(s *Service, ppl *people.Service, now func() time.Time) *Public {
	return &Public{Links: s, People: ppl, tries: attempts.New(passwordTries, now)}
}

// PublicRoutes registers the link's pages on r, a group behind app's web headers (strict CSP,
// no-referrer, no-store) where no one need be signed in. The paths are the site's, outside any
// subsite: under /@slug they are not found.
func (pub *Public) PublicRoutes(r gin.IRoutes) {
	h := httpapi.Handle
	r.GET("/s/:secret", h(pub.view))
	r.POST("/s/:secret", h(pub.pass))
	r.GET("/s/:secret/files/:file_id/:filename", h(pub.file))
}

// passwordTries is how many wrong passwords an address may send to one link: 5, then one more
// a minute.
var passwordTries = people.Rate{N: 5, Per: 5 * time.Minute}

// passCookie holds, per link (its Path is the link's), proof that the browser passed the link's
// form: until when, the email given, and their signature. It lasts passLifetime.
const (
	passCookie   = "quire_link"
	passLifetime = 2 * time.Hour
)

// open finds the live link of the request's secret, with the headers of every link page: no
// search engine keeps it. A link under a subsite's URL is not found.
func (pub *Public) open(c *gin.Context) (*Shared, error) {
	c.Header("X-Robots-Tag", "noindex, nofollow")
	if httpapi.PathPrefix(c.Request.Context()) != "" {
		return nil, ErrLinkNotFound
	}
	return pub.Links.OpenLink(c.Request.Context(), c.Param("secret"))
}

// gateView is what the password and email form (shared-gate) shows.
type gateView struct {
	Action, CSRF      string
	Password, Email   bool   // the fields the link asks for
	EmailValue, Error string // what was sent, and why it was refused
	ErrorField, Title string
}

// view answers GET /s/SECRET: the form when the browser has not passed it, else the page, with
// the view recorded.
func (pub *Public) view(c *gin.Context) error {
	sh, err := pub.open(c)
	if err != nil {
		return err
	}
	email, passed := pub.passed(c, sh)
	if !passed {
		return pub.renderGate(c, http.StatusOK, sh, gateView{})
	}
	ctx := c.Request.Context()
	p, err := pub.Links.ReadSharedPage(ctx, sh)
	if err != nil {
		return err
	}
	if err := pub.Links.RecordView(ctx, sh, email, nil); err != nil {
		return err
	}
	return webui.RenderPart(c, http.StatusOK, "shared-page", sharedView(sh, p, "/s/"+c.Param("secret")+"/files/"))
}

// pass answers the form's POST /s/SECRET: a right password (counted per link and address when
// wrong) and an email address, as the link asks, give the browser the link's cookie and lead it
// to the page (303); otherwise the form again with what was wrong.
func (pub *Public) pass(c *gin.Context) error {
	sh, err := pub.open(c)
	if err != nil {
		return err
	}
	if !pub.People.CheckFormToken(c, c.PostForm(webui.CSRFField)) {
		return pub.renderGate(c, http.StatusForbidden, sh, gateView{Error: "This form is out of date. Send it again."})
	}
	g := gateView{EmailValue: c.PostForm("email")}
	email := ""
	if sh.RequireEmail {
		if email, err = api.Email("email", g.EmailValue); err != nil {
			g.Error, g.ErrorField = err.Error(), "email"
			return pub.renderGate(c, http.StatusBadRequest, sh, g)
		}
	}
	if sh.HasPassword {
		key := strconv.FormatInt(sh.ID, 10) + " " + c.ClientIP()
		if wait := pub.tries.Wait(key); wait > 0 {
			c.Header("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
			g.Error, g.ErrorField = "Too many wrong passwords from your address. Try again in "+minutes(wait)+".", "password"
			return pub.renderGate(c, http.StatusTooManyRequests, sh, g)
		}
		if !sh.CheckPassword(c.PostForm("password")) {
			pub.tries.Spend(key)
			g.Error, g.ErrorField = "That is not the password of this link.", "password"
			return pub.renderGate(c, http.StatusForbidden, sh, g)
		}
		pub.tries.Forget(key)
	}
	if err := pub.setPassed(c, sh, email); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/s/"+c.Param("secret"))
	return nil
}

// file answers GET /s/SECRET/files/ID/NAME (OpenSharedFile) once the browser passed the link's
// form, as /files/ answers a member; a download of an attachment is recorded as a view.
func (pub *Public) file(c *gin.Context) error {
	sh, err := pub.open(c)
	if err != nil {
		return err
	}
	email, passed := pub.passed(c, sh)
	if !passed {
		return ErrLinkNotFound
	}
	id, err := strconv.ParseInt(c.Param("file_id"), 10, 64)
	if err != nil || id <= 0 {
		return widgets.ErrFileNotFound
	}
	ctx := c.Request.Context()
	f, blob, download, err := pub.Links.OpenSharedFile(ctx, sh, id)
	if err != nil {
		return err
	}
	defer blob.Close()
	// A download counts once: not again for each later range a download manager asks for.
	if r := c.GetHeader("Range"); download && (r == "" || strings.HasPrefix(r, "bytes=0-")) {
		if err := pub.Links.RecordView(ctx, sh, email, &f.ID); err != nil {
			return err
		}
	}
	h := c.Writer.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", rest.ContentDisposition(f))
	h.Set("ETag", `"`+f.SHA256+`"`)
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	http.ServeContent(c.Writer, c.Request, "", f.CreatedAt.Time, blob)
	return nil
}

// passed reports whether the browser may see the link's page, and the email it gave: always for
// a link that asks for nothing, else when it carries the link's valid, unexpired cookie.
func (pub *Public) passed(c *gin.Context, sh *Shared) (email string, ok bool) {
	if !sh.HasPassword && !sh.RequireEmail {
		return "", true
	}
	ck, err := c.Request.Cookie(passCookie)
	if err != nil {
		return "", false
	}
	parts := strings.Split(ck.Value, ".")
	if len(parts) != 3 {
		return "", false
	}
	until, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil || time.Unix(until, 0).Before(pub.Links.Pages.DB.Now()) {
		return "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || !pub.People.CheckCSRF(c.Request.Context(), passSubject(sh, parts[0], string(raw)), parts[2]) {
		return "", false
	}
	if sh.RequireEmail && len(raw) == 0 {
		return "", false
	}
	return string(raw), true
}

// setPassed gives the browser the link's cookie, for passLifetime, on the link's path only.
func (pub *Public) setPassed(c *gin.Context, sh *Shared, email string) error {
	until := strconv.FormatInt(pub.Links.Pages.DB.Now().Add(passLifetime).Unix(), 10)
	sig, err := pub.People.CSRFToken(c.Request.Context(), passSubject(sh, until, email))
	if err != nil {
		return err
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: passCookie, Value: until + "." + base64.RawURLEncoding.EncodeToString([]byte(email)) + "." + sig,
		Path: "/s/" + c.Param("secret"), MaxAge: int(passLifetime.Seconds()), HttpOnly: true,
		Secure: strings.HasPrefix(pub.Links.Pages.BaseURL, "https://"), SameSite: http.SameSiteLaxMode})
	return nil
}

// passSubject is what a link cookie's signature covers: the link, its password, the time it ends
// and the email.
func passSubject(sh *Shared, until, email string) string {
	return "share-link:" + strconv.FormatInt(sh.ID, 10) + ":" + sh.PasswordStamp() + ":" + until + ":" + email
}

// renderGate answers the link's form with status.
func (pub *Public) renderGate(c *gin.Context, status int, sh *Shared, g gateView) error {
	tok, err := pub.People.FormToken(c)
	if err != nil {
		return err
	}
	g.Action, g.CSRF = "/s/"+c.Param("secret"), tok
	g.Password, g.Email = sh.HasPassword, sh.RequireEmail
	g.Title = "Shared page"
	return webui.RenderPart(c, status, "shared-gate", g)
}

func minutes(d time.Duration) string {
	n := int(d.Minutes()) + 1
	if n == 1 {
		return "a minute"
	}
	return strconv.Itoa(n) + " minutes"
}

// sharedPage is what shared-page shows: the page's title, last change and columns, its files
// under the link.
type sharedPage struct {
	Page          *pages.Page
	Columns       []sharedColumn
	AllowDownload bool
}

type sharedColumn struct {
	Width   int
	Widgets []*sharedWidget
}

// sharedWidget is a widget as the page view's partials (widget-paragraph, -heading, -image)
// read it, with its files' paths under the link.
type sharedWidget struct {
	*widgets.Widget
	Level int
	Files []sharedFile
	Allow bool // its files may be downloaded (attachments)
}

type sharedFile struct {
	widgets.File
	Path, Icon string
}

// sharedView builds the link's view of p, its files under base: every widget but forms and
// discussions.
func sharedView(sh *Shared, p *pages.Page, base string) sharedPage {
	v := sharedPage{Page: p, AllowDownload: sh.AllowDownload}
	widths := []int{100}
	if len(p.Layout) > 0 {
		widths = p.Layout[0]
	}
	for i, col := range *p.JSON {
		cv := sharedColumn{Width: 100}
		if i < len(widths) {
			cv.Width = widths[i]
		}
		for _, w := range col {
			if w.Classname == widgets.Form || w.Classname == widgets.Discussion {
				continue
			}
			sw := &sharedWidget{Widget: w, Level: pagesweb.HeadingLevel(w.Heading), Allow: sh.AllowDownload}
			if w.Files != nil {
				for _, f := range *w.Files {
					sw.Files = append(sw.Files, sharedFile{File: f, Icon: pagesweb.FileIcon(f),
						Path: base + strconv.FormatInt(f.ID, 10) + "/" + url.PathEscape(f.Filename)})
				}
			}
			cv.Widgets = append(cv.Widgets, sw)
		}
		v.Columns = append(v.Columns, cv)
	}
	return v
}

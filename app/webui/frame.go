package webui

import (
	"encoding/json"
	"html/template"

	"github.com/gin-gonic/gin"
)

// Frame is what every signed-in web page shows around its own content: the top bar (site name,
// subsite switcher, search box, user menu) and the breadcrumbs. app's web middleware sets its
// request-wide part (SetFrame); Render adds the page's title and breadcrumbs.
type Frame struct {
	Title    string        // the page's title, shown in <title> before the site name
	UserName string        // the signed-in person's name ("" when signed out)
	Owner    bool          // the person is a site owner: the user menu links to the people page
	Subsites []SubsiteLink // the subsites the person belongs to, for the switcher; only those
	Subsite  *SubsiteLink  // the subsite the URL addresses; nil on site-wide pages
	Crumbs   []Crumb       // the breadcrumbs, outermost first; the last is the current page
	CSRF     string        // the CSRF token every form carries (CSRFToken)
	Query    string        // the search box's text
	Flash    string        // a one-shot message about what the person just did (SetFlash)
	// Sidebar is the subsite's page tree beside the page (Page.Sidebar), rendered; "" for none.
	Sidebar template.HTML
	// SecureCookies is whether cookies the web UI sets get the Secure attribute (an https base
	// URL); app's web middleware sets it.
	SecureCookies bool
}

// SubsiteLink is a subsite as the frame links to it.
type SubsiteLink struct {
	Slug, Title string
	URL         string // its home: /@slug/
	Current     bool   // the subsite the URL addresses
}

// Crumb is one step of the breadcrumbs; URL is "" for the current page.
type Crumb struct {
	Name, URL string
}

// Page is what a handler gives Render: the title and breadcrumbs the frame shows, and the page
// template's own data, which the template reads as .Data.
type Page struct {
	Title  string
	Crumbs []Crumb
	Data   any
	// Sidebar is the subsite's page tree, rendered (pages/web's Sidebar), shown beside the page
	// by the frame unless the page's template defines its own "sidebar".
	Sidebar template.HTML
}

// View is what the frame and the page templates execute with: .Frame and .Data.
type View struct {
	Frame Frame
	Data  any
}

const keyFrame = "quire.web_frame"

// SetFrame records the request-wide part of the frame (person, subsites); app's web middleware
// calls it once the actor and place are known.
func SetFrame(c *gin.Context, f Frame) { c.Set(keyFrame, f) }

// frameOf returns the request's frame with the page's title and breadcrumbs and the request's
// CSRF token and search text.
func frameOf(c *gin.Context, p Page) Frame {
	frame := frameOfContext(c)
	frame.Flash = takeFlash(c)
	frame.Title = p.Title
	frame.Crumbs = p.Crumbs
	frame.Sidebar = p.Sidebar
	frame.CSRF = CSRFToken(c)
	if frame.Query == "" {
		frame.Query = c.Query("q")
	}
	return frame
}

// frameOfContext returns the request-wide frame SetFrame recorded (a zero Frame before).
func frameOfContext(c *gin.Context) Frame {
	f, _ := c.Get(keyFrame)
	frame, _ := f.(Frame)
	return frame
}

// HXHeaders is the JSON of the <body>'s hx-headers: the CSRF header every htmx request sends.
func (f Frame) HXHeaders() string {
	if f.CSRF == "" {
		return ""
	}
	b, _ := json.Marshal(map[string]string{CSRFHeader: f.CSRF})
	return string(b)
}

package webui

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"quire/templates"
)

// The template set: web/frame.html and web/parts/*.html shared, and one clone of them per file of
// web/pages/, in which the page defines the frame's blocks "main" (required) and "sidebar".
type set struct {
	base  *template.Template            // frame and parts: what fragments render from
	pages map[string]*template.Template // by file name, such as "page.html"
}

// Load parses the web UI's templates. app calls it at start, so that a template that does not
// parse stops the start rather than a request; Render calls it too and gets the same set.
var Load = sync.OnceValues(func() (*set, error) { return parse(templates.Web()) })

func parse(files fs.FS) (*set, error) {
	base, err := template.New("").Funcs(templates.WebFuncs()).Funcs(funcs).ParseFS(files, "frame.html", "parts/*.html")
	if err != nil {
		return nil, fmt.Errorf("web templates: %w", err)
	}
	names, err := fs.Glob(files, "pages/*.html")
	if err != nil {
		return nil, err
	}
	s := &set{base: base, pages: map[string]*template.Template{}}
	for _, name := range names {
		t, err := template.Must(base.Clone()).ParseFS(files, name)
		if err != nil {
			return nil, fmt.Errorf("web templates: %w", err)
		}
		if t.Lookup("main") == nil {
			return nil, fmt.Errorf("web template %s defines no \"main\" block", name)
		}
		s.pages[path.Base(name)] = t
	}
	return s, nil
}

// Render answers the page template name (a file of templates/web/pages/, such as "page.html")
// inside the frame, with status. The page is rendered whole before anything is written, so that
// a template error is returned (and answered as a clean 500) rather than half a page.
func Render(c *gin.Context, status int, name string, p Page) error {
	s, err := Load()
	if err != nil {
		return err
	}
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("no web page template %q", name)
	}
	return write(c, status, t, "frame", View{Frame: frameOf(c, p), Data: p.Data})
}

// Prerender renders the page template name inside the frame as Render does, but returns it
// instead of answering it, with the request's CSRF token and CSP nonce left as marks: the
// result is the same for every request of the same person to the same page while nothing it
// shows changes, so a handler may keep it and answer it with WriteRendered. Returns the
// template's error.
func Prerender(c *gin.Context, name string, p Page) ([]byte, error) {
	s, err := Load()
	if err != nil {
		return nil, err
	}
	t, ok := s.pages[name]
	if !ok {
		return nil, fmt.Errorf("no web page template %q", name)
	}
	frame := frameOf(c, p)
	if frame.CSRF != "" {
		frame.CSRF = csrfMark
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "frame", View{Frame: frame, Data: p.Data}); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// WriteRendered answers a page made by Prerender with status, its marks replaced by this
// request's CSRF token and CSP nonce.
func WriteRendered(c *gin.Context, status int, page []byte) error { return answer(c, status, page) }

// RenderPart answers one partial of templates/web/parts/ (a {{define}} name, such as
// "folder-children") without the frame: the HTML fragment an htmx request swaps in. Its data is
// the partial's own, not a View.
func RenderPart(c *gin.Context, status int, name string, data any) error {
	s, err := Load()
	if err != nil {
		return err
	}
	return write(c, status, s.base, name, data)
}

// Fragment renders the partial name (a {{define}} of templates/web/parts/) with data, as HTML a
// page includes whole: html/template escaped it as it rendered, so it is not escaped again. It is
// for parts of a page that are the same for many requests and kept rendered (pages/web's page
// view cache); a form inside carries CSRFMark, not a request's token. Returns the template's
// error.
func Fragment(name string, data any) (template.HTML, error) {
	s, err := Load()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := s.base.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("render %s: %w", name, err)
	}
	return template.HTML(b.String()), nil
}

// csrfMark stands for the request's CSRF token in a Fragment until write puts the token in its
// place. It is random for each process, so no text a person wrote can contain it.
var csrfMark = func() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "quire-csrf-" + hex.EncodeToString(b)
}()

// CSRFMark returns what a form of a Fragment carries as its CSRF token: every answer replaces it
// by the token of its own request.
func CSRFMark() string { return csrfMark }

func write(c *gin.Context, status int, t *template.Template, name string, data any) error {
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	return answer(c, status, b.Bytes())
}

// answer writes a rendered page with its marks replaced: the CSP nonce's and CSRFMark. The page
// it is given is not changed (it may be kept for other requests).
func answer(c *gin.Context, status int, rendered []byte) error {
	nonceMark, nonce := templates.NonceMark(c.Writer.Header())
	page := fillMarks(rendered, [2]string{nonceMark, csrfMark}, [2]string{nonce, CSRFToken(c)})
	c.Header("Content-Type", "text/html; charset=utf-8")
	// Its length is known: said outright, a HEAD answers it too, even for an empty fragment
	// (net/http infers it for a GET's small body, but not for a HEAD that writes none).
	c.Header("Content-Length", strconv.Itoa(len(page)))
	c.Status(status)
	_, err := c.Writer.Write(page)
	return err
}

// fillMarks returns a copy of page with each of marks replaced by the value of the same index,
// in one pass (a page view kept whole is answered this way on every request).
func fillMarks(page []byte, marks, values [2]string) []byte {
	out := make([]byte, 0, len(page)+256)
	var next [2]int // where each mark is next found in page, -1 when no more
	for k, m := range marks {
		next[k] = bytes.Index(page, []byte(m))
	}
	for {
		k := 0
		if next[0] < 0 || (next[1] >= 0 && next[1] < next[0]) {
			k = 1
		}
		at := next[k]
		if at < 0 {
			return append(out, page...)
		}
		out = append(append(out, page[:at]...), values[k]...)
		page = page[at+len(marks[k]):]
		for n, m := range marks { // positions are now relative to the rest of the page
			if next[n] >= 0 {
				if n == k || next[n] < at+len(marks[k]) {
					next[n] = bytes.Index(page, []byte(m))
				} else {
					next[n] -= at + len(marks[k])
				}
			}
		}
	}
}

// funcs are the web templates' own functions besides templates' (static, cspNonce): formatting
// only, no logic.
var funcs = template.FuncMap{
	"lower": strings.ToLower,
	"add":   func(a, b int) int { return a + b },
	// safeWidgetHTML marks widget and post HTML as safe: it is sanitized when it is stored
	// (widgets/sanitize.go), and it is the only HTML a web template renders unescaped.
	"safeWidgetHTML": func(s string) template.HTML { return template.HTML(s) },
}

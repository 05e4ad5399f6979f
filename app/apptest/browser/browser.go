// Package browser drives headless Chromium for the web UI's tests: one browser per test binary,
// started at the first test that asks for it, and a fresh browser context (own cookies, storage
// and cache, like a private window) for each call of New, so a test can put two people side by
// side. Chromium must be installed (`make chromium`, which `make test` runs): a browser that
// cannot start fails the test, never skips it.
//
// A package with browser tests calls Main from its TestMain, so that the browser and its
// profile directory go when the tests end.
package browser

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Widths a page must be usable at: a laptop, and a phone held upright.
const (
	Desktop = 1280
	Phone   = 375
)

// Timeout bounds each Step and Read, so that a page that never shows fails instead of hanging.
const Timeout = 20 * time.Second

var shared struct {
	sync.Mutex
	root       context.Context // the browser's first tab; its children open browser contexts
	closeRoot  context.CancelFunc
	closeAlloc context.CancelFunc
	err        error
	started    bool
}

// start starts the shared browser once; every later call answers the same browser or error.
func start() (context.Context, error) {
	shared.Lock()
	defer shared.Unlock()
	if !shared.started {
		shared.started = true
		alloc, closeAlloc := chromedp.NewExecAllocator(context.Background(), chromedp.DefaultExecAllocatorOptions[:]...)
		root, closeRoot := chromedp.NewContext(alloc)
		if err := chromedp.Do(root); err != nil {
			closeRoot()
			closeAlloc()
			shared.err = err
		} else {
			shared.root, shared.closeRoot, shared.closeAlloc = root, closeRoot, closeAlloc
		}
	}
	return shared.root, shared.err
}

// Main runs the tests of m, then closes the shared browser (if a test started it) and exits
// with the tests' code. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	shared.Lock()
	if shared.root != nil {
		_ = chromedp.Cancel(shared.root) // closes Chromium
		shared.closeRoot()
		shared.closeAlloc() // removes its profile directory
	}
	shared.Unlock()
	os.Exit(code)
}

// New opens a tab in a new browser context of the shared browser, at the Desktop width. The
// context has no cookies and no storage but its own; it is closed when the test ends. Every
// page it loads records the Content-Security-Policy violations it meets, for CSPViolations.
func New(t testing.TB) context.Context {
	t.Helper()
	root, err := start()
	if err != nil {
		t.Fatalf("start Chromium (make chromium installs it): %v", err)
	}
	ctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// The first run opens the tab, which lives as long as the context it runs with: so no
	// deadline here, unlike in Step.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab in a new browser context: %v", err)
	}
	Step(t, ctx, "prepare the tab",
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument,
				page.AddScriptToEvaluateOnNewDocumentParams{Source: recordViolations})
			return err
		}),
		viewport(Desktop),
	)
	return ctx
}

// recordViolations keeps what the page's CSP refused in window.__cspViolations. The browser
// runs it before the page's own scripts, outside the page's CSP.
const recordViolations = `window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", e => window.__cspViolations.push(
	e.effectiveDirective + " refused " + (e.blockedURI || "an inline resource") + " (" + e.sourceFile + ":" + e.lineNumber + ")"));`

// Viewport sets the width of the tab's viewport in CSS pixels (Desktop or Phone), with a
// height to match; Phone also emulates a mobile browser, which honours the page's viewport meta
// tag as a phone does.
func Viewport(t testing.TB, ctx context.Context, width int64) {
	t.Helper()
	Step(t, ctx, "set the viewport", viewport(width))
}

func viewport(width int64) chromedp.Action[chromedp.Void] {
	if width <= Phone {
		return chromedp.EmulateViewport(width, 812, chromedp.EmulateMobile, chromedp.EmulatePortrait)
	}
	return chromedp.EmulateViewport(width, 800)
}

// Step runs actions within Timeout and fails the test, saying what it was doing, if one fails.
func Step(t testing.TB, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	if err := chromedp.Do(tctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// Read runs one action that reads a value within Timeout, and returns the value.
func Read[T any](t testing.TB, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	v, err := chromedp.Run(tctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Screenshot saves the whole page as NAME.png in the folder $QUIRE_SCREENSHOTS names (made if
// missing), or in the test's temporary folder. It returns the file's path.
func Screenshot(t testing.TB, ctx context.Context, name string) string {
	t.Helper()
	png := Read(t, ctx, chromedp.FullScreenshot(100)) // quality 100 is PNG; below, JPEG
	dir := os.Getenv("QUIRE_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// CSPViolations fails the test if the page in the tab has met a Content-Security-Policy
// violation since it loaded, listing each.
func CSPViolations(t testing.TB, ctx context.Context) {
	t.Helper()
	for _, v := range Read(t, ctx, chromedp.Evaluate[[]string](`window.__cspViolations || []`)) {
		t.Errorf("CSP violation on %s: %s", Read(t, ctx, chromedp.Location()), v)
	}
}

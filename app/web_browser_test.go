package app_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"quire/app/apptest"
	"quire/app/apptest/browser"
	"quire/static"
)

// TestMain closes the browser the browser tests share when they end.
func TestMain(m *testing.M) { browser.Main(m) }

// TestScriptsRunUnderCSP loads a web page in Chromium under its real CSP: htmx 2 runs with the
// layout's configuration, and Trix, added to the page, styles its editor with the <style> it
// inserts, which only the request's nonce admits. The page meets no CSP violation.
func TestScriptsRunUnderCSP(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	ctx := browser.New(t)
	browser.Step(t, ctx, "open a web page", chromedp.Navigate(site.URL+"/invite/not-a-token"))
	browser.Read(t, ctx, chromedp.Poll[bool](`typeof htmx === "object"`))
	type htmxState struct {
		Version                                string
		AllowEval, IndicatorStyles, ScriptTags bool
		InlineStyles                           int
	}
	cfg := browser.Read(t, ctx, chromedp.Evaluate[htmxState](`({Version: htmx.version, AllowEval: htmx.config.allowEval, IndicatorStyles: htmx.config.includeIndicatorStyles,
		ScriptTags: htmx.config.allowScriptTags, InlineStyles: document.querySelectorAll("style").length})`))
	if cfg.Version[:2] != "2." || cfg.AllowEval || cfg.IndicatorStyles || cfg.ScriptTags || cfg.InlineStyles != 0 {
		t.Errorf("htmx on the page: %+v; want version 2, eval, indicator styles and script tags off, no <style>", cfg)
	}

	css, err := static.URL("vendor/trix.css")
	if err != nil {
		t.Fatal(err)
	}
	js, err := static.URL("vendor/trix.umd.min.js")
	if err != nil {
		t.Fatal(err)
	}
	browser.Step(t, ctx, "add Trix and an editor to the page",
		chromedp.Evaluate[chromedp.Void](`(() => {
			const link = document.createElement("link"); link.rel = "stylesheet"; link.href = "`+css+`";
			const script = document.createElement("script"); script.src = "`+js+`";
			document.head.append(link, script);
			const label = document.createElement("label"); label.id = "body-label"; label.textContent = "Text";
			const input = document.createElement("input"); input.type = "hidden"; input.id = "body";
			const editor = document.createElement("trix-editor");
			editor.setAttribute("input", "body"); editor.setAttribute("aria-labelledby", "body-label");
			document.querySelector("main").append(label, input, editor);
		})()`),
	)
	browser.Read(t, ctx, chromedp.Poll[bool](`customElements.get("trix-editor") !== undefined && document.querySelector("trix-toolbar") !== null`))
	browser.Step(t, ctx, "type in the editor", chromedp.SendKeys(chromedp.CSS("trix-editor"), "Hello from Trix"))
	if d := browser.Read(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("trix-editor")).display`)); d != "block" {
		t.Errorf("trix-editor is displayed %q, want block from the default styles Trix inserts with the nonce", d)
	}
	// Trix copies the editor's content into its input after each key, as it handles it.
	browser.Read(t, ctx, chromedp.Poll[bool](`document.getElementById("body").value.endsWith("Trix</div>")`))
	if v := browser.Read(t, ctx, chromedp.Value(chromedp.ID("body"))); v != "<div>Hello from Trix</div>" {
		t.Errorf("the editor's input holds %q, want what was typed", v)
	}
	browser.CSPViolations(t, ctx)
	browser.Axe(t, ctx) // Trix's toolbar and editor included
	browser.Screenshot(t, ctx, "trix-under-csp")
}

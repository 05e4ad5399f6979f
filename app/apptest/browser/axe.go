package browser

import (
	"context"
	_ "embed"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core, vendored by `make vendor` at the version static/vendor/package.json
// pins. It is evaluated in the page through the DevTools protocol, never served, so the page's
// CSP neither needs to admit it nor blocks it.
//
//go:embed axe.min.js
var axeSource string

type axeResults struct {
	Violations []struct {
		ID, Impact, Help, HelpURL string
		Nodes                     []struct {
			Target         []any // CSS selectors; a nested list for an element in a shadow root
			FailureSummary string
		}
	}
}

// Axe checks the page in the tab, as it is now, with axe-core's rules, and fails the test
// listing every violation whose impact is serious or critical: its rule id, what it asks, and
// each element it found (a selector and axe's summary). Moderate and minor ones are logged.
func Axe(t testing.TB, ctx context.Context) {
	t.Helper()
	if !Read(t, ctx, chromedp.Evaluate[bool](`typeof window.axe === "object"`)) {
		Step(t, ctx, "load axe-core into the page", chromedp.Evaluate[chromedp.Void](axeSource))
	}
	res := Read(t, ctx, chromedp.Evaluate[axeResults](`axe.run(document, {resultTypes: ["violations"]})`,
		chromedp.EvalAwaitPromise))
	where := Read(t, ctx, chromedp.Location())
	for _, v := range res.Violations {
		var nodes []string
		for _, n := range v.Nodes {
			nodes = append(nodes, fmt.Sprintf("\n    %v: %s", n.Target, strings.ReplaceAll(n.FailureSummary, "\n", " ")))
		}
		msg := fmt.Sprintf("axe %s on %s: %s (%s) [%s]%s", v.Impact, where, v.ID, v.Help, v.HelpURL, strings.Join(nodes, ""))
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(msg)
		} else {
			t.Log(msg)
		}
	}
}

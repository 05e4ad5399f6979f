package widgets

import (
	"errors"
	"strings"
	"testing"

	"quire/app/api"
)

func ptr(s string) *string { return &s }

// wantErr is the error a case expects: its code and field, or nothing.
type wantErr struct{ code, field string }

func checkErr(t *testing.T, name string, err error, want wantErr) {
	t.Helper()
	var apiErr *api.Error
	switch {
	case want.code == "" && err != nil:
		t.Errorf("%s: unexpected error %v", name, err)
	case want.code == "":
	case !errors.As(err, &apiErr):
		t.Errorf("%s: err = %v; want %s on %q", name, err, want.code, want.field)
	case apiErr.Code != want.code || apiErr.Field != want.field:
		t.Errorf("%s: err = %s on %q (%q); want %s on %q", name, apiErr.Code, apiErr.Field, apiErr.Message, want.code, want.field)
	case apiErr.Message == "":
		t.Errorf("%s: error without a message", name)
	}
}

func TestNewContent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		classname string
		in        Input
		want      Content // compared when no error is wanted
		err       wantErr
	}{
		{name: "paragraph html", classname: Paragraph, in: Input{Val: ptr("<p>Hi <b>there</b><script>x</script></p>")},
			want: Content{Classname: Paragraph, HTML: "<p>Hi <b>there</b></p>", Text: "Hi there", Format: FormatHTML}},
		{name: "paragraph text", classname: Paragraph, in: Input{Val: ptr("a <b>\nc"), Format: ptr("text")},
			want: Content{Classname: Paragraph, HTML: "a &lt;b&gt;<br>c", Text: "a <b>\nc", Format: FormatText}},
		{name: "format in any case", classname: Paragraph, in: Input{Val: ptr("x"), Format: ptr(" HTML ")},
			want: Content{Classname: Paragraph, HTML: "x", Text: "x", Format: FormatHTML}},
		{name: "heading defaults to h1", classname: Heading, in: Input{Val: ptr("Title")},
			want: Content{Classname: Heading, HTML: "Title", Text: "Title", Format: FormatHTML, Heading: "h1"}},
		{name: "heading level and style", classname: Heading, in: Input{Val: ptr("T"), Heading: ptr("H0"), Styleclass: ptr("Bars")},
			want: Content{Classname: Heading, HTML: "T", Text: "T", Format: FormatHTML, Heading: "h0", Styleclass: "bars"}},
		{name: "empty paragraph allowed", classname: Paragraph, in: Input{Val: ptr("")},
			want: Content{Classname: Paragraph, Format: FormatHTML}},

		{name: "val required", classname: Paragraph, in: Input{}, err: wantErr{api.CodeInvalid, "val"}},
		{name: "val required with format", classname: Paragraph, in: Input{Format: ptr("text")}, err: wantErr{api.CodeInvalid, "val"}},
		{name: "unknown format", classname: Paragraph, in: Input{Val: ptr("x"), Format: ptr("markdown")}, err: wantErr{api.CodeInvalid, "format"}},
		{name: "empty format", classname: Paragraph, in: Input{Val: ptr("x"), Format: ptr("")}, err: wantErr{api.CodeInvalid, "format"}},
		{name: "empty heading", classname: Heading, in: Input{Val: ptr("")}, err: wantErr{api.CodeInvalid, "val"}},
		{name: "blank heading", classname: Heading, in: Input{Val: ptr(" \n\t "), Format: ptr("text")}, err: wantErr{api.CodeInvalid, "val"}},
		{name: "heading of removed html", classname: Heading, in: Input{Val: ptr("<script>alert(1)</script><p> </p>")}, err: wantErr{api.CodeInvalid, "val"}},
		{name: "over-long val", classname: Paragraph, in: Input{Val: ptr(strings.Repeat("a", MaxHTMLBytes+1))}, err: wantErr{api.CodeTooLarge, ""}},
		{name: "over-long text val", classname: Heading, in: Input{Val: ptr(strings.Repeat("a", MaxHTMLBytes+1)), Format: ptr("text")}, err: wantErr{api.CodeTooLarge, ""}},
	}
	for _, tc := range tests {
		got, err := NewContent(tc.classname, tc.in)
		checkErr(t, tc.name, err, tc.err)
		if tc.err.code == "" && err == nil && !sameContent(got, tc.want) {
			t.Errorf("%s: NewContent = %+v; want %+v", tc.name, got, tc.want)
		}
	}
}

func TestStyleclasses(t *testing.T) {
	t.Parallel()
	allowed := map[string][]string{
		Paragraph: {"block", "quote", "note", "emphasis", "thin"},
		Heading:   {"line", "emphasis", "bars", "quote", "boxquote"},
	}
	every := []string{"block", "quote", "note", "emphasis", "thin", "line", "bars", "boxquote", "fancy", "h1"}
	for _, kind := range []string{Paragraph, Heading, Attachment, Image, Form, Discussion} {
		for _, s := range every {
			_, err := Input{Styleclass: ptr(s)}.Apply(Content{Classname: kind, HTML: "x", Text: "x"})
			name := kind + " styleclass " + s
			if contains(allowed[kind], s) {
				checkErr(t, name, err, wantErr{})
			} else {
				checkErr(t, name, err, wantErr{api.CodeInvalid, "styleclass"})
			}
		}
	}
	// A styleclass is matched without regard to case and space, stored lower case, and "" clears it.
	got, err := Input{Styleclass: ptr(" NOTE ")}.Apply(Content{Classname: Paragraph})
	if err != nil || got.Styleclass != "note" {
		t.Errorf("styleclass \" NOTE \" = %q, %v; want note", got.Styleclass, err)
	}
	got, err = Input{Styleclass: ptr("")}.Apply(Content{Classname: Heading, Styleclass: "bars"})
	if err != nil || got.Styleclass != "" {
		t.Errorf("styleclass \"\" = %q, %v; want it cleared", got.Styleclass, err)
	}
}

func TestHeadingLevels(t *testing.T) {
	t.Parallel()
	for _, h := range []string{"h0", "h1", "h2", "h3", "h4", "H2", " h3 "} {
		got, err := Input{Heading: ptr(h)}.Apply(Content{Classname: Heading, HTML: "x", Text: "x", Heading: "h1"})
		if err != nil || got.Heading != strings.ToLower(strings.TrimSpace(h)) {
			t.Errorf("heading %q = %q, %v", h, got.Heading, err)
		}
	}
	for _, h := range []string{"", "h5", "h6", "h-1", "1", "heading", "h01"} {
		_, err := Input{Heading: ptr(h)}.Apply(Content{Classname: Heading, HTML: "x", Text: "x", Heading: "h1"})
		checkErr(t, "heading "+h, err, wantErr{api.CodeInvalid, "heading"})
	}
	_, err := NewContent(Paragraph, Input{Val: ptr("x"), Heading: ptr("h2")})
	checkErr(t, "heading on a paragraph", err, wantErr{api.CodeInvalid, "heading"})
}

// TestApplyKeepsWhatIsNotGiven checks the update rule: fields not sent stay as they were.
func TestApplyKeepsWhatIsNotGiven(t *testing.T) {
	t.Parallel()
	base := Content{Classname: Heading, HTML: "<b>Old</b>", Text: "Old", Format: FormatHTML, Styleclass: "bars", Heading: "h3"}
	got, err := Input{}.Apply(base)
	if err != nil || !sameContent(got, base) {
		t.Errorf("empty update = %+v, %v; want %+v", got, err, base)
	}
	got, err = Input{Val: ptr("New")}.Apply(base)
	want := base
	want.HTML, want.Text = "New", "New"
	if err != nil || !sameContent(got, want) {
		t.Errorf("val update = %+v, %v; want %+v", got, err, want)
	}
	// The format a widget was written in stays for the next value unless changed.
	text := Content{Classname: Paragraph, HTML: "a", Text: "a", Format: FormatText}
	got, err = Input{Val: ptr("<i>x</i>")}.Apply(text)
	if err != nil || got.HTML != "&lt;i&gt;x&lt;/i&gt;" || got.Format != FormatText {
		t.Errorf("text widget update = %+v, %v; want the value escaped", got, err)
	}
	// A refused update returns an error; callers store nothing.
	if _, err := (Input{Val: ptr("")}).Apply(base); err == nil {
		t.Error("emptying a heading: no error")
	}
}

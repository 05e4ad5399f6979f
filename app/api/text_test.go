package api

import (
	"errors"
	"strings"
	"testing"
)

func TestLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		max            int
		refused        string // a part of the error message; "" when accepted
	}{
		{name: "plain", in: "Onboarding", want: "Onboarding"},
		{name: "trimmed", in: "  Onboarding \u00a0", want: "Onboarding"},
		{name: "decomposed é becomes composed", in: "Cafe\u0301", want: "Caf\u00e9"},
		{name: "Hangul jamo compose", in: "\u1112\u1161\u11ab", want: "\ud55c"},
		{name: "RTL text with a right-to-left mark", in: "\u05e9\u05dc\u05d5\u05dd 2026\u200f", want: "\u05e9\u05dc\u05d5\u05dd 2026\u200f"},
		{name: "LRM and ALM kept", in: "a\u200eb\u061cc", want: "a\u200eb\u061cc"},
		{name: "emoji with joiners kept", in: "team \U0001F469\u200d\U0001F4BB", want: "team \U0001F469\u200d\U0001F4BB"},
		{name: "LF", in: " Title\nIT notice", refused: "a line break (U+000A) at character 6"},
		{name: "CR LF", in: "Title\r\n\r\nIT notice: reset your password", refused: "a line break (U+000D)"},
		{name: "NUL", in: "a\x00b", refused: "the control character U+0000 at character 2"},
		{name: "TAB", in: "a\tb", refused: "the control character U+0009"},
		{name: "DEL", in: "a\x7fb", refused: "U+007F"},
		{name: "C1 next line", in: "a\u0085b", refused: "U+0085"},
		{name: "line separator", in: "a\u2028b", refused: "a line break (U+2028)"},
		{name: "paragraph separator", in: "a\u2029b", refused: "a line break (U+2029)"},
		{name: "right-to-left override", in: "invoice\u202egpj.exe", refused: "U+202E RIGHT-TO-LEFT OVERRIDE at character 8"},
		{name: "left-to-right embedding", in: "a\u202ab", refused: "U+202A"},
		{name: "pop directional formatting", in: "a\u202cb", refused: "U+202C"},
		{name: "right-to-left isolate", in: "a\u2067b", refused: "U+2067 RIGHT-TO-LEFT ISOLATE"},
		{name: "pop directional isolate", in: "a\u2069b", refused: "U+2069"},
		{name: "invalid UTF-8", in: "a\xffb", refused: "not valid UTF-8"},
		{name: "at the limit after composing", in: strings.Repeat("e\u0301", 5), max: 5, want: strings.Repeat("\u00e9", 5)},
		{name: "over the limit", in: "abcdef", max: 5, refused: "longer than 5 characters"},
		{name: "line breaks at the ends are white space", in: "\r\ntitle\n", want: "title"},
		{name: "NUL at the end is not white space", in: "title\x00", refused: "U+0000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Line("title", tc.in, tc.max)
			if tc.refused == "" {
				if err != nil || got != tc.want {
					t.Fatalf("Line(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeInvalid || e.Field != "title" || !strings.Contains(e.Message, tc.refused) {
				t.Fatalf("Line(%q) = %q, %v; want a validation error on \"title\" saying %q", tc.in, got, err, tc.refused)
			}
		})
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	got, err := Text("description", " one\r\ntwo\rthree\n\tfour\u2028five ", 0)
	if want := "one\ntwo\nthree\n\tfour\u2028five"; err != nil || got != want {
		t.Fatalf("Text = %q, %v; want %q", got, err, want)
	}
	for _, bad := range []string{"a\x00b", "a\u202eb", "a\x1bb", "a\u0085b"} {
		if _, err := Text("description", bad, 0); err == nil {
			t.Errorf("Text(%q) accepted", bad)
		}
	}
}

func TestFlatten(t *testing.T) {
	t.Parallel()
	if got, want := Flatten("Title\r\nBcc: x\u202e\x00\xff"), "Title  Bcc: x  \ufffd"; got != want {
		t.Fatalf("Flatten = %q, want %q", got, want)
	}
}

func TestEmail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		refused        string // a part of the error message; "" when accepted
	}{
		{name: "plain, case kept", in: " Ada@Example.com ", want: "Ada@Example.com"},
		{name: "letters of any script, composed", in: "jose\u0301@example.com", want: "jos\u00e9@example.com"},
		{name: "right-to-left override", in: "y\u202eb@example.com", refused: "U+202E RIGHT-TO-LEFT OVERRIDE at character 2"},
		{name: "left-to-right isolate", in: "y\u2066b@example.com", refused: "U+2066"},
		{name: "line separator", in: "y\u2028b@example.com", refused: "a line break (U+2028)"},
		{name: "C1 next line", in: "y\u0085b@example.com", refused: "U+0085"},
		{name: "CR LF", in: "y\r\nb@example.com", refused: "a line break (U+000D)"},
		{name: "NUL", in: "y\x00b@example.com", refused: "U+0000"},
		{name: "zero-width space", in: "y\u200bb@example.com", refused: "the invisible character U+200B at character 2"},
		{name: "zero-width non-joiner", in: "y\u200cb@example.com", refused: "U+200C"},
		{name: "zero-width joiner", in: "y\u200db@example.com", refused: "U+200D"},
		{name: "word joiner", in: "y\u2060b@example.com", refused: "U+2060"},
		{name: "byte order mark", in: "\ufeffyb@example.com", refused: "U+FEFF"},
		{name: "soft hyphen", in: "y\u00adb@example.com", refused: "U+00AD"},
		{name: "right-to-left mark", in: "yb@example.com\u200f", refused: "U+200F"},
		{name: "no-break space", in: "y\u00a0b@example.com", refused: "a space (U+00A0)"},
		{name: "ideographic space", in: "y\u3000b@example.com", refused: "a space (U+3000)"},
		{name: "space", in: "y b@example.com", refused: "a space (U+0020)"},
		{name: "no @", in: "example.com", refused: "must be an email address"},
		{name: "display name", in: "Ada <ada@example.com>", refused: "a space"},
		{name: "angle brackets", in: "<ada@example.com>", refused: "must be an email address"},
		{name: "empty", in: "", refused: "must be an email address"},
		{name: "local part of 65 bytes", in: strings.Repeat("a", 65) + "@example.com", refused: "65 bytes before the @"},
		{name: "255 bytes", in: "a@" + strings.Repeat("b", 249) + ".com", refused: "longer than 254 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Email("email_address", tc.in)
			if tc.refused == "" {
				if err != nil || got != tc.want {
					t.Fatalf("Email(%+q) = %q, %v; want %q", tc.in, got, err, tc.want)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeInvalid || e.Field != "email_address" || !strings.Contains(e.Message, tc.refused) {
				t.Fatalf("Email(%+q) = %q, %v; want a validation error on \"email_address\" saying %q", tc.in, got, err, tc.refused)
			}
		})
	}
}

func TestMarkup(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"<p>a\r\nb\tc</p>", "a\u202eb\u2066c", "a\x1bb\u0085"} {
		if err := Markup("val", ok); err != nil {
			t.Errorf("Markup(%+q) = %v; want it kept", ok, err)
		}
	}
	var e *Error
	if err := Markup("val", "<p>é\x00</p>"); !errors.As(err, &e) || e.Field != "val" || !strings.Contains(e.Message, "U+0000 at character 5") {
		t.Errorf("Markup with NUL = %v; want a validation error on \"val\" naming NUL and its place", err)
	}
	if err := Markup("val", "a\xffb"); !errors.As(err, &e) || !strings.Contains(e.Message, "UTF-8") {
		t.Errorf("Markup with invalid UTF-8 = %v", err)
	}
}

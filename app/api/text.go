package api

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The one rule for text a person gives to name or label something (titles, names, file names,
// captions, folder names, tags, form labels...), so that every such field behaves alike.
//
// One line of text (Line) is trimmed of white space at both ends (line breaks there included, as
// a shell or a form may add them), normalised to Unicode NFC (so
// that "é" typed as e + U+0301, as macOS file names are, is stored as the one character U+00E9
// and compares equal to it), and refused, with a validation error naming the field, when it holds:
//   - a control character: C0 (U+0000-U+001F, so NUL, TAB, CR and LF), DEL (U+007F) and C1
//     (U+0080-U+009F): a line break in a title would start a line of its own in mail and logs;
//   - U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR, which break lines as well;
//   - a bidirectional embedding, override or isolate (U+202A-U+202E, U+2066-U+2069), which
//     shows text in another order than it is stored: "invoice<U+202E>gpj.exe" shows as
//     "invoiceexe.jpg" (CVE-2021-42574, "Trojan Source").
// The implicit direction marks U+200E (LRM), U+200F (RLM) and U+061C (ALM) are kept: right-to-left
// writers need them to place punctuation and numbers, and they cannot reverse a run of letters.
// Invalid UTF-8 is refused.
//
// Text of several lines (Text) follows the same rule but keeps line feeds and tabs; CR LF and a
// lone CR become LF.

// Line returns s as one line of text for field: trimmed, NFC, at most max characters (0: no
// limit, counted after normalising). It returns a validation error on field for a character the
// rule above refuses, naming it and its place, or for text over max.
func Line(field, s string, max int) (string, error) {
	return clean(field, s, max, false)
}

// Text is Line for text of several lines: line feeds and tabs are kept, CR LF and CR become LF.
func Text(field, s string, max int) (string, error) {
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s)
	return clean(field, s, max, true)
}

func clean(field, s string, max int, multiline bool) (string, error) {
	if !utf8.ValidString(s) {
		return "", Invalid(field, "Parameter %q is not valid UTF-8 text.", field)
	}
	s = strings.TrimSpace(s)
	at := 0
	for _, r := range s {
		at++
		if multiline && (r == '\n' || r == '\t' || r == 0x2028 || r == 0x2029) {
			continue
		}
		if what, why := refusedRune(r); what != "" {
			return "", Invalid(field, "Parameter %q holds %s at character %d: %s", field, what, at, why)
		}
	}
	s = norm.NFC.String(s)
	if max > 0 && utf8.RuneCountInString(s) > max {
		return "", Invalid(field, "Parameter %q is longer than %d characters.", field, max)
	}
	return s, nil
}

// bidiControls are the bidirectional formatting characters Line refuses, by name.
var bidiControls = map[rune]string{
	0x202A: "LEFT-TO-RIGHT EMBEDDING", 0x202B: "RIGHT-TO-LEFT EMBEDDING", 0x202C: "POP DIRECTIONAL FORMATTING",
	0x202D: "LEFT-TO-RIGHT OVERRIDE", 0x202E: "RIGHT-TO-LEFT OVERRIDE", 0x2066: "LEFT-TO-RIGHT ISOLATE",
	0x2067: "RIGHT-TO-LEFT ISOLATE", 0x2068: "FIRST STRONG ISOLATE", 0x2069: "POP DIRECTIONAL ISOLATE",
}

// refusedRune names r and says why the rule refuses it, or returns "", "".
func refusedRune(r rune) (what, why string) {
	switch {
	case r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029:
		return fmt.Sprintf("a line break (U+%04X)", r), "it takes one line of text."
	case r < 0x20 || (r >= 0x7f && r <= 0x9f):
		return fmt.Sprintf("the control character U+%04X", r), "control characters are not text; remove it."
	case bidiControls[r] != "":
		return fmt.Sprintf("the bidirectional control U+%04X %s", r, bidiControls[r]),
			"it shows text in another order than it is stored; remove it."
	}
	return "", ""
}

// Flatten returns s with every character Line refuses replaced by a space: for text stored
// before the rule, when it goes where a line break would do harm, such as a mail's subject.
func Flatten(s string) string {
	return strings.Map(func(r rune) rune {
		if what, _ := refusedRune(r); what != "" {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

package api

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode"
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
//
// An email address (Email) follows the rule for one line and refuses, besides, every character
// that takes no room inside an address: format characters (Unicode Cf: the zero-width space
// U+200B, the joiners U+200C and U+200D, the word joiner U+2060, the byte order mark U+FEFF, the
// soft hyphen, direction marks) and spaces of any kind (NBSP, U+3000...). Two addresses that look
// the same then are the same: "ada@example.com" cannot have an invisible twin.

// Line returns s as one line of text for field: trimmed, NFC, at most max characters (0: no
// limit, counted after normalising). It returns a validation error on field for a character the
// rule above refuses, naming it and its place, or for text over max.
func Line(field, s string, max int) (string, error) {
	return clean(field, s, max, false, nil)
}

// Text is Line for text of several lines: line feeds and tabs are kept, CR LF and CR become LF.
func Text(field, s string, max int) (string, error) {
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s)
	return clean(field, s, max, true, nil)
}

// clean applies the rule; also, when set, names a further character to refuse as refusedRune does.
func clean(field, s string, max int, multiline bool, also func(r rune) (what, why string)) (string, error) {
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
		what, why := refusedRune(r)
		if what == "" && also != nil {
			what, why = also(r)
		}
		if what != "" {
			return "", Invalid(field, "Parameter %q holds %s at character %d: %s", field, what, at, why)
		}
	}
	s = norm.NFC.String(s)
	if max > 0 && utf8.RuneCountInString(s) > max {
		return "", Invalid(field, "Parameter %q is longer than %d characters.", field, max)
	}
	return s, nil
}

// Markup returns a validation error on field when HTML or Markdown source s holds what its parser
// would not keep: invalid UTF-8 (which becomes U+FFFD) or NUL (which HTML parsers drop and
// Markdown replaces by U+FFFD), naming the place; else nil. So "a<NUL>b" is refused rather than
// stored as "ab". The other characters the rule refuses in a line are kept as sent in markup:
// line breaks and tabs are its white space, and a paragraph may need a direction control. A
// heading's text is held to the rule for a line besides (Line).
func Markup(field, s string) error {
	if !utf8.ValidString(s) {
		return Invalid(field, "Parameter %q is not valid UTF-8 text.", field)
	}
	if i := strings.IndexByte(s, 0); i >= 0 {
		what, why := refusedRune(0)
		return Invalid(field, "Parameter %q holds %s at character %d: %s", field, what, utf8.RuneCountInString(s[:i])+1, why)
	}
	return nil
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

// Limits of an email address, from RFC 5321 section 4.5.3.1: a path of at most 256 octets, so an
// address of at most 254 (the path adds "<" and ">"), and a local part of at most 64.
const (
	maxEmail      = 254
	maxEmailLocal = 64
)

// Email returns s as an email address, under the rule above: trimmed, NFC, and refused with a
// validation error on field for a character Line refuses or an invisible one (see the rule), then
// for anything but a bare address (RFC 5322 addr-spec as net/mail reads it, with one "@", letters
// of any script as RFC 6532 allows, no display name and no quoted local part) of at most 254
// bytes with a local part of at most 64. Its case is kept: the caller decides what case means.
func Email(field, s string) (string, error) {
	s, err := clean(field, s, 0, false, invisibleInAddress)
	if err != nil {
		return "", err
	}
	at := strings.LastIndexByte(s, '@')
	addr, perr := mail.ParseAddress(s)
	switch {
	case len(s) > maxEmail:
		return "", Invalid(field, "Parameter %q is longer than %d bytes, the most an email address may be.", field, maxEmail)
	case at > maxEmailLocal:
		return "", Invalid(field, "Parameter %q has %d bytes before the @; an email address may have at most %d.", field, at, maxEmailLocal)
	case s == "" || perr != nil || at < 0 || addr.Name != "" || addr.Address != s:
		return "", Invalid(field, "Parameter %q must be an email address such as ada@example.com, not %q.", field, s)
	}
	return s, nil
}

// invisibleInAddress names the characters Email refuses beyond Line's: format characters and
// spaces, which an address never holds and a reader cannot see.
func invisibleInAddress(r rune) (what, why string) {
	switch {
	case unicode.Is(unicode.Cf, r):
		return fmt.Sprintf("the invisible character U+%04X", r), "an email address holds no invisible characters; remove it."
	case unicode.IsSpace(r) || unicode.Is(unicode.Zs, r):
		return fmt.Sprintf("a space (U+%04X)", r), "an email address holds no spaces; remove it."
	}
	return "", ""
}

package api

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Slugify makes a URL slug of title: lower-case ASCII letters, digits and single hyphens, at most
// max bytes. Accented letters lose their accents; other scripts are dropped, so the result may be
// empty and the caller must then choose a fallback.
func Slugify(title string, max int) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFKD.String(strings.ToLower(title)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r):
			// a combining accent: drop it, keep the letter before it
		default:
			hyphen = true
		}
		if b.Len() >= max {
			break
		}
	}
	return strings.Trim(b.String()[:min(b.Len(), max)], "-")
}

// ValidSlug reports whether s could have come from Slugify: 1 to max bytes of a-z, 0-9 and
// single inner hyphens.
func ValidSlug(s string, max int) bool {
	if s == "" || len(s) > max || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

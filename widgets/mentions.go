package widgets

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mentionable is a person a post may mention: a member of the page's subsite.
type Mentionable struct {
	UserID int64
	Name   string
	Email  string
}

// FindMentions returns the people that text mentions, each once, in the order of their first
// mention. A mention is an @ that does not follow a letter or digit (so an email address is no
// mention), followed by a person's name or the part of their email address before the @,
// compared without regard to case and ending where a letter or digit does not follow. When
// several fit, the longest wins: with members "Ada" and "Ada Lovelace", "@Ada Lovelace" mentions
// only the second. Everyone who has the winning name is mentioned.
func FindMentions(text string, people []Mentionable) []int64 {
	if !strings.Contains(text, "@") || len(people) == 0 {
		return nil
	}
	byKey := map[string][]int64{}
	longest := 0
	add := func(key string, id int64) {
		key = strings.TrimSpace(lowerRunes(key))
		if key == "" {
			return
		}
		byKey[key] = append(byKey[key], id)
		longest = max(longest, utf8.RuneCountInString(key))
	}
	for _, p := range people {
		add(p.Name, p.UserID)
		if local, _, ok := strings.Cut(p.Email, "@"); ok {
			add(local, p.UserID)
		}
	}
	// One rune per rune of text, so that positions agree with the text's.
	lower := []rune(lowerRunes(text))
	var out []int64
	seen := map[int64]bool{}
	for i, r := range lower {
		if r != '@' || (i > 0 && isWordRune(lower[i-1])) {
			continue
		}
		after := lower[i+1 : min(len(lower), i+1+longest)]
		for end := len(after); end > 0; end-- {
			if i+1+end < len(lower) && isWordRune(lower[i+1+end]) {
				continue // the name would end inside a word
			}
			ids := byKey[string(after[:end])]
			if len(ids) == 0 {
				continue
			}
			for _, id := range ids {
				if !seen[id] {
					seen[id] = true
					out = append(out, id)
				}
			}
			break
		}
	}
	return out
}

// lowerRunes lower-cases s rune by rune, keeping the number of runes.
func lowerRunes(s string) string {
	return strings.Map(unicode.ToLower, s)
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }

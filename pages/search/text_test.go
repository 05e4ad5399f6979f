package search

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// readable shows the keys of text's tokens, a symbol as ⟨its character⟩ and a gap as ·.
func readable(text string) string {
	var out []string
	for _, t := range tokenize(text) {
		if t.key == gapKey {
			out = append(out, "·")
			continue
		}
		if r, n := utf8.DecodeRuneInString(t.key); r == symbolMark {
			code, _ := strconv.ParseInt(t.key[n:], 16, 32)
			out = append(out, "⟨"+string(rune(code))+"⟩")
			continue
		}
		out = append(out, t.key)
	}
	return strings.Join(out, " ")
}

func TestTokens(t *testing.T) {
	t.Parallel()
	cases := []struct{ text, want string }{
		{"Vitamin C, daily.", "vitamin c daily"},
		{"C++ and C# (and F#).", "c ⟨+⟩ ⟨+⟩ · and c ⟨#⟩ · and f ⟨#⟩"},
		{"I use .NET and ASP.NET, v1.2 at 3.14 p.m.", "i use · ⟨.⟩ net and asp net v1 2 at 3 14 p m"},
		{"a+b = 50% of $10 & more @alice", "a ⟨+⟩ b · ⟨=⟩ · 50 ⟨%⟩ · of · ⟨$⟩ 10 · ⟨&⟩ · more · ⟨@⟩ alice"},
		{"Party 🎉🎉! 👍🏽 ❤️", "party · ⟨🎉⟩ ⟨🎉⟩ · ⟨👍⟩ ⟨🏽⟩ · ⟨❤⟩"},
		// A symbol apart from its neighbours stands after a gap: "C + C" is not "C+".
		{"Try C + C.", "try c · ⟨+⟩ · c"},
		// Full-width and half-width forms are their ordinary forms.
		{"Ｃ＋＋　ｖｉｔａｍｉｎ　ＡＢＣ１２３", "c ⟨+⟩ ⟨+⟩ · vitamin abc123"},
		{"ﾃｽﾄ ｶﾞｽ ﾊﾟﾝ", "テ ス ト ガ ス パ ン"},
		// A kana and its voicing mark typed apart are the composed kana.
		{"フ\u309aール カ\u3099ス", "プ ー ル ガ ス"},
		{"＃ｔａｇ ．ＮＥＴ ￥100", "⟨#⟩ tag · ⟨.⟩ net · ⟨¥⟩ 100"},
		{"Café naïve RÉSUMÉ cafe\u0301", "cafe naive resume cafe"},
		{"soft\u00adhyphen zero\u200bwidth", "softhyphen zero width"},
		// Spaceless scripts: one token per character with its marks.
		{"ภาษาไทย", "ภ า ษ า ไ ท ย"},
		{"ที่สวย", "ที่ ส ว ย"},
		{"ខ្មែរ", "ខ្ មែ រ"},
		{"မြန်မာ", "မြ န် မာ"},
		{"ພາສາລາວ", "ພ າ ສ າ ລ າ ວ"},
		{"东京Tokyo出差", "东 京 tokyo 出 差"},
		{"コーヒー", "コ ー ヒ ー"},
		{"ガス", "ガ ス"},
		// Marks that spell the word stay in it; optional vowel points go.
		{"हिन्दी भाषा", "हिन्दी भाषा"},
		{"שָׁלוֹם", "שלום"},
		{"\u0301alone", "alone"},
	}
	for _, tc := range cases {
		if got := readable(tc.text); got != tc.want {
			t.Errorf("tokens of %q:\n got %s\nwant %s", tc.text, got, tc.want)
		}
	}
}

// The tokens' spans give back the text as written, so snippets show it unchanged.
func TestTokenSpans(t *testing.T) {
	t.Parallel()
	text := "Hé, C++ ภาษาที่ 🎉\uFE0F .NET ｶﾞｽ"
	var got []string
	for _, tok := range tokenize(text) {
		if tok.kind == gapToken {
			if tok.start != tok.end {
				t.Errorf("a gap spans %q", text[tok.start:tok.end])
			}
			continue
		}
		got = append(got, text[tok.start:tok.end])
	}
	want := "Hé|C|+|+|ภ|า|ษ|า|ที่|🎉\uFE0F|.|NET|ｶﾞ|ｽ"
	if strings.Join(got, "|") != want {
		t.Errorf("spans %q, want %q", strings.Join(got, "|"), want)
	}
}

func TestParseSearch(t *testing.T) {
	t.Parallel()
	cases := []struct{ q, want string }{
		{"C++", `"c ` + symbolKey('+') + ` ` + symbolKey('+') + `"`},
		{"Ｃ＋＋", `"c ` + symbolKey('+') + ` ` + symbolKey('+') + `"`},
		{`"C + +"`, `"c ` + gapKey + ` ` + symbolKey('+') + ` ` + gapKey + ` ` + symbolKey('+') + `"`},
		{"c+*", `"c ` + symbolKey('+') + `"`},
		// Terms are separated by any space: U+3000, NBSP, a tab.
		{"東京\u3000大阪", `"東 京" AND "大 阪"`},
		{"tokyo\u00a0osaka\tkyoto", `"tokyo" AND "osaka" AND "kyoto"`},
		{"＂book trains＂　onboard＊", `"book trains" AND "onboard"*`},
		{"onboard* travel", `"onboard"* AND "travel"`},
		{`"book trains" AND`, `"book trains" AND "and"`},
		{"🎉", `"` + symbolKey('🎉') + `"`},
		{"ภาษา*", `"ภ า ษ า"*`},
	}
	for _, tc := range cases {
		q, err := ParseQuery(tc.q)
		if err != nil || q.Match != tc.want {
			t.Errorf("ParseQuery(%q) = %q, %v; want %q", tc.q, q.Match, err, tc.want)
		}
	}
	for _, q := range []string{"", "*", `""`, "_ - ,", "\x00"} {
		if _, err := ParseQuery(q); err == nil {
			t.Errorf("ParseQuery(%q): want an error", q)
		}
	}
}

func TestCutText(t *testing.T) {
	t.Parallel()
	text := strings.Repeat("word ", 100) + strings.Repeat("é", 100)
	for _, max := range []int{7, 16, 50, 1000} {
		parts := cutText(text, max)
		if strings.Join(parts, "") != text {
			t.Fatalf("cutText(%d) loses text", max)
		}
		for _, p := range parts {
			if len(p) > max || !utf8.ValidString(p) {
				t.Errorf("cutText(%d): part %q", max, p)
			}
		}
	}
	if got := cutText("", 10); len(got) != 1 || got[0] != "" {
		t.Errorf("cutText of nothing: %q", got)
	}
}

package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"quire/app"
	"quire/pages"
	"quire/people"
	"quire/widgets"
)

// vocabulary is a made-up lexicon with a Zipf-like use: a few words are everywhere (as "the" and
// "meeting" are in a real wiki), most are rare.
type vocabulary struct {
	words []string
	zipf  *rand.Zipf
}

func newVocabulary(rng *rand.Rand, n int) *vocabulary {
	syllables := []string{"ka", "ro", "mi", "te", "lu", "sa", "no", "ri", "ve", "da", "po", "qua", "zen", "tor", "bel",
		"fin", "gar", "hol", "jun", "lex", "mor", "nix", "pal", "ser", "tin", "val", "wen", "yor"}
	v := &vocabulary{zipf: rand.NewZipf(rng, 1.1, 2, uint64(n-1))}
	seen := map[string]bool{}
	for len(v.words) < n {
		var b strings.Builder
		for i := 0; i < 2+rng.IntN(3); i++ {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			v.words = append(v.words, w)
		}
	}
	return v
}

func (v *vocabulary) word() string { return v.words[v.zipf.Uint64()] }

func (v *vocabulary) sentence(rng *rand.Rand, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = v.word()
	}
	s := strings.Join(parts, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// seedPages creates n pages of realistic shape in the default subsite: a title of 3 to 7 words,
// one or two columns, 3 to 8 widgets (headings, and paragraphs of 2 to 6 sentences with some
// markup), a couple of tags. Every 500 pages it reports progress.
func seedPages(ctx context.Context, site *app.Site, n int, seed uint64, progress func(done int)) error {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	vocab := newVocabulary(rng, 5000)
	home, err := site.People.DefaultSubsite(ctx, site.DB.R)
	if err != nil {
		return err
	}
	owner, err := people.FindUserByEmail(ctx, site.DB.R, site.Config.OwnerEmail)
	if err != nil {
		return err
	}
	actor := people.NewActor(owner, nil, nil) // a site owner, signed in: every role and scope
	for i := 0; i < n; i++ {
		cols := 1 + rng.IntN(2)
		np := pages.NewPage{Title: strings.TrimSuffix(vocab.sentence(rng, 3+rng.IntN(5)), "."),
			Tags: []string{vocab.word(), vocab.word()}, Layout: [][]int{equalWidths(cols)}}
		np.Columns = make([][]widgets.Content, cols)
		for w := 0; w < 3+rng.IntN(6); w++ {
			col := rng.IntN(cols)
			var c widgets.Content
			if w%3 == 0 {
				text := vocab.sentence(rng, 2+rng.IntN(4))
				c, err = widgets.NewContent(widgets.Heading, widgets.Input{Val: &text})
			} else {
				var b strings.Builder
				b.WriteString("<p>")
				for s := 0; s < 2+rng.IntN(5); s++ {
					if s == 1 {
						b.WriteString("<b>" + vocab.word() + "</b> ")
					}
					b.WriteString(vocab.sentence(rng, 8+rng.IntN(12)) + " ")
				}
				b.WriteString("</p>")
				html := b.String()
				c, err = widgets.NewContent(widgets.Paragraph, widgets.Input{Val: &html})
			}
			if err != nil {
				return err
			}
			np.Columns[col] = append(np.Columns[col], c)
		}
		// The operation pages/create calls: the page goes in Main, and the members are told of it.
		if _, err := site.Pages.CreatePage(ctx, actor, home, np, pages.FolderChoice{}, true); err != nil {
			return fmt.Errorf("seed page %d: %w", i, err)
		}
		if progress != nil && (i+1)%500 == 0 {
			progress(i + 1)
		}
	}
	return nil
}

func equalWidths(n int) []int {
	w := make([]int, n)
	for i := range w {
		w[i] = 100 / n
	}
	w[n-1] += 100 - (100/n)*n
	return w
}

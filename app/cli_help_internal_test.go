package app

import (
	"bytes"
	"context"
	"flag"
	"strings"
	"testing"
)

// TestCommandHelpListsEveryFlag asks every command for its help and checks that it shows each
// flag the command defines, with its meaning, its default and, for settings, its variable; and
// that "quire help COMMAND" and "quire COMMAND --help" say the same.
func TestCommandHelpListsEveryFlag(t *testing.T) {
	t.Parallel()
	for _, c := range commands {
		if c.run == nil {
			continue
		}
		t.Run(c.words, func(t *testing.T) {
			words := strings.Fields(c.words)
			var out, errOut bytes.Buffer
			cl := &cli{env: map[string]string{}, stdout: &out, stderr: &errOut}
			if code := cl.main(context.Background(), append(append([]string{}, words...), "--help")); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			if cl.flagSet == nil {
				t.Fatal("the command made no flag set")
			}
			help := out.String()
			cl.flagSet.VisitAll(func(f *flag.Flag) {
				_, meaning := flag.UnquoteUsage(f)
				if !strings.Contains(help, "--"+f.Name) || !strings.Contains(help, strings.TrimSuffix(meaning, ")")) {
					t.Errorf("help lacks --%s and its meaning %q:\n%s", f.Name, meaning, help)
				}
				if v, ok := cl.settings[f.Name]; ok && (!strings.Contains(help, "env "+v.env) || (v.def != "" && !strings.Contains(help, "default "+v.def))) {
					t.Errorf("help of setting --%s lacks its default %q or variable %s:\n%s", f.Name, v.def, v.env, help)
				}
			})
			var again bytes.Buffer
			if code := Run(context.Background(), append([]string{"help"}, words...), map[string]string{}, &again, &errOut); code != 0 || again.String() != help {
				t.Errorf("quire help %s (exit %d) differs from --help:\n%s\nwant:\n%s", c.words, code, again.String(), help)
			}
		})
	}
}

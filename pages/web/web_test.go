package web_test

import (
	"regexp"
	"strings"
	"testing"
)

func TestSmoke(t *testing.T) {
	t.Parallel()
	w := seedWiki(t)
	for _, p := range []string{"/", "/@home/", "/@home/team-handbook/"} {
		r := get(w.owner, p)
		t.Logf("%s %d %s\n%s", p, r.Status, r.Header.Get("Location"), r.Body)
	}
	_ = regexp.MustCompile
	_ = strings.Contains
}

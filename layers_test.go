package main

import (
	"go/build"
	"strings"
	"testing"
)

// The content engine and the shared leaves know nothing of HTTP frameworks: neither they nor
// anything they import, inside Quire or out, imports gin (issue 8: a second front end calls the
// same code). The walk reads the packages' import lists as the build does, with its tags.
func TestLeavesImportNoWebFramework(t *testing.T) {
	t.Parallel()
	ctx := build.Default
	ctx.BuildTags = append(ctx.BuildTags, "sqlite_fts5")
	for _, leaf := range []string{"quire/widgets", "quire/widgets/markdown", "quire/widgets/blobs", "quire/app/api", "quire/app/sqldb"} {
		seen := map[string]string{leaf: ""} // package: the package that imports it
		queue := []string{leaf}
		for len(queue) > 0 {
			path := queue[0]
			queue = queue[1:]
			if strings.HasPrefix(path, "github.com/gin-gonic/") {
				chain := path
				for p := seen[path]; p != ""; p = seen[p] {
					chain = p + " → " + chain
				}
				t.Errorf("%s imports a web framework: %s", leaf, chain)
				continue
			}
			pkg, err := ctx.Import(path, ".", 0)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if pkg.Goroot {
				continue
			}
			for _, imp := range pkg.Imports {
				if _, ok := seen[imp]; !ok && imp != "C" {
					seen[imp] = path
					queue = append(queue, imp)
				}
			}
		}
	}
}

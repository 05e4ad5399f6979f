package static

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestVendoredVersions checks that every vendored file is the version static/vendor/package.json
// pins (read from the version each file carries) and byte for byte what `make vendor` wrote (its
// SHA256SUMS), so that a file edited or replaced by hand fails here.
func TestVendoredVersions(t *testing.T) {
	raw, err := os.ReadFile("vendor/package.json")
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct{ Dependencies map[string]string }
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatal(err)
	}
	exact := regexp.MustCompile(`^\d+\.\d+\.\d+$`)
	for name, v := range manifest.Dependencies {
		if !exact.MatchString(v) {
			t.Errorf("package.json pins %s at %q, want an exact version such as 1.2.3", name, v)
		}
	}
	// Each file names its version in its own way: htmx in its config object, Trix and axe-core
	// in the banner comment at the top, Scalar in the line it logs when it loads.
	for _, c := range []struct{ pkg, file, pattern string }{
		{"htmx.org", "vendor/htmx.min.js", `version:"([0-9.]+)"`},
		{"trix", "vendor/trix.umd.min.js", `^/\*\nTrix ([0-9.]+)\n`},
		{"axe-core", "../app/apptest/browser/axe.min.js", `^/\*! axe v([0-9.]+)\n`},
		{"@scalar/api-reference", "vendor/scalar.standalone.js", "console.info\\(`@scalar/api-reference@([0-9.]+)`\\)"},
	} {
		b, err := os.ReadFile(c.file)
		if err != nil {
			t.Errorf("%s: %v (run make vendor)", c.pkg, err)
			continue
		}
		m := regexp.MustCompile(c.pattern).FindSubmatch(b)
		if m == nil {
			t.Errorf("%s: no version found in %s", c.pkg, c.file)
			continue
		}
		if got, want := string(m[1]), manifest.Dependencies[c.pkg]; got != want {
			t.Errorf("%s is version %s, package.json pins %q: run make vendor", c.file, got, want)
		}
	}
	for _, dir := range []string{"vendor", "../app/apptest/browser"} {
		checkSums(t, dir)
	}
}

// checkSums checks every file dir/SHA256SUMS lists against its hash.
func checkSums(t *testing.T, dir string) {
	f, err := os.Open(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines := 0
	for sc := bufio.NewScanner(f); sc.Scan(); lines++ {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("%s/SHA256SUMS line %q: want \"HASH  FILE\"", dir, sc.Text())
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Error(err)
			continue
		}
		if h := sha256.Sum256(b); hex.EncodeToString(h[:]) != sum {
			t.Errorf("%s/%s is not the file make vendor wrote (SHA-256 differs): run make vendor", dir, name)
		}
	}
	if lines == 0 {
		t.Errorf("%s/SHA256SUMS lists no file", dir)
	}
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"quire/app"
	"quire/app/apptest/syncbuf"
)

// asCLI makes the test binary act as bin/quire when the README test runs it so: the README's
// commands then run the code under test, with no second build.
const asCLI = "QUIRE_README_TEST_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(asCLI) == "1" {
		os.Exit(app.Main(os.Args, os.Environ()))
	}
	os.Exit(m.Run())
}

// shellBlocks returns the ```sh blocks of a Markdown text, in order, each with its first line's
// number and its lines unindented as far as its fence is.
func shellBlocks(markdown string) (blocks []string, lines []int) {
	var cur []string
	indent, start := "", 0
	in := false
	for i, line := range strings.Split(markdown, "\n") {
		trimmed := strings.TrimLeft(line, " ")
		switch {
		case !in && trimmed == "```sh":
			in, indent, start, cur = true, line[:len(line)-len(trimmed)], i+2, nil
		case in && trimmed == "```":
			in = false
			blocks, lines = append(blocks, strings.Join(cur, "\n")), append(lines, start)
		case in:
			cur = append(cur, strings.TrimPrefix(line, indent))
		}
	}
	return blocks, lines
}

// curlChecked replaces curl in the README's shell: it runs the real curl and fails, naming the
// command, unless the answer's status is 2xx. The answer's body goes where the README sends it.
const curlChecked = `curl() {
  local body code
  body=$(mktemp)
  code=$(command curl -sS -o "$body" -w '%{http_code}' "$@") || { echo "README: curl failed: curl $*" >&2; return 1; }
  cat "$body"; rm -f "$body"
  case "$code" in 2??) ;; *) echo >&2; echo "README: HTTP $code from: curl $*" >&2; return 1 ;; esac
}
`

// TestREADMEExamplesRun runs every shell example of the README, in order, against a server
// started as make run starts it (bin/quire serve in a fresh directory), with bash and curl, and
// checks that each command succeeds and each HTTP answer is a 2xx. It substitutes only what the
// README tells its reader to: the token and the address the first start printed. The lines
// running make are not run: the test has started the server as make run would (on a free port
// rather than 8080), and make test would run this test again.
func TestREADMEExamplesRun(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("the README's examples need curl")
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks, starts := shellBlocks(string(readme))
	if len(blocks) < 8 {
		t.Fatalf("found %d shell blocks in the README", len(blocks))
	}
	dir := t.TempDir()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	shim := fmt.Sprintf("#!/bin/sh\n%s=1 exec %q \"$@\"\n", asCLI, self)
	if err := os.WriteFile(filepath.Join(dir, "bin", "quire"), []byte(shim), 0o755); err != nil {
		t.Fatal(err)
	}

	// Start the server as make run does: ./bin/quire serve in the checkout, here a new directory.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	serve := exec.CommandContext(ctx, "./bin/quire", "serve")
	serve.Dir = dir
	serve.Env = append(os.Environ(), "QUIRE_ADDR=127.0.0.1:0", "QUIRE_DATA=", "QUIRE_RATE=")
	var out, logs syncbuf.Buffer
	serve.Stdout, serve.Stderr = &out, &logs
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cancel()
		serve.Wait()
	}()
	greeting := regexp.MustCompile(`(?s)Quire is running at (http://\S+?)/\n.*API token:\s+(qt_\S+)`)
	var m []string
	for deadline := time.Now().Add(60 * time.Second); m == nil; time.Sleep(20 * time.Millisecond) {
		if m = greeting.FindStringSubmatch(out.String()); m == nil && time.Now().After(deadline) {
			t.Fatalf("the server did not print its address and token:\n%s\n%s", out.String(), logs.String())
		}
	}
	url, token := m[1], m[2]

	var script strings.Builder
	script.WriteString("set -euo pipefail\n" + curlChecked)
	substituted := map[string]bool{}
	for i, block := range blocks {
		fmt.Fprintf(&script, "echo '--- README block at line %d' >&2\n", starts[i])
		for _, line := range strings.Split(block, "\n") {
			switch {
			case strings.HasPrefix(line, "make "):
				continue
			case strings.HasPrefix(line, "TOKEN=qt_..."):
				line, substituted["TOKEN"] = "TOKEN="+token, true
			case strings.HasPrefix(line, "URL=http://127.0.0.1:8080"):
				line, substituted["URL"] = "URL="+url, true
			}
			script.WriteString(line + "\n")
		}
	}
	if !substituted["TOKEN"] || !substituted["URL"] {
		t.Fatalf("the README no longer tells where to put the token and the address: %v", substituted)
	}
	run := exec.CommandContext(ctx, "bash", "-c", script.String())
	run.Dir = dir
	run.Env = append(os.Environ(), "QUIRE_DATA=", "QUIRE_ADDR=")
	var stdout, stderr bytes.Buffer
	run.Stdout, run.Stderr = &stdout, &stderr
	if err := run.Run(); err != nil {
		t.Fatalf("the README's examples failed (%v):\n%s\nstdout:\n%s\nserver log:\n%s", err, stderr.String(),
			tail(stdout.String(), 3000), tail(logs.String(), 3000))
	}
	if testing.Verbose() {
		t.Logf("stdout:\n%s", stdout.String())
	}
	// Every block ran to its end.
	sc := bufio.NewScanner(strings.NewReader(stderr.String()))
	ran := 0
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "--- README block") {
			ran++
		}
	}
	if ran != len(blocks) {
		t.Errorf("%d of %d blocks ran", ran, len(blocks))
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

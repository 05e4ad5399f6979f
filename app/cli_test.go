package app_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"quire/app"
	"quire/app/apptest"
)

// lastLine returns the last line of out.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	return lines[len(lines)-1]
}

// cli runs a command and fails the test unless it exits with want.
func cli(t *testing.T, site *apptest.Site, want int, args ...string) (string, string) {
	t.Helper()
	out, errOut, code := site.CLI(args...)
	if code != want {
		t.Fatalf("quire %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, want, out, errOut)
	}
	return out, errOut
}

// TestCLIHelp runs the ways of asking for help, and mistakes, and checks what each prints where.
func TestCLIHelp(t *testing.T) {
	t.Parallel()
	overview := []string{"serve", "user create", "token create", "token revoke", "token list", "backup", "help", "--data"}
	tokenGroup := []string{"token create", "token revoke", "token list"}
	tokenCreate := []string{"Usage: quire token create [FLAGS]", "--email EMAIL", "--name NAME", "--rate N/DURATION",
		"--scopes SCOPES", "--expires DURATION", "--data DIR", "(default ./data; env QUIRE_DATA, now "}
	serve := []string{"Usage: quire serve [FLAGS]", "--addr HOST:PORT", "(default 127.0.0.1:8080; env QUIRE_ADDR)",
		"--rate N/DURATION", "(default 6/60s; env QUIRE_RATE)", "--smtp-url URL", "env QUIRE_SMTP_URL", "--max-upload-mb MB"}
	for _, tc := range []struct {
		args     []string
		code     int
		stdout   []string // each must appear on stdout
		stderr   []string // each must appear on stderr
		notInOut []string
	}{
		{args: []string{"help"}, stdout: overview},
		{args: []string{"--help"}, stdout: overview, notInOut: []string{"--addr HOST:PORT"}},
		{args: []string{"-h"}, stdout: overview},
		{args: []string{"token"}, stdout: tokenGroup, notInOut: []string{"user create", "backup"}},
		{args: []string{"help", "token"}, stdout: tokenGroup},
		{args: []string{"token", "--help"}, stdout: tokenGroup},
		{args: []string{"user"}, stdout: []string{"user create"}, notInOut: []string{"token create"}},
		{args: []string{"help", "token", "create"}, stdout: tokenCreate},
		{args: []string{"token", "create", "--help"}, stdout: tokenCreate},
		{args: []string{"token", "create", "--email", "a@b.c", "-h"}, stdout: tokenCreate},
		{args: []string{"help", "serve"}, stdout: serve},
		{args: []string{"serve", "-help"}, stdout: serve},
		{args: []string{"help", "backup"}, stdout: []string{"Usage: quire backup [FLAGS] FILE", "--data DIR"}},
		{args: []string{"backup", "copy.db", "--help"}, stdout: []string{"Usage: quire backup [FLAGS] FILE"}},
		{args: []string{"help", "user", "create"}, stdout: []string{"--email EMAIL", "--name NAME", "--password PASSWORD", "--owner "}},
		{args: []string{"help", "token", "revoke"}, stdout: []string{"--id ID", "--token TOKEN"}},
		{args: []string{"help", "token", "list"}, stdout: []string{"--email EMAIL"}},
		{args: []string{"frobnicate"}, code: 2, stderr: []string{`unknown command "frobnicate"`, "token create"}},
		{args: []string{"token", "frobnicate"}, code: 2, stderr: []string{`unknown command "token frobnicate"`, "token revoke"}},
		{args: []string{"help", "frobnicate"}, code: 2, stderr: []string{`unknown command "frobnicate"`}},
		// help is a command too, and asking for its help, in any of the ways, is no mistake.
		{args: []string{"help", "help"}, stdout: overview},
		{args: []string{"help", "--help"}, stdout: overview},
		{args: []string{"help", "-h"}, stdout: overview},
		{args: []string{"help", "help", "help"}, stdout: overview},
		{args: []string{"help", "token", "create", "--help"}, stdout: tokenCreate},
		{args: []string{"help", "token", "-h"}, stdout: tokenGroup},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := app.Run(context.Background(), tc.args, map[string]string{"QUIRE_DATA": t.TempDir()}, &out, &errOut)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out.String(), errOut.String())
			}
			for _, want := range tc.stdout {
				if !strings.Contains(out.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, out.String())
				}
			}
			for _, want := range tc.stderr {
				if !strings.Contains(errOut.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
				}
			}
			for _, not := range tc.notInOut {
				if strings.Contains(out.String(), not) {
					t.Errorf("stdout has %q:\n%s", not, out.String())
				}
			}
			if tc.code == 0 && errOut.Len() > 0 {
				t.Errorf("help wrote to stderr: %s", errOut.String())
			}
		})
	}
}

// TestCLIWhileServing runs every command against the data directory of a running server.
func TestCLIWhileServing(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	owner := site.Client(site.OwnerTk)

	out, _ := cli(t, site, 0, "user", "create", "--email", "Ada@Example.com", "--name", "Ada Lovelace", "--password", "correct horse")
	if !regexp.MustCompile(`^Created person \d+: Ada Lovelace <ada@example.com>\nPassword: correct horse\n$`).MatchString(out) {
		t.Errorf("user create printed %q", out)
	}
	out, _ = cli(t, site, 0, "user", "create", "--email", "boss@example.com", "--name", "Boss", "--owner")
	if !strings.HasPrefix(out, "Created owner ") || !strings.Contains(out, "Password (generated): ") {
		t.Errorf("user create --owner printed %q", out)
	}
	_, errOut := cli(t, site, 1, "user", "create", "--email", "ada@example.com", "--name", "Ada Again", "--password", "another one")
	if !strings.Contains(errOut, "already on the site") {
		t.Errorf("a second Ada: %q", errOut)
	}
	cli(t, site, 1, "user", "create", "--name", "No Email")
	cli(t, site, 1, "user", "create", "--email", "short@example.com", "--name", "Short", "--password", "short")

	// The server sees the people the CLI made.
	people := owner.Get("people/all/").List()
	if len(people) != 3 || people[0]["distinguished_name"] != "Boss" || people[0]["is_owner"] != true {
		t.Errorf("people/all after the CLI: %v", people)
	}

	out, _ = cli(t, site, 0, "token", "create", "--email", "ada@example.com", "--name", "reporting script", "--rate", "2/60s", "--scopes", "read")
	secret := lastLine(out)
	if !strings.HasPrefix(secret, "qt_") || strings.Contains(secret, " ") {
		t.Fatalf("token create's last line %q is not the token alone:\n%s", secret, out)
	}
	ada := site.Client(secret)
	var debug struct {
		User struct {
			Email string `json:"email"`
		} `json:"user"`
		Token struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"token"`
		Scopes []string `json:"scopes"`
		Rate   string   `json:"rate"`
	}
	ada.Get("auth/debug/").Want(200).Decode(&debug)
	if debug.User.Email != "ada@example.com" || debug.Token.Name != "reporting script" || fmt.Sprint(debug.Scopes) != "[pages:read records:read people:read]" || debug.Rate != "2/60s" {
		t.Errorf("the CLI's token: %+v", debug)
	}
	ada.Post("pages/create/", map[string]any{"title": "x", "json": [][]any{{}}}).Error(403, "missing_scope")

	out, _ = cli(t, site, 0, "token", "create", "--email", "ada@example.com", "--name", "second", "--expires", "90d")
	second := lastLine(out)
	site.Client(second).Get("auth/debug/").Want(200)
	cli(t, site, 1, "token", "create", "--email", "nobody@example.com", "--name", "x")
	cli(t, site, 1, "token", "create", "--email", "ada@example.com", "--name", "x", "--scopes", "everything")
	cli(t, site, 1, "token", "create", "--email", "ada@example.com", "--name", "x", "--rate", "fast")
	cli(t, site, 1, "token", "create", "--email", "ada@example.com", "--name", "x", "--expires", "soon")

	out, _ = cli(t, site, 0, "token", "list", "--email", "ada@example.com")
	if !strings.Contains(out, "reporting script") || !strings.Contains(out, "second") || !strings.Contains(out, secret[:9]+"...") ||
		strings.Contains(out, secret[9:]) || strings.Contains(out, second[9:]) {
		t.Errorf("token list shows a secret or misses a token:\n%s", out)
	}
	if !regexp.MustCompile(fmt.Sprintf(`(?m)^%d .* reporting script .* pages:read,records:read,people:read +2/60s .* used `, debug.Token.ID)).MatchString(out) {
		t.Errorf("token list's line for token %d does not show it used:\n%s", debug.Token.ID, out)
	}

	out, _ = cli(t, site, 0, "token", "revoke", "--id", fmt.Sprint(debug.Token.ID))
	if !strings.Contains(out, "Revoked token") {
		t.Errorf("revoke printed %q", out)
	}
	ada.Get("auth/debug/").Error(401, "invalid_token")
	cli(t, site, 0, "token", "revoke", "--token", second)
	site.Client(second).Get("auth/debug/").Error(401, "invalid_token")
	out, _ = cli(t, site, 0, "token", "list")
	if strings.Count(out, "revoked") != 2 {
		t.Errorf("token list after two revocations:\n%s", out)
	}
	cli(t, site, 1, "token", "revoke")
	cli(t, site, 1, "token", "revoke", "--id", "99999")
	cli(t, site, 1, "token", "revoke", "--token", "qt_nonsense")
	owner.Get("auth/debug/").Want(200)
}

// TestCLIInitialisesAnEmptyDataDir runs commands on new data directories, given by flag or by
// environment.
func TestCLIInitialisesAnEmptyDataDir(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args func(dir string) []string
		env  func(dir string) map[string]string
	}{
		{"token list with --data", func(dir string) []string { return []string{"token", "list", "--data", dir} },
			func(string) map[string]string { return map[string]string{} }},
		{"user create with QUIRE_DATA", func(string) []string {
			return []string{"user", "create", "--email", "first@example.com", "--name", "First", "--password", "long enough"}
		}, func(dir string) map[string]string { return map[string]string{"QUIRE_DATA": dir} }},
		{"backup", func(dir string) []string { return []string{"backup", "--data", dir, filepath.Join(dir, "..", "b.db")} },
			func(string) map[string]string { return map[string]string{} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data", "nested")
			var out, errOut bytes.Buffer
			if code := app.Run(context.Background(), tc.args(dir), tc.env(dir), &out, &errOut); code != 0 {
				t.Fatalf("exit %d: %s %s", code, out.String(), errOut.String())
			}
			if _, err := os.Stat(filepath.Join(dir, app.DatabaseFile)); err != nil {
				t.Fatalf("no database: %v", err)
			}
			db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, app.DatabaseFile)+"?mode=ro")
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var slug string
			var migrations, folders int
			if err := db.QueryRow(`SELECT slug FROM subsites ORDER BY id LIMIT 1`).Scan(&slug); err != nil || slug != "home" {
				t.Errorf("default subsite %q, %v", slug, err)
			}
			if err := db.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&migrations); err != nil || migrations < 3 {
				t.Errorf("%d migrations recorded, %v", migrations, err)
			}
			if err := db.QueryRow(`SELECT COUNT(*) FROM folders WHERE path = ''`).Scan(&folders); err != nil || folders != 1 {
				t.Errorf("%d Main folders, %v", folders, err)
			}
		})
	}
}

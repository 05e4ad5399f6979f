package people

import (
	"fmt"
	"slices"
	"strings"
)

// Token scopes: what a token may do, on top of what its user's roles allow. They are named
// resource:access, as GitHub's fine-grained tokens and Stripe's restricted keys name theirs.
// Browser sessions have every scope.
const (
	ScopePagesRead     = "pages:read"     // pages, widgets, files, folders, history, trash, search
	ScopePagesWrite    = "pages:write"    // create, change, move and delete pages, widgets, folders, files
	ScopeRecordsRead   = "records:read"   // the records submitted to forms
	ScopeRecordsWrite  = "records:write"  // submit form records
	ScopeCommentsWrite = "comments:write" // post to discussions
	ScopePeopleRead    = "people:read"    // the People Directory
	ScopePeopleWrite   = "people:write"   // members and roles of subsites, one's own subsite settings
	ScopeSubsitesAdmin = "subsites:admin" // site administration: subsites, invitations, people, outbox
	ScopeHooksWrite    = "hooks:write"    // subscribe and unsubscribe REST hooks
)

// Scope groups: names a client may give for several scopes at once. A token stores the scopes
// they stand for, never the group.
const (
	GroupRead  = "read"  // every :read scope
	GroupWrite = "write" // every :write scope (comments:write among them)
)

// AllScopes are every scope, in the order lists show them; a token gets them all unless told
// otherwise.
var AllScopes = []string{ScopePagesRead, ScopePagesWrite, ScopeRecordsRead, ScopeRecordsWrite,
	ScopeCommentsWrite, ScopePeopleRead, ScopePeopleWrite, ScopeSubsitesAdmin, ScopeHooksWrite}

// ScopeGroup returns the scopes a group stands for, or nil for a name that is not a group.
func ScopeGroup(name string) []string {
	var suffix string
	switch name {
	case GroupRead:
		suffix = ":read"
	case GroupWrite:
		suffix = ":write"
	default:
		return nil
	}
	var out []string
	for _, s := range AllScopes {
		if strings.HasSuffix(s, suffix) {
			out = append(out, s)
		}
	}
	return out
}

// NormalizeScopes reads scope and group names into the scopes they give, each once, in the
// order of AllScopes. It returns an error naming the first unknown name.
func NormalizeScopes(names []string) ([]string, error) {
	want := map[string]bool{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		switch {
		case ScopeGroup(n) != nil:
			for _, s := range ScopeGroup(n) {
				want[s] = true
			}
		case slices.Contains(AllScopes, n):
			want[n] = true
		default:
			return nil, fmt.Errorf("unknown scope %q (scopes are %s; groups %s and %s)", n,
				strings.Join(AllScopes, ", "), GroupRead, GroupWrite)
		}
	}
	out := []string{}
	for _, s := range AllScopes {
		if want[s] {
			out = append(out, s)
		}
	}
	return out, nil
}

// ParseScopes reads a comma- or space-separated list of scopes and groups, as the CLI takes
// them; empty means every scope.
func ParseScopes(s string) ([]string, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
	if len(fields) == 0 {
		return AllScopes, nil
	}
	return NormalizeScopes(fields)
}

// storedScopes reads the scopes column of a token. Tokens made before fine-grained scopes hold
// the four old names, which keep giving what they gave: read and write as the groups of the same
// name, people as people:read and people:write, admin as subsites:admin.
func storedScopes(column string) []string {
	var names []string
	for _, n := range strings.Fields(column) {
		switch n {
		case "people":
			names = append(names, ScopePeopleRead, ScopePeopleWrite)
		case "admin":
			names = append(names, ScopeSubsitesAdmin)
		default:
			names = append(names, n)
		}
	}
	out, err := NormalizeScopes(names)
	if err != nil {
		// A name this binary does not know (a newer one's) gives nothing rather than failing
		// every request: the rest of the token's scopes still work.
		out = nil
		for _, s := range AllScopes {
			if slices.Contains(names, s) || slices.ContainsFunc(names, func(n string) bool { return slices.Contains(ScopeGroup(n), s) }) {
				out = append(out, s)
			}
		}
	}
	return out
}

package people

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"quire/app/api"
)

// Role is what a member may do in a subsite. Site owners act as admins everywhere.
type Role string

// The roles, weakest first. RoleNone is a non-member.
const (
	RoleNone   Role = ""
	RoleViewer Role = "viewer"
	RoleEditor Role = "editor"
	RoleAdmin  Role = "admin"
)

func (r Role) rank() int {
	switch r {
	case RoleViewer:
		return 1
	case RoleEditor:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// AtLeast reports whether r is min or stronger.
func (r Role) AtLeast(min Role) bool { return r.rank() >= min.rank() }

// ParseRole reads viewer, editor or admin.
func ParseRole(s string) (Role, bool) {
	switch r := Role(strings.ToLower(strings.TrimSpace(s))); r {
	case RoleViewer, RoleEditor, RoleAdmin:
		return r, true
	}
	return RoleNone, false
}

// Token scopes. A token acts as its user, narrowed to its scopes.
const (
	ScopeRead   = "read"   // read pages, files, people, search
	ScopeWrite  = "write"  // create and change content, post comments and records
	ScopePeople = "people" // manage members and roles of subsites
	ScopeAdmin  = "admin"  // site-wide administration: subsites, invitations, deleting people
)

// AllScopes are the scopes a token gets unless told otherwise.
var AllScopes = []string{ScopeRead, ScopeWrite, ScopePeople, ScopeAdmin}

// ParseScopes reads a comma- or space-separated list of scopes; empty means all.
func ParseScopes(s string) ([]string, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
	if len(fields) == 0 {
		return AllScopes, nil
	}
	seen := map[string]bool{}
	for _, f := range fields {
		switch f {
		case ScopeRead, ScopeWrite, ScopePeople, ScopeAdmin:
			seen[f] = true
		default:
			return nil, fmt.Errorf("unknown scope %q (scopes are %s)", f, strings.Join(AllScopes, ", "))
		}
	}
	out := make([]string, 0, len(seen))
	for f := range seen {
		out = append(out, f)
	}
	sort.Strings(out)
	return out, nil
}

// Action is something a caller wants to do: the role it needs in the subsite and the token
// scope it needs.
type Action struct {
	Name  string
	Role  Role
	Owner bool // only site owners
	Scope string
}

// The actions of the policy. Handlers ask actor.Can(action, subsiteID) before reading.
var (
	View    = Action{Name: "view", Role: RoleViewer, Scope: ScopeRead}
	Comment = Action{Name: "comment", Role: RoleViewer, Scope: ScopeWrite}
	Edit    = Action{Name: "edit", Role: RoleEditor, Scope: ScopeWrite}
	// ViewTrash is reading what editors threw away: an editor's role, a reading token.
	ViewTrash     = Action{Name: "see the trash", Role: RoleEditor, Scope: ScopeRead}
	ManageMembers = Action{Name: "manage members", Role: RoleAdmin, Scope: ScopePeople}
	ManageSite    = Action{Name: "administer the site", Owner: true, Scope: ScopeAdmin}

	// ChangeOwnSettings is a member changing their own settings in a subsite (notifications): a
	// write, which a read-only token may not do.
	ChangeOwnSettings = Action{Name: "change your settings", Role: RoleViewer, Scope: ScopeWrite}
)

// Actor is who makes a request: a user, through an API token or a browser session.
// An actor may be shared by concurrent requests (it is cached): nobody changes it after it is made.
type Actor struct {
	User  *User
	Token *Token // nil for a browser session, which has every scope
	// Session is the browser session the request came with; nil for an API token.
	Session *Session
	roles   map[int64]Role
	epoch   int64 // the people epoch it was read at
	// member keeps what MemberSubsites read: a cached actor lives for one people epoch, and
	// any change to subsites or memberships moves that epoch on.
	member struct {
		sync.Mutex
		read     bool
		subsites []*Subsite
	}
}

// NewActor returns the actor for user with the given memberships (subsite id to role).
func NewActor(user *User, token *Token, roles map[int64]Role) *Actor {
	return &Actor{User: user, Token: token, roles: roles}
}

// Role returns the actor's role in the subsite; owners are admins everywhere.
func (a *Actor) Role(subsiteID int64) Role {
	if a == nil {
		return RoleNone
	}
	if a.User.IsOwner {
		return RoleAdmin
	}
	return a.roles[subsiteID]
}

// IsMember reports whether the actor may see the subsite at all.
func (a *Actor) IsMember(subsiteID int64) bool { return a.Role(subsiteID) != RoleNone }

// SubsiteIDs returns the subsites the actor belongs to, and all=true for owners, who see every one.
func (a *Actor) SubsiteIDs() (ids []int64, all bool) {
	if a.User.IsOwner {
		return nil, true
	}
	for id := range a.roles {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids, false
}

// HasScope reports whether the actor's credential carries the scope.
func (a *Actor) HasScope(scope string) bool {
	if a.Token == nil {
		return true
	}
	for _, s := range a.Token.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// Can returns nil when the actor may do act in the subsite (0 for site-wide actions). It returns
// ErrNotFound when the actor is not a member, so that nothing of the subsite is revealed, and a
// forbidden error naming what is missing otherwise.
func (a *Actor) Can(act Action, subsiteID int64) error {
	if a == nil {
		return ErrInvalidToken
	}
	if act.Owner {
		if !a.User.IsOwner {
			return api.Forbidden("Only site owners may %s.", act.Name)
		}
	} else {
		role := a.Role(subsiteID)
		if role == RoleNone {
			return ErrNotFound
		}
		if !role.AtLeast(act.Role) {
			return api.Forbidden("You need the %s role in this subsite to %s; you are %s.", act.Role, act.Name, role)
		}
	}
	if !a.HasScope(act.Scope) {
		return errMissingScope(act.Scope)
	}
	return nil
}

type actorKey struct{}

// WithActor returns ctx carrying the actor of the request.
func WithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor of the request, or nil when nobody is signed in.
func ActorFrom(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}

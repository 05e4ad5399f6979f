package people

import (
	"context"
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
	View = Action{Name: "view", Role: RoleViewer, Scope: ScopePagesRead}
	// Comment is posting to a discussion.
	Comment = Action{Name: "comment", Role: RoleViewer, Scope: ScopeCommentsWrite}
	// SubmitRecord is filling in a form on a page.
	SubmitRecord = Action{Name: "submit a record", Role: RoleViewer, Scope: ScopeRecordsWrite}
	// ViewRecords is reading the records a form collected.
	ViewRecords = Action{Name: "read records", Role: RoleViewer, Scope: ScopeRecordsRead}
	Edit        = Action{Name: "edit", Role: RoleEditor, Scope: ScopePagesWrite}
	// ViewTrash is reading what editors threw away: an editor's role, a reading token.
	ViewTrash = Action{Name: "see the trash", Role: RoleEditor, Scope: ScopePagesRead}
	// ViewPeople is reading the People Directory.
	ViewPeople    = Action{Name: "see the people", Role: RoleViewer, Scope: ScopePeopleRead}
	ManageMembers = Action{Name: "manage members", Role: RoleAdmin, Scope: ScopePeopleWrite}
	ManageSite    = Action{Name: "administer the site", Owner: true, Scope: ScopeSubsitesAdmin}

	// ChangeOwnSettings is a member changing their own settings in a subsite (notifications): a
	// change to their membership, which a token without people:write may not make.
	ChangeOwnSettings = Action{Name: "change your settings", Role: RoleViewer, Scope: ScopePeopleWrite}
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
	if a == nil || !a.Reaches(subsiteID) {
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
	if only := a.RestrictedTo(); only != 0 {
		if a.Role(only) != RoleNone {
			ids = []int64{only}
		}
		return ids, false
	}
	if a.User.IsOwner {
		return nil, true
	}
	for id := range a.roles {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids, false
}

// RestrictedTo returns the one subsite the actor's token is restricted to, or 0 for none.
func (a *Actor) RestrictedTo() int64 {
	if a == nil || a.Token == nil || a.Token.SubsiteID == nil {
		return 0
	}
	return *a.Token.SubsiteID
}

// Reaches reports whether the actor's credential reaches the subsite: any, unless its token is
// restricted to another. A token restricted to one subsite is a non-member of every other.
func (a *Actor) Reaches(subsiteID int64) bool {
	only := a.RestrictedTo()
	return only == 0 || only == subsiteID
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
		if a.RestrictedTo() != 0 {
			return api.Forbidden("This API token is restricted to one subsite; to %s, use a token without a subsite.", act.Name)
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

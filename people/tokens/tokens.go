// Package tokens is self-service API tokens: the operations by which a person lists, creates,
// renames and revokes their own tokens (and a site owner everyone's), and their JSON API and
// account-settings front ends. The tokens themselves, their scopes and authentication are
// package people's; this package decides who may manage which token.
package tokens

import (
	"context"
	"slices"
	"time"

	"quire/app/api"
	"quire/people"
)

// Service holds the token operations; the JSON API handlers and the web pages call them.
type Service struct{ People *people.Service }

// New returns the token operations over the people service.
func New(svc *people.Service) *Service { return &Service{People: svc} }

// Request is what creating a token takes from its maker.
type Request struct {
	Name string
	// Scopes are scope and group names (people.NormalizeScopes); at least one.
	Scopes []string
	// Subsite is the slug of the one subsite the token is to work in; "" for every subsite.
	Subsite   string
	ExpiresAt *time.Time
}

// maxLifetime bounds an expiry, so that a typo of a year is caught.
const maxLifetime = 10 * 366 * 24 * time.Hour

// Create makes a token for actor's own user and returns its secret, shown this once. A token
// may make tokens (as Stripe's restricted keys may not, but a script rotating its own key may),
// never one that can do more than itself: with a scope it lacks (403 missing_scope naming the
// scope) or, when it is restricted to a subsite, for another subsite or none (403 forbidden).
// Returns validation errors on name, scopes, subsite (unknown, or one actor is no member of) and
// expires_at (not in the future, or more than ten years ahead).
func (s *Service) Create(ctx context.Context, actor *people.Actor, req Request) (string, *people.Token, error) {
	if actor == nil {
		return "", nil, people.ErrInvalidToken
	}
	if len(req.Scopes) == 0 {
		return "", nil, api.Invalid("scopes", "Give the token at least one scope, such as [\"read\"]; the scopes are %v, the groups read and write.", people.AllScopes)
	}
	scopes, err := people.NormalizeScopes(req.Scopes)
	if err != nil {
		return "", nil, api.Invalid("scopes", "%v.", err)
	}
	for _, sc := range scopes {
		if !actor.HasScope(sc) {
			return "", nil, people.MissingScope(sc)
		}
	}
	nt := people.NewToken{UserID: actor.User.ID, Name: req.Name, Scopes: scopes, CreatedBy: actor.User.ID}
	if req.Subsite != "" {
		sub, err := s.People.FindSubsiteBySlug(ctx, s.People.DB.R, req.Subsite)
		if err != nil || !actor.IsMember(sub.ID) {
			return "", nil, api.Invalid("subsite", "You belong to no subsite %q; give the slug of one of yours, as in its URL /@slug/.", req.Subsite)
		}
		nt.SubsiteID = &sub.ID
	}
	if only := actor.RestrictedTo(); only != 0 && (nt.SubsiteID == nil || *nt.SubsiteID != only) {
		return "", nil, api.Forbidden("This API token is restricted to one subsite (%s), so the tokens it makes must be restricted to it too.", *actor.Token.Subsite)
	}
	if req.ExpiresAt != nil {
		now := s.People.DB.Now()
		if !req.ExpiresAt.After(now) {
			return "", nil, api.Invalid("expires_at", "The expiry must be in the future; it is %s, and now is %s.",
				api.NewTime(*req.ExpiresAt), api.NewTime(now))
		}
		if req.ExpiresAt.Sub(now) > maxLifetime {
			return "", nil, api.Invalid("expires_at", "The expiry may be at most ten years ahead; leave it out for a token that never expires.")
		}
		nt.ExpiresAt = req.ExpiresAt
	}
	return s.People.CreateToken(ctx, nt)
}

// Lister returns the reader of actor's live tokens, or with everyone true every person's, which
// only site owners may read (with a token: one with subsites:admin, not restricted to a subsite).
// Returns actor.Can's errors.
func (s *Service) Lister(actor *people.Actor, everyone bool) (api.ListReader[*people.Token], error) {
	if actor == nil {
		return nil, people.ErrInvalidToken
	}
	if !everyone {
		return people.LiveTokens(actor.User.ID), nil
	}
	if err := actor.Can(people.ManageSite, 0); err != nil {
		return nil, err
	}
	return people.LiveTokens(0), nil
}

// Rename gives a token a new name. See Revoke for who may.
func (s *Service) Rename(ctx context.Context, actor *people.Actor, id int64, name string) (*people.Token, error) {
	tok, err := s.manageable(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if tok.RevokedAt != nil {
		return nil, people.ErrTokenNotFound
	}
	return s.People.RenameToken(ctx, id, name)
}

// Revoke ends a token at once: its next request gets 401. A person revokes their own tokens, a
// site owner anyone's (people.ManageSite). A token revokes only tokens that can do no more than
// itself (as for Create). Revoking a revoked token answers it again. Returns
// people.ErrTokenNotFound for a token that does not exist or is someone else's (to a non-owner),
// and the errors of Create's rule.
func (s *Service) Revoke(ctx context.Context, actor *people.Actor, id int64) (*people.Token, error) {
	if _, err := s.manageable(ctx, actor, id); err != nil {
		return nil, err
	}
	return s.People.RevokeToken(ctx, id)
}

// manageable returns the token id when actor may rename or revoke it.
func (s *Service) manageable(ctx context.Context, actor *people.Actor, id int64) (*people.Token, error) {
	if actor == nil {
		return nil, people.ErrInvalidToken
	}
	tok, err := s.People.FindToken(ctx, s.People.DB.R, id)
	if err != nil {
		return nil, err
	}
	if tok.UserID != actor.User.ID {
		if !actor.User.IsOwner {
			return nil, people.ErrTokenNotFound
		}
		if err := actor.Can(people.ManageSite, 0); err != nil {
			return nil, err
		}
	}
	if actor.Token != nil {
		for _, sc := range tok.Scopes {
			if !slices.Contains(actor.Token.Scopes, sc) {
				return nil, people.MissingScope(sc)
			}
		}
		if only := actor.RestrictedTo(); only != 0 && (tok.SubsiteID == nil || *tok.SubsiteID != only) {
			return nil, api.Forbidden("This API token is restricted to one subsite (%s); it manages only tokens restricted to it too.", *actor.Token.Subsite)
		}
	}
	return tok, nil
}

// Package hooks is the people-facing side of app/events: who may subscribe a REST hook and read
// its delivery log (Subscribe, Unsubscribe, HooksReader, DeliveriesReader), who may read the
// activity log (ActivityReader), whether a hook's owner may still read what is sent (CanRead, for
// events.Sender), and the HTTP handlers of hooks/* and activity/ (Routes).
//
// A hook belongs to the person whose token or session made it. A person may subscribe to the
// events of a subsite they can read (the subsite's URL), or of every subsite they can read (the
// site's URL); what they can read is checked again when each delivery is sent.
package hooks

import (
	"context"

	"quire/app/api"
	"quire/app/events"
	"quire/app/httpapi"
	"quire/app/sqldb"
	"quire/people"
)

// Service holds the operations on hooks and the activity log.
type Service struct {
	DB     *sqldb.DB
	People *people.Service
	Budget *httpapi.Budget
	// AllowPrivate lets targets on loopback, private, link-local and metadata addresses be
	// subscribed (--hooks-allow-private).
	AllowPrivate bool
}

// hookScope is the token scope hooks need.
const hookScope = people.ScopeHooksWrite

// Subscribe makes a hook of the actor's for event, sent to targetURL, limited to the subsite of
// place unless place is site-wide (then every subsite the actor can read). It returns the hook
// with its secret, which is never shown again. Returns people.ErrNotFound for a subsite the actor
// is not in, people.MissingScope for a token without hooks:write, a validation error on "event"
// or "target_url" (a target the server may not reach, events.CheckTarget), and a conflict when
// the actor has events.MaxHooksPerUser hooks.
func (s *Service) Subscribe(ctx context.Context, actor *people.Actor, place people.Place, targetURL, event string) (*events.Hook, error) {
	nh := events.NewHook{UserID: actor.User.ID, Event: event, TargetURL: targetURL}
	if !place.SiteWide {
		if err := actor.Can(people.View, place.Subsite.ID); err != nil {
			return nil, err
		}
		nh.SubsiteID = &place.Subsite.ID
	}
	if !actor.HasScope(hookScope) {
		return nil, people.MissingScope(hookScope)
	}
	if !events.Known(event) {
		return nil, api.Invalid("event", "Parameter \"event\" must be one of %v, not %q.", events.Kinds, event)
	}
	if err := events.CheckTarget(ctx, targetURL, s.AllowPrivate); err != nil {
		return nil, err
	}
	h, err := events.CreateHook(ctx, s.DB, nh)
	if err != nil {
		return nil, err
	}
	return h, s.fillSlugs(ctx, s.DB.R, h)
}

// ownHook returns the actor's hook id. Returns people.MissingScope and events.ErrHookNotFound
// (also for another person's hook).
func (s *Service) ownHook(ctx context.Context, actor *people.Actor, id int64) (*events.Hook, error) {
	if !actor.HasScope(hookScope) {
		return nil, people.MissingScope(hookScope)
	}
	h, err := events.FindHook(ctx, s.DB.R, id)
	if err != nil {
		return nil, err
	}
	if h.UserID != actor.User.ID {
		return nil, events.ErrHookNotFound
	}
	return h, nil
}

// Unsubscribe removes the actor's hook id and what it had queued. Returns the errors of ownHook.
func (s *Service) Unsubscribe(ctx context.Context, actor *people.Actor, id int64) error {
	if _, err := s.ownHook(ctx, actor, id); err != nil {
		return err
	}
	return events.DeleteHook(ctx, s.DB, id)
}

// HooksReader returns the reader of the actor's hooks, newest first, each with its last delivery.
// Returns people.MissingScope.
func (s *Service) HooksReader(actor *people.Actor) (api.ListReader[*events.Hook], error) {
	if !actor.HasScope(hookScope) {
		return nil, people.MissingScope(hookScope)
	}
	return func(ctx context.Context, db api.DBTX, q api.ListQuery) ([]*events.Hook, []string, error) {
		list, next, err := events.ListHooks(ctx, db, actor.User.ID, q)
		if err != nil {
			return nil, nil, err
		}
		return list, next, s.fillSlugs(ctx, db, list...)
	}, nil
}

// DeliveriesReader returns the reader of the delivery log of the actor's hook id, newest first.
// Returns the errors of ownHook.
func (s *Service) DeliveriesReader(ctx context.Context, actor *people.Actor, id int64) (api.ListReader[*events.Delivery], error) {
	if _, err := s.ownHook(ctx, actor, id); err != nil {
		return nil, err
	}
	return func(ctx context.Context, db api.DBTX, q api.ListQuery) ([]*events.Delivery, []string, error) {
		return events.ListDeliveries(ctx, db, id, q)
	}, nil
}

// fillSlugs sets each hook's subsite slug.
func (s *Service) fillSlugs(ctx context.Context, db api.DBTX, list ...*events.Hook) error {
	slugs := map[int64]string{}
	for _, h := range list {
		if h.SubsiteID == nil {
			continue
		}
		slug, err := s.slug(ctx, db, slugs, *h.SubsiteID)
		if err != nil {
			return err
		}
		h.Subsite = &slug
	}
	return nil
}

// slug returns the slug of subsite id, remembered in seen.
func (s *Service) slug(ctx context.Context, db api.DBTX, seen map[int64]string, id int64) (string, error) {
	if slug, ok := seen[id]; ok {
		return slug, nil
	}
	sub, err := s.People.FindSubsiteByID(ctx, db, id)
	if err != nil {
		return "", err
	}
	seen[id] = sub.Slug
	return sub.Slug, nil
}

// ActivityReader returns the reader of the activity log (events.ListActivity) for actor: of the
// subsite of place, or, at the site's URL, of every subsite the actor can read (every subsite
// for owners); newest first, or with since oldest first. Returns people.ErrNotFound for a subsite
// the actor is not in and people.MissingScope for a token that may not read.
func (s *Service) ActivityReader(actor *people.Actor, place people.Place) (api.ListReader[*events.Item], error) {
	var ids []int64
	all := false
	if place.SiteWide {
		if !actor.HasScope(people.ScopePagesRead) {
			return nil, people.MissingScope(people.ScopePagesRead)
		}
		ids, all = actor.SubsiteIDs()
	} else {
		if err := actor.Can(people.View, place.Subsite.ID); err != nil {
			return nil, err
		}
		ids = []int64{place.Subsite.ID}
	}
	return func(ctx context.Context, db api.DBTX, q api.ListQuery) ([]*events.Item, []string, error) {
		list, next, err := events.ListActivity(ctx, db, ids, all, q)
		if err != nil {
			return nil, nil, err
		}
		return list, next, s.presentActivity(ctx, db, list)
	}, nil
}

// presentActivity fills the items' subsite slugs and their actors' names.
func (s *Service) presentActivity(ctx context.Context, db api.DBTX, list []*events.Item) error {
	slugs := map[int64]string{}
	var refs []*api.UserRef
	for _, it := range list {
		slug, err := s.slug(ctx, db, slugs, it.SubsiteID)
		if err != nil {
			return err
		}
		it.Subsite = slug
		if it.Actor != nil {
			refs = append(refs, it.Actor)
		}
	}
	return people.FillNames(ctx, db, refs...)
}

// CanRead returns nil when the person userID, not deleted, may read subsite subsiteID now: the
// check events.Sender makes before each delivery.
func (s *Service) CanRead(ctx context.Context, userID, subsiteID int64) error {
	u, err := people.FindActiveUser(ctx, s.DB.R, userID)
	if err != nil {
		return err
	}
	memberships, err := people.MembershipsOf(ctx, s.DB.R, userID)
	if err != nil {
		return err
	}
	roles := make(map[int64]people.Role, len(memberships))
	for _, m := range memberships {
		roles[m.SubsiteID] = m.Role
	}
	return people.NewActor(u, nil, roles).Can(people.View, subsiteID)
}

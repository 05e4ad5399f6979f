package people

import (
	"context"
	"sync"
	"time"

	"quire/app/sqldb"
)

// maxCachedActors bounds the actor cache; past it, arbitrary entries are dropped.
const maxCachedActors = 10_000

// cache keeps actors by token hash and subsites by slug, each valid for one value of the people
// epoch (sqldb.Epoch; its triggers are in migrations/002_auth_epoch.sql). A request reads the epoch, one small row, and uses
// what it cached if nothing changed since; any change to tokens, users, memberships or
// subsites, by this process or another, moves the epoch and empties the cache on next use.
type cache struct {
	mu       sync.Mutex
	epoch    int64
	actors   map[string]*Actor
	subsites map[string]*Subsite // by slug; "" is the default subsite
	lastUsed map[int64]time.Time // when each token's last use was last written
	seen     map[int64]time.Time // when each session's last-seen time was last written
}

// currentEpoch returns the epoch in the database, emptying the cache when it moved on.
func (s *Service) currentEpoch(ctx context.Context) (int64, error) {
	n, err := sqldb.Epoch(ctx, s.DB.R, "people")
	if err != nil {
		return 0, err
	}
	c := &s.cache
	c.mu.Lock()
	// Only forward: a request that read an older epoch (a snapshot from just before a change)
	// neither empties the cache nor uses it, since its epoch matches no cached entry.
	if n > c.epoch || c.actors == nil {
		c.epoch, c.actors, c.subsites = n, map[string]*Actor{}, map[string]*Subsite{}
	}
	c.mu.Unlock()
	return n, nil
}

func (c *cache) actor(hash string, epoch int64) *Actor {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epoch != epoch {
		return nil
	}
	return c.actors[hash]
}

func (c *cache) putActor(hash string, epoch int64, a *Actor) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epoch != epoch {
		return // the world moved while a was read; do not keep it
	}
	if len(c.actors) >= maxCachedActors {
		for k := range c.actors {
			delete(c.actors, k)
			if len(c.actors) < maxCachedActors*3/4 {
				break
			}
		}
	}
	c.actors[hash] = a
}

func (c *cache) subsite(slug string, epoch int64) *Subsite {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epoch != epoch {
		return nil
	}
	return c.subsites[slug]
}

func (c *cache) putSubsite(slug string, epoch int64, sub *Subsite) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epoch == epoch && len(c.subsites) < maxCachedActors {
		c.subsites[slug] = sub
	}
}

// RequestSubsite returns the subsite a request addresses by slug ("" for the site-wide URL, the
// default subsite), from the cache of the actor's epoch when it can. The subsite is shared
// between requests: callers must not change it. Returns ErrSubsiteNotFound for an unknown slug.
func (s *Service) RequestSubsite(ctx context.Context, actor *Actor, slug string) (*Subsite, error) {
	if sub := s.cache.subsite(slug, actor.epoch); sub != nil {
		return sub, nil
	}
	var sub *Subsite
	var err error
	if slug == "" {
		sub, err = s.DefaultSubsite(ctx, s.DB.R)
	} else {
		sub, err = s.FindSubsiteBySlug(ctx, s.DB.R, slug)
	}
	if err != nil {
		return nil, err
	}
	s.cache.putSubsite(slug, actor.epoch, sub)
	return sub, nil
}

// sessionSeen returns when the session was last seen: stored, the later of what the database
// said when its actor was read and what this process wrote since.
func (c *cache) sessionSeen(id int64, stored time.Time) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.seen[id]; ok && t.After(stored) {
		return t
	}
	return stored
}

// noteSessionSeen records that the session's last-seen time was written as at.
func (c *cache) noteSessionSeen(id int64, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil || len(c.seen) >= maxCachedActors {
		c.seen = map[int64]time.Time{} // forgetting only costs a reread (AuthenticateSession)
	}
	c.seen[id] = at
}

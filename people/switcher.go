package people

import (
	"context"
	"fmt"
	"strings"
)

// MaxSwitcherSubsites bounds the subsites MemberSubsites returns: the web UI's switcher lists at
// most this many.
const MaxSwitcherSubsites = 100

// MemberSubsites returns the subsites actor belongs to (every subsite for a site owner, who is an
// admin in each), oldest first, at most MaxSwitcherSubsites: what the web UI's subsite switcher
// lists and where its front page leads. The list is read once per actor and kept with it (an
// actor lives for one people epoch, which any change to subsites or memberships moves on), so
// every web page does not read it again; callers must not change what it returns.
func (s *Service) MemberSubsites(ctx context.Context, actor *Actor) ([]*Subsite, error) {
	m := &actor.member
	m.Lock()
	defer m.Unlock()
	if m.read {
		return m.subsites, nil
	}
	list, err := s.readMemberSubsites(ctx, actor)
	if err == nil {
		m.read, m.subsites = true, list
	}
	return list, err
}

// readMemberSubsites reads what MemberSubsites returns.
func (s *Service) readMemberSubsites(ctx context.Context, actor *Actor) ([]*Subsite, error) {
	where, args := "", []any{}
	if ids, all := actor.SubsiteIDs(); !all {
		if len(ids) == 0 {
			return nil, nil
		}
		if len(ids) > MaxSwitcherSubsites {
			ids = ids[:MaxSwitcherSubsites]
		}
		where = `WHERE s.id IN (?` + strings.Repeat(`, ?`, len(ids)-1) + `)`
		for _, id := range ids {
			args = append(args, id)
		}
	}
	args = append(args, MaxSwitcherSubsites)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+subsiteColumns+` FROM subsites s `+where+` ORDER BY s.id LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("member subsites: %w", err)
	}
	defer rows.Close()
	var out []*Subsite
	for rows.Next() {
		sub, err := s.scanSubsite(rows, false)
		if err != nil {
			return nil, fmt.Errorf("member subsites: %w", err)
		}
		out = append(out, sub)
	}
	return out, rows.Err()
}

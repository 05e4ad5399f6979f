package people

import (
	"context"
	"fmt"

	"quire/app/api"
	"quire/app/events"
)

// recordJoined writes events.PersonJoined for the new membership of user userID in subsite
// subsiteID, made by by (0 for nobody: the CLI, an automatic join), to the activity log in tx,
// with the person as people/all lists them for the hooks that want it.
func (s *Service) recordJoined(ctx context.Context, tx DBTX, subsiteID, userID, by int64) error {
	u, err := FindUserByID(ctx, tx, userID)
	if err != nil {
		return err
	}
	return events.Record(ctx, tx, events.Event{Kind: events.PersonJoined, SubsiteID: subsiteID, ObjectType: "person",
		ObjectID: userID, ActorID: by, Summary: u.Name, Payload: func() (any, error) {
			m, err := s.findMembership(ctx, tx, subsiteID, userID)
			if err != nil {
				return nil, err
			}
			return s.PersonOf(u, m), nil
		}}, api.NewTime(s.DB.Now()))
}

// joinAutoJoinSubsites joins the user to every subsite that people join automatically, with its
// default role, by by (0 for nobody), each join recorded as recordJoined says.
func (s *Service) joinAutoJoinSubsites(ctx context.Context, tx DBTX, userID, by int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, default_role FROM subsites WHERE auto_join ORDER BY id LIMIT 10000`)
	if err != nil {
		return fmt.Errorf("join user %d to auto-join subsites: %w", userID, err)
	}
	type join struct {
		id   int64
		role Role
	}
	var list []join
	for rows.Next() {
		var j join
		if err := rows.Scan(&j.id, &j.role); err != nil {
			rows.Close()
			return fmt.Errorf("join user %d to auto-join subsites: %w", userID, err)
		}
		list = append(list, j)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("join user %d to auto-join subsites: %w", userID, err)
	}
	for _, j := range list {
		if _, err := s.joinNew(ctx, tx, j.id, userID, j.role, by); err != nil {
			return err
		}
	}
	return nil
}

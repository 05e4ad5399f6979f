package web

import (
	"context"

	"quire/app/api"
	"quire/app/events"
	"quire/people"
)

// activityItem is an event of the activity log as a subsite's home lists it: what happened, who
// did it, when.
type activityItem struct {
	Text, Actor string
	At          api.Time
}

// activityText says what each event did, before its summary (a page's title, a person's name).
var activityText = map[string]string{
	events.PageCreated:    "New page: ",
	events.PageUpdated:    "Edited: ",
	events.PageDeleted:    "Moved to the trash: ",
	events.RecordCreated:  "",
	events.CommentCreated: "Comment on ",
	events.PersonJoined:   "Joined: ",
}

// readActivity returns the newest recentLimit events of sub, for a reader whom the caller has
// checked may view it.
func readActivity(ctx context.Context, db api.DBTX, sub *people.Subsite) ([]activityItem, error) {
	list, _, err := events.ListActivity(ctx, db, []int64{sub.ID}, false, api.ListQuery{Limit: recentLimit})
	if err != nil {
		return nil, err
	}
	var refs []*api.UserRef
	for _, it := range list {
		if it.Actor != nil {
			refs = append(refs, it.Actor)
		}
	}
	if err := people.FillNames(ctx, db, refs...); err != nil {
		return nil, err
	}
	out := make([]activityItem, len(list))
	for i, it := range list {
		out[i] = activityItem{Text: activityText[it.Event] + it.Summary, At: it.CreatedAt}
		if it.Actor != nil {
			out[i].Actor = it.Actor.Name
		}
	}
	return out, nil
}

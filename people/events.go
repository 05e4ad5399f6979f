package people

import (
	"context"

	"quire/app/api"
	"quire/people/mail"
)

// The notifications of what happens in a subsite are package mail's (mail.Event, mail.QueueEvent);
// these names stay so that pages, which queues page and comment events, builds unchanged until it
// calls mail directly.

// Event is mail.Event.
type Event = mail.Event

// The kinds of events, as mail names them.
const (
	EventPage    = mail.EventPage
	EventComment = mail.EventComment
	EventMention = mail.EventMention
)

// QueueEvent is mail.QueueEvent: one notification for every member of the event's subsite who is
// to be told of it, in the caller's transaction.
func QueueEvent(ctx context.Context, tx DBTX, ev Event, now api.Time) error {
	return mail.QueueEvent(ctx, tx, ev, now)
}

package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"quire/app/api"
	"quire/app/sqldb"
)

// The kinds of events members are told of.
const (
	EventPage    = "page"    // a new page in a subsite
	EventComment = "comment" // a new post in a page's discussion or a subsite's activity stream
	EventMention = "mention" // a post that mentions the member
)

// Event is something members of a subsite may be told of. QueueEvent fans it out to them.
type Event struct {
	SubsiteID int64
	Kind      string
	ActorID   int64  // who did it: never told of their own doing
	Title     string // the page's title, or "the activity stream"
	URL       string // where to see it
	Excerpt   string // a line of what was written, if any
	// MentionedUserIDs are the members a post mentions: they get a mention instead of a comment.
	MentionedUserIDs []int64
}

// maxRecipients bounds the members one event is told to, as people bounds a subsite's member
// list.
const maxRecipients = 100000

// Notification rules, by each member's level in the subsite: "on" mails new pages, comments
// and mentions within a minute (one mail a minute at most, listing everything since the last);
// "digest" sends one summary a day; "off" sends nothing, mentions included.
const (
	batchEvery  = time.Minute
	digestEvery = 24 * time.Hour
)

// QueueEvent records, in the caller's transaction, one notification for every member of the
// event's subsite who is to be told of it, at their level at this moment.
func QueueEvent(ctx context.Context, tx sqldb.DBTX, ev Event, now api.Time) error {
	mentioned := map[int64]bool{}
	for _, id := range ev.MentionedUserIDs {
		mentioned[id] = true
	}
	rows, err := tx.QueryContext(ctx, `SELECT m.user_id, m.notifications, u.name FROM memberships m
		JOIN users u ON u.id = m.user_id
		WHERE m.subsite_id = ? AND m.notifications <> 'off' AND u.deleted_at IS NULL AND m.user_id <> ?
		LIMIT ?`, ev.SubsiteID, ev.ActorID, maxRecipients)
	if err != nil {
		return fmt.Errorf("queue notifications: %w", err)
	}
	type recipient struct {
		id    int64
		level string
	}
	var to []recipient
	for rows.Next() {
		var r recipient
		var name string
		if err := rows.Scan(&r.id, &r.level, &name); err != nil {
			rows.Close()
			return fmt.Errorf("queue notifications: %w", err)
		}
		to = append(to, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("queue notifications: %w", err)
	}
	var actor string
	if err := tx.QueryRowContext(ctx, `SELECT name FROM users WHERE id = ?`, ev.ActorID).Scan(&actor); err != nil {
		return fmt.Errorf("queue notifications: %w", err)
	}
	for _, r := range to {
		kind := ev.Kind
		if kind == EventMention && !mentioned[r.id] {
			continue
		}
		if kind == EventComment && mentioned[r.id] {
			kind = EventMention
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO notifications (user_id, subsite_id, level, kind, summary, url, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, r.id, ev.SubsiteID, r.level, kind, summarize(kind, actor, ev), ev.URL, now)
		if err != nil {
			return fmt.Errorf("queue notifications: %w", err)
		}
	}
	return nil
}

// pending is a notification waiting to be mailed.
type pending struct {
	id        int64
	userID    int64
	email     string
	subsite   string
	summary   string
	url       string
	createdAt api.Time
}

// composeNotifications writes the mails that are due at now into the outbox: for each person
// with notifications at level "on", one mail listing them when their last such mail is a
// minute old; for "digest", one summary when their last digest (or their oldest waiting
// notification) is a day old. Each person's mail is one transaction with marking what it lists.
func composeNotifications(ctx context.Context, db *sqldb.DB, now time.Time) error {
	for _, level := range []string{"on", "digest"} {
		due, err := dueNotifications(ctx, db, level, now)
		if err != nil {
			return err
		}
		users := make([]int64, 0, len(due))
		for id := range due {
			users = append(users, id)
		}
		sort.Slice(users, func(i, j int) bool { return users[i] < users[j] })
		for _, id := range users {
			if err := mailNotifications(ctx, db, level, due[id], now); err != nil {
				return err
			}
		}
	}
	return nil
}

// maxNotificationsRead bounds the notifications one tick reads.
const maxNotificationsRead = 5000

// dueNotifications returns the waiting notifications of the level, by person, of the people
// whose mail is due.
func dueNotifications(ctx context.Context, db *sqldb.DB, level string, now time.Time) (map[int64][]pending, error) {
	every, column := batchEvery, "last_mail_at"
	if level == "digest" {
		every, column = digestEvery, "last_digest_at"
	}
	cutoff := api.NewTime(now.Add(-every))
	// A digest goes when the last one is a day old and so is the oldest thing it tells of, so
	// that a quiet subsite still gets one summary a day, not one mail per event. "On" mail goes
	// at once unless the last one is under a minute old. Only members who still are, at a
	// level other than off, are told.
	rows, err := db.R.QueryContext(ctx, `SELECT n.id, n.user_id, u.email, s.title, n.summary, n.url, n.created_at
		FROM notifications n JOIN users u ON u.id = n.user_id JOIN subsites s ON s.id = n.subsite_id
		JOIN memberships m ON m.user_id = n.user_id AND m.subsite_id = n.subsite_id AND m.notifications <> 'off'
		LEFT JOIN mail_state st ON st.user_id = n.user_id
		WHERE n.mailed_at IS NULL AND n.level = ? AND u.deleted_at IS NULL
		AND (st.`+column+` IS NULL OR st.`+column+` <= ?)
		AND (? = 'on' OR (SELECT MIN(o.created_at) FROM notifications o
			WHERE o.user_id = n.user_id AND o.level = 'digest' AND o.mailed_at IS NULL) <= ?)
		ORDER BY n.user_id, n.id LIMIT ?`, level, cutoff, level, cutoff, maxNotificationsRead)
	if err != nil {
		return nil, fmt.Errorf("due notifications: %w", err)
	}
	defer rows.Close()
	out := map[int64][]pending{}
	for rows.Next() {
		var p pending
		if err := rows.Scan(&p.id, &p.userID, &p.email, &p.subsite, &p.summary, &p.url, &p.createdAt); err != nil {
			return nil, fmt.Errorf("due notifications: %w", err)
		}
		out[p.userID] = append(out[p.userID], p)
	}
	return out, rows.Err()
}

// errAlreadyMailed undoes a mail whose notifications another tick mailed meanwhile.
var errAlreadyMailed = errors.New("notifications already mailed")

// mailNotifications writes one mail listing list to its person and marks them mailed.
func mailNotifications(ctx context.Context, db *sqldb.DB, level string, list []pending, now time.Time) error {
	subject, body := notificationMail(level, list)
	column := "last_mail_at"
	if level == "digest" {
		column = "last_digest_at"
	}
	t := api.NewTime(now)
	err := db.Write(ctx, func(tx *sql.Tx) error {
		if err := Queue(ctx, tx, list[0].email, subject, body, t); err != nil {
			return err
		}
		for _, p := range list {
			res, err := tx.ExecContext(ctx, `UPDATE notifications SET mailed_at = ? WHERE id = ? AND mailed_at IS NULL`, t, p.id)
			if err != nil {
				return fmt.Errorf("mark notifications: %w", err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return fmt.Errorf("mark notifications: %w", err)
			} else if n == 0 {
				return errAlreadyMailed // another tick took it: this mail is not written
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO mail_state (user_id, `+column+`) VALUES (?, ?)
			ON CONFLICT (user_id) DO UPDATE SET `+column+` = excluded.`+column, list[0].userID, t)
		if err != nil {
			return fmt.Errorf("mail state: %w", err)
		}
		return nil
	})
	if errors.Is(err, errAlreadyMailed) {
		return nil
	}
	return err
}

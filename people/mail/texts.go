package mail

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"quire/app/api"
)

// The texts of the mails Quire sends. Each returns a subject and a plain-text body; Queue makes
// the subject one line.

// Invitation is the mail that invites name, at address email, to the wiki at baseURL, with the
// one-time link of token (valid for 7 days); inviter is who invited them ("" for the site's
// owner, as the CLI invites).
func Invitation(name, email, inviter, baseURL, token string) (subject, body string) {
	if inviter == "" {
		inviter = "The site's owner"
	}
	return "You are invited to Quire", fmt.Sprintf("Hello %s,\n\n%s invited you to the Quire wiki at %s.\n\n"+
		"Choose your password here to join (the link works once, for 7 days):\n\n  %s/invite/%s\n\n"+
		"Your sign-in is this address, %s.\n", name, inviter, baseURL, baseURL, token, email)
}

// Welcome is the mail that tells name that adder added them to the subsite titled title, at
// subsiteURL.
func Welcome(name, adder, title, subsiteURL string) (subject, body string) {
	return "You were added to " + title, fmt.Sprintf("Hello %s,\n\n%s added you to %s on Quire:\n\n  %s\n", name, adder, title, subsiteURL)
}

// notificationMail is the mail that lists a person's waiting notifications: at level "on", what
// happened since their last such mail; at "digest", the day's summary.
func notificationMail(level string, list []pending) (subject, body string) {
	subject = fmt.Sprintf("%d new in Quire", len(list))
	if len(list) == 1 {
		subject = list[0].summary
		if i := strings.Index(subject, ": \""); i > 0 {
			subject = subject[:i]
		}
	}
	var b strings.Builder
	if level == "digest" {
		subject = fmt.Sprintf("Your daily Quire digest: %d new", len(list))
		b.WriteString("What happened in your subsites since the last digest:\n\n")
	}
	for _, p := range list {
		fmt.Fprintf(&b, "[%s] %s\n  %s\n\n", p.subsite, p.summary, p.url)
	}
	b.WriteString("You get these mails because of your notification settings in each subsite;\n" +
		"change them with people/set_notifications (on, digest or off).\n")
	return subject, b.String()
}

// summarize is the line a notification shows.
func summarize(kind, actor string, ev Event) string {
	var line string
	switch kind {
	case EventPage:
		line = fmt.Sprintf("%s made a new page: %s", actor, ev.Title)
	case EventMention:
		line = fmt.Sprintf("%s mentioned you on %s", actor, ev.Title)
	default:
		line = fmt.Sprintf("%s commented on %s", actor, ev.Title)
	}
	if ex := strings.Join(strings.Fields(ev.Excerpt), " "); ex != "" {
		if utf8.RuneCountInString(ex) > 140 {
			ex = string([]rune(ex)[:140]) + "..."
		}
		line += ": \"" + ex + "\""
	}
	return api.Flatten(line) // one line, whatever names and titles stored before they were checked hold
}

// PasswordReset is the mail that gives name, of the wiki at baseURL, the one-time link that sets
// a new password (valid for 24 hours).
func PasswordReset(name, baseURL, link string) (subject, body string) {
	return "Reset your Quire password", fmt.Sprintf("Hello %s,\n\nSomeone, probably you, asked to reset your password "+
		"on the Quire wiki at %s.\n\nChoose a new password here (the link works once, for 24 hours):\n\n  %s\n\n"+
		"If it was not you, ignore this mail: your password stays as it is.\n", name, baseURL, link)
}

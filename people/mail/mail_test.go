package mail_test

import (
	"context"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"quire/app/apptest"
	"quire/people"
	"quire/people/mail"
)

// mailServer is a real SMTP server in the test process that keeps what it receives. While
// failing is above zero it refuses each message with a temporary error and counts down.
type mailServer struct {
	addr    string
	mu      sync.Mutex
	got     []received
	failing int
}

type received struct {
	from, to, subject, body string
}

func startMailServer(t *testing.T) *mailServer {
	t.Helper()
	m := &mailServer{}
	srv := smtp.NewServer(m)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return m
}

func (m *mailServer) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &mailSession{server: m}, nil
}

func (m *mailServer) fail(n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.failing = n
}

func (m *mailServer) received() []received {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]received(nil), m.got...)
}

type mailSession struct {
	server   *mailServer
	from, to string
}

func (s *mailSession) Reset()        {}
func (s *mailSession) Logout() error { return nil }
func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = to
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	msg, err := netmail.ReadMessage(r)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		return err
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	s.server.mu.Lock()
	defer s.server.mu.Unlock()
	if s.server.failing > 0 {
		s.server.failing--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	s.server.got = append(s.server.got, received{from: s.from, to: s.to, subject: subject, body: string(body)})
	return nil
}

// outbox is what the site's outbox holds, newest first.
func outbox(t *testing.T, site *apptest.Site) []mail.Mail {
	t.Helper()
	var list []mail.Mail
	site.Client(site.OwnerTk).SiteWide().Get("mail/outbox/").Want(200).Decode(&list)
	return list
}

var inviteLink = regexp.MustCompile(`https?://\S+/invite/[A-Za-z0-9_-]+`)

func tick(t *testing.T, site *apptest.Site, at time.Time) {
	t.Helper()
	if err := site.Inst.Mailer.Tick(context.Background(), at); err != nil {
		t.Logf("tick: %v", err)
	}
}

// An invitation goes over SMTP, is tried again later while the server refuses it, goes once, and
// the outbox then keeps no usable link.
func TestInvitationMailOverSMTPAndRetries(t *testing.T) {
	t.Parallel()
	smtpd := startMailServer(t)
	site := apptest.Start(t, apptest.WithEnv("QUIRE_SMTP_URL", "smtp://"+smtpd.addr),
		apptest.WithEnv("QUIRE_MAIL_FROM", "wiki@example.com"), apptest.WithEnv("QUIRE_MAIL_POLL", "1h"))
	owner := site.Client(site.OwnerTk).SiteWide()
	smtpd.fail(2)
	owner.Post("people/invite/", map[string]any{"email_address": "lin@example.com", "name": "Lin"}).Want(200)

	now := time.Now()
	tick(t, site, now)
	mails := outbox(t, site)
	if len(mails) != 1 || mails[0].SentAt != nil || mails[0].Attempts != 1 || !strings.Contains(mails[0].LastError, "try again later") {
		t.Fatalf("after a refused send: %+v; want the mail kept, one attempt and the server's answer", mails)
	}
	tick(t, site, now.Add(30*time.Second)) // not due yet: no second attempt
	if m := outbox(t, site)[0]; m.Attempts != 1 {
		t.Errorf("the mail was tried again before its time: %d attempts", m.Attempts)
	}
	tick(t, site, now.Add(90*time.Second)) // refused again
	tick(t, site, now.Add(10*time.Minute)) // delivered
	m := outbox(t, site)[0]
	got := smtpd.received()
	if m.SentAt == nil || m.Attempts != 3 || len(got) != 1 {
		t.Fatalf("after the server recovered: %+v, %d received; want sent on the third attempt", m, len(got))
	}
	if got[0].to != "lin@example.com" || got[0].from != "wiki@example.com" || got[0].subject != "You are invited to Quire" {
		t.Errorf("received %+v", got[0])
	}
	link := inviteLink.FindString(got[0].body)
	if link == "" || !strings.HasPrefix(link, site.URL+"/invite/") {
		t.Fatalf("no invitation link to this site in %q", got[0].body)
	}
	tick(t, site, now.Add(20*time.Minute))
	if n := len(smtpd.received()); n != 1 {
		t.Errorf("a sent mail went again: %d received", n)
	}
	if body := outbox(t, site)[0].Body; inviteLink.MatchString(body) || !strings.Contains(body, "(link sent, not kept)") {
		t.Errorf("the outbox keeps the link of a sent invitation:\n%s", body)
	}
}

func TestNotifications(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, apptest.WithEnv("QUIRE_MAIL_POLL", "1h"))
	team := site.Subsite("Team", "team")
	ed, edC := site.Member("Edna Editor", team, people.RoleEditor)
	on, _ := site.Member("Olga On", team, people.RoleViewer)
	digest, digestC := site.Member("Dora Digest", team, people.RoleViewer)
	off, offC := site.Member("Otto Off", team, people.RoleViewer)
	gone, _ := site.Member("Rita Removed", team, people.RoleViewer)
	digestC.In("team").Post(fmt.Sprintf("people/set_notifications/%d/", digest.ID), map[string]any{"notifications": "digest"}).Want(200)
	offC.In("team").Post(fmt.Sprintf("people/set_notifications/%d/", off.ID), map[string]any{"notifications": "off"}).Want(200)
	_ = ed

	c := edC.In("team")
	page := c.Post("pages/create/", map[string]any{"title": "Roadmap", "json": [][]map[string]any{{{"classname": "Discussion"}}}}).Want(200).ID()
	site.Client(site.OwnerTk).In("team").Post(fmt.Sprintf("people/remove_from_subsite/%d/", gone.ID), nil).Want(200)
	now := time.Now()
	tick(t, site, now)
	mailsTo := func(addr string) []mail.Mail {
		var out []mail.Mail
		for _, m := range outbox(t, site) {
			if m.To == addr {
				out = append(out, m)
			}
		}
		return out
	}
	if got := mailsTo(on.Email); len(got) != 1 || !strings.Contains(got[0].Body, "Edna Editor made a new page: Roadmap") {
		t.Fatalf("mail to the member at 'on': %+v", got)
	}
	// Within the minute, new events wait, then go out together in one mail.
	c.Post(fmt.Sprintf("feed/post/%d/", page), map[string]any{"msg": "Thoughts, @Olga On?"}).Want(200)
	c.Post("pages/create/", map[string]any{"title": "Budget", "json": [][]any{{}}}).Want(200)
	tick(t, site, now.Add(20*time.Second))
	if n := len(mailsTo(on.Email)); n != 1 {
		t.Errorf("%d mails within a minute, want 1", n)
	}
	tick(t, site, now.Add(61*time.Second))
	got := mailsTo(on.Email)
	if len(got) != 2 || !strings.Contains(got[0].Body, "Edna Editor mentioned you on Roadmap") || !strings.Contains(got[0].Body, "new page: Budget") {
		t.Errorf("the batched mail: %+v", got)
	}
	// The author hears nothing of their own doing; "off" hears nothing at all.
	if n := len(mailsTo(ed.Email)) + len(mailsTo(off.Email)) + len(mailsTo(gone.Email)); n != 0 {
		t.Errorf("%d mails to the author, the member at 'off' or the member who left", n)
	}
	// The digest waits a day, then sums everything up in one mail.
	tick(t, site, now.Add(2*time.Hour))
	if n := len(mailsTo(digest.Email)); n != 0 {
		t.Errorf("the digest went early: %d mails", n)
	}
	tick(t, site, now.Add(25*time.Hour))
	d := mailsTo(digest.Email)
	if len(d) != 1 || !strings.Contains(d[0].Subject, "daily") || strings.Count(d[0].Body, "Edna Editor") != 3 {
		t.Errorf("digest: %+v", d)
	}
	tick(t, site, now.Add(26*time.Hour))
	if n := len(mailsTo(digest.Email)); n != 1 {
		t.Errorf("%d digests, want 1", n)
	}
}

// TestMailSubjectIsOneLine: a title stored before titles were held to one line cannot put a line
// break in a mail's subject.
func TestMailSubjectIsOneLine(t *testing.T) {
	t.Parallel()
	smtpd := startMailServer(t)
	site := apptest.Start(t, apptest.WithEnv("QUIRE_SMTP_URL", "smtp://"+smtpd.addr), apptest.WithEnv("QUIRE_MAIL_POLL", "1h"))
	sub := site.Subsite("Team", "team")
	if _, err := site.Inst.DB.Exec(t.Context(), `UPDATE subsites SET title = ? WHERE id = ?`, "Team\r\nBcc: all@example.com\r\n\r\nIT notice", sub.ID); err != nil {
		t.Fatal(err)
	}
	u := site.User("Newcomer")
	site.Client(site.OwnerTk).In("team").Post(fmt.Sprintf("people/add_to_subsite/%d/", u.ID), nil).Want(200)
	tick(t, site, time.Now())
	got := smtpd.received()
	if len(got) != 1 || got[0].subject != "You were added to Team  Bcc: all@example.com    IT notice" || got[0].to != u.Email {
		t.Fatalf("received %+v; want one mail to the newcomer, its subject one line", got)
	}
}

package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"quire/app/events"
	"quire/people"
	"quire/people/mail"
	"quire/widgets"
	"quire/widgets/blobs"
)

// shutdownGrace is how long in-flight requests may take to finish after a stop signal.
const shutdownGrace = 30 * time.Second

// Instance is a running server.
type Instance struct {
	*Site
	URL string
	// Mailer sends the outbox and notifications in the background; tests may call its Tick.
	Mailer *mail.Mailer
	// Hooks sends hook deliveries in the background; tests may call its Tick.
	Hooks      *events.Sender
	stopHooks  context.CancelFunc
	hooksDone  chan struct{}
	server     *http.Server
	done       chan error
	stopMailer context.CancelFunc
	mailerDone chan struct{}
	// The collector of leftover uploads runs at start and every collectEvery, until Stop.
	stopCollector context.CancelFunc
	collectorDone chan struct{}
	stopSearch    context.CancelFunc
	searchDone    chan struct{}
}

// collectEvery is how often the server removes what uploads left behind (blobs.Store.Collect).
const collectEvery = time.Hour

// Start opens the site of cfg, listens on cfg.Addr and serves until Stop. On a site without an
// owner it creates one and writes the login and a first API token to out.
func Start(ctx context.Context, cfg Config, out io.Writer, log *slog.Logger) (*Instance, error) {
	site, err := OpenSite(ctx, cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		site.Close()
		return nil, fmt.Errorf("listen on %s: %w (is another Quire running? choose another --addr)", cfg.Addr, err)
	}
	url := cfg.BaseURL
	if !cfg.baseURLForced {
		url = "http://" + ln.Addr().String()
		site.SetBaseURL(url)
	}
	if err := greet(ctx, site, url, out); err != nil {
		ln.Close()
		site.Close()
		return nil, err
	}
	// Requests do not wait for a lock held by another process past the busy timeout: they answer
	// 503 with Retry-After, and the client retries.
	site.DB.OnLocked = nil
	handler, err := NewServer(site, log)
	if err != nil {
		ln.Close()
		site.Close()
		return nil, err
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	inst := &Instance{Site: site, URL: url, server: srv, done: make(chan error, 1), mailerDone: make(chan struct{}),
		Mailer: &mail.Mailer{DB: site.DB, SMTPURL: cfg.SMTPURL, From: cfg.MailFrom, Poll: cfg.MailPoll,
			Log: func(msg string, args ...any) { log.Warn(msg, args...) }}}
	mailCtx, stopMailer := context.WithCancel(context.WithoutCancel(ctx))
	inst.stopMailer = stopMailer
	go func() {
		defer close(inst.mailerDone)
		inst.Mailer.Run(mailCtx)
	}()
	inst.Hooks = &events.Sender{DB: site.DB, Poll: cfg.HooksPoll, RetryBase: cfg.HooksRetry, AllowPrivate: cfg.HooksAllowPrivate,
		CanRead: site.Hooks.CanRead, Log: func(msg string, args ...any) { log.Warn(msg, args...) }}
	hooksCtx, stopHooks := context.WithCancel(context.WithoutCancel(ctx))
	inst.stopHooks, inst.hooksDone = stopHooks, make(chan struct{})
	go func() {
		defer close(inst.hooksDone)
		inst.Hooks.Run(hooksCtx)
	}()
	collectCtx, stopCollector := context.WithCancel(context.WithoutCancel(ctx))
	inst.stopCollector, inst.collectorDone = stopCollector, make(chan struct{})
	go func() {
		defer close(inst.collectorDone)
		inst.collectLeftovers(collectCtx, log)
	}()
	site.Search.Log = log
	// The search index is rebuilt in the background when this binary writes another format.
	searchCtx, stopSearch := context.WithCancel(context.WithoutCancel(ctx))
	inst.stopSearch, inst.searchDone = stopSearch, make(chan struct{})
	go func() {
		defer close(inst.searchDone)
		if err := site.Search.RunIndexer(searchCtx, log); err != nil && searchCtx.Err() == nil {
			log.Error("search indexer stopped", "err", err)
		}
	}()
	go func() {
		err := srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		inst.done <- err
	}()
	return inst, nil
}

// Stop lets in-flight requests finish (up to the grace period), then closes the database.
func (inst *Instance) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	shutdownErr := inst.server.Shutdown(ctx)
	serveErr := <-inst.done
	inst.stopMailer()
	<-inst.mailerDone
	inst.stopHooks()
	<-inst.hooksDone
	inst.stopCollector()
	<-inst.collectorDone
	inst.stopSearch()
	<-inst.searchDone
	return errors.Join(shutdownErr, serveErr, inst.Site.Close())
}

// collectLeftovers removes the blobs and temporary files that uploads left behind, at once and
// then every collectEvery, until ctx ends.
func (inst *Instance) collectLeftovers(ctx context.Context, log *slog.Logger) {
	for {
		got, err := inst.Pages.Blobs.Collect(ctx, widgets.BlobsInUse(inst.DB.R), time.Now().Add(-blobs.Grace))
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("collect leftover uploads", "error", err.Error())
		case got.Blobs+got.Temps > 0:
			log.Info("removed leftover uploads", "unreferenced_files", got.Blobs, "temporary_files", got.Temps, "bytes", got.Bytes)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(collectEvery):
		}
	}
}

// Wait blocks until the server stops on its own (a listener failure).
func (inst *Instance) Wait() <-chan error { return inst.done }

// FirstTokenRate is the rate of the API token made on first start: enough for the README's
// examples to run one after the other without meeting the limit, where the site's default (6 a
// minute, as Papyrs) would stop them at the seventh.
const FirstTokenRate = "100/60s"

// greet prints where the wiki is and how to get in; on a site without an owner it first makes
// the owner account and a first API token, which are shown only this once.
func greet(ctx context.Context, site *Site, url string, out io.Writer) error {
	var owners int
	if err := site.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE is_owner AND deleted_at IS NULL`).Scan(&owners); err != nil {
		return fmt.Errorf("count owners: %w", err)
	}
	fmt.Fprintf(out, "Quire is running at %s/\nData directory: %s\n", url, site.Config.Data)
	if site.Config.SMTPURL != "" && !site.Config.baseURLForced {
		fmt.Fprintf(out, "Warning: mail is sent but --base-url (QUIRE_BASE_URL) is not set, so links in mail point at %s.\n", url)
	}
	if owners > 0 {
		fmt.Fprintf(out, "Sign in with an owner account; make an API token with:\n  bin/quire token create --data %s --email EMAIL --name NAME\n",
			site.Config.Data)
		return nil
	}
	password := randomPassword()
	owner, err := site.People.CreateUser(ctx, people.NewUser{Email: site.Config.OwnerEmail, Name: "Site Owner",
		Password: password, Owner: true})
	if err != nil {
		return fmt.Errorf("create the owner account: %w", err)
	}
	home, err := site.People.DefaultSubsite(ctx, site.DB.R)
	if err == nil {
		_, err = site.People.AddToSubsite(ctx, home, owner.ID, people.RoleAdmin)
	}
	if err != nil {
		return fmt.Errorf("create the owner account: %w", err)
	}
	secret, _, err := site.People.CreateToken(ctx, people.NewToken{UserID: owner.ID, Name: "first token", CreatedBy: owner.ID,
		Rate: FirstTokenRate})
	if err != nil {
		return fmt.Errorf("create the first API token: %w", err)
	}
	fmt.Fprintf(out, `
First start: an owner account was made. Keep these; they are not shown again.
  Owner login:  %s
  Password:     %s
  API token:    %s  (rate %s, enough for the README's examples; later tokens get --rate, %s)

Sign in with a browser at %s/login, or try the API:
  curl -H "X-Auth-Token: %s" %s/api/v1/pages/all/
`, owner.Email, password, secret, FirstTokenRate, site.Config.Rate, url, secret, url)
	return nil
}

func randomPassword() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

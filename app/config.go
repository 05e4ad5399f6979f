package app

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"quire/app/cors"
	"quire/people"
)

// Config is the configuration of a Quire process, read once from flags and QUIRE_* variables.
type Config struct {
	Addr         string        // listen address
	Data         string        // data directory: the database and uploaded files
	BaseURL      string        // absolute URL of the site, without a trailing slash
	SMTPURL      string        // smtp://user:pass@host:port; empty keeps mail in the outbox
	MailFrom     string        // sender address of Quire's mail
	MailPoll     time.Duration // how often the mailer looks for mail to send
	Rate         string        // default API rate per token, "N/DURATION"
	SessionRate  string        // rate of each signed-in person's browser, "N/DURATION"
	MaxUploadMB  int64         // largest upload accepted
	AnswerMemMB  int64         // memory that large answers, being built or waiting for their clients, may hold at once
	OwnerEmail   string        // the owner account made on first start
	PasswordCost int           // bcrypt work factor of new password hashes
	// HooksAllowPrivate lets hooks reach loopback, private, link-local and metadata addresses.
	HooksAllowPrivate bool
	HooksPoll         time.Duration // how often due hook deliveries are sent
	HooksRetry        time.Duration // the wait before a failed delivery's first retry, doubling
	CORSOrigins       []string      // origins whose scripts may call the API (package cors); none by default
	rate              people.Rate
	sessionRate       people.Rate
	baseURLForced     bool
	// lockNotice, when set (by the CLI), is told when a write waits for the database's write
	// lock held by another process, and the write waits longer (see lockWaiter).
	lockNotice io.Writer
}

// configVar is one setting: its flag name, environment variable, default and help; the help's
// back-quoted word names the flag's value in the command line help.
type configVar struct{ flag, env, def, help string }

// configVars lists every setting: flag name, environment variable, default, help. The README's
// configuration table is this list.
var configVars = []configVar{
	{"addr", "QUIRE_ADDR", "127.0.0.1:8080", "listen on `HOST:PORT`"},
	{"data", "QUIRE_DATA", "./data", "keep the database and uploaded files in `DIR`"},
	{"base-url", "QUIRE_BASE_URL", "", "the site's public `URL`, used in links and mail (default http://ADDR)"},
	{"smtp-url", "QUIRE_SMTP_URL", "", "send mail through the SMTP server at `URL`, such as smtp://user:pass@host:587 (default: mail waits in the outbox)"},
	{"mail-from", "QUIRE_MAIL_FROM", "", "send Quire's mail from `ADDRESS` (default quire@HOST of the base URL)"},
	{"mail-poll", "QUIRE_MAIL_POLL", "5s", "send mail and notifications every `DURATION`"},
	{"rate", "QUIRE_RATE", "6/60s", "let each API token make `N/DURATION` requests unless it has its own rate"},
	{"session-rate", "QUIRE_SESSION_RATE", "600/60s", "let each signed-in person's browser make `N/DURATION` web page requests, and as many API requests"},
	{"max-upload-mb", "QUIRE_MAX_UPLOAD_MB", "100", "refuse uploads larger than `MB` megabytes"},
	{"answer-memory-mb", "QUIRE_ANSWER_MEMORY_MB", "256", "let large answers, being built or waiting for slow clients, hold at most `MB` megabytes at once"},
	{"owner-email", "QUIRE_OWNER_EMAIL", "owner@example.com", "make the owner account with `EMAIL` on first start"},
	{"cors-origins", "QUIRE_CORS_ORIGINS", "", "let scripts on the comma-separated `ORIGINS` (https://host[:port]) call the API with a token (default none)"},
	{"password-cost", "QUIRE_PASSWORD_COST", "10", "hash new passwords with bcrypt work factor `N`, 4 to 15; each step doubles the time of a sign-in"},
	{"hooks-allow-private", "QUIRE_HOOKS_ALLOW_PRIVATE", "", "let hooks send to loopback, private, link-local and metadata addresses if `BOOL` is true; they are refused otherwise, against server-side request forgery"},
	{"hooks-poll", "QUIRE_HOOKS_POLL", "1s", "send due hook deliveries every `DURATION`"},
	{"hooks-retry", "QUIRE_HOOKS_RETRY", "30s", "retry a failed hook delivery after `DURATION`, doubling up to an hour, for 24 hours"},
}

// bindConfig defines flags on fs for the named settings (every setting when none is named), with
// defaults from env; the other settings take their value from env or their default.
func bindConfig(fs *flag.FlagSet, env map[string]string, only ...string) map[string]*string {
	vals := map[string]*string{}
	for _, v := range configVars {
		def := v.def
		if e, ok := env[v.env]; ok && e != "" {
			def = e
		}
		if len(only) == 0 || slices.Contains(only, v.flag) {
			vals[v.flag] = fs.String(v.flag, def, v.help)
		} else {
			vals[v.flag] = &def
		}
	}
	return vals
}

// buildConfig checks the bound values and makes the Config.
func buildConfig(vals map[string]*string) (Config, error) {
	cfg := Config{
		Addr: *vals["addr"], Data: *vals["data"], BaseURL: strings.TrimRight(*vals["base-url"], "/"),
		SMTPURL: *vals["smtp-url"], Rate: *vals["rate"], SessionRate: *vals["session-rate"], OwnerEmail: *vals["owner-email"],
	}
	var err error
	if cfg.rate, err = people.ParseRate(cfg.Rate); err != nil {
		return cfg, fmt.Errorf("--rate: %w", err)
	}
	if cfg.sessionRate, err = people.ParseRate(cfg.SessionRate); err != nil {
		return cfg, fmt.Errorf("--session-rate: %w", err)
	}
	if cfg.MaxUploadMB, err = strconv.ParseInt(*vals["max-upload-mb"], 10, 64); err != nil || cfg.MaxUploadMB < 1 {
		return cfg, fmt.Errorf("--max-upload-mb must be a whole number of megabytes, at least 1")
	}
	if cfg.PasswordCost, err = strconv.Atoi(*vals["password-cost"]); err != nil || cfg.PasswordCost < 4 || cfg.PasswordCost > 15 {
		return cfg, fmt.Errorf("--password-cost must be a whole number from 4 to 15")
	}
	if cfg.AnswerMemMB, err = strconv.ParseInt(*vals["answer-memory-mb"], 10, 64); err != nil || cfg.AnswerMemMB < 1 {
		return cfg, fmt.Errorf("--answer-memory-mb must be a whole number of megabytes, at least 1")
	}
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		return cfg, fmt.Errorf("--addr %q must be host:port, such as 127.0.0.1:8080", cfg.Addr)
	}
	if cfg.Data == "" {
		return cfg, fmt.Errorf("--data must name a directory")
	}
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return cfg, fmt.Errorf("--base-url %q must be an absolute http(s) URL", cfg.BaseURL)
		}
		cfg.baseURLForced = true
	} else {
		cfg.BaseURL = "http://" + cfg.Addr
	}
	if cfg.MailPoll, err = time.ParseDuration(*vals["mail-poll"]); err != nil || cfg.MailPoll <= 0 {
		return cfg, fmt.Errorf("--mail-poll must be a duration such as 5s")
	}
	if v := *vals["hooks-allow-private"]; v != "" { // empty: false
		if cfg.HooksAllowPrivate, err = strconv.ParseBool(v); err != nil {
			return cfg, fmt.Errorf("--hooks-allow-private must be true or false")
		}
	}
	if cfg.HooksPoll, err = time.ParseDuration(*vals["hooks-poll"]); err != nil || cfg.HooksPoll <= 0 {
		return cfg, fmt.Errorf("--hooks-poll must be a duration such as 1s")
	}
	if cfg.HooksRetry, err = time.ParseDuration(*vals["hooks-retry"]); err != nil || cfg.HooksRetry <= 0 {
		return cfg, fmt.Errorf("--hooks-retry must be a duration such as 30s")
	}
	cfg.MailFrom = strings.TrimSpace(*vals["mail-from"])
	if cfg.MailFrom == "" {
		host := "localhost"
		if u, err := url.Parse(cfg.BaseURL); err == nil && u.Hostname() != "" && strings.Contains(u.Hostname(), ".") && net.ParseIP(u.Hostname()) == nil {
			host = u.Hostname()
		}
		cfg.MailFrom = "quire@" + host
	}
	if _, err := people.NormalizeEmail("mail-from", cfg.MailFrom); err != nil {
		return cfg, fmt.Errorf("--mail-from %q must be an email address", cfg.MailFrom)
	}
	if cfg.CORSOrigins, err = cors.ParseOrigins(*vals["cors-origins"]); err != nil {
		return cfg, fmt.Errorf("--cors-origins: %w", err)
	}
	if cfg.SMTPURL != "" {
		if u, err := url.Parse(cfg.SMTPURL); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
			return cfg, fmt.Errorf("--smtp-url must look like smtp://user:password@host:587")
		}
	}
	return cfg, nil
}

// ConfigFromEnv builds a Config from QUIRE_* variables alone, as a server started without flags
// would have it.
func ConfigFromEnv(env map[string]string) (Config, error) {
	fs := flag.NewFlagSet("env", flag.ContinueOnError)
	return buildConfig(bindConfig(fs, env))
}

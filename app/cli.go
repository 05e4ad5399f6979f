package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"quire/people"
)

// command is one CLI command: its words ("token create"), what it does, and its run function.
type command struct {
	words string
	args  string
	help  string
	run   func(ctx context.Context, cl *cli, args []string) error
}

// cli carries a run's environment and output streams.
type cli struct {
	env    map[string]string
	stdout io.Writer
	stderr io.Writer
}

var commands = []command{
	{"serve", "[--addr ADDR] [--data DIR] [--base-url URL] [--rate N/DURATION] ...", "Start the wiki (the default command).", runServe},
	{"user create", "--email EMAIL --name NAME [--password PASSWORD] [--owner]", "Add a person to the site; without --password one is made and printed.", runUserCreate},
	{"token create", "--email EMAIL --name NAME [--rate N/DURATION] [--scopes read,write,people,admin] [--expires 90d]", "Make an API token for a person; the token is the last line printed.", runTokenCreate},
	{"token revoke", "--id ID | --token TOKEN", "Revoke an API token; it stops working at once.", runTokenRevoke},
	{"token list", "[--email EMAIL]", "List API tokens (prefix, name, scopes, last use), never their secrets.", runTokenList},
	{"backup", "FILE.tar | FILE.db", "Write a consistent backup while the wiki runs: the database and its uploaded files (a tar archive), or the database alone (.db).", runBackup},
	{"help", "[COMMAND]", "Show this help, or one command's flags.", nil},
}

// Main runs the quire command line and returns the exit code.
func Main(args []string, environ []string) int {
	env := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, args[1:], env, os.Stdout, os.Stderr)
}

// Run runs one quire command (args without the program name) with the given environment and
// output streams, and returns the exit code. Main calls it; tests call it directly.
func Run(ctx context.Context, args []string, env map[string]string, stdout, stderr io.Writer) int {
	cl := &cli{env: env, stdout: stdout, stderr: stderr}
	return cl.main(ctx, args)
}

func (cl *cli) main(ctx context.Context, args []string) int {
	cmd, rest := findCommand(args)
	if cmd == nil || cmd.run == nil {
		if cmd == nil && len(args) > 0 && !strings.HasPrefix(args[0], "-") {
			fmt.Fprintf(cl.stderr, "quire: unknown command %q\n\n", strings.Join(args, " "))
			cl.usage(cl.stderr)
			return 2
		}
		if cmd != nil { // help
			if len(rest) > 0 {
				if c, _ := findCommand(rest); c != nil && c.run != nil {
					fmt.Fprintf(cl.stdout, "quire %s %s\n  %s\n", c.words, c.args, c.help)
					return 0
				}
			}
			cl.usage(cl.stdout)
			return 0
		}
		cmd, rest = &commands[0], args // flags alone: serve
	}
	if err := cmd.run(ctx, cl, rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(cl.stderr, "quire %s: %v\n", cmd.words, err)
		return 1
	}
	return 0
}

func findCommand(args []string) (*command, []string) {
	for i := range commands {
		words := strings.Fields(commands[i].words)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == commands[i].words {
			return &commands[i], args[len(words):]
		}
	}
	return nil, args
}

func (cl *cli) usage(w io.Writer) {
	fmt.Fprintln(w, "Quire, an intranet wiki. Usage: quire COMMAND [FLAGS]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-13s %s\n", c.words, c.help)
	}
	fmt.Fprintln(w, "\nEvery command takes --data DIR (default ./data, or QUIRE_DATA); an empty data directory")
	fmt.Fprintln(w, "is initialised first. 'quire help COMMAND' shows a command's flags.")
}

// flags makes a flag set for a command with the configuration flags it uses ("data" for most).
func (cl *cli) flags(name string, configFlags ...string) (*flag.FlagSet, func() (Config, error)) {
	fs := flag.NewFlagSet("quire "+name, flag.ContinueOnError)
	fs.SetOutput(cl.stderr)
	vals := bindConfig(fs, cl.env, configFlags...)
	return fs, func() (Config, error) {
		cfg, err := buildConfig(vals)
		cfg.lockNotice = cl.stderr // a command says what it waits for
		return cfg, err
	}
}

// openSite parses fs and opens the configured site.
func (cl *cli) openSite(ctx context.Context, fs *flag.FlagSet, args []string, config func() (Config, error)) (*Site, error) {
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	cfg, err := config()
	if err != nil {
		return nil, err
	}
	return OpenSite(ctx, cfg)
}

func runServe(ctx context.Context, cl *cli, args []string) error {
	fs, config := cl.flags("serve")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config()
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(cl.stderr, nil))
	inst, err := Start(ctx, cfg, cl.stdout, log)
	if err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		fmt.Fprintln(cl.stdout, "Stopping: letting requests in flight finish...")
	case err := <-inst.Wait():
		inst.Site.Close()
		return err
	}
	if err := inst.Stop(); err != nil {
		return err
	}
	fmt.Fprintln(cl.stdout, "Stopped; the database is closed cleanly.")
	return nil
}

func runUserCreate(ctx context.Context, cl *cli, args []string) error {
	fs, config := cl.flags("user create", "data")
	email := fs.String("email", "", "the person's email address (required)")
	name := fs.String("name", "", "the person's full name (required)")
	password := fs.String("password", "", "their password (default: a random one, printed)")
	owner := fs.Bool("owner", false, "make them a site owner")
	site, err := cl.openSite(ctx, fs, args, config)
	if err != nil {
		return err
	}
	defer site.Close()
	if *email == "" || *name == "" {
		return errors.New("--email and --name are required")
	}
	made := ""
	if *password == "" {
		*password, made = randomPassword(), " (generated)"
	}
	u, err := site.People.CreateUser(ctx, people.NewUser{Email: *email, Name: *name, Password: *password, Owner: *owner})
	if err != nil {
		return err
	}
	kind := "person"
	if u.IsOwner {
		kind = "owner"
	}
	fmt.Fprintf(cl.stdout, "Created %s %d: %s <%s>\nPassword%s: %s\n", kind, u.ID, u.Name, u.Email, made, *password)
	return nil
}

// parseExpiry reads a lifetime such as 90d, 12h or 30m.
func parseExpiry(s string, now time.Time) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	d, err := time.ParseDuration(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, convErr := strconv.Atoi(days)
		d, err = time.Duration(n)*24*time.Hour, convErr
	}
	if err != nil || d <= 0 {
		return nil, fmt.Errorf("--expires %q must be a lifetime such as 90d, 12h or 30m", s)
	}
	t := now.Add(d)
	return &t, nil
}

func runTokenCreate(ctx context.Context, cl *cli, args []string) error {
	fs, config := cl.flags("token create", "data")
	email := fs.String("email", "", "whose token it is (required)")
	name := fs.String("name", "", "what the token is for, such as the script using it (required)")
	rateFlag := fs.String("rate", "", "rate limit of this token, N/DURATION such as 100/1m (default: the site's)")
	scopesFlag := fs.String("scopes", "", "comma-separated scopes among read, write, people, admin (default: all)")
	expires := fs.String("expires", "", "lifetime such as 90d (default: no expiry)")
	site, err := cl.openSite(ctx, fs, args, config)
	if err != nil {
		return err
	}
	defer site.Close()
	if *email == "" || *name == "" {
		return errors.New("--email and --name are required")
	}
	scopes, err := people.ParseScopes(*scopesFlag)
	if err != nil {
		return fmt.Errorf("--scopes: %w", err)
	}
	expiry, err := parseExpiry(*expires, site.DB.Now())
	if err != nil {
		return err
	}
	u, err := people.FindUserByEmail(ctx, site.DB.R, *email)
	if errors.Is(err, people.ErrUserNotFound) || (err == nil && u.DeletedAt != nil) {
		return fmt.Errorf("no person with the email %q on this site (add them with 'quire user create')", *email)
	}
	if err != nil {
		return err
	}
	secret, tok, err := site.People.CreateToken(ctx, people.NewToken{UserID: u.ID, Name: *name, Scopes: scopes,
		Rate: *rateFlag, ExpiresAt: expiry})
	if err != nil {
		return err
	}
	rateText := tok.Rate
	if rateText == "" {
		rateText = "site default " + site.Config.Rate
	}
	fmt.Fprintf(cl.stdout, "Token %d %q for %s; scopes %s; rate %s.\nIt is shown only now:\n%s\n",
		tok.ID, tok.Name, u.Email, strings.Join(tok.Scopes, ","), rateText, secret)
	return nil
}

func runTokenRevoke(ctx context.Context, cl *cli, args []string) error {
	fs, config := cl.flags("token revoke", "data")
	id := fs.Int64("id", 0, "the token's id, as 'token list' shows it")
	secret := fs.String("token", "", "the token itself")
	site, err := cl.openSite(ctx, fs, args, config)
	if err != nil {
		return err
	}
	defer site.Close()
	if (*id == 0) == (*secret == "") {
		return errors.New("give --id or --token (one of them)")
	}
	if *secret != "" {
		tok, err := site.People.FindTokenBySecret(ctx, *secret)
		if err != nil {
			return err
		}
		*id = tok.ID
	}
	tok, err := site.People.RevokeToken(ctx, *id)
	if err != nil {
		return err
	}
	fmt.Fprintf(cl.stdout, "Revoked token %d %q (%s...).\n", tok.ID, tok.Name, tok.Prefix)
	return nil
}

func runTokenList(ctx context.Context, cl *cli, args []string) error {
	fs, config := cl.flags("token list", "data")
	email := fs.String("email", "", "only this person's tokens")
	site, err := cl.openSite(ctx, fs, args, config)
	if err != nil {
		return err
	}
	defer site.Close()
	var userID int64
	if *email != "" {
		u, err := people.FindUserByEmail(ctx, site.DB.R, *email)
		if err != nil {
			return fmt.Errorf("no person with the email %q", *email)
		}
		userID = u.ID
	}
	list, err := site.People.ListTokens(ctx, userID, 10000)
	if err != nil {
		return err
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	fmt.Fprintf(cl.stdout, "%-5s %-6s %-12s %-24s %-22s %-10s %s\n", "ID", "USER", "PREFIX", "NAME", "SCOPES", "RATE", "STATE")
	for _, t := range list {
		state := "active"
		switch {
		case t.RevokedAt != nil:
			state = "revoked"
		case t.ExpiresAt != nil && !site.DB.Now().Before(t.ExpiresAt.Time):
			state = "expired"
		case t.LastUsedAt != nil:
			state = "used " + t.LastUsedAt.UTC().Format("2006-01-02T15:04Z")
		}
		rate := t.Rate
		if rate == "" {
			rate = "default"
		}
		fmt.Fprintf(cl.stdout, "%-5d %-6d %-12s %-24s %-22s %-10s %s\n", t.ID, t.UserID, t.Prefix+"...", t.Name,
			strings.Join(t.Scopes, ","), rate, state)
	}
	return nil
}

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
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"quire/people"
)

// command is one CLI command: its words ("token create"), its positional arguments for the
// usage line ("FILE"), what it does, and its run function. Its flags are those its run function
// defines through cli.flags, so that help shows exactly the flags the command reads.
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
	// help is set when the arguments ask for help (-h, -help or --help): the command's flag set
	// then prints its help to stdout, and the command stops at parsing.
	help bool
	// cmd is the command running; flagSet the flag set it made and settings the configuration
	// flags among them, for tests of the help text.
	cmd      *command
	flagSet  *flag.FlagSet
	settings map[string]configVar
}

var commands = []command{
	{"serve", "", "Start the wiki (the default command).", runServe},
	{"user create", "", "Add a person to the site; without --password one is made and printed.", runUserCreate},
	{"token create", "", "Make an API token for a person; the token is the last line printed.", runTokenCreate},
	{"token revoke", "", "Revoke an API token; it stops working at once.", runTokenRevoke},
	{"token list", "", "List API tokens (prefix, name, scopes, last use), never their secrets.", runTokenList},
	{"backup", "FILE.tar | FILE.db", "Write a consistent backup while the wiki runs: the database and its uploaded files (a tar archive), or the database alone (.db).", runBackup},
	{"help", "[COMMAND]", "Show this help, or the help of a command or a group of commands.", nil},
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
// output streams, and returns the exit code: 0 on success and for help, 1 when the command
// failed, 2 for a command line that names no command.
func Run(ctx context.Context, args []string, env map[string]string, stdout, stderr io.Writer) int {
	cl := &cli{env: env, stdout: stdout, stderr: stderr}
	return cl.main(ctx, args)
}

// isHelpFlag reports whether arg asks for help, as the flag package reads it.
func isHelpFlag(arg string) bool {
	return arg == "-h" || arg == "--h" || arg == "-help" || arg == "--help"
}

// wantsHelp reports whether args ask for help before a "--" that ends the flags.
func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if isHelpFlag(a) {
			return true
		}
	}
	return false
}

func (cl *cli) main(ctx context.Context, args []string) int {
	switch {
	case len(args) > 0 && isHelpFlag(args[0]):
		cl.usage(cl.stdout)
		return 0
	case len(args) > 0 && args[0] == "help":
		return cl.helpCommand(ctx, args[1:])
	}
	cmd, rest := findCommand(args)
	if cmd == nil {
		if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
			if group := groupCommands(args[0]); len(group) > 0 {
				if len(args) == 1 || wantsHelp(args[1:2]) {
					cl.groupUsage(cl.stdout, args[0], group)
					return 0
				}
				fmt.Fprintf(cl.stderr, "quire: unknown command %q\n\n", strings.Join(args, " "))
				cl.groupUsage(cl.stderr, args[0], group)
				return 2
			}
			fmt.Fprintf(cl.stderr, "quire: unknown command %q\n\n", strings.Join(args, " "))
			cl.usage(cl.stderr)
			return 2
		}
		cmd, rest = &commands[0], args // flags alone: serve
	}
	cl.cmd = cmd
	if cl.help = wantsHelp(rest); cl.help {
		rest = []string{"--help"} // help wherever it stands, even after a positional argument
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

// helpCommand answers "quire help [WORDS...]": the overview, a command's help or a group's.
// A help flag among the words asks for what help shows anyway, and is dropped; help is a
// command too, whose help is the overview, whatever follows it ("quire help help").
func (cl *cli) helpCommand(ctx context.Context, words []string) int {
	words = slices.DeleteFunc(slices.Clone(words), isHelpFlag)
	if len(words) == 0 || words[0] == "help" {
		cl.usage(cl.stdout)
		return 0
	}
	if cmd, rest := findCommand(words); cmd != nil && len(rest) == 0 {
		cl.help, cl.cmd = true, cmd
		if err := cmd.run(ctx, cl, []string{"--help"}); !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(cl.stderr, "quire help %s: the command did not show its help (%v)\n", cmd.words, err)
			return 1
		}
		return 0
	}
	if group := groupCommands(words[0]); len(group) > 0 && len(words) == 1 {
		cl.groupUsage(cl.stdout, words[0], group)
		return 0
	}
	fmt.Fprintf(cl.stderr, "quire help: unknown command %q\n\n", strings.Join(words, " "))
	cl.usage(cl.stderr)
	return 2
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

// groupCommands returns the commands whose first word is name, when they have more than one
// word ("token" groups "token create", "token list" and "token revoke").
func groupCommands(name string) []*command {
	var out []*command
	for i := range commands {
		if first, _, multi := strings.Cut(commands[i].words, " "); multi && first == name {
			out = append(out, &commands[i])
		}
	}
	return out
}

func (cl *cli) usage(w io.Writer) {
	fmt.Fprintln(w, "Quire, an intranet wiki. Usage: quire COMMAND [FLAGS]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-13s %s\n", c.words, c.help)
	}
	fmt.Fprintln(w, "\nWithout a command, quire serves the wiki (quire --addr :9000 is quire serve --addr :9000).")
	fmt.Fprintln(w, "Every command takes --data DIR (default ./data, or QUIRE_DATA); an empty data directory")
	fmt.Fprintln(w, "is initialised first. 'quire help COMMAND' or 'quire COMMAND --help' shows a command's")
	fmt.Fprintln(w, "flags, with their meaning, default and environment variable; 'quire help token' lists the")
	fmt.Fprintln(w, "token commands.")
}

// groupUsage lists the commands of a group.
func (cl *cli) groupUsage(w io.Writer, name string, group []*command) {
	fmt.Fprintf(w, "Usage: quire %s SUBCOMMAND [FLAGS]\n\nSubcommands:\n", name)
	for _, c := range group {
		fmt.Fprintf(w, "  %-13s %s\n", c.words, c.help)
	}
	fmt.Fprintf(w, "\n'quire help %s SUBCOMMAND' shows a subcommand's flags.\n", name)
}

// commandUsage writes a command's help: its usage line, what it does, and every flag of fs with
// its meaning, its default and, for the settings among them, their environment variable (envs
// gives the variables set now).
func commandUsage(w io.Writer, cmd *command, fs *flag.FlagSet, settings map[string]configVar, envs map[string]string) {
	line := "quire " + cmd.words
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		line += " [FLAGS]"
	}
	if cmd.args != "" {
		line += " " + cmd.args
	}
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", line, cmd.help)
	if n == 0 {
		return
	}
	fmt.Fprintln(w, "\nFlags:")
	fs.VisitAll(func(f *flag.Flag) {
		value, meaning := flag.UnquoteUsage(f)
		name := "--" + f.Name
		if value != "" {
			name += " " + strings.ToUpper(value)
		}
		var notes []string
		def, env := f.DefValue, ""
		if v, ok := settings[f.Name]; ok {
			def, env = v.def, v.env
		}
		if def != "" && def != "false" && def != "0" {
			notes = append(notes, "default "+def)
		}
		if env != "" {
			note := "env " + env
			if set := envs[env]; set != "" {
				note += ", now " + set
			}
			notes = append(notes, note)
		}
		if len(notes) > 0 {
			if inner, ok := strings.CutSuffix(meaning, ")"); ok && strings.Contains(inner, " (") {
				meaning = inner + "; " + strings.Join(notes, "; ") + ")"
			} else {
				meaning += " (" + strings.Join(notes, "; ") + ")"
			}
		}
		if len(name) > 22 {
			fmt.Fprintf(w, "  %s\n  %-22s %s\n", name, "", meaning)
		} else {
			fmt.Fprintf(w, "  %-22s %s\n", name, meaning)
		}
	})
}

// flags makes a flag set for a command with the configuration flags it uses ("data" for most).
// Asked for help, the flag set prints the command's help to stdout.
func (cl *cli) flags(name string, configFlags ...string) (*flag.FlagSet, func() (Config, error)) {
	fs := flag.NewFlagSet("quire "+name, flag.ContinueOnError)
	fs.SetOutput(cl.stderr)
	if cl.help {
		fs.SetOutput(cl.stdout)
	}
	cmd := cl.cmd
	settings := map[string]configVar{}
	for _, v := range configVars {
		if len(configFlags) == 0 || slices.Contains(configFlags, v.flag) {
			settings[v.flag] = v
		}
	}
	fs.Usage = func() {
		if cmd != nil {
			commandUsage(fs.Output(), cmd, fs, settings, cl.env)
		}
	}
	cl.flagSet, cl.settings = fs, settings
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
	email := fs.String("email", "", "the person's `EMAIL` address (required)")
	name := fs.String("name", "", "the person's full `NAME` (required)")
	password := fs.String("password", "", "their `PASSWORD`, at least 8 characters (default: a random one, printed)")
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
	email := fs.String("email", "", "the `EMAIL` of the person whose token it is (required)")
	name := fs.String("name", "", "a `NAME` saying what the token is for, such as the script using it (required)")
	rateFlag := fs.String("rate", "", "let this token make `N/DURATION` requests, such as 100/1m (default: the site's --rate)")
	scopesFlag := fs.String("scopes", "", "narrow the token to `SCOPES`, comma-separated: pages:read, pages:write, records:read, records:write, comments:write, people:read, people:write, subsites:admin, hooks:write, or the groups read and write (default: every scope)")
	expires := fs.String("expires", "", "let the token expire after `DURATION`, such as 90d, 12h or 30m (default: never)")
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
	id := fs.Int64("id", 0, "revoke the token with this `ID`, as 'token list' shows it (this or --token)")
	secret := fs.String("token", "", "revoke `TOKEN`, the token itself: qt_... (this or --id)")
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
	email := fs.String("email", "", "list only the tokens of the person with this `EMAIL` (default: everyone's)")
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

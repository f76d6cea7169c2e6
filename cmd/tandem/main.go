// Command tandem runs Tandem: the web UI, the JSON API and the workers in
// one binary, plus the admin commands. Wiring only; the work is in internal/.
package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/demo"
	"tandem/internal/fault"
	"tandem/internal/httpauth"
	"tandem/internal/jobs"
	"tandem/internal/mail"
	"tandem/internal/server"
	"tandem/internal/store"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// usageError is a mistake on the command line: exit code 2. Its message
// is one line; an empty one has been explained already.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return // --help printed what was asked for
	}
	var ue usageError
	if errors.As(err, &ue) {
		if ue.msg != "" {
			fmt.Fprintln(os.Stderr, "tandem:", ue.msg)
		}
		os.Exit(2)
	}
	fmt.Fprintln(os.Stderr, "tandem:", err)
	os.Exit(1)
}

// commands are what tandem does, in the order the usage lists them.
var commands = []struct{ name, about string }{
	{"serve", "run the web UI, the API and the workers"},
	{"migrate", "bring the database schema up to date"},
	{"user add", "add a user"},
	{"token create", "create an API token for a user"},
	{"clv fit", "fit the BG/NBD and Gamma-Gamma models to a transaction log"},
	{"clv predict", "predict purchases, spend and lifetime value per customer"},
	{"survey-keys rotate", "add a new key that signs survey links (old links keep working)"},
	{"backup", "copy the SQLite database to a new file while Tandem runs"},
	{"bench", "measure a fresh server under load (--scale small|medium|large, --json)"},
	{"version", "print the version"},
}

func usage() string {
	var b strings.Builder
	b.WriteString("usage: tandem COMMAND [flags]\n\ncommands:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-20s %s\n", c.name, c.about)
	}
	b.WriteString("\nRun \"tandem COMMAND --help\" for the flags of a command.")
	return b.String()
}

func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "help"
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage())
		return usageError{}
	}
	cmd, rest := args[0], args[1:]
	if isHelp(cmd) {
		if cmd == "help" && len(rest) > 0 { // tandem help serve
			return run(ctx, append(slices.Clone(rest), "--help"), stdin, stdout, stderr)
		}
		fmt.Fprintln(stdout, usage())
		return nil
	}
	if cmd == "user" || cmd == "token" || cmd == "clv" || cmd == "survey-keys" {
		if len(rest) == 0 || isHelp(rest[0]) {
			var subs []string
			for _, c := range commands {
				if strings.HasPrefix(c.name, cmd+" ") {
					subs = append(subs, "tandem "+c.name)
				}
			}
			if len(rest) > 0 {
				fmt.Fprintln(stdout, usage())
				return nil
			}
			return usageError{fmt.Sprintf("%q needs a command: %s; see tandem --help", cmd, strings.Join(subs, " or "))}
		}
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, rest, stdout, stderr)
	case "migrate":
		return migrate(ctx, rest, stdout)
	case "user add":
		return userAdd(ctx, rest, stdin, stdout)
	case "token create":
		return tokenCreate(ctx, rest, stdout)
	case "clv fit":
		return clvFit(rest, stdout)
	case "clv predict":
		return clvPredict(rest, stdout)
	case "survey-keys rotate":
		return surveyKeysRotate(ctx, rest, stdout)
	case "backup":
		return backup(ctx, rest, stdout)
	case "bench":
		return bench(ctx, rest, stdout, stderr)
	case "version", "--version", "-v":
		if err := parse(newFlagSet("version", stdout), rest); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "tandem %s (%s)\n", version, runtime.Version())
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q; see tandem --help", cmd)}
}

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// dbFlags are the flags of every command that touches data.
type dbFlags struct{ data, db string }

// newFlagSet is the flag set of a command. Its --help goes to stdout;
// parse reports every other mistake itself, in one line.
func newFlagSet(name string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("tandem "+name, flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {}
	return fs
}

func newFlags(name string, stdout io.Writer) (*flag.FlagSet, *dbFlags) {
	fs := newFlagSet(name, stdout)
	d := &dbFlags{}
	fs.StringVar(&d.data, "data", env("TANDEM_DATA", "./tandem-data"), "directory of the embedded SQLite database (env TANDEM_DATA)")
	fs.StringVar(&d.db, "db", env("TANDEM_DB", ""), "PostgreSQL URL, postgres://… (env TANDEM_DB); overrides --data")
	return fs, d
}

// parse reads a command's flags, one way for every command: --help prints
// the command's usage and returns flag.ErrHelp (exit 0); a mistake is one
// line naming it and the command's --help (exit 2).
func parse(fs *flag.FlagSet, args []string) error {
	out := fs.Output()
	fs.SetOutput(io.Discard) // the flag package would print the mistake and the whole usage
	err := fs.Parse(args)
	fs.SetOutput(out)
	switch {
	case errors.Is(err, flag.ErrHelp):
		printHelp(fs)
		return flag.ErrHelp
	case err != nil:
		return usageError{flagMistake(err) + "; see " + fs.Name() + " --help"}
	case fs.NArg() > 0:
		return usageError{fmt.Sprintf("unexpected argument %q; see %s --help", fs.Arg(0), fs.Name())}
	}
	return nil
}

// printHelp prints a command's usage and flags to the flag set's output.
func printHelp(fs *flag.FlagSet) {
	w := fs.Output()
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprintf(w, "usage: %s [flags]\n", fs.Name())
	} else {
		fmt.Fprintf(w, "usage: %s\n", fs.Name())
	}
	for _, c := range commands {
		if "tandem "+c.name == fs.Name() {
			fmt.Fprintf(w, "\n%s\n", c.about)
		}
	}
	if n > 0 {
		fmt.Fprintln(w, "\nflags:")
	}
	fs.VisitAll(func(f *flag.Flag) {
		kind, about := flag.UnquoteUsage(f)
		fmt.Fprintf(w, "  --%s", f.Name)
		if kind != "" {
			fmt.Fprintf(w, " %s", kind)
		}
		fmt.Fprintf(w, "\n    \t%s", strings.ReplaceAll(about, "\n", "\n    \t"))
		switch {
		case f.DefValue == "" || f.DefValue == "false" || f.DefValue == "0" || f.DefValue == "0s":
		case kind == "string":
			fmt.Fprintf(w, " (default %q)", f.DefValue)
		default:
			fmt.Fprintf(w, " (default %s)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
}

// flagMistake says what the flag package found wrong, naming flags as
// --name like the documentation does.
func flagMistake(err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return "unknown flag --" + name
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return "--" + name + " needs a value"
	}
	if strings.Contains(msg, " for flag -") { // invalid value "x" for flag -n: …
		return strings.Replace(msg, " for flag -", " for --", 1)
	}
	return strings.Replace(msg, " for -", " for --", 1) // invalid boolean value "x" for -b: …
}

func (d *dbFlags) open(ctx context.Context) (*store.Store, error) {
	return store.Open(ctx, d.data, d.db)
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, d := newFlags("serve", stdout)
	addr := fs.String("addr", env("TANDEM_ADDR", "127.0.0.1:8080"), "address to listen on (env TANDEM_ADDR)")
	withDemo := fs.Bool("demo", false, "fill an empty database with a demo book")
	region := fs.String("region", env("TANDEM_REGION", "US"), "country whose phone numbers may be written without a country code (env TANDEM_REGION)")
	verbose := fs.Bool("verbose", false, "log every request")
	zone := fs.String("time-zone", env("TANDEM_TIME_ZONE", "UTC"), "time zone of the default service calendar, e.g. Europe/Berlin (env TANDEM_TIME_ZONE)")
	trusted := fs.String("trusted-proxy", env("TANDEM_TRUSTED_PROXY", ""), "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto to believe (env TANDEM_TRUSTED_PROXY)")
	tlsCert := fs.String("tls-cert", env("TANDEM_TLS_CERT", ""), "TLS certificate file, to serve HTTPS directly (with --tls-key)")
	tlsKey := fs.String("tls-key", env("TANDEM_TLS_KEY", ""), "TLS private key file")
	smtpURL := fs.String("smtp", env("TANDEM_SMTP", ""), "SMTP server to send email through, smtp://user:password@host:587 or smtps://host:465; without it no email is sent (env TANDEM_SMTP)")
	mailFrom := fs.String("mail-from", env("TANDEM_MAIL_FROM", ""), "the address email comes from (env TANDEM_MAIL_FROM)")
	publicURL := fs.String("public-url", env("TANDEM_PUBLIC_URL", ""), "the address people reach Tandem at, for links in email; default http://ADDR (env TANDEM_PUBLIC_URL)")
	if err := parse(fs, args); err != nil {
		return err
	}
	var mailer *mail.Sender
	if *smtpURL != "" {
		var err error
		if mailer, err = mail.New(*smtpURL, *mailFrom); err != nil {
			return usageError{"--smtp: " + err.Error()}
		}
		if *publicURL == "" {
			*publicURL = "http://" + *addr
		}
		if u, err := url.Parse(*publicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usageError{fmt.Sprintf("--public-url %q is not an http(s) address", *publicURL)}
		}
	}
	proxies, err := parseProxies(*trusted)
	if err != nil {
		return usageError{err.Error()}
	}
	loc, err := time.LoadLocation(*zone)
	if err != nil {
		return usageError{fmt.Sprintf("--time-zone %q is not a time zone; use a name such as Europe/Berlin", *zone)}
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return usageError{"--tls-cert and --tls-key go together"}
	}
	var tlsConfig *tls.Config
	if *tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(*tlsCert, *tlsKey)
		if err != nil {
			return fmt.Errorf("--tls-cert and --tls-key: %w", err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	// The port first: a taken one is said at once, before anything slow,
	// and "tandem is running" below is true when it is logged.
	l, err := listen(*addr)
	if err != nil {
		return err
	}
	defer l.Close()
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	st, err := d.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	opts := []app.Option{app.WithRegion(strings.ToUpper(*region)), app.WithLogger(log), app.WithTimeZone(loc)}
	if mailer != nil {
		opts = append(opts, app.WithEmail(*publicURL))
	} else {
		log.Info("email is off: start with --smtp and --mail-from to send notifications and resolution requests")
	}
	a := app.New(st, opts...)
	if *withDemo {
		start := time.Now()
		res, err := demo.Load(ctx, a, 300)
		if err != nil {
			return fmt.Errorf("loading the demo book: %w", err)
		}
		if res.Loaded {
			log.Info("demo book loaded", "accounts", res.Accounts, "contacts", res.Contacts, "interactions", res.Interactions, "took", time.Since(start).Round(time.Millisecond))
		} else {
			log.Info("the database already holds data; the demo book was not loaded")
		}
	}
	cfg := jobs.Config{Workers: 10, Log: log, Verbose: *verbose}
	if mailer != nil {
		cfg.Mailer = mailer
	}
	queue, err := jobs.New(ctx, st, a, cfg)
	if err != nil {
		return err
	}
	if err := queue.Start(ctx); err != nil {
		return fmt.Errorf("starting the job queue: %w", err)
	}
	if err := a.CatchUpSLA(ctx); err != nil {
		log.Warn("catching up on SLA moments that passed", "err", err)
	}
	if err := a.CatchUpPromises(ctx); err != nil {
		log.Warn("catching up on promise moments that passed", "err", err)
	}
	srv := &http.Server{Handler: server.New(a, log, server.Options{Auth: httpauth.Options{TrustedProxies: proxies}}), ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute, TLSConfig: tlsConfig}
	errc := make(chan error, 1)
	scheme := "http"
	go func() {
		if tlsConfig != nil {
			errc <- srv.ServeTLS(l, "", "")
			return
		}
		errc <- srv.Serve(l)
	}()
	if tlsConfig != nil {
		scheme = "https"
	}
	where := shownAddr(*addr, l.Addr())
	log.Info("tandem is running", "url", scheme+"://"+where, "database", st.Engine(), "version", version)
	if *withDemo {
		fmt.Fprintf(stdout, "\nOpen %s://%s and sign in as sam@example.com or sue@example.com (sales), val@example.com (service),\nmia@example.com (manager) or ada@example.com (admin), password %s\n\n", scheme, where, demo.Password)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return errors.Join(srv.Shutdown(shutdownCtx), queue.Stop(shutdownCtx))
}

// listen takes the address serve listens on. A mistake is one line that
// says how to choose another address.
func listen(addr string) (net.Listener, error) {
	l, err := net.Listen("tcp", addr)
	if err == nil {
		return l, nil
	}
	var addrErr *net.AddrError
	if errors.As(err, &addrErr) {
		return nil, usageError{fmt.Sprintf("--addr %q: %s; use HOST:PORT, e.g. 127.0.0.1:8080", addr, addrErr.Err)}
	}
	hint := "choose another address with --addr"
	if host, port, err := net.SplitHostPort(addr); err == nil {
		if p, err := strconv.Atoi(port); err == nil && p > 0 && p < 65535 {
			hint += ", e.g. --addr " + net.JoinHostPort(host, strconv.Itoa(p+1))
		}
	}
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("%s is already in use (is Tandem already running?); %s", addr, hint)
	}
	cause := err
	var op *net.OpError
	if errors.As(err, &op) {
		cause = op.Err
		var sys *os.SyscallError
		if errors.As(cause, &sys) {
			cause = sys.Err
		}
	}
	return nil, fmt.Errorf("cannot listen on %s: %v; %s", addr, cause, hint)
}

// shownAddr is where a person reaches a server asked to listen on addr
// and listening on got: the port is the one taken (for port 0), the host
// the one asked for, or localhost for all interfaces.
func shownAddr(addr string, got net.Addr) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return got.String()
	}
	_, port, err := net.SplitHostPort(got.String())
	if err != nil {
		return got.String()
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// parseProxies reads "10.0.0.1,192.168.0.0/16" into prefixes.
func parseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if p, err := netip.ParsePrefix(part); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxy: %q is neither an address nor a CIDR", part)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

func migrate(ctx context.Context, args []string, stdout io.Writer) error {
	fs, d := newFlags("migrate", stdout)
	if err := parse(fs, args); err != nil {
		return err
	}
	st, err := d.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(stdout, "the %s database is up to date\n", st.Engine())
	return nil
}

func backup(ctx context.Context, args []string, stdout io.Writer) error {
	fs, d := newFlags("backup", stdout)
	to := fs.String("to", "", "the new file to write the copy to (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *to == "" {
		return usageError{"--to is required: the new file to write the copy to"}
	}
	if d.db != "" {
		return usageError{"backup copies the embedded SQLite database; back up PostgreSQL with pg_dump"}
	}
	size, err := store.Backup(ctx, d.data, *to)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s (%s, checked)\n", d.data, *to, megabytes(size))
	return nil
}

func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

func userAdd(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fs, d := newFlags("user add", stdout)
	email := fs.String("email", "", "the user's email (required)")
	name := fs.String("name", "", "the user's name (required)")
	role := fs.String("role", "", "admin, manager, sales or service (required)")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *email == "" || *name == "" || *role == "" {
		return usageError{"--email, --name and --role are required"}
	}
	if _, ok := access.ParseRole(*role); !ok {
		return usageError{fmt.Sprintf("unknown role %q: use admin, manager, sales or service", *role)}
	}
	pw := ""
	if *pwStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		pw = strings.TrimRight(line, "\r\n")
		if pw == "" {
			return usageError{"--password-stdin: standard input held no password"}
		}
	}
	st, err := d.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	u, generated, err := app.New(st).AddUser(ctx, access.System, app.NewUser{Email: *email, Name: *name, Role: *role, Password: pw})
	if err != nil {
		return cliError(err)
	}
	fmt.Fprintf(stdout, "added %s <%s> as %s\n", u.Name, u.Email, u.Role)
	if pw == "" {
		fmt.Fprintf(stdout, "password (shown once): %s\n", generated)
	}
	return nil
}

func tokenCreate(ctx context.Context, args []string, stdout io.Writer) error {
	fs, d := newFlags("token create", stdout)
	email := fs.String("email", "", "the user the token acts as (required)")
	label := fs.String("name", "CLI token", "a label to recognise the token by")
	scope := fs.String("scope", "write", "read, write or admin")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *email == "" {
		return usageError{"--email is required"}
	}
	if _, ok := access.ParseScope(*scope); !ok {
		return usageError{fmt.Sprintf("unknown scope %q: use read, write or admin", *scope)}
	}
	st, err := d.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	a := app.New(st)
	u, err := a.UserByEmail(ctx, *email)
	if err != nil {
		return cliError(err)
	}
	t, secret, err := a.CreateToken(ctx, access.System, app.NewToken{UserID: u.ID, Label: *label, Scope: *scope})
	if err != nil {
		return cliError(err)
	}
	fmt.Fprintf(stdout, "token %q for %s, scope %s (shown once):\n%s\n", t.Label, u.Email, t.Scope, secret)
	return nil
}

// surveyKeysRotate adds a new key that signs survey links from now on;
// the older keys keep verifying, so links already sent keep working.
func surveyKeysRotate(ctx context.Context, args []string, stdout io.Writer) error {
	fs, d := newFlags("survey-keys rotate", stdout)
	if err := parse(fs, args); err != nil {
		return err
	}
	st, err := d.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	id, err := app.New(st).RotateSurveyKeys(ctx, access.System)
	if err != nil {
		return cliError(err)
	}
	fmt.Fprintf(stdout, "survey links are signed with key %s from now on; links already sent keep working\n", id)
	return nil
}

// cliError turns an app error into one readable line.
func cliError(err error) error {
	if e, ok := fault.As(err); ok {
		if e.Kind == fault.Invalid {
			return usageError{e.Error()}
		}
		return errors.New(e.Error())
	}
	return err
}

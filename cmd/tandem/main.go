// Command tandem runs Tandem: the web UI, the JSON API and the workers in
// one binary, plus the admin commands. Wiring only; the work is in internal/.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"runtime"
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

// usageError is a mistake on the command line: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	if err == nil {
		return
	}
	fmt.Fprintln(os.Stderr, "tandem:", err)
	var ue usageError
	if errors.As(err, &ue) || errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	}
	os.Exit(1)
}

const usage = `usage: tandem COMMAND [flags]

commands:
  serve          run the web UI, the API and the workers
  migrate        bring the database schema up to date
  user add       add a user
  token create   create an API token for a user
  clv fit        fit the BG/NBD and Gamma-Gamma models to a transaction log
  clv predict    predict purchases, spend and lifetime value per customer
  backup         copy the SQLite database to a new file while Tandem runs
  bench          measure a fresh server under load (--scale small|medium|large, --json)
  version        print the version

Run "tandem COMMAND -h" for the flags of a command.`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{usage}
	}
	cmd, rest := args[0], args[1:]
	if (cmd == "user" || cmd == "token" || cmd == "clv") && len(rest) > 0 {
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, rest, stdout, stderr)
	case "migrate":
		return migrate(ctx, rest, stdout, stderr)
	case "user add":
		return userAdd(ctx, rest, stdin, stdout, stderr)
	case "token create":
		return tokenCreate(ctx, rest, stdout, stderr)
	case "clv fit":
		return clvFit(rest, stdout, stderr)
	case "clv predict":
		return clvPredict(rest, stdout, stderr)
	case "backup":
		return backup(ctx, rest, stdout, stderr)
	case "bench":
		return bench(ctx, rest, stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintf(stdout, "tandem %s (%s)\n", version, runtime.Version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q\n%s", cmd, usage)}
}

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// dbFlags are the flags of every command that touches data.
type dbFlags struct{ data, db string }

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("tandem "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func newFlags(name string, stderr io.Writer) (*flag.FlagSet, *dbFlags) {
	fs := newFlagSet(name, stderr)
	d := &dbFlags{}
	fs.StringVar(&d.data, "data", env("TANDEM_DATA", "./tandem-data"), "directory of the embedded SQLite database (env TANDEM_DATA)")
	fs.StringVar(&d.db, "db", env("TANDEM_DB", ""), "PostgreSQL URL, postgres://… (env TANDEM_DB); overrides --data")
	return fs, d
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

func (d *dbFlags) open(ctx context.Context) (*store.Store, error) {
	return store.Open(ctx, d.data, d.db)
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, d := newFlags("serve", stderr)
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
	cfg := jobs.Config{Workers: 10, Log: log}
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
	srv := &http.Server{Addr: *addr, Handler: server.New(a, log, server.Options{Auth: httpauth.Options{TrustedProxies: proxies}}), ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	scheme := "http"
	go func() {
		if *tlsCert != "" {
			errc <- srv.ListenAndServeTLS(*tlsCert, *tlsKey)
			return
		}
		errc <- srv.ListenAndServe()
	}()
	if *tlsCert != "" {
		scheme = "https"
	}
	log.Info("tandem is running", "url", scheme+"://"+*addr, "database", st.Engine(), "version", version)
	if *withDemo {
		fmt.Fprintf(stdout, "\nOpen http://%s and sign in as sam@example.com (sales), val@example.com (service),\nmia@example.com (manager) or ada@example.com (admin), password %s\n\n", *addr, demo.Password)
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

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, d := newFlags("migrate", stderr)
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

func backup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, d := newFlags("backup", stderr)
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

func userAdd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs, d := newFlags("user add", stderr)
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

func tokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, d := newFlags("token create", stderr)
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

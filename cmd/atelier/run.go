package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	catalogdata "github.com/atelier-ch/atelier/catalog"
	"github.com/atelier-ch/atelier/internal/app"
	"github.com/atelier-ch/atelier/internal/auth"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/config"
	"github.com/atelier-ch/atelier/internal/demo"
	"github.com/atelier-ch/atelier/internal/inbound"
	"github.com/atelier-ch/atelier/internal/mail"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/web"
)

const usage = `Atelier: the training campaign of a commune.

Usage:
  atelier [serve] [--demo] [--addr HOST:PORT]   migrate, then serve (default)
  atelier migrate                               bring the database schema up to date
  atelier demo                                  create the demo commune and print its logins
  atelier catalog validate [DIR]                check a catalogue folder (default: the embedded one)
  atelier backup FILE                           copy the live SQLite database to a new FILE
  atelier restore FILE                          put a backup back (Atelier stopped; SQLite)
  atelier purge [--dry-run]                     remove personal data kept beyond the retention
                                                period (the server also does it every day)
  atelier user add --email E --role R --org SLUG [--name N]
                                                create an account; the password is read from stdin

Environment: DATABASE_URL, ATELIER_ADDR, ATELIER_BASE_URL, ATELIER_ADMIN_EMAIL,
ATELIER_ADMIN_PASSWORD, ATELIER_SMTP_URL, ATELIER_MAIL_FROM, ATELIER_REQUEST_TIMEOUT,
ATELIER_RETENTION_MONTHS, ATELIER_REPLY_ADDRESS, ATELIER_INBOUND_SMTP_ADDR, ATELIER_IMAP_URL,
ATELIER_IMAP_PROCESSED_FOLDER, ATELIER_IMAP_INTERVAL, LOG_LEVEL, LOG_FORMAT.
`

// env carries what a command needs from the outside world.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// run executes the command line and returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = e.serve(ctx, args, false)
	case "demo":
		err = e.demo(ctx, args)
	case "migrate":
		err = e.migrate(ctx, args)
	case "backup":
		err = e.backup(ctx, args)
	case "restore":
		err = e.restore(ctx, args)
	case "purge":
		err = e.purge(ctx, args)
	case "catalog":
		if len(args) == 0 || args[0] != "validate" {
			fmt.Fprint(stderr, usage)
			return 2
		}
		return e.validateCatalog(args[1:])
	case "user":
		if len(args) == 0 || args[0] != "add" {
			fmt.Fprint(stderr, usage)
			return 2
		}
		err = e.userAdd(ctx, args[1:])
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "atelier:", err)
		return 1
	}
	return 0
}

func (e env) logger(cfg config.Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(e.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(e.stderr, opts))
}

// open reads the config, opens the database and migrates it.
func (e env) open(ctx context.Context) (config.Config, *store.Store, *slog.Logger, error) {
	cfg, err := config.FromEnv(e.getenv)
	if err != nil {
		return cfg, nil, nil, err
	}
	log := e.logger(cfg)
	s, err := openWithRetry(ctx, cfg.DatabaseURL, cfg.DBMaxConns, log)
	if err != nil {
		return cfg, nil, nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return cfg, nil, nil, fmt.Errorf("migrate: %w", err)
	}
	return cfg, s, log, nil
}

// openWithRetry waits up to a minute for PostgreSQL to accept connections
// (docker compose starts the app and the database together).
func openWithRetry(ctx context.Context, url string, maxConns int, log *slog.Logger) (*store.Store, error) {
	dialect, _, err := store.ParseURL(url)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(time.Minute)
	for {
		s, err := store.Open(ctx, url, store.Options{Logger: log, MaxOpenConns: maxConns})
		if err == nil || dialect != store.Postgres || time.Now().After(deadline) {
			return s, err
		}
		log.Info("waiting for the database", "err", err)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
}

func (e env) serve(ctx context.Context, args []string, forceDemo bool) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	withDemo := fs.Bool("demo", forceDemo, "create the demo commune on an empty database and print its logins")
	addr := fs.String("addr", "", "listen address (default ATELIER_ADDR or 127.0.0.1:8080)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	cat, err := catalog.Load(catalogdata.FS)
	if err != nil {
		return fmt.Errorf("embedded catalogue invalid:\n%w", err)
	}
	cfg, s, log, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if *addr != "" {
		if err := cfg.SetAddr(*addr, e.getenv("ATELIER_BASE_URL") != ""); err != nil {
			return err
		}
	}
	// The composition root: the domain services over the store, then the
	// web layer over them.
	svc, err := app.Build(app.Config{Store: s, Catalog: cat, BaseURL: cfg.BaseURL, MailFrom: cfg.MailFrom, ReplyAddress: cfg.ReplyAddress, Log: log, MailDelivers: cfg.SMTPURL != "", RetentionMonths: cfg.RetentionMonths})
	if err != nil {
		return err
	}
	srv, err := web.New(web.Deps{Services: svc, Log: log, BaseURL: cfg.BaseURL, RequestTimeout: cfg.RequestTimeout})
	if err != nil {
		return err
	}
	if err := e.bootstrapAdmin(ctx, cfg, svc.Auth, log); err != nil {
		return err
	}
	if *withDemo {
		if err := e.seedDemo(ctx, s, svc.Auth, cat, cfg.BaseURL); err != nil {
			return err
		}
	}
	// The survey clock sends the reminders and seals closed surveys; every
	// instance runs it, the database decides which one does each thing.
	clockDone := make(chan struct{})
	go func() {
		defer close(clockDone)
		svc.Surveys.Run(ctx, time.Minute, log)
	}()
	workerDone := make(chan struct{})
	if cfg.SMTPURL != "" {
		var opts []mail.Option
		if cfg.ReplyAddress != "" {
			opts = append(opts, mail.ReplyTo(cfg.ReplyAddress))
		}
		sender, err := mail.NewSMTP(cfg.SMTPURL, cfg.MailFrom, opts...)
		if err != nil {
			return err
		}
		// It composes each message queued by a change right before
		// sending it.
		w := mail.NewWorker(s, sender, log, time.Now).ComposingWith(svc.Notifier)
		go func() {
			defer close(workerDone)
			w.Run(ctx)
		}()
		log.Info("mail outbox delivered over SMTP")
	} else {
		close(workerDone)
		log.Info("no ATELIER_SMTP_URL: mails stay in the outbox (GET /api/v1/outbox)")
	}
	replies, err := startReplies(ctx, cfg, svc.Replies, log)
	if err != nil {
		return err
	}
	defer replies.stop(log)
	if cfg.PprofAddr != "" {
		stopPprof, err := servePprof(cfg.PprofAddr, log)
		if err != nil {
			return err
		}
		defer stopPprof()
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	// Personal data kept beyond the retention period goes every day.
	purgeCtx, stopPurge := context.WithCancel(ctx)
	purgeDone := make(chan struct{})
	go func() {
		defer close(purgeDone)
		purgeDaily(purgeCtx, svc.Privacy, log, 5*time.Minute)
	}()
	defer func() { stopPurge(); <-purgeDone }()
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	// Starting (migrations, the demo, templates) leaves garbage behind:
	// give it back to the system before waiting for the first request.
	s.ShrinkMemory(ctx)
	debug.FreeOSMemory()
	log.Info("atelier listening", "addr", ln.Addr().String(), "url", cfg.BaseURL, "database", string(s.Dialect()), "formats", len(cat.Formats()))
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutCtx); err != nil {
		return err
	}
	replies.stop(log)
	<-workerDone
	<-clockDone
	return nil
}

// replyWays are the ways calendar replies come in, running.
type replyWays struct {
	smtp *inbound.SMTPServer
	// stopIMAP ends the IMAP poller, and imapDone is closed once it has
	// stopped; both nil without a poller.
	stopIMAP context.CancelFunc
	imapDone chan struct{}
	once     sync.Once
}

// startReplies starts the ways in the configuration hands replies to h:
// the SMTP listener (it must bind now: a wrong address fails the start)
// and the IMAP poller, which stops with ctx or stop.
func startReplies(ctx context.Context, cfg config.Config, h inbound.Handler, log *slog.Logger) (*replyWays, error) {
	w := &replyWays{}
	in := cfg.Inbound
	if cfg.ReplyAddress == "" {
		log.Info("no ATELIER_REPLY_ADDRESS: invitations ask for no answer, calendar replies are not read")
		return w, nil
	}
	if in.SMTPAddr != "" {
		srv, err := inbound.NewSMTPServer(in.SMTPAddr, cfg.ReplyAddress, h, log)
		if err != nil {
			return nil, err
		}
		if err := srv.Start(); err != nil {
			return nil, err
		}
		w.smtp = srv
	}
	if in.IMAP != nil {
		p, err := inbound.NewIMAPPollerFromSettings(*in.IMAP, in.ProcessedFolder, h, log, in.IMAPInterval)
		if err != nil {
			w.stop(log)
			return nil, err
		}
		pctx, cancel := context.WithCancel(ctx)
		w.stopIMAP, w.imapDone = cancel, make(chan struct{})
		go func() {
			defer close(w.imapDone)
			_ = p.Run(pctx)
		}()
	}
	if w.smtp == nil && w.imapDone == nil {
		log.Warn("ATELIER_REPLY_ADDRESS is set but neither ATELIER_INBOUND_SMTP_ADDR nor ATELIER_IMAP_URL: invitations ask for an answer that nobody reads")
	} else {
		log.Info("calendar replies read", "address", cfg.ReplyAddress, "smtp", in.SMTPAddr, "imap", in.IMAP != nil)
	}
	return w, nil
}

// stop lets the SMTP listener finish the transactions under way (up to
// 15 s), then stops the IMAP poller and waits for it.
func (w *replyWays) stop(log *slog.Logger) {
	w.once.Do(func() {
		if w.smtp != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			if err := w.smtp.Shutdown(ctx); err != nil {
				log.Warn("inbound SMTP shutdown", "err", err)
			}
		}
		if w.imapDone != nil {
			w.stopIMAP()
			<-w.imapDone
		}
	})
}

func (e env) bootstrapAdmin(ctx context.Context, cfg config.Config, a *auth.Service, log *slog.Logger) error {
	if cfg.AdminEmail == "" || cfg.AdminPassword == "" {
		return nil
	}
	created, err := a.BootstrapAdmin(ctx, cfg.AdminEmail, cfg.AdminPassword)
	if err != nil {
		return fmt.Errorf("ATELIER_ADMIN_EMAIL/ATELIER_ADMIN_PASSWORD: %w", err)
	}
	if created {
		log.Info("admin account created", "email", cfg.AdminEmail)
	}
	return nil
}

func (e env) seedDemo(ctx context.Context, s *store.Store, a *auth.Service, cat *catalog.Catalog, baseURL string) error {
	res, err := demo.Seed(ctx, s, a, cat, time.Now())
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if res.Created {
		fmt.Fprintln(e.stdout, "Demo commune created: « Commune de Démo ».")
	}
	fmt.Fprintf(e.stdout, "Open %s and sign in (passwords are new at every start):\n", baseURL)
	for _, l := range res.Logins {
		fmt.Fprintf(e.stdout, "  %-8s %s  password: %s\n", l.Role, l.Email, l.Password)
	}
	return nil
}

func (e env) demo(ctx context.Context, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected argument %q", args[0])
	}
	cat, err := catalog.Load(catalogdata.FS)
	if err != nil {
		return err
	}
	cfg, s, _, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	return e.seedDemo(ctx, s, auth.New(s, time.Now, 0), cat, cfg.BaseURL)
}

func (e env) migrate(ctx context.Context, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected argument %q", args[0])
	}
	_, s, _, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	ids, err := s.MigrationsApplied(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "database up to date (%s, %d migrations, last %s)\n", s.Dialect(), len(ids), ids[len(ids)-1])
	return nil
}

func (e env) validateCatalog(args []string) int {
	if len(args) > 1 {
		fmt.Fprint(e.stderr, usage)
		return 2
	}
	var (
		cat *catalog.Catalog
		err error
	)
	if len(args) == 1 {
		if st, serr := os.Stat(args[0]); serr != nil || !st.IsDir() {
			fmt.Fprintf(e.stdout, "%s:0: not a folder\n", args[0])
			return 1
		}
		cat, err = catalog.Load(os.DirFS(args[0]))
	} else {
		cat, err = catalog.Load(catalogdata.FS)
		if err == nil {
			err = cat.CheckShipped()
		}
	}
	var problems catalog.Problems
	if errors.As(err, &problems) {
		for _, p := range problems {
			if len(args) == 1 {
				p.File = args[0] + "/" + p.File
			}
			fmt.Fprintln(e.stdout, p)
		}
		return 1
	}
	if err != nil {
		fmt.Fprintln(e.stderr, "atelier:", err)
		return 1
	}
	surveys := "surveys"
	if len(cat.Surveys()) == 1 {
		surveys = "survey"
	}
	fmt.Fprintf(e.stdout, "catalogue valid: %d formats, %d exercises, %d %s\n", len(cat.Formats()), cat.ExerciseCount(), len(cat.Surveys()), surveys)
	return 0
}

func (e env) userAdd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	email := fs.String("email", "", "email (the login)")
	role := fs.String("role", "", "admin, hr, trainer or coordinator")
	org := fs.String("org", "", "slug of the commune (not needed for admin or coordinator)")
	region := fs.String("region", "", "slug of the region (coordinator only)")
	name := fs.String("name", "", "full name")
	if err := fs.Parse(args); err != nil {
		return err
	}
	pw, err := readPassword(e.stdin)
	if err != nil {
		return err
	}
	_, s, _, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	u, err := auth.New(s, time.Now, 0).CreateUser(ctx, nil, auth.NewUser{Email: *email, Password: pw, Role: *role, Org: *org, Region: *region, Name: *name})
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(e.stdout, "user %s created (%s)\n", u.Email, u.Role)
	return nil
}

// readPassword reads the first line of stdin.
func readPassword(r io.Reader) (string, error) {
	data, err := io.ReadAll(io.LimitReader(r, 4096))
	if err != nil {
		return "", err
	}
	line, _, _ := strings.Cut(string(data), "\n")
	return strings.TrimRight(line, "\r"), nil
}

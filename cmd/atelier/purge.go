package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	catalogdata "github.com/atelier-ch/atelier/catalog"
	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/app"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/config"
	"github.com/atelier-ch/atelier/internal/privacy"
	"github.com/atelier-ch/atelier/internal/store"
)

// purge removes the personal data kept beyond ATELIER_RETENTION_MONTHS, as
// the server does every day; --dry-run only counts.
func (e env) purge(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("purge", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dryRun := fs.Bool("dry-run", false, "count what would be purged, change nothing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	cfg, s, log, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	svc, err := services(cfg, s, log)
	if err != nil {
		return err
	}
	rep, err := svc.Privacy.Purge(ctx, access.System("purge"), *dryRun)
	if err != nil {
		return err
	}
	verb := "purged"
	if rep.DryRun {
		verb = "to purge"
	}
	fmt.Fprintf(e.stdout, "retention %d months: personal data from before %s %s\n", cfg.RetentionMonths, rep.Cutoff.Format(time.DateOnly), verb)
	fmt.Fprintf(e.stdout, "  people who left:       %d\n  accounts disabled:     %d\n  staff log entries:     %d\n  sign-in traces:        %d\n",
		rep.People, rep.Accounts, rep.StaffActions, rep.SignIns)
	return nil
}

// services builds the domain services over an open store, as serve does.
func services(cfg config.Config, s *store.Store, log *slog.Logger) (*app.Services, error) {
	cat, err := catalog.Load(catalogdata.FS)
	if err != nil {
		return nil, fmt.Errorf("embedded catalogue invalid:\n%w", err)
	}
	return app.Build(app.Config{Store: s, Catalog: cat, BaseURL: cfg.BaseURL, MailFrom: cfg.MailFrom, Log: log,
		MailDelivers: cfg.SMTPURL != "", RetentionMonths: cfg.RetentionMonths})
}

// purgeDaily purges once a few minutes after start, then every day, until
// ctx ends. Two instances purging at once do no harm: each erasure locks
// its person and skips one already gone.
func purgeDaily(ctx context.Context, p *privacy.Service, log *slog.Logger, first time.Duration) {
	t := time.NewTimer(first)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		rep, err := p.Purge(ctx, access.System("retention"), false)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("retention purge failed", "err", err)
		case err == nil && rep.People+rep.Accounts+rep.StaffActions+rep.SignIns > 0:
			log.Info("retention purge", "cutoff", rep.Cutoff.Format(time.DateOnly), "people", rep.People,
				"accounts", rep.Accounts, "staff_actions", rep.StaffActions, "sign_ins", rep.SignIns)
		}
		t.Reset(24 * time.Hour)
	}
}

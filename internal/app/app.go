// Package app wires Atelier's domain services together over one store:
// the composition the binary (cmd/atelier) and the end-to-end tests share,
// so that both run exactly the same services.
package app

import (
	"context"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/atelier-ch/atelier/internal/attendance"
	"github.com/atelier-ch/atelier/internal/audit"
	"github.com/atelier-ch/atelier/internal/auth"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/calendar"
	"github.com/atelier-ch/atelier/internal/campaign"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/clean"
	"github.com/atelier-ch/atelier/internal/desk"
	"github.com/atelier-ch/atelier/internal/directory"
	"github.com/atelier-ch/atelier/internal/formats"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/inquiry"
	"github.com/atelier-ch/atelier/internal/kit"
	"github.com/atelier-ch/atelier/internal/mail"
	"github.com/atelier-ch/atelier/internal/privacy"
	"github.com/atelier-ch/atelier/internal/region"
	"github.com/atelier-ch/atelier/internal/report"
	"github.com/atelier-ch/atelier/internal/rsvp"
	"github.com/atelier-ch/atelier/internal/sheets"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/strategy"
	"github.com/atelier-ch/atelier/internal/ticket"
)

// Config is what the services are built from.
type Config struct {
	Store   *store.Store
	Catalog *catalog.Catalog
	// BaseURL is the absolute URL of the site, without a trailing slash.
	BaseURL string
	// MailFrom is the sender of last resort (ATELIER_MAIL_FROM), for
	// communes without an HR sender address.
	MailFrom string
	// ReplyAddress (ATELIER_REPLY_ADDRESS), when set, is where calendar
	// replies are read: the invitations' organiser, and they ask for an
	// answer. Empty: replies are not read.
	ReplyAddress string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// BcryptCost lowers the password hashing cost in tests; 0 is bcrypt's default.
	BcryptCost int
	// MailDelivers is true when mail leaves the outbox (SMTP configured).
	MailDelivers bool
	// RetentionMonths is how long the personal data of someone who left
	// is kept (ATELIER_RETENTION_MONTHS); 0 is privacy's default.
	RetentionMonths int
	Log             *slog.Logger
}

// Services are the domain services, ready for the web layer.
type Services struct {
	Translator *i18n.Translator
	Catalog    *catalog.Catalog
	// FormatResolver finds a session's format (the version it keeps);
	// Formats lists, copies and adapts the communes' own formats.
	FormatResolver *formats.Resolver
	Formats        *formats.Service
	Auth           *auth.Service
	Directory      *directory.Service
	Booking        *booking.Service
	Attendance     *attendance.Service
	Audit          *audit.Service
	Privacy        *privacy.Service
	Tickets        *ticket.Service
	Reports        *report.Service
	Kit            *kit.Service
	Calendar       *calendar.Service
	Outbox         *mail.Outbox
	// Notifier queues the mail of booking changes and composes it when
	// it is read (the worker, the outbox, a person's export).
	Notifier *mail.Notifier
	StaffLog *audit.StaffLog
	Desk     *desk.Service
	// Replies applies answers to invitations, from the participant's page
	// and from calendar replies (it is the inbound.Handler of the mail
	// received at ReplyAddress).
	Replies  *rsvp.Service
	Campaign *campaign.Service
	// Surveys runs the surveys (the état des lieux); its clock (Run) must
	// tick in every instance: reminders and sealing.
	Surveys *inquiry.Service
	// Strategy keeps the memento and the roadmap.
	Strategy *strategy.Service
	// Regions holds the regions, their communes' consent to share, the
	// regional view and the exchange of experience.
	Regions *region.Service
	// Health answers whether the database answers.
	Health func(ctx context.Context) error
	// Database names the engine in use (sqlite, postgres).
	Database string
}

// Build wires the services.
func Build(cfg Config) (*Services, error) {
	tr, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	st := cfg.Store
	host := HostOf(cfg.BaseURL)
	var composeOpts []calendar.ComposerOption
	if cfg.ReplyAddress != "" {
		composeOpts = append(composeOpts, calendar.ReplyTo(cfg.ReplyAddress))
	}
	composer := calendar.NewComposer(tr, cfg.BaseURL, calendar.Party{Email: FallbackSender(cfg.MailFrom, cfg.BaseURL)}, composeOpts...)
	// Every booking change queues its mail in the same transaction; it is
	// composed when read, and delivered by the worker when SMTP is
	// configured.
	resolver := formats.NewResolver(cfg.Catalog, st)
	notifier := mail.NewNotifier(resolver, composer, tr, host, cfg.Now).WithLog(cfg.Log)
	s := &Services{
		Translator:     tr,
		Catalog:        cfg.Catalog,
		FormatResolver: resolver,
		Formats:        formats.New(st, resolver, cfg.Now),
		Auth:           auth.New(st, cfg.Now, cfg.BcryptCost),
		Directory:      directory.New(st),
		Booking:        booking.New(st, resolver, cfg.Now, host, notifier),
		Attendance:     attendance.New(st, cfg.Now),
		Audit:          audit.New(st),
		Privacy:        privacy.New(st, notifier, cfg.Now, cfg.RetentionMonths).ComposingWith(notifier),
		Reports:        report.New(st, resolver, tr, cfg.Now),
		Calendar:       calendar.NewService(st, resolver, composer, cfg.Now),
		Outbox:         mail.NewOutbox(st, cfg.Now).ComposingWith(notifier, st),
		Notifier:       notifier,
		StaffLog:       audit.NewStaffLog(st),
		Surveys:        inquiry.New(st, cfg.Catalog, tr, notifier, cfg.Now),
		Strategy:       strategy.New(st, cfg.Now),
		Health:         st.Ping,
		Database:       string(st.Dialect()),
	}
	s.Auth.SetMailer(mail.NewAccountMail(st, tr, cfg.BaseURL, FallbackSender(cfg.MailFrom, cfg.BaseURL), host, cfg.Now), cfg.MailDelivers)
	s.Replies = rsvp.New(st, s.Booking, notifier, cfg.Now, cfg.Log)
	s.Campaign = campaign.New(st, resolver, s.Booking, cfg.Now)
	s.Tickets = ticket.New(st, resolver, s.Booking, s.Attendance, s.Replies, cfg.Now)
	s.Regions = region.New(st, s.Reports, cfg.Catalog, tr, cfg.Now)
	sh, err := sheets.New(tr)
	if err != nil {
		return nil, err
	}
	s.Kit = kit.New(st, resolver, sh, s.Reports, s.Tickets)
	s.Kit.Formats = s.Formats
	s.Kit.Surveys, s.Kit.Strategy, s.Kit.Regions, s.Kit.BaseURL = s.Surveys, s.Strategy, s.Regions, strings.TrimRight(cfg.BaseURL, "/")
	s.Desk = &desk.Service{Booking: s.Booking, Directory: s.Directory, Accounts: s.Auth, Audit: s.Audit,
		Report: s.Reports, Calendar: s.Calendar, Outbox: s.Outbox, StaffLog: s.StaffLog, Formats: resolver, Inquiry: s.Surveys, Strategy: s.Strategy, Regions: s.Regions, Now: cfg.Now}
	return s, nil
}

// HostOf returns the host name of a base URL, used in session UIDs.
func HostOf(base string) string {
	u, err := url.Parse(base)
	if err != nil || u.Hostname() == "" {
		return "atelier.invalid"
	}
	return u.Hostname()
}

// FallbackSender is the organiser of last resort: ATELIER_MAIL_FROM, else
// noreply at the site's host when it is a domain name.
func FallbackSender(mailFrom, base string) string {
	if e, ok := clean.Email(mailFrom); ok {
		return e
	}
	host := HostOf(base)
	if e, ok := clean.Email("noreply@" + host); ok && net.ParseIP(host) == nil && strings.Contains(host, ".") {
		return e
	}
	return "noreply@atelier.invalid"
}

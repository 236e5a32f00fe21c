// Package web serves Atelier over HTTP: the JSON API, the participant pages
// and the HTML UI, all from one gin router.
package web

import (
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/attendance"
	"github.com/atelier-ch/atelier/internal/auth"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/calendar"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/clean"
	"github.com/atelier-ch/atelier/internal/directory"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/mail"
	"github.com/atelier-ch/atelier/internal/report"
	"github.com/atelier-ch/atelier/internal/sheets"
	"github.com/atelier-ch/atelier/internal/store"
)

// Deps is everything the server needs; New builds the rest.
type Deps struct {
	Store   *store.Store
	Catalog *catalog.Catalog
	Log     *slog.Logger
	// BaseURL is the absolute URL of the site, without a trailing slash.
	BaseURL string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MailFrom is the sender of last resort (ATELIER_MAIL_FROM), for
	// communes without an HR sender address.
	MailFrom string
	// BcryptCost lowers the password hashing cost in tests; 0 is bcrypt's default.
	BcryptCost int
}

// Server holds the handlers' dependencies.
type Server struct {
	store      *store.Store
	catalog    *catalog.Catalog
	tr         *i18n.Translator
	auth       *auth.Service
	dir        *directory.Service
	booking    *booking.Service
	attendance *attendance.Service
	reports    *report.Service
	kit        *sheets.Kit
	calendar   *calendar.Service
	views      *views
	composer   *calendar.Composer
	log        *slog.Logger
	baseURL    string
	now        func() time.Time
	router     *gin.Engine
}

// New builds the server and its routes.
func New(d Deps) (*Server, error) {
	tr, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	v, err := loadViews()
	if err != nil {
		return nil, err
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		store:   d.Store,
		catalog: d.Catalog,
		tr:      tr,
		auth:    auth.New(d.Store, d.Now, d.BcryptCost),
		dir:     directory.New(d.Store),
		views:   v,
		log:     d.Log,
		baseURL: d.BaseURL,
		now:     d.Now,
	}
	s.composer = calendar.NewComposer(tr, d.BaseURL, calendar.Party{Email: fallbackSender(d.MailFrom, d.BaseURL)})
	s.calendar = calendar.NewService(d.Store, d.Catalog, s.composer, d.Now)
	// Every booking change queues its mail in the same transaction; the
	// outbox is delivered by the worker when SMTP is configured.
	notifier := mail.NewNotifier(d.Catalog, s.composer, tr, hostOf(d.BaseURL), d.Now)
	s.booking = booking.New(d.Store, d.Catalog, d.Now, hostOf(d.BaseURL), notifier)
	s.attendance = attendance.New(d.Store, d.Now)
	s.reports = report.New(d.Store, d.Catalog, tr, d.Now)
	if s.kit, err = sheets.New(tr); err != nil {
		return nil, err
	}
	gin.SetMode(gin.ReleaseMode)
	s.router = gin.New()
	// A method a path does not take answers like an unknown path (the
	// contract has no code for 405).
	s.router.HandleMethodNotAllowed = false
	if err := s.router.SetTrustedProxies(nil); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

// hostOf returns the host name of a base URL, used in session UIDs.
func hostOf(base string) string {
	u, err := url.Parse(base)
	if err != nil || u.Hostname() == "" {
		return "atelier.invalid"
	}
	return u.Hostname()
}

// fallbackSender is the organiser of last resort: ATELIER_MAIL_FROM, else
// noreply at the site's host when it is a domain name.
func fallbackSender(mailFrom, base string) string {
	if e, ok := clean.Email(mailFrom); ok {
		return e
	}
	host := hostOf(base)
	if e, ok := clean.Email("noreply@" + host); ok && net.ParseIP(host) == nil && strings.Contains(host, ".") {
		return e
	}
	return "noreply@atelier.invalid"
}

// Handler returns the root HTTP handler.
func (s *Server) Handler() http.Handler { return s.router }

// Auth returns the credential service (the CLI bootstraps accounts with it).
func (s *Server) Auth() *auth.Service { return s.auth }

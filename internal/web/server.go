// Package web serves Atelier over HTTP: the JSON API, the participant pages
// and the staff's HTML pages, all from one gin router. It parses requests,
// calls one domain service and renders the answer; it holds no store and
// decides no access (internal/access does).
package web

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	appsvc "github.com/atelier-ch/atelier/internal/app"
	"github.com/atelier-ch/atelier/internal/i18n"
	staticdata "github.com/atelier-ch/atelier/static"
)

// Deps is everything the server needs.
type Deps struct {
	Services *appsvc.Services
	Log      *slog.Logger
	// BaseURL is the absolute URL of the site, without a trailing slash.
	BaseURL string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// RequestTimeout bounds every request (ATELIER_REQUEST_TIMEOUT); 0
	// means DefaultRequestTimeout.
	RequestTimeout time.Duration
}

// DefaultRequestTimeout is how long a request may take before it answers
// 503.
const DefaultRequestTimeout = 15 * time.Second

// Server holds the handlers' dependencies.
type Server struct {
	timeout time.Duration
	svc     *appsvc.Services
	tr      *i18n.Translator
	views   *views
	assets  *assets
	log     *slog.Logger
	baseURL string
	now     func() time.Time
	router  *gin.Engine
}

// New builds the server and its routes.
func New(d Deps) (*Server, error) {
	as, err := loadAssets(staticdata.FS)
	if err != nil {
		return nil, err
	}
	v, err := loadViews(as, templateFS)
	if err != nil {
		return nil, err
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.RequestTimeout == 0 {
		d.RequestTimeout = DefaultRequestTimeout
	}
	s := &Server{timeout: d.RequestTimeout, svc: d.Services, tr: d.Services.Translator, views: v, assets: as, log: d.Log, baseURL: d.BaseURL, now: d.Now}
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

// Handler returns the root HTTP handler.
func (s *Server) Handler() http.Handler { return s.router }

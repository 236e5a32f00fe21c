package web

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/chart"
	"github.com/atelier-ch/atelier/internal/formats"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/inquiry"
	"github.com/atelier-ch/atelier/internal/names"
	"github.com/atelier-ch/atelier/internal/region"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/strategy"
	"github.com/atelier-ch/atelier/internal/tz"
)

//go:embed templates
var templateFS embed.FS

// views holds every page, each parsed with its own copy of the layout so
// that pages cannot overwrite each other's blocks.
type views struct {
	pages map[string]*view
}

// view is one page's template, parsed when first shown: each page carries
// its own copy of the layout and the partials, and all of them parsed at
// start held 3-4 MB that an idle server does not need.
type view struct {
	parse func() (*template.Template, error)
	once  sync.Once
	t     *template.Template
	err   error
}

// template is the page's template, parsed on first use.
func (v *view) template() (*template.Template, error) {
	v.once.Do(func() { v.t, v.err = v.parse() })
	return v.t, v.err
}

func zurichLoc() *time.Location { return tz.Zurich }

var templateFuncs = template.FuncMap{
	"percent":  percentOf,
	"fold":     names.Fold,
	"duration": func(minutes int) string { return noBreak(i18n.Duration(minutes)) },
	"local":    localInput,
	"add":      func(a, b int) int { return a + b },
	"nonzero":  func(p *float64) bool { return p != nil },
	"num": func(p *float64) string {
		if p == nil {
			return "–"
		}
		return fmt.Sprintf("%.1f", *p)
	},
	"pct": func(p *float64) string {
		if p == nil {
			return "–"
		}
		return percentOf(*p)
	},
	"zurich": func(t time.Time) time.Time { return tz.In(t) },
	// chart draws a report's chart as inline SVG (package chart escapes
	// every text it writes; no style attribute, no script).
	"chart": chart.HTML,
	"list":  func(items ...string) []string { return items },
	// rating reads one answer of a feedback form by its field name.
	"rating": func(f *feedbackRequest, name string) int {
		if f == nil {
			return 0
		}
		switch name {
		case "overall":
			return f.Overall
		case "will_use":
			return f.WillUse
		case "confidence_before":
			return f.ConfidenceBefore
		case "confidence_after":
			return f.ConfidenceAfter
		}
		return 0
	},
	// answers pairs a page with a session's counts for the "rsvp-counts"
	// block, which translates.
	"answers": func(p *page, c store.Counts) rsvpCounts { return rsvpCounts{P: p, C: c} },
	"join":    func(xs []string) string { return strings.Join(xs, ", ") },
	// partOf and partsOf pass survey results to the blocks that show them.
	"partOf": func(p *page, part inquiry.Part, minGroup int) partArgs {
		return partArgs{Page: p, Part: part, MinGroup: minGroup}
	},
	"partsOf": func(p *page, parts []inquiry.Part, minGroup int) partArgs {
		return partArgs{Page: p, Parts: parts, MinGroup: minGroup}
	},
	"mementoOf": func(p *page, m *strategy.MementoDoc) mementoArgs { return mementoArgs{Page: p, Memento: m} },
	// has reports whether a form's field holds value (checkboxes).
	"has": func(f *form, name, value string) bool { return f != nil && slices.Contains(f.Values[name], value) },
	// cards passes a list of formats to the block that shows them.
	"cards": func(p *page, fs []formats.Entry) formatCards { return formatCards{P: p, Formats: fs} },
	// wordsOf and surveyOf pass a regional line's figures to the blocks
	// that show them.
	"wordsOf":  func(p *page, f *region.Feedback) regionArgs { return regionArgs{Page: p, Feedback: f} },
	"surveyOf": func(p *page, s *region.Survey) regionArgs { return regionArgs{Page: p, Survey: s} },
	"deref64": func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	},
	"deref": func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	},
}

// rsvpCounts is what the "rsvp-counts" block shows.
type rsvpCounts struct {
	P *page
	C store.Counts
}

// partArgs is what the blocks of survey results receive.
type partArgs struct {
	Page     *page
	Part     inquiry.Part
	Parts    []inquiry.Part
	MinGroup int
}

// regionArgs is what the blocks of the regional view receive.
type regionArgs struct {
	Page     *page
	Feedback *region.Feedback
	Survey   *region.Survey
}

// mementoArgs is what the memento's block receives.
type mementoArgs struct {
	Page    *page
	Memento *strategy.MementoDoc
}

// loadViews parses every page; a template that does not parse fails the start.
// Pages name static files with `asset "css/atelier.css"`, which gives the
// URL carrying the file's hash.
func loadViews(as *assets, fsys fs.FS) (*views, error) {
	funcs := template.FuncMap{"asset": as.url}
	maps.Copy(funcs, templateFuncs)
	entries, err := fs.ReadDir(fsys, "templates")
	if err != nil {
		return nil, err
	}
	v := &views{pages: map[string]*view{}}
	for _, e := range entries {
		name := e.Name()
		if name == "layout.html" || name == "partials.html" || !strings.HasSuffix(name, ".html") {
			continue
		}
		parse := func() (*template.Template, error) {
			t, err := template.New("layout.html").Funcs(funcs).ParseFS(fsys, "templates/layout.html", "templates/partials.html", "templates/"+name)
			if err != nil {
				return nil, fmt.Errorf("template %s: %w", name, err)
			}
			return t, nil
		}
		// Parsed once now to fail the start if it does not parse (the
		// files are embedded: it then parses the same when shown).
		if _, err := parse(); err != nil {
			return nil, err
		}
		v.pages[strings.TrimSuffix(name, ".html")] = &view{parse: parse}
	}
	return v, nil
}

// page is what every template receives.
type page struct {
	Lang  string
	Title string
	// User is the signed-in user, nil on public pages.
	User *store.User
	Role string
	// Nav is the current section, to highlight it.
	Nav string
	// Path is the current path, for the language switch.
	Path  string
	Error string
	Info  string
	Data  any
	tr    *i18n.Translator
}

// T translates key in the page's language.
func (p *page) T(key string, args ...any) string { return p.tr.T(p.Lang, key, args...) }

// Decimal writes a number without trailing zeros, with a decimal comma in
// French (7,5) and a point in German (7.5), as Swiss usage has it.
func (p *page) Decimal(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if p.Lang != "de" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Hours writes an estimate of hours (Decimal), « – » when there is none.
func (p *page) Hours(v *float64) string {
	if v == nil {
		return "–"
	}
	return p.Decimal(*v)
}

// DateRange writes a time range in the page's language.
func (p *page) DateRange(start, end time.Time) string {
	return noBreak(i18n.DateRange(p.Lang, tz.In(start), tz.In(end)))
}

// Date writes a day in the page's language.
func (p *page) Date(t time.Time) string { return i18n.Date(p.Lang, tz.In(t)) }

// Clock writes a time of day in the page's language.
func (p *page) Clock(t time.Time) string { return noBreak(i18n.Clock(p.Lang, tz.In(t))) }

// Spaces a line must not break at: inside a time ("13 h 30"), a duration
// ("1 h 30", "45 min"), a percentage ("75 %"), before "Uhr" and before the
// dash of a time range.
var (
	clockSpaces = regexp.MustCompile(`(\d) h (\d\d)\b`)
	unitSpace   = regexp.MustCompile(`(\d) (h\b|min\b|Uhr\b|%)`)
	dashSpace   = regexp.MustCompile(`(\d|Uhr) –`)
)

// noBreak puts no-break spaces (U+00A0, as the PDFs print them) where a
// time, a duration or a percentage would otherwise break across lines:
// i18n writes plain spaces, which mails and calendars want.
func noBreak(s string) string {
	s = clockSpaces.ReplaceAllString(s, "$1\u00a0h\u00a0$2")
	s = unitSpace.ReplaceAllString(s, "$1\u00a0$2")
	return dashSpace.ReplaceAllString(s, "$1\u00a0–")
}

// OtherLang is the language the switch offers.
func (p *page) OtherLang() string {
	if p.Lang == "de" {
		return "fr"
	}
	return "de"
}

// newPage starts a page in the language chosen for this request; setting
// is the person's or user's own language, if any.
func (s *Server) newPage(c *gin.Context, setting string) *page {
	return &page{Lang: s.pageLang(c, setting), Path: c.Request.URL.Path, tr: s.tr}
}

// render writes a page. A failure to render is logged and becomes a plain 500.
func (s *Server) render(c *gin.Context, status int, name string, p *page) {
	v, ok := s.views.pages[name]
	if !ok {
		panic("web: no template " + name)
	}
	t, err := v.template()
	var b strings.Builder
	if err == nil {
		err = t.ExecuteTemplate(&b, "layout.html", p)
	}
	if err != nil {
		s.log.ErrorContext(c.Request.Context(), "render", "page", name, "err", err)
		c.String(http.StatusInternalServerError, "Erreur interne / Interner Fehler")
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", []byte(b.String()))
}

// pageLang picks the language of a page: an explicit ?lang= switch (kept in
// a cookie), then the person's or user's setting, then Accept-Language.
func (s *Server) pageLang(c *gin.Context, setting string) string {
	if l := c.Query("lang"); i18n.Valid(l) {
		c.SetSameSite(http.SameSiteLaxMode)
		c.SetCookie("lang", l, 365*24*3600, "/", "", s.secureCookies(), true)
		return l
	}
	if l, err := c.Cookie("lang"); err == nil && i18n.Valid(l) {
		return l
	}
	if i18n.Valid(setting) {
		return setting
	}
	return i18n.FromAcceptLanguage(c.GetHeader("Accept-Language"))
}

// secureCookies reports whether cookies must be Secure: when served over https.
func (s *Server) secureCookies() bool { return strings.HasPrefix(s.baseURL, "https://") }

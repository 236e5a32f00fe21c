package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/formats"
	"github.com/atelier-ch/atelier/internal/tz"
)

// formatJSON is a format in the list: exercises as slugs, and whose it is.
type formatJSON struct {
	*catalog.Format
	// Owner is "catalog", or the slug of the commune whose format it is.
	Owner     string `json:"owner"`
	OwnerName string `json:"owner_name,omitempty"`
	// Version is the version shown, LatestVersion the current one: null
	// for the catalogue's formats.
	Version       *int       `json:"version"`
	LatestVersion *int       `json:"latest_version"`
	BasedOn       *string    `json:"based_on"`
	Published     bool       `json:"published"`
	UpdatedAt     *time.Time `json:"updated_at"`
}

func toFormatJSON(e *formats.Entry) formatJSON {
	out := formatJSON{Format: e.Format, Owner: e.Owner, OwnerName: e.OwnerName, Published: e.Published}
	if !e.Catalogue() {
		v, l, b := e.Version, e.Latest, e.BasedOn
		out.Version, out.LatestVersion, out.BasedOn = &v, &l, &b
		if e.UpdatedAt != nil {
			t := tz.In(*e.UpdatedAt)
			out.UpdatedAt = &t
		}
	}
	return out
}

// formatDetail is one format with its full exercises.
type formatDetail struct {
	formatJSON
	Exercises []*catalog.Exercise `json:"exercises"`
}

func toFormatDetail(d *formats.Detail) formatDetail {
	return formatDetail{formatJSON: toFormatJSON(&d.Entry), Exercises: d.Exercises}
}

func (s *Server) apiFormats(c *gin.Context) error {
	entries, err := s.svc.Formats.List(c.Request.Context(), caller(c))
	if err != nil {
		return err
	}
	out := make([]formatJSON, len(entries))
	for i := range entries {
		out[i] = toFormatJSON(&entries[i])
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// queryVersion reads ?version=n (0 when absent: the current version).
func queryVersion(c *gin.Context) (int, error) {
	var v apperr.Validation
	n := queryInt(c, &v, "version", 1, 1<<30)
	return int(n), v.Err()
}

func (s *Server) apiFormat(c *gin.Context) error {
	version, err := queryVersion(c)
	if err != nil {
		return err
	}
	d, err := s.svc.Formats.Get(c.Request.Context(), caller(c), c.Param("slug"), version)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toFormatDetail(d))
	return nil
}

type formatVersionJSON struct {
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	By        string    `json:"by"`
}

// apiFormatVersions lists the versions of one of the commune's formats.
func (s *Server) apiFormatVersions(c *gin.Context) error {
	vs, err := s.svc.Formats.Versions(c.Request.Context(), caller(c), c.Param("slug"))
	if err != nil {
		return err
	}
	out := make([]formatVersionJSON, len(vs))
	for i, v := range vs {
		out[i] = formatVersionJSON{Version: v.Version, CreatedAt: tz.In(v.CreatedAt), By: v.By}
	}
	c.JSON(http.StatusOK, out)
	return nil
}

type copyFormatRequest struct {
	Slug  optional[string] `json:"slug"`
	Title optional[string] `json:"title"`
}

// apiCopyFormat copies a format into the caller's commune: an empty body
// or {"slug"?, "title"?}.
func (s *Server) apiCopyFormat(c *gin.Context) error {
	var in copyFormatRequest
	if c.Request.ContentLength != 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	d, err := s.svc.Formats.Copy(c.Request.Context(), caller(c), c.Param("slug"), formats.CopyInput{Slug: in.Slug.ptr(), Title: in.Title.ptr()})
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, toFormatDetail(d))
	return nil
}

type agendaItemRequest struct {
	Minutes int    `json:"minutes"`
	Title   string `json:"title"`
	TitleDE string `json:"title_de"`
	Kind    string `json:"kind"`
}

type formatTextDERequest struct {
	Title   optional[string] `json:"title"`
	Summary optional[string] `json:"summary"`
}

type formatPatchRequest struct {
	Version         optional[int]                 `json:"version"`
	Title           optional[string]              `json:"title"`
	Summary         optional[string]              `json:"summary"`
	DE              optional[formatTextDERequest] `json:"de"`
	DurationMinutes optional[int]                 `json:"duration_minutes"`
	Participation   optional[string]              `json:"participation"`
	Grouping        optional[string]              `json:"grouping"`
	Trainer         optional[string]              `json:"trainer"`
	Audiences       optional[[]string]            `json:"audiences"`
	Agenda          optional[[]agendaItemRequest] `json:"agenda"`
	Exercises       optional[[]string]            `json:"exercises"`
	Bring           optional[[]string]            `json:"bring"`
}

func (r formatPatchRequest) patch() formats.Patch {
	p := formats.Patch{
		Version: r.Version.ptr(), Title: r.Title.ptr(), Summary: r.Summary.ptr(), DurationMinutes: r.DurationMinutes.ptr(),
		Participation: r.Participation.ptr(), Grouping: r.Grouping.ptr(), Trainer: r.Trainer.ptr(),
		Audiences: r.Audiences.ptr(), Exercises: r.Exercises.ptr(), Bring: r.Bring.ptr(),
	}
	if de := r.DE.ptr(); de != nil {
		p.TitleDE, p.SummaryDE = de.Title.ptr(), de.Summary.ptr()
	}
	if a := r.Agenda.ptr(); a != nil {
		items := make([]catalog.AgendaItem, len(*a))
		for i, it := range *a {
			items[i] = catalog.AgendaItem{Minutes: it.Minutes, Title: it.Title, TitleDE: it.TitleDE, Kind: catalog.AgendaKind(it.Kind)}
		}
		p.Agenda = &items
	}
	return p
}

// apiUpdateFormat changes one of the commune's formats: a new version.
func (s *Server) apiUpdateFormat(c *gin.Context) error {
	var in formatPatchRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	d, err := s.svc.Formats.Update(c.Request.Context(), caller(c), c.Param("slug"), in.patch())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toFormatDetail(d))
	return nil
}

type publishFormatRequest struct {
	Published optional[bool] `json:"published"`
}

// apiPublishFormat shares one of the commune's formats with its region:
// an empty body or {"published": true}; {"published": false} withdraws it.
func (s *Server) apiPublishFormat(c *gin.Context) error {
	var in publishFormatRequest
	if c.Request.ContentLength != 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	publish := in.Published.ptr() == nil || *in.Published.ptr()
	d, err := s.svc.Formats.Publish(c.Request.Context(), caller(c), c.Param("slug"), publish)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toFormatDetail(d))
	return nil
}

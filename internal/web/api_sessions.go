package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/audit"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

type locationJSON struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	Room    string `json:"room"`
}

type sessionJSON struct {
	ID                   int64        `json:"id"`
	UID                  string       `json:"uid"`
	Org                  string       `json:"org"`
	Format               string       `json:"format"`
	FormatVersion        *int         `json:"format_version"`
	Title                string       `json:"title"`
	StartsAt             time.Time    `json:"starts_at"`
	EndsAt               time.Time    `json:"ends_at"`
	Location             locationJSON `json:"location"`
	Capacity             int          `json:"capacity"`
	Booked               int          `json:"booked"`
	Waitlisted           int          `json:"waitlisted"`
	Status               string       `json:"status"`
	Phase                string       `json:"phase"`
	RecordPast           bool         `json:"record_past"`
	Sequence             int          `json:"sequence"`
	RegistrationDeadline *time.Time   `json:"registration_deadline"`
	Language             string       `json:"language"`
	OpenToOtherCommunes  bool         `json:"open_to_other_communes"`
	// Quotas are the seats per commune slug, null without quotas.
	Quotas map[string]int `json:"quotas"`
	// Communes are the counts per commune of a session open to others:
	// every commune's for the host, the caller's own for another commune.
	Communes []communeJSON `json:"communes,omitempty"`
	Trainers []int64       `json:"trainers"`
}

type communeJSON struct {
	Org        string `json:"org"`
	Name       string `json:"name"`
	Seats      *int   `json:"seats"`
	Booked     int    `json:"booked"`
	Waitlisted int    `json:"waitlisted"`
}

func toSessionJSON(v *booking.SessionView) sessionJSON {
	var deadline *time.Time
	if v.RegistrationDeadline != nil {
		d := tz.In(*v.RegistrationDeadline)
		deadline = &d
	}
	var version *int
	if v.FormatVersion > 0 {
		n := v.FormatVersion
		version = &n
	}
	var quotas map[string]int
	slugs := map[int64]string{}
	for _, c := range v.Communes {
		slugs[c.OrgID] = c.Slug
	}
	var communes []communeJSON
	for _, c := range v.Communes {
		communes = append(communes, communeJSON{Org: c.Slug, Name: c.Name, Seats: c.Seats, Booked: c.Booked, Waitlisted: c.Waitlisted})
	}
	if len(v.Quotas) > 0 {
		quotas = map[string]int{}
		for _, q := range v.Quotas {
			if slug, ok := slugs[q.OrgID]; ok {
				quotas[slug] = q.Seats
			}
		}
	}
	out := sessionJSON{
		ID: v.ID, UID: v.UID, Org: v.OrgSlug, Format: v.FormatSlug, FormatVersion: version, Title: v.Title,
		StartsAt: tz.In(v.StartsAt), EndsAt: tz.In(v.EndsAt),
		Location: locationJSON{Name: v.LocationName, Address: v.LocationAddress, Room: v.LocationRoom},
		Capacity: v.Capacity, Booked: v.Counts.Booked, Waitlisted: v.Counts.Waitlisted,
		Status: v.Status, Phase: string(v.Phase), RecordPast: v.RecordPast, Sequence: v.Sequence, RegistrationDeadline: deadline, Language: v.Language,
		OpenToOtherCommunes: v.OpenToOtherCommunes, Trainers: v.Trainers, Quotas: quotas, Communes: communes,
	}
	return out
}

type locationRequest struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	Room    string `json:"room"`
}

type sessionRequest struct {
	Format               optional[string]          `json:"format"`
	StartsAt             optional[string]          `json:"starts_at"`
	EndsAt               optional[string]          `json:"ends_at"`
	Location             optional[locationRequest] `json:"location"`
	Capacity             optional[int]             `json:"capacity"`
	Title                optional[string]          `json:"title"`
	RegistrationDeadline optional[string]          `json:"registration_deadline"`
	Language             optional[string]          `json:"language"`
	Trainers             optional[[]int64]         `json:"trainers"`
	OpenToOtherCommunes  optional[bool]            `json:"open_to_other_communes"`
	Quotas               optional[map[string]int]  `json:"quotas"`
	RecordPast           optional[bool]            `json:"record_past"`
	AllowRoomOverlap     optional[bool]            `json:"allow_room_overlap"`
}

func (r sessionRequest) input() booking.SessionInput {
	in := booking.SessionInput{
		Format: r.Format.ptr(), StartsAt: r.StartsAt.ptr(), EndsAt: r.EndsAt.ptr(), Capacity: r.Capacity.ptr(),
		Title: r.Title.ptr(), RegistrationDeadline: r.RegistrationDeadline.ptr(), Language: r.Language.ptr(),
		Trainers: r.Trainers.ptr(), OpenToOtherCommunes: r.OpenToOtherCommunes.ptr(), RecordPast: r.RecordPast.ptr(),
		AllowRoomOverlap: r.AllowRoomOverlap.ptr(),
	}
	if r.Quotas.Set {
		q := r.Quotas.Value // null removes the quotas, as {} does
		if q == nil {
			q = map[string]int{}
		}
		in.Quotas = &q
	}
	if r.RegistrationDeadline.Set && r.RegistrationDeadline.Null {
		in.RegistrationDeadline = new(string) // null removes the deadline
	}
	if l := r.Location.ptr(); l != nil {
		in.Location = &booking.Location{Name: l.Name, Address: l.Address, Room: l.Room}
	}
	return in
}

func (s *Server) apiCreateSession(c *gin.Context) error {
	var in sessionRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := s.svc.Booking.CreateSession(c.Request.Context(), caller(c), in.input())
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, toSessionJSON(v))
	return nil
}

func (s *Server) apiUpdateSession(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in sessionRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.RecordPast.Set {
		return apperr.Invalid("record_past", "err.record_past_create_only")
	}
	v, err := s.svc.Booking.UpdateSession(c.Request.Context(), caller(c), id, in.input())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toSessionJSON(v))
	return nil
}

func (s *Server) apiCancelSession(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.svc.Booking.CancelSession(c.Request.Context(), caller(c), id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toSessionJSON(v))
	return nil
}

func (s *Server) apiSession(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.svc.Booking.Session(c.Request.Context(), caller(c), id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toSessionJSON(v))
	return nil
}

// apiSessions lists the sessions the user can see: their commune's and
// those other communes opened, filtered by from/to (RFC 3339 or a date),
// status and trainer=me, paged with limit and offset.
func (s *Server) apiSessions(c *gin.Context) error {
	q := booking.SessionQuery{Status: c.Query("status"), Limit: 100}
	var v apperr.Validation
	if q.Status != "" && q.Status != store.SessionScheduled && q.Status != store.SessionCancelled {
		v.Add("status", "err.session_status")
	}
	q.From = queryTime(c, &v, "from")
	q.To = queryTime(c, &v, "to")
	switch c.Query("trainer") {
	case "":
	case "me":
		q.Mine = true
	default:
		v.Add("trainer", "err.trainer_filter")
	}
	if n := queryInt(c, &v, "limit", 1, 1000); n > 0 {
		q.Limit = int(n)
	}
	q.Offset = int(queryInt(c, &v, "offset", 0, 1<<31))
	if err := v.Err(); err != nil {
		return err
	}
	views, total, err := s.svc.Booking.Sessions(c.Request.Context(), caller(c), q)
	if err != nil {
		return err
	}
	out := make([]sessionJSON, len(views))
	for i := range views {
		out[i] = toSessionJSON(&views[i])
	}
	c.Header("X-Total-Count", strconv.FormatInt(total, 10))
	c.JSON(http.StatusOK, out)
	return nil
}

// queryTime reads an optional time: RFC 3339, or a date (midnight in Zurich).
func queryTime(c *gin.Context, v *apperr.Validation, name string) *time.Time {
	raw := c.Query(name)
	if raw == "" {
		return nil
	}
	if t, err := time.Parse(time.RFC3339, raw); err == nil {
		return &t
	}
	if t, err := time.ParseInLocation("2006-01-02", raw, tz.Zurich); err == nil {
		return &t
	}
	v.Add(name, "err.time_format")
	return nil
}

type auditJSON struct {
	ID      int64          `json:"id"`
	At      time.Time      `json:"at"`
	Actor   string         `json:"actor"`
	UserID  *int64         `json:"user_id"`
	Action  string         `json:"action"`
	Details map[string]any `json:"details"`
}

func toAuditJSON(e *store.AuditEntry) auditJSON {
	return auditJSON{ID: e.ID, At: tz.In(e.CreatedAt), Actor: e.Actor, UserID: e.ActorUserID, Action: e.Action, Details: audit.Detail(e)}
}

func (s *Server) apiSessionHistory(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	entries, err := s.svc.Audit.History(c.Request.Context(), caller(c), id, 0)
	if err != nil {
		return err
	}
	out := make([]auditJSON, len(entries))
	for i := range entries {
		out[i] = toAuditJSON(&entries[i])
	}
	c.JSON(http.StatusOK, out)
	return nil
}

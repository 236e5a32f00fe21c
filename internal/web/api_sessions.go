package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
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
	Title                string       `json:"title"`
	StartsAt             time.Time    `json:"starts_at"`
	EndsAt               time.Time    `json:"ends_at"`
	Location             locationJSON `json:"location"`
	Capacity             int          `json:"capacity"`
	Booked               int          `json:"booked"`
	Waitlisted           int          `json:"waitlisted"`
	Status               string       `json:"status"`
	Sequence             int          `json:"sequence"`
	RegistrationDeadline *time.Time   `json:"registration_deadline"`
	Language             string       `json:"language"`
	OpenToOtherCommunes  bool         `json:"open_to_other_communes"`
	Trainers             []int64      `json:"trainers"`
}

// sessionsJSON renders sessions with their counts and trainers, in two
// queries whatever their number.
func (s *Server) sessionsJSON(c *gin.Context, sessions []store.Session) ([]sessionJSON, error) {
	ctx := c.Request.Context()
	ids := make([]int64, len(sessions))
	for i, ss := range sessions {
		ids[i] = ss.ID
	}
	counts, err := s.store.CountsBySession(ctx, ids)
	if err != nil {
		return nil, err
	}
	trainers, err := s.store.SessionTrainers(ctx, ids)
	if err != nil {
		return nil, err
	}
	orgs := map[int64]string{}
	out := make([]sessionJSON, len(sessions))
	for i := range sessions {
		ss := &sessions[i]
		slug, ok := orgs[ss.OrgID]
		if !ok {
			if o, err := s.store.Org(ctx, ss.OrgID); err == nil {
				slug = o.Slug
			}
			orgs[ss.OrgID] = slug
		}
		var deadline *time.Time
		if ss.RegistrationDeadline != nil {
			d := tz.In(*ss.RegistrationDeadline)
			deadline = &d
		}
		t := trainers[ss.ID]
		if t == nil {
			t = []int64{}
		}
		out[i] = sessionJSON{
			ID: ss.ID, UID: ss.UID, Org: slug, Format: ss.FormatSlug, Title: ss.Title,
			StartsAt: tz.In(ss.StartsAt), EndsAt: tz.In(ss.EndsAt),
			Location: locationJSON{Name: ss.LocationName, Address: ss.LocationAddress, Room: ss.LocationRoom},
			Capacity: ss.Capacity, Booked: counts[ss.ID].Booked, Waitlisted: counts[ss.ID].Waitlisted,
			Status: ss.Status, Sequence: ss.Sequence, RegistrationDeadline: deadline, Language: ss.Language,
			OpenToOtherCommunes: ss.OpenToOtherCommunes, Trainers: t,
		}
	}
	return out, nil
}

func (s *Server) sessionJSON(c *gin.Context, sess *store.Session) (sessionJSON, error) {
	out, err := s.sessionsJSON(c, []store.Session{*sess})
	if err != nil {
		return sessionJSON{}, err
	}
	return out[0], nil
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
}

func (r sessionRequest) input() booking.SessionInput {
	in := booking.SessionInput{
		Format: r.Format.ptr(), StartsAt: r.StartsAt.ptr(), EndsAt: r.EndsAt.ptr(), Capacity: r.Capacity.ptr(),
		Title: r.Title.ptr(), RegistrationDeadline: r.RegistrationDeadline.ptr(), Language: r.Language.ptr(),
		Trainers: r.Trainers.ptr(), OpenToOtherCommunes: r.OpenToOtherCommunes.ptr(),
	}
	if r.RegistrationDeadline.Set && r.RegistrationDeadline.Null {
		in.RegistrationDeadline = new(string) // null removes the deadline
	}
	if l := r.Location.ptr(); l != nil {
		in.Location = &booking.Location{Name: l.Name, Address: l.Address, Room: l.Room}
	}
	return in
}

// actor describes the signed-in user to the domain.
func actor(c *gin.Context) booking.Actor {
	p := principal(c)
	id := p.User.ID
	return booking.Actor{UserID: &id, Label: p.User.Email, OrgID: p.OrgID(), Role: p.Role()}
}

func (s *Server) apiCreateSession(c *gin.Context) {
	var in sessionRequest
	if err := decodeJSON(c, &in); err != nil {
		s.renderError(c, err)
		return
	}
	sess, err := s.booking.CreateSession(c.Request.Context(), actor(c), in.input())
	if err != nil {
		s.renderError(c, err)
		return
	}
	s.respondSession(c, http.StatusCreated, sess)
}

func (s *Server) apiUpdateSession(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	var in sessionRequest
	if err := decodeJSON(c, &in); err != nil {
		s.renderError(c, err)
		return
	}
	sess, err := s.booking.UpdateSession(c.Request.Context(), actor(c), id, in.input())
	if err != nil {
		s.renderError(c, err)
		return
	}
	s.respondSession(c, http.StatusOK, sess)
}

func (s *Server) apiCancelSession(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	sess, err := s.booking.CancelSession(c.Request.Context(), actor(c), id)
	if err != nil {
		s.renderError(c, err)
		return
	}
	s.respondSession(c, http.StatusOK, sess)
}

func (s *Server) apiSession(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	sess, err := s.booking.Session(c.Request.Context(), actor(c), id)
	if err != nil {
		s.renderError(c, err)
		return
	}
	s.respondSession(c, http.StatusOK, sess)
}

func (s *Server) respondSession(c *gin.Context, status int, sess *store.Session) {
	out, err := s.sessionJSON(c, sess)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(status, out)
}

// apiSessions lists the sessions the user can see: their commune's and
// those other communes opened, filtered by from/to (RFC 3339 or a date),
// status and trainer=me, paged with limit and offset.
func (s *Server) apiSessions(c *gin.Context) {
	a := actor(c)
	f := store.SessionFilter{OrgID: a.OrgID, IncludeOpen: true, Status: c.Query("status"), Limit: 100}
	var v apperr.Validation
	if f.Status != "" && f.Status != store.SessionScheduled && f.Status != store.SessionCancelled {
		v.Add("status", "err.session_status")
	}
	f.From = queryTime(c, &v, "from")
	f.To = queryTime(c, &v, "to")
	switch c.Query("trainer") {
	case "":
	case "me":
		f.TrainerID = *a.UserID
	default:
		v.Add("trainer", "err.trainer_filter")
	}
	if n := queryInt(c, &v, "limit", 1, 1000); n > 0 {
		f.Limit = int(n)
	}
	f.Offset = int(queryInt(c, &v, "offset", 0, 1<<31))
	if err := v.Err(); err != nil {
		s.renderError(c, err)
		return
	}
	if a.OrgID == 0 {
		c.JSON(http.StatusOK, []sessionJSON{})
		return
	}
	sessions, total, err := s.store.Sessions(c.Request.Context(), f)
	if err != nil {
		s.renderError(c, err)
		return
	}
	out, err := s.sessionsJSON(c, sessions)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.Header("X-Total-Count", strconv.FormatInt(total, 10))
	c.JSON(http.StatusOK, out)
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

func (s *Server) apiSessionHistory(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	entries, err := s.booking.History(c.Request.Context(), actor(c), id)
	if err != nil {
		s.renderError(c, err)
		return
	}
	out := make([]auditJSON, len(entries))
	for i, e := range entries {
		out[i] = auditJSON{ID: e.ID, At: tz.In(e.CreatedAt), Actor: e.Actor, UserID: e.ActorUserID, Action: e.Action, Details: decodeDetail(e.Detail)}
	}
	c.JSON(http.StatusOK, out)
}

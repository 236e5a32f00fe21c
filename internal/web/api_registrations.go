package web

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

type linksJSON struct {
	Page   string `json:"page"`
	Invite string `json:"invite"`
	Feed   string `json:"feed"`
}

type registrationJSON struct {
	ID               int64      `json:"id"`
	SessionID        int64      `json:"session_id"`
	PersonID         *int64     `json:"person_id"`
	PersonName       string     `json:"person_name,omitempty"`
	Status           string     `json:"status"`
	WaitlistPosition *int       `json:"waitlist_position"`
	Attendance       string     `json:"attendance"`
	AttendanceAt     *time.Time `json:"attendance_at,omitempty"`
	WalkIn           bool       `json:"walk_in"`
	Token            string     `json:"token,omitempty"`
	Links            *linksJSON `json:"links,omitempty"`
	CreatedAt        time.Time  `json:"created_at"`
}

func (s *Server) links(token string) linksJSON {
	base := s.baseURL + "/r/" + token
	return linksJSON{Page: base, Invite: base + "/invite.ics", Feed: base + "/feed.ics"}
}

// toRegistrationJSON renders a registration with its token and links.
func (s *Server) toRegistrationJSON(r *store.Registration, name string) registrationJSON {
	out := s.registrationNoToken(r, name)
	l := s.links(r.Token)
	out.Token, out.Links = r.Token, &l
	return out
}

// regJSON renders a registration for the signed-in user: the token (which
// opens the participant's page, invite and cancellation) only for HR of the
// person's own commune; trainers and other communes get the rest.
func (s *Server) regJSON(c *gin.Context, r *store.Registration, name string) registrationJSON {
	p := principal(c)
	if p.Is(store.RoleHR, store.RoleAdmin) && p.OrgID() != 0 && r.OrgID == p.OrgID() {
		return s.toRegistrationJSON(r, name)
	}
	return s.registrationNoToken(r, name)
}

func (s *Server) registrationNoToken(r *store.Registration, name string) registrationJSON {
	out := registrationJSON{
		ID: r.ID, SessionID: r.SessionID, PersonID: r.PersonID, PersonName: name, Status: r.Status,
		WaitlistPosition: r.WaitlistPosition, Attendance: r.Attendance, WalkIn: r.WalkIn, CreatedAt: tz.In(r.CreatedAt),
	}
	if r.AttendanceAt != nil {
		t := tz.In(*r.AttendanceAt)
		out.AttendanceAt = &t
	}
	return out
}

type audienceRequest struct {
	Role         string `json:"role"`
	DepartmentID int64  `json:"department_id"`
}

type bookRequest struct {
	PersonID  *int64           `json:"person_id"`
	PersonIDs *[]int64         `json:"person_ids"`
	Audience  *audienceRequest `json:"audience"`
}

func (s *Server) apiBook(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	var in bookRequest
	if err := decodeJSON(c, &in); err != nil {
		s.renderError(c, err)
		return
	}
	req := booking.BookRequest{PersonID: in.PersonID, PersonIDs: in.PersonIDs}
	if in.Audience != nil {
		req.Audience = &booking.Audience{Role: in.Audience.Role, DepartmentID: in.Audience.DepartmentID}
	}
	regs, err := s.booking.Book(c.Request.Context(), actor(c), id, req)
	if err != nil {
		s.renderError(c, err)
		return
	}
	out := make([]registrationJSON, len(regs))
	for i := range regs {
		out[i] = s.regJSON(c, &regs[i], "")
	}
	c.JSON(http.StatusCreated, gin.H{"registrations": out})
}

func (s *Server) apiRegistrations(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	rows, err := s.booking.Registrations(c.Request.Context(), actor(c), id)
	if err != nil {
		s.renderError(c, err)
		return
	}
	out := make([]registrationJSON, len(rows))
	for i := range rows {
		out[i] = s.regJSON(c, &rows[i].Registration, rows[i].PersonName)
	}
	c.JSON(http.StatusOK, out)
}

// apiCancelRegistration cancels a registration. Cancelling one already
// cancelled succeeds again with the same answer (idempotent).
func (s *Server) apiCancelRegistration(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	r, err := s.booking.CancelRegistration(c.Request.Context(), actor(c), id)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.regJSON(c, r, ""))
}

// decodeDetail turns an audit entry's stored JSON back into an object.
func decodeDetail(s string) map[string]any {
	out := map[string]any{}
	_ = json.Unmarshal([]byte(s), &out)
	return out
}

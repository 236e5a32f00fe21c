package web

import (
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
	Rsvp             string     `json:"rsvp"`
	RsvpAt           *time.Time `json:"rsvp_at"`
	Token            string     `json:"token,omitempty"`
	Links            *linksJSON `json:"links,omitempty"`
	CreatedAt        time.Time  `json:"created_at"`
}

func (s *Server) links(token string) linksJSON {
	base := s.baseURL + "/r/" + token
	return linksJSON{Page: base, Invite: base + "/invite.ics", Feed: base + "/feed.ics"}
}

// toRegistrationJSON renders a registration. The domain has already left
// the token out where the caller may not hold it; the links come with it.
func (s *Server) toRegistrationJSON(r *store.Registration, name string) registrationJSON {
	out := registrationJSON{
		ID: r.ID, SessionID: r.SessionID, PersonID: r.PersonID, PersonName: name, Status: r.Status,
		WaitlistPosition: r.WaitlistPosition, Attendance: r.Attendance, WalkIn: r.WalkIn, Rsvp: r.Rsvp, CreatedAt: tz.In(r.CreatedAt),
	}
	if out.Rsvp == "" {
		out.Rsvp = store.RsvpNeedsAction
	}
	if r.RsvpAt != nil {
		t := tz.In(*r.RsvpAt)
		out.RsvpAt = &t
	}
	if r.AttendanceAt != nil {
		t := tz.In(*r.AttendanceAt)
		out.AttendanceAt = &t
	}
	if r.Token != "" {
		l := s.links(r.Token)
		out.Token, out.Links = r.Token, &l
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

func (s *Server) apiBook(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in bookRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	req := booking.BookRequest{PersonID: in.PersonID, PersonIDs: in.PersonIDs}
	if in.Audience != nil {
		req.Audience = &booking.Audience{Role: in.Audience.Role, DepartmentID: in.Audience.DepartmentID}
	}
	if c.Query("dry_run") == "true" {
		// What the booking would do, and nothing written.
		pv, err := s.svc.Booking.PreviewBook(c.Request.Context(), caller(c), id, req)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, gin.H{"dry_run": true, "booked": pv.Booked, "waitlisted": pv.Waitlisted, "unchanged": pv.Unchanged})
		return nil
	}
	regs, err := s.svc.Booking.Book(c.Request.Context(), caller(c), id, req)
	if err != nil {
		return err
	}
	out := make([]registrationJSON, len(regs))
	for i := range regs {
		out[i] = s.toRegistrationJSON(&regs[i], "")
	}
	c.JSON(http.StatusCreated, gin.H{"registrations": out})
	return nil
}

func (s *Server) apiRegistrations(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	rows, err := s.svc.Booking.Registrations(c.Request.Context(), caller(c), id)
	if err != nil {
		return err
	}
	out := make([]registrationJSON, len(rows))
	for i := range rows {
		out[i] = s.toRegistrationJSON(&rows[i].Registration, rows[i].PersonName)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// apiCancelRegistration cancels a registration. Cancelling one already
// cancelled succeeds again with the same answer (idempotent).
func (s *Server) apiCancelRegistration(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := s.svc.Booking.CancelRegistration(c.Request.Context(), caller(c), id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, s.toRegistrationJSON(r, ""))
	return nil
}

// apiResend queues a registration's invitation again.
func (s *Server) apiResend(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := s.svc.Booking.Resend(c.Request.Context(), caller(c), id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusAccepted, s.toRegistrationJSON(r, ""))
	return nil
}

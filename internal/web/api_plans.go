package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/campaign"
	"github.com/atelier-ch/atelier/internal/tz"
)

// planJSON is a campaign plan as the API answers it.
type planJSON struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
	Format string `json:"format"`
	// Changed: the commune changed since the proposal; confirming will
	// answer 409 with a new proposal.
	Changed     bool              `json:"changed"`
	Request     campaign.Request  `json:"request"`
	Sessions    []planSessionJSON `json:"sessions"`
	Unplaced    []unplacedJSON    `json:"unplaced"`
	Warnings    []warningJSON     `json:"warnings"`
	Totals      totalsJSON        `json:"totals"`
	SessionIDs  []int64           `json:"session_ids"`
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
	ConfirmedAt *time.Time        `json:"confirmed_at"`
}

type planSessionJSON struct {
	Index     int           `json:"index"`
	StartsAt  time.Time     `json:"starts_at"`
	EndsAt    time.Time     `json:"ends_at"`
	Council   bool          `json:"council"`
	People    []int64       `json:"people"`
	ByService map[int64]int `json:"by_service"`
}

type unplacedJSON struct {
	PersonID int64  `json:"person_id"`
	Reason   string `json:"reason"`
	Message  string `json:"message"`
}

type warningJSON struct {
	ID           string `json:"id"`
	Code         string `json:"code"`
	Violation    bool   `json:"violation"`
	Accepted     bool   `json:"accepted"`
	Session      *int   `json:"session"`
	Other        *int   `json:"other"`
	PersonID     *int64 `json:"person_id"`
	DepartmentID *int64 `json:"department_id"`
	Message      string `json:"message"`
}

type totalsJSON struct {
	Sessions int `json:"sessions"`
	Bookings int `json:"bookings"`
	Mailed   int `json:"mailed"`
}

func (s *Server) toPlanJSON(c *gin.Context, v *campaign.Plan) planJSON {
	lang := s.apiLang(c)
	out := planJSON{ID: v.ID, Status: v.Status, Format: v.Request.Format, Changed: v.Changed, Request: v.Request,
		Sessions: []planSessionJSON{}, Unplaced: []unplacedJSON{}, Warnings: []warningJSON{}, SessionIDs: v.SessionIDs,
		Totals:    totalsJSON{Sessions: v.Totals.Sessions, Bookings: v.Totals.Bookings, Mailed: v.Totals.Mailed},
		CreatedAt: tz.In(v.CreatedAt), UpdatedAt: tz.In(v.UpdatedAt)}
	if v.ConfirmedAt != nil {
		t := tz.In(*v.ConfirmedAt)
		out.ConfirmedAt = &t
	}
	for i, sess := range v.Proposal.Sessions {
		out.Sessions = append(out.Sessions, planSessionJSON{Index: i, StartsAt: tz.In(sess.Start), EndsAt: tz.In(sess.End), Council: sess.Council, People: sess.People, ByService: sess.ByService})
	}
	for _, u := range v.Proposal.Unplaced {
		out.Unplaced = append(out.Unplaced, unplacedJSON{PersonID: u.PersonID, Reason: string(u.Reason), Message: s.tr.T(lang, u.Reason.Key())})
	}
	for _, w := range v.Proposal.Warnings {
		j := warningJSON{ID: w.ID(), Code: string(w.Code), Violation: w.Violation, Accepted: v.Accepted[w.ID()], Message: s.tr.Msg(lang, w.Msg)}
		if w.Session >= 0 {
			j.Session = &w.Session
		}
		if w.Other >= 0 {
			j.Other = &w.Other
		}
		if w.PersonID != 0 {
			j.PersonID = &w.PersonID
		}
		if w.DepartmentID != 0 {
			j.DepartmentID = &w.DepartmentID
		}
		out.Warnings = append(out.Warnings, j)
	}
	return out
}

// apiCreatePlan proposes a plan; nothing is booked.
func (s *Server) apiCreatePlan(c *gin.Context) error {
	var in campaign.Request
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := s.svc.Campaign.Propose(c.Request.Context(), caller(c), in)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, s.toPlanJSON(c, v))
	return nil
}

func (s *Server) apiPlan(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.svc.Campaign.Plan(c.Request.Context(), caller(c), id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, s.toPlanJSON(c, v))
	return nil
}

// planEditRequest is one edit: move, remove_session or accept.
type planEditRequest struct {
	Move *struct {
		PersonID  int64         `json:"person_id"`
		ToSession optional[int] `json:"to_session"`
	} `json:"move"`
	RemoveSession *int      `json:"remove_session"`
	Accept        *[]string `json:"accept"`
}

func (r planEditRequest) edit() (campaign.Edit, error) {
	e := campaign.Edit{RemoveSession: r.RemoveSession, Accept: r.Accept}
	if m := r.Move; m != nil {
		to := campaign.OutOfPlan // "to_session": null
		switch {
		case !m.ToSession.Set:
			return e, apperr.Invalid("move.to_session", "err.required")
		case !m.ToSession.Null:
			to = m.ToSession.Value
		}
		e.Move = &campaign.Move{PersonID: m.PersonID, ToSession: to}
	}
	return e, nil
}

func (s *Server) apiEditPlan(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in planEditRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	e, err := in.edit()
	if err != nil {
		return err
	}
	v, err := s.svc.Campaign.Edit(c.Request.Context(), caller(c), id, e)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, s.toPlanJSON(c, v))
	return nil
}

// apiConfirmPlan creates the plan's sessions and bookings. A refusal that
// comes with the plan as it now is (the commune changed: a new proposal;
// violations not accepted) answers 409 with the error and the plan.
func (s *Server) apiConfirmPlan(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.svc.Campaign.Confirm(c.Request.Context(), caller(c), id)
	var refused *campaign.Conflict
	if errors.As(err, &refused) {
		c.JSON(http.StatusConflict, gin.H{"error": s.errorDetail(c, refused.Err), "plan": s.toPlanJSON(c, refused.Plan)})
		return nil
	}
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, s.toPlanJSON(c, v))
	return nil
}

package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/attendance"
)

type attendanceRequest struct {
	Status string `json:"status"`
}

// apiMarkAttendance sets present, absent, excused (or unknown to undo).
func (s *Server) apiMarkAttendance(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in attendanceRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r, err := s.svc.Attendance.Mark(c.Request.Context(), caller(c), id, in.Status)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, s.toRegistrationJSON(r, ""))
	return nil
}

type checkinRequest struct {
	Token string `json:"token"`
}

type checkinJSON struct {
	Name         string           `json:"name"`
	Already      bool             `json:"already_present"`
	Registration registrationJSON `json:"registration"`
}

// apiCheckIn marks present the person whose QR code (or token) is given.
func (s *Server) apiCheckIn(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in checkinRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	res, err := s.svc.Attendance.CheckIn(c.Request.Context(), caller(c), id, in.Token)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, checkinJSON{Name: res.Name, Already: res.Already, Registration: s.toRegistrationJSON(res.Registration, res.Name)})
	return nil
}

type walkInRequest struct {
	Name         string `json:"name"`
	Email        string `json:"email"`
	Role         string `json:"role"`
	DepartmentID *int64 `json:"department_id"`
	PersonID     *int64 `json:"person_id"`
}

type walkInJSON struct {
	registrationJSON
	Matched bool `json:"matched"`
}

type candidateJSON struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Department string `json:"department,omitempty"`
}

// apiWalkIn registers someone who came unannounced, marked present: the
// person of the commune with that email, or the only one with that name
// (matched), else a new person. Several people of that name: 409 with the
// candidates, to pick one with person_id.
func (s *Server) apiWalkIn(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in walkInRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	res, err := s.svc.Attendance.AddWalkIn(c.Request.Context(), caller(c), id, attendance.WalkIn(in))
	var amb *attendance.ErrAmbiguousWalkIn
	if errors.As(err, &amb) {
		e := s.toAppErr(c, err)
		lang := s.apiLang(c)
		out := struct {
			errorBody
			Candidates []candidateJSON `json:"candidates"`
		}{}
		out.Error = errorDetail{Code: e.Code, Message: s.tr.Msg(lang, e.Msg)}
		for _, cd := range amb.Candidates {
			out.Candidates = append(out.Candidates, candidateJSON(cd))
		}
		c.AbortWithStatusJSON(http.StatusConflict, out)
		return nil
	}
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, walkInJSON{registrationJSON: s.toRegistrationJSON(res.Registration, res.Person.Name), Matched: res.Matched})
	return nil
}

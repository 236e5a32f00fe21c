package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/attendance"
)

type attendanceRequest struct {
	Status string `json:"status"`
}

// apiMarkAttendance sets present, absent, excused (or unknown to undo).
func (s *Server) apiMarkAttendance(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	var in attendanceRequest
	if err := decodeJSON(c, &in); err != nil {
		s.renderError(c, err)
		return
	}
	r, err := s.attendance.Mark(c.Request.Context(), actor(c), id, in.Status)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.regJSON(c, r, ""))
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
func (s *Server) apiCheckIn(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	var in checkinRequest
	if err := decodeJSON(c, &in); err != nil {
		s.renderError(c, err)
		return
	}
	res, err := s.attendance.CheckIn(c.Request.Context(), actor(c), id, in.Token)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, checkinJSON{Name: res.Name, Already: res.Already, Registration: s.regJSON(c, res.Registration, res.Name)})
}

type walkInRequest struct {
	Name         string `json:"name"`
	Email        string `json:"email"`
	Role         string `json:"role"`
	DepartmentID *int64 `json:"department_id"`
}

// apiWalkIn registers someone who came unannounced, marked present.
func (s *Server) apiWalkIn(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	var in walkInRequest
	if err := decodeJSON(c, &in); err != nil {
		s.renderError(c, err)
		return
	}
	r, p, err := s.attendance.AddWalkIn(c.Request.Context(), actor(c), id, attendance.WalkIn(in))
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusCreated, s.regJSON(c, r, p.Name))
}

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
}

// apiWalkIn registers someone who came unannounced, marked present.
func (s *Server) apiWalkIn(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in walkInRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r, p, err := s.svc.Attendance.AddWalkIn(c.Request.Context(), caller(c), id, attendance.WalkIn(in))
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, s.toRegistrationJSON(r, p.Name))
	return nil
}

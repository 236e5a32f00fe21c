package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/attendance"
)

// participantQR answers the QR code a trainer scans: it holds the personal
// link, so a phone's camera also opens the participant's page.
func (s *Server) participantQR(c *gin.Context) error {
	t, err := s.svc.Tickets.Open(c.Request.Context(), c.Param("token"))
	if err != nil {
		return err
	}
	png, err := qrcode.Encode(s.baseURL+"/r/"+t.Registration.Token, qrcode.Medium, 320)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "private, max-age=3600")
	c.Data(http.StatusOK, "image/png", png)
	return nil
}

// participantCertificate prints the participant's own certificate, once
// they are marked present.
func (s *Server) participantCertificate(c *gin.Context) error {
	f, _, err := s.svc.Kit.ParticipantCertificate(c.Request.Context(), c.Param("token"))
	if err != nil {
		return err
	}
	return s.sendPDF(c, f)
}

type feedbackRequest struct {
	Overall          int    `json:"overall" form:"overall"`
	WillUse          int    `json:"will_use" form:"will_use"`
	ConfidenceBefore int    `json:"confidence_before" form:"confidence_before"`
	ConfidenceAfter  int    `json:"confidence_after" form:"confidence_after"`
	UseCases         string `json:"use_cases" form:"use_cases"`
	Worries          string `json:"worries" form:"worries"`
}

type feedbackJSON struct {
	Overall          int    `json:"overall"`
	WillUse          int    `json:"will_use"`
	ConfidenceBefore int    `json:"confidence_before"`
	ConfidenceAfter  int    `json:"confidence_after"`
	UseCases         string `json:"use_cases"`
	Worries          string `json:"worries"`
}

// readFeedbackForm reads the page's form; a rating that is not a number
// is a validation error on that field (0 is out of range too).
func readFeedbackForm(c *gin.Context) (feedbackRequest, error) {
	var in feedbackRequest
	var v apperr.Validation
	num := func(name string) int {
		raw := strings.TrimSpace(c.PostForm(name))
		n, err := strconv.Atoi(raw)
		if err != nil {
			v.Add(name, "err.rating_range")
		}
		return n
	}
	in.Overall, in.WillUse = num("overall"), num("will_use")
	in.ConfidenceBefore, in.ConfidenceAfter = num("confidence_before"), num("confidence_after")
	in.UseCases, in.Worries = c.PostForm("use_cases"), c.PostForm("worries")
	return in, v.Err()
}

// participantFeedback records the questionnaire after the session.
func (s *Server) participantFeedback(c *gin.Context) error {
	token := c.Param("token")
	asJSON := wantsJSON(c)
	var in feedbackRequest
	var err error
	if asJSON {
		err = decodeJSON(c, &in)
	} else {
		in, err = readFeedbackForm(c)
	}
	if err == nil {
		var fb *feedbackJSON
		if f, serr := s.svc.Attendance.SaveFeedback(c.Request.Context(), token, attendance.Answers(in)); serr != nil {
			err = serr
		} else {
			fb = &feedbackJSON{f.Overall, f.WillUse, f.ConfidenceBefore, f.ConfidenceAfter, f.UseCases, f.Worries}
		}
		if err == nil {
			if asJSON {
				c.JSON(http.StatusOK, fb)
			} else {
				c.Redirect(http.StatusSeeOther, "/r/"+token+"?done=feedback")
			}
			return nil
		}
	}
	return &participantFormError{err: err, form: &in}
}

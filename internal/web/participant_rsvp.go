package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// rsvpRequest is an answer to the invitation: accepted, tentative or
// declined; confirm gives the seat up when declining does.
type rsvpRequest struct {
	Answer  string `json:"answer"`
	Confirm bool   `json:"confirm"`
}

// participantRSVP records the participant's answer to their invitation. A
// form post answers with a redirect to the page; a decline that would give
// the seat up comes back as the page asking for confirmation (the
// participant adapter renders rsvp.ErrConfirmDecline so). A JSON post
// answers with the registration.
func (s *Server) participantRSVP(c *gin.Context) error {
	token := c.Param("token")
	var in rsvpRequest
	if wantsJSON(c) {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	} else {
		in = rsvpRequest{Answer: c.PostForm("answer"), Confirm: c.PostForm("confirm") == "yes"}
	}
	res, err := s.svc.Replies.Answer(c.Request.Context(), token, in.Answer, in.Confirm)
	if err != nil {
		return err
	}
	if wantsJSON(c) {
		c.JSON(http.StatusOK, s.toRegistrationJSON(res.Registration, ""))
		return nil
	}
	done := "rsvp"
	if res.Cancelled {
		done = "cancelled"
	}
	c.Redirect(http.StatusSeeOther, "/r/"+token+"?done="+done)
	return nil
}

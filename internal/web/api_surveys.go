package web

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/inquiry"
	"github.com/atelier-ch/atelier/internal/tz"
)

type surveyLinks struct {
	Results    string `json:"results"`
	ResultsPDF string `json:"results_pdf"`
	Page       string `json:"page"`
}

// surveyJSON is a survey in the API: its dates in Europe/Zurich, its state
// and its links.
type surveyJSON struct {
	inquiry.View
	Status string      `json:"status"`
	Links  surveyLinks `json:"links"`
}

func toSurveyJSON(v inquiry.View) surveyJSON {
	v.ClosesAt, v.CreatedAt = tz.In(v.ClosesAt), tz.In(v.CreatedAt)
	if v.ReminderAt != nil {
		t := tz.In(*v.ReminderAt)
		v.ReminderAt = &t
	}
	status := "closed"
	if v.Open {
		status = "open"
	}
	base := fmt.Sprintf("/api/v1/surveys/%d", v.ID)
	return surveyJSON{View: v, Status: status, Links: surveyLinks{Results: base + "/results", ResultsPDF: base + "/results.pdf", Page: fmt.Sprintf("/app/surveys/%d", v.ID)}}
}

type launchedJSON struct {
	surveyJSON
	WithoutEmail int `json:"without_email"`
}

type launchRequest struct {
	Kind     string           `json:"kind"`
	Audience inquiry.Audience `json:"audience"`
	ClosesAt string           `json:"closes_at"`
}

// apiLaunchSurvey starts a survey: {"kind", "audience": {"all"|"role"|
// "department_id"}, "closes_at"}; every person asked gets their link by
// mail.
func (s *Server) apiLaunchSurvey(c *gin.Context) error {
	var in launchRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	l, err := s.svc.Surveys.Launch(c.Request.Context(), caller(c), inquiry.Launch{Kind: in.Kind, Audience: in.Audience, ClosesAt: in.ClosesAt}, s.apiLang(c))
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, launchedJSON{surveyJSON: toSurveyJSON(l.View), WithoutEmail: l.WithoutEmail})
	return nil
}

// apiSurveys lists the commune's surveys with their counts, newest first.
func (s *Server) apiSurveys(c *gin.Context) error {
	list, err := s.svc.Surveys.List(c.Request.Context(), caller(c), s.apiLang(c))
	if err != nil {
		return err
	}
	out := make([]surveyJSON, len(list))
	for i := range list {
		out[i] = toSurveyJSON(list[i])
	}
	c.JSON(http.StatusOK, out)
	return nil
}

type resultsJSON struct {
	Survey   surveyJSON `json:"survey"`
	MinGroup int        `json:"min_group"`
	// Partial: the survey is open, the parts hold respondents and rates
	// only.
	Partial  bool           `json:"partial"`
	Overall  inquiry.Part   `json:"overall"`
	Services []inquiry.Part `json:"services"`
	Groups   []inquiry.Part `json:"groups"`
}

// apiSurveyResults answers a survey's anonymous results: overall, per
// service and per group, never from fewer than min_group people.
func (s *Server) apiSurveyResults(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := s.svc.Surveys.Results(c.Request.Context(), caller(c), id, reportLang(c))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, resultsJSON{Survey: toSurveyJSON(r.Survey), MinGroup: r.MinGroup, Partial: r.Partial, Overall: r.Overall, Services: r.Services, Groups: r.Groups})
	return nil
}

// apiSurveyResultsPDF prints a survey's results.
func (s *Server) apiSurveyResultsPDF(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f, err := s.svc.Kit.SurveyResultsPDF(c.Request.Context(), caller(c), id, reportLang(c))
	if err != nil {
		return err
	}
	return s.sendPDF(c, f)
}

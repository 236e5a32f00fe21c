package web

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/inquiry"
	"github.com/atelier-ch/atelier/internal/survey"
	"github.com/atelier-ch/atelier/internal/tz"
)

// The pages of a personal survey link, /s/{token}: the questionnaire in
// the person's language, their own answers while the survey is open.

// surveyFormError is a refused answer: the form comes back as sent.
type surveyFormError struct {
	err  error
	form *inquiry.Form
}

func (e *surveyFormError) Error() string { return e.err.Error() }
func (e *surveyFormError) Unwrap() error { return e.err }

// respondent adapts a survey link's route: a refused answer comes back
// with the questions as answered and the messages beside them.
func (s *Server) respondent(h handler) gin.HandlerFunc {
	return s.personalLink(h, func(c *gin.Context, err error, e *apperr.Error) error {
		var fe *surveyFormError
		var f *inquiry.Form
		if errors.As(err, &fe) && fe.form != nil {
			f = fe.form
		} else if f, err = s.svc.Surveys.Form(c.Request.Context(), c.Param("token")); err != nil {
			return err
		}
		s.renderSurvey(c, statusOf[e.Code], f, e)
		return nil
	})
}

func (s *Server) surveyPage(c *gin.Context) error {
	f, err := s.svc.Surveys.Form(c.Request.Context(), c.Param("token"))
	if err != nil {
		return err
	}
	s.renderSurvey(c, http.StatusOK, f, nil)
	return nil
}

type answerJSON struct {
	Survey   string         `json:"survey"`
	ClosesAt time.Time      `json:"closes_at"`
	Answers  survey.Answers `json:"answers"`
}

// surveyAnswer takes the answers of a personal link, from the page's form
// or as JSON ({"question": {"choices", "other", "value", "text"}}); a
// second answer replaces the first.
func (s *Server) surveyAnswer(c *gin.Context) error {
	token := c.Param("token")
	if wantsJSON(c) {
		var in survey.Answers
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
		f, err := s.svc.Surveys.Answer(c.Request.Context(), token, in)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, answerJSON{Survey: f.Survey.Slug, ClosesAt: tz.In(f.ClosesAt), Answers: f.Answers})
		return nil
	}
	_ = c.Request.ParseForm()
	f, err := s.svc.Surveys.AnswerForm(c.Request.Context(), token, c.Request.PostForm)
	if err != nil {
		return &surveyFormError{err: err, form: f}
	}
	c.Redirect(http.StatusSeeOther, "/s/"+token+"?done=1")
	return nil
}

// surveyView is what the survey page shows.
type surveyView struct {
	Form      *inquiry.Form
	Token     string
	Title     string
	Intro     string
	Questions []questionView
	MinGroup  int
}

type questionView struct {
	Key, Type, Text, Help string
	Required              bool
	Options               []optionView
	// Other offers « autre » with a text to say what.
	Other        bool
	OtherChecked bool
	OtherText    string
	Points       []pointView
	MinLabel     string
	MaxLabel     string
	Answer       string
	MaxLength    int
	Error        string
	OtherError   string
}

type optionView struct {
	Key, Label string
	Checked    bool
}

type pointView struct {
	N       int
	Checked bool
}

// renderSurvey renders the survey page; problem, when set, is shown at the
// top and next to the questions it names.
func (s *Server) renderSurvey(c *gin.Context, status int, f *inquiry.Form, problem *apperr.Error) {
	p := s.newPage(c, f.Lang)
	cs := f.Survey
	v := &surveyView{Form: f, Token: c.Param("token"), Title: cs.Title.In(p.Lang), Intro: cs.Intro.In(p.Lang), MinGroup: survey.MinGroup}
	fieldErr := map[string]string{}
	if problem != nil {
		p.Error = s.tr.Msg(p.Lang, problem.Msg)
		for field, m := range problem.Fields {
			fieldErr[field] = s.tr.Msg(p.Lang, m)
		}
	}
	for i := range cs.Questions {
		q := &cs.Questions[i]
		a := f.Answers[q.Key]
		qv := questionView{Key: q.Key, Type: string(q.Type), Text: q.Text.In(p.Lang), Required: q.Required, Other: q.Other,
			OtherChecked: slices.Contains(a.Choices, catalog.OtherKey), OtherText: a.Other, MaxLength: q.MaxLength,
			Error: fieldErr[q.Key], OtherError: fieldErr[q.Key+catalog.OtherSuffix]}
		if q.Help != nil {
			qv.Help = q.Help.In(p.Lang)
		}
		for _, o := range q.Options {
			qv.Options = append(qv.Options, optionView{Key: o.Key, Label: o.Label.In(p.Lang), Checked: slices.Contains(a.Choices, o.Key)})
		}
		switch q.Type {
		case catalog.QuestionScale:
			for n := q.Min; n <= q.Max; n++ {
				qv.Points = append(qv.Points, pointView{N: n, Checked: a.Value != nil && *a.Value == n})
			}
			qv.MinLabel, qv.MaxLabel = q.MinLabel.In(p.Lang), q.MaxLabel.In(p.Lang)
			if a.Value == nil && a.Text != "" {
				qv.Answer = a.Text
			}
		case catalog.QuestionText:
			qv.Answer = a.Text
		}
		v.Questions = append(v.Questions, qv)
	}
	if c.Query("done") != "" && f.Answered && problem == nil {
		p.Info = p.T("strategy.survey.thanks")
	}
	p.Title = v.Title
	p.Data = v
	s.render(c, status, "survey_form", p)
}

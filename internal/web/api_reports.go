package web

import (
	"bytes"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/report"
	"github.com/atelier-ch/atelier/internal/tz"
)

// reportLang is the language of a report: ?lang=, else Accept-Language.
func reportLang(c *gin.Context) string {
	if l := c.Query("lang"); i18n.Valid(l) {
		return l
	}
	return i18n.FromAcceptLanguage(c.GetHeader("Accept-Language"))
}

// apiAttendanceCSV exports one row per registration for Swiss Excel,
// filtered by from/to (dates or RFC 3339), format and department_id.
func (s *Server) apiAttendanceCSV(c *gin.Context) {
	orgID, err := s.scopeOrg(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	var v apperr.Validation
	f := report.AttendanceFilter{From: queryTime(c, &v, "from"), To: queryTime(c, &v, "to"), Format: c.Query("format")}
	f.DepartmentID = queryInt(c, &v, "department_id", 1, 1<<62)
	if f.Format != "" {
		if _, ok := s.catalog.Format(f.Format); !ok {
			v.Add("format", "err.format_unknown")
		}
	}
	if f.DepartmentID != 0 {
		if _, err := s.store.Department(c.Request.Context(), orgID, f.DepartmentID); err != nil {
			v.Add("department_id", "err.department_unknown")
		}
	}
	if err := v.Err(); err != nil {
		s.renderError(c, err)
		return
	}
	lang := reportLang(c)
	rows, err := s.reports.Attendance(c.Request.Context(), orgID, f, lang)
	if err != nil {
		s.renderError(c, err)
		return
	}
	var buf bytes.Buffer
	if err := s.reports.WriteCSV(&buf, rows, lang); err != nil {
		s.renderError(c, err)
		return
	}
	name := "presences-" + tz.In(s.now()).Format("2006-01-02") + ".csv"
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// apiCampaign answers the campaign report as JSON.
func (s *Server) apiCampaign(c *gin.Context) {
	orgID, err := s.scopeOrg(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	rep, err := s.reports.Campaign(c.Request.Context(), orgID, reportLang(c))
	if err != nil {
		s.renderError(c, err)
		return
	}
	rep.GeneratedAt = tz.In(rep.GeneratedAt)
	c.JSON(http.StatusOK, rep)
}

type exportJSON struct {
	Person        personJSON           `json:"person"`
	Department    *string              `json:"department"`
	Registrations []exportRegistration `json:"registrations"`
	Feedback      []feedbackJSON       `json:"feedback"`
	Mail          []exportMail         `json:"mail"`
	History       []auditJSON          `json:"history"`
	ExportedAt    time.Time            `json:"exported_at"`
}

type exportRegistration struct {
	ID           int64      `json:"id"`
	Session      string     `json:"session"`
	SessionID    int64      `json:"session_id"`
	StartsAt     time.Time  `json:"starts_at"`
	Status       string     `json:"status"`
	Attendance   string     `json:"attendance"`
	AttendanceAt *time.Time `json:"attendance_at"`
	WalkIn       bool       `json:"walk_in"`
	CreatedAt    time.Time  `json:"created_at"`
}

type exportMail struct {
	Subject   string     `json:"subject"`
	To        string     `json:"to"`
	Status    string     `json:"status"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at"`
}

// apiExportPerson answers everything held about a person (right of access).
func (s *Server) apiExportPerson(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	orgID, err := s.scopeOrg(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	d, err := s.dir.Export(c.Request.Context(), orgID, id)
	if err != nil {
		s.renderError(c, err)
		return
	}
	out := exportJSON{Person: toPersonJSON(&d.Person), ExportedAt: tz.In(s.now()),
		Registrations: []exportRegistration{}, Feedback: []feedbackJSON{}, Mail: []exportMail{}, History: []auditJSON{}}
	if d.Person.DepartmentID != nil {
		if dep, err := s.store.Department(c.Request.Context(), orgID, *d.Person.DepartmentID); err == nil {
			out.Department = &dep.Name
		}
	}
	for _, r := range d.Registrations {
		e := exportRegistration{ID: r.ID, SessionID: r.SessionID, Status: r.Status, Attendance: r.Attendance, WalkIn: r.WalkIn, CreatedAt: tz.In(r.CreatedAt)}
		if sess, ok := d.Sessions[r.SessionID]; ok {
			e.Session, e.StartsAt = sess.Title, tz.In(sess.StartsAt)
		}
		if r.AttendanceAt != nil {
			t := tz.In(*r.AttendanceAt)
			e.AttendanceAt = &t
		}
		out.Registrations = append(out.Registrations, e)
	}
	for _, f := range d.Feedback {
		out.Feedback = append(out.Feedback, feedbackJSON{f.Overall, f.WillUse, f.ConfidenceBefore, f.ConfidenceAfter, f.UseCases, f.Worries})
	}
	for _, m := range d.Mail {
		em := exportMail{Subject: m.Subject, To: m.ToEmail, Status: m.Status, CreatedAt: tz.In(m.CreatedAt)}
		if m.SentAt != nil {
			t := tz.In(*m.SentAt)
			em.SentAt = &t
		}
		out.Mail = append(out.Mail, em)
	}
	for _, e := range d.Audit {
		out.History = append(out.History, auditJSON{ID: e.ID, At: tz.In(e.CreatedAt), Actor: e.Actor, UserID: e.ActorUserID, Action: e.Action, Details: decodeDetail(e.Detail)})
	}
	c.Header("Content-Disposition", `attachment; filename="personne-`+c.Param("id")+`.json"`)
	c.JSON(http.StatusOK, out)
}

// apiErasePerson erases a person; their registrations stay as anonymous
// counts.
func (s *Server) apiErasePerson(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	orgID, err := s.scopeOrg(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	if err := s.booking.ErasePerson(c.Request.Context(), booking.Actor{UserID: &principal(c).User.ID, Label: principal(c).User.Email, OrgID: orgID, Role: principal(c).Role()}, id); err != nil {
		s.renderError(c, err)
		return
	}
	s.log.InfoContext(c.Request.Context(), "person erased", "person_id", id, "by", principal(c).User.Email)
	c.Status(http.StatusNoContent)
}

// apiCampaignPDF prints the campaign report.
func (s *Server) apiCampaignPDF(c *gin.Context) {
	orgID, err := s.scopeOrg(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	lang := reportLang(c)
	rep, err := s.reports.Campaign(c.Request.Context(), orgID, lang)
	if err != nil {
		s.renderError(c, err)
		return
	}
	org, err := s.store.Org(c.Request.Context(), orgID)
	if err != nil {
		s.renderError(c, err)
		return
	}
	s.sendPDF(c, "rapport-campagne.pdf", func(b *bytes.Buffer) error {
		return s.kit.CampaignReport(b, org.Name, rep, lang)
	})
}

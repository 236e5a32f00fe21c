package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
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
func (s *Server) apiAttendanceCSV(c *gin.Context) error {
	var v apperr.Validation
	f := report.AttendanceFilter{From: queryTime(c, &v, "from"), To: queryTime(c, &v, "to"), Format: c.Query("format")}
	f.DepartmentID = queryInt(c, &v, "department_id", 1, 1<<62)
	if err := v.Err(); err != nil {
		return err
	}
	data, err := s.svc.Reports.AttendanceCSV(c.Request.Context(), caller(c), f, reportLang(c))
	if err != nil {
		return err
	}
	name := "presences-" + tz.In(s.now()).Format("2006-01-02") + ".csv"
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "text/csv; charset=utf-8", data)
	return nil
}

// apiCampaign answers the campaign report as JSON.
func (s *Server) apiCampaign(c *gin.Context) error {
	rep, err := s.svc.Reports.Campaign(c.Request.Context(), caller(c), reportLang(c))
	if err != nil {
		return err
	}
	rep.GeneratedAt = tz.In(rep.GeneratedAt)
	c.JSON(http.StatusOK, rep)
	return nil
}

// apiCampaignPDF prints the campaign report.
func (s *Server) apiCampaignPDF(c *gin.Context) error {
	f, err := s.svc.Kit.CampaignReport(c.Request.Context(), caller(c), reportLang(c))
	if err != nil {
		return err
	}
	return s.sendPDF(c, f)
}

type exportJSON struct {
	Person        personJSON           `json:"person"`
	Department    *string              `json:"department"`
	Registrations []exportRegistration `json:"registrations"`
	Feedback      []feedbackJSON       `json:"feedback"`
	Mail          []exportMail         `json:"mail"`
	History       []auditJSON          `json:"history"`
	// Surveys the person was asked to answer. Their answers are not
	// linked to them: nothing held says what they answered.
	Surveys      []exportSurvey      `json:"surveys"`
	MementoReads []exportMementoRead `json:"memento_reads"`
	ExportedAt   time.Time           `json:"exported_at"`
}

type exportSurvey struct {
	SurveyID  int64     `json:"survey_id"`
	Kind      string    `json:"kind"`
	ClosesAt  time.Time `json:"closes_at"`
	InvitedAt time.Time `json:"invited_at"`
}

type exportMementoRead struct {
	Version int       `json:"version"`
	ReadAt  time.Time `json:"read_at"`
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
	Rsvp         string     `json:"rsvp"`
	RsvpAt       *time.Time `json:"rsvp_at"`
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
func (s *Server) apiExportPerson(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := s.svc.Privacy.Export(c.Request.Context(), caller(c), id)
	if err != nil {
		return err
	}
	out := exportJSON{Person: toPersonJSON(&d.Person), Department: d.Department, ExportedAt: tz.In(s.now()),
		Registrations: []exportRegistration{}, Feedback: []feedbackJSON{}, Mail: []exportMail{}, History: []auditJSON{},
		Surveys: []exportSurvey{}, MementoReads: []exportMementoRead{}}
	for _, inv := range d.SurveyInvitations {
		e := exportSurvey{SurveyID: inv.SurveyID, InvitedAt: tz.In(inv.CreatedAt)}
		if sv, ok := d.Surveys[inv.SurveyID]; ok {
			e.Kind, e.ClosesAt = sv.Kind, tz.In(sv.ClosesAt)
		}
		out.Surveys = append(out.Surveys, e)
	}
	for _, r := range d.MementoReads {
		out.MementoReads = append(out.MementoReads, exportMementoRead{Version: r.Version, ReadAt: tz.In(r.ReadAt)})
	}
	for _, r := range d.Registrations {
		e := exportRegistration{ID: r.ID, SessionID: r.SessionID, Status: r.Status, Attendance: r.Attendance, WalkIn: r.WalkIn, Rsvp: r.Rsvp, CreatedAt: tz.In(r.CreatedAt)}
		if r.RsvpAt != nil {
			t := tz.In(*r.RsvpAt)
			e.RsvpAt = &t
		}
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
	for i := range d.Audit {
		out.History = append(out.History, toAuditJSON(&d.Audit[i]))
	}
	c.Header("Content-Disposition", `attachment; filename="personne-`+strconv.FormatInt(id, 10)+`.json"`)
	c.JSON(http.StatusOK, out)
	return nil
}

// apiErasePerson erases a person; their registrations stay as anonymous
// counts.
func (s *Server) apiErasePerson(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.svc.Privacy.Erase(c.Request.Context(), caller(c), id); err != nil {
		return err
	}
	s.log.InfoContext(c.Request.Context(), "person erased", "person_id", id, "by", caller(c).UserID)
	c.Status(http.StatusNoContent)
	return nil
}

// leaveJSON answers a departure: the person, how many places to come were
// cancelled (would be, in a dry run), and when their data will be purged.
type leaveJSON struct {
	Person          personJSON `json:"person"`
	PlacesCancelled int        `json:"places_cancelled"`
	PurgeOn         *string    `json:"purge_on"`
	DryRun          bool       `json:"dry_run,omitempty"`
}

// apiLeavePerson records that a person left the commune: their places to
// come are cancelled, they are no longer booked, their data is purged after
// the retention period. ?dry_run=true says what it would do.
func (s *Server) apiLeavePerson(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx, who := c.Request.Context(), caller(c)
	if c.Query("dry_run") == "true" {
		im, err := s.svc.Privacy.Impact(ctx, who, id)
		if err != nil {
			return err
		}
		p, err := s.svc.Directory.Person(ctx, who, id)
		if err != nil {
			return err
		}
		left := s.now()
		if p.LeftAt != nil { // already gone: leaving again changes nothing
			left, im.Upcoming = *p.LeftAt, 0
		}
		c.JSON(http.StatusOK, leaveJSON{Person: toPersonJSON(p), PlacesCancelled: im.Upcoming, PurgeOn: s.purgeOn(&left), DryRun: true})
		return nil
	}
	p, n, err := s.svc.Privacy.Leave(ctx, who, id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, leaveJSON{Person: toPersonJSON(p), PlacesCancelled: n, PurgeOn: s.purgeOn(p.LeftAt)})
	return nil
}

// purgeOn is the day the data of someone who left at left will be purged,
// nil while they work for the commune.
func (s *Server) purgeOn(left *time.Time) *string {
	if left == nil {
		return nil
	}
	d := tz.In(s.svc.Privacy.PurgeDate(*left)).Format(time.DateOnly)
	return &d
}

// apiReturnPerson records that a person who had left works for the
// commune again.
func (s *Server) apiReturnPerson(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := s.svc.Privacy.Return(c.Request.Context(), caller(c), id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toPersonJSON(p))
	return nil
}

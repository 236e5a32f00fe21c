package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/attendance"
	"github.com/atelier-ch/atelier/internal/calendar"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/sheets"
	"github.com/atelier-ch/atelier/internal/store"
)

// sendPDF writes a generated PDF, or the error as JSON.
func (s *Server) sendPDF(c *gin.Context, name string, write func(*bytes.Buffer) error) {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		s.renderError(c, err)
		return
	}
	c.Header("Content-Disposition", `inline; filename="`+name+`"`)
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "application/pdf", buf.Bytes())
}

// variant reads ?variant=participant|trainer (participant by default).
func variant(c *gin.Context) (sheets.Variant, error) {
	raw := c.DefaultQuery("variant", string(sheets.VariantParticipant))
	v, ok := sheets.ParseVariant(raw)
	if !ok {
		return "", apperr.Invalid("variant", "err.variant")
	}
	return v, nil
}

// apiFormatSheets prints a format's exercise sheets, without a session.
func (s *Server) apiFormatSheets(c *gin.Context) {
	f, ok := s.catalog.Format(c.Param("slug"))
	if !ok {
		s.notFound(c)
		return
	}
	v, err := variant(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	lang := reportLang(c)
	s.sendPDF(c, fmt.Sprintf("fiches-%s-%s.pdf", f.Slug, v), func(b *bytes.Buffer) error {
		return s.kit.ExerciseSheets(b, f, s.catalog.ExercisesOf(f), v, nil, lang)
	})
}

// kitSession loads a session the user may print for: their commune's (HR,
// or a trainer of the commune), and what the documents say about it.
func (s *Server) kitSession(c *gin.Context) (*store.Session, *catalog.Format, sheets.Session, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, nil, sheets.Session{}, err
	}
	ctx := c.Request.Context()
	a := actor(c)
	sess, err := s.store.Session(ctx, id)
	if err != nil {
		return nil, nil, sheets.Session{}, err
	}
	if sess.OrgID != a.OrgID {
		return nil, nil, sheets.Session{}, store.ErrNotFound
	}
	if err := s.booking.TrainerAccess(ctx, a, sess); err != nil {
		return nil, nil, sheets.Session{}, err
	}
	f, ok := s.catalog.Format(sess.FormatSlug)
	if !ok {
		return nil, nil, sheets.Session{}, store.ErrNotFound
	}
	ks, err := s.sheetSession(ctx, sess)
	return sess, f, ks, err
}

// sheetSession is what the printed documents say about a session.
func (s *Server) sheetSession(ctx context.Context, sess *store.Session) (sheets.Session, error) {
	org, err := s.store.Org(ctx, sess.OrgID)
	if err != nil {
		return sheets.Session{}, err
	}
	ks := sheets.Session{Commune: org.Name, Title: sess.Title, Place: calendar.Place(sess), Start: sess.StartsAt, End: sess.EndsAt, Language: sess.Language}
	ids, err := s.store.SessionTrainers(ctx, []int64{sess.ID})
	if err != nil {
		return ks, err
	}
	if len(ids[sess.ID]) > 0 {
		users, err := s.store.UsersByID(ctx, sess.OrgID, ids[sess.ID])
		if err != nil {
			return ks, err
		}
		for _, id := range ids[sess.ID] {
			if u, ok := users[id]; ok {
				name := u.Name
				if name == "" {
					name = u.Email
				}
				ks.Trainers = append(ks.Trainers, name)
			}
		}
	}
	return ks, nil
}

func (s *Server) participants(rows []store.RegistrationRow) []sheets.Participant {
	out := make([]sheets.Participant, 0, len(rows))
	for _, r := range rows {
		p := sheets.Participant{Name: r.PersonName, Role: r.PersonRole}
		if r.DepartmentName != nil {
			p.Department = *r.DepartmentName
		}
		if p.Name == "" {
			continue // erased: nothing to print
		}
		out = append(out, p)
	}
	return out
}

func (s *Server) apiSessionSheets(c *gin.Context) {
	sess, f, ks, err := s.kitSession(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	v, err := variant(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	s.sendPDF(c, fmt.Sprintf("fiches-%d-%s.pdf", sess.ID, v), func(b *bytes.Buffer) error {
		return s.kit.ExerciseSheets(b, f, s.catalog.ExercisesOf(f), v, &ks, sess.Language)
	})
}

func (s *Server) apiSignInSheet(c *gin.Context) {
	sess, _, ks, err := s.kitSession(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	rows, err := s.store.RegistrationRows(c.Request.Context(), store.RegistrationFilter{SessionID: sess.ID, Status: []string{store.RegBooked}})
	if err != nil {
		s.renderError(c, err)
		return
	}
	s.sendPDF(c, fmt.Sprintf("liste-de-presence-%d.pdf", sess.ID), func(b *bytes.Buffer) error {
		return s.kit.SignInSheet(b, ks, s.participants(rows))
	})
}

func (s *Server) apiProgramme(c *gin.Context) {
	sess, f, ks, err := s.kitSession(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	s.sendPDF(c, fmt.Sprintf("programme-%d.pdf", sess.ID), func(b *bytes.Buffer) error {
		return s.kit.Programme(b, ks, f)
	})
}

// apiCertificates prints one certificate per participant marked present.
func (s *Server) apiCertificates(c *gin.Context) {
	sess, f, ks, err := s.kitSession(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	rows, err := s.attendance.Present(c.Request.Context(), sess.ID)
	if err != nil {
		s.renderError(c, err)
		return
	}
	people := s.participants(rows)
	if len(people) == 0 {
		s.renderError(c, apperr.Conflict("err.no_certificates"))
		return
	}
	s.sendPDF(c, fmt.Sprintf("attestations-%d.pdf", sess.ID), func(b *bytes.Buffer) error {
		return s.kit.Certificates(b, ks, f, people)
	})
}

// participantCertificate prints the participant's own certificate, once
// they are marked present.
func (s *Server) participantCertificate(c *gin.Context) {
	t, err := s.booking.TicketByToken(c.Request.Context(), c.Param("token"))
	if err != nil {
		s.participantNotFound(c, err)
		return
	}
	if attendance.CertificateRefusal(t.Registration) != nil || t.Person == nil || t.Format == nil {
		p := s.newPage(c, personLang(t))
		p.Title = p.T("participant.no_certificate")
		p.Data = p.T("participant.no_certificate_hint")
		s.render(c, http.StatusConflict, "error", p)
		return
	}
	ks, err := s.sheetSession(c.Request.Context(), t.Session)
	if err != nil {
		s.participantNotFound(c, err)
		return
	}
	ks.Language = personLang(t)
	p := sheets.Participant{Name: t.Person.Name, Role: t.Person.Role}
	name := "attestation-" + strings.ToLower(strings.ReplaceAll(fileSafe(t.Person.Name), " ", "-")) + ".pdf"
	var buf bytes.Buffer
	if err := s.kit.Certificates(&buf, ks, t.Format, []sheets.Participant{p}); err != nil {
		s.participantNotFound(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "application/pdf", buf.Bytes())
}

// fileSafe keeps the ASCII letters, digits, spaces and dashes of a file name.
func fileSafe(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == ' ' || r == '-') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

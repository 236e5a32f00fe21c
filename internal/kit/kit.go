// Package kit produces the printed documents of a campaign — exercise
// sheets, sign-in sheets, the programme, certificates and the campaign
// report — for the people allowed to print them: it loads what a document
// shows, asks the access policy, and has package sheets draw it.
package kit

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/attendance"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/formats"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/inquiry"
	"github.com/atelier-ch/atelier/internal/names"
	"github.com/atelier-ch/atelier/internal/region"
	"github.com/atelier-ch/atelier/internal/report"
	"github.com/atelier-ch/atelier/internal/schedule"
	"github.com/atelier-ch/atelier/internal/sheets"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/strategy"
	"github.com/atelier-ch/atelier/internal/ticket"
)

// Store is what the documents read.
type Store interface {
	Session(ctx context.Context, id int64) (*store.Session, error)
	SessionTrainers(ctx context.Context, sessionIDs []int64) (map[int64][]int64, error)
	UsersIn(ctx context.Context, orgIDs, ids []int64) (map[int64]*store.User, error)
	SessionQuotas(ctx context.Context, sessionIDs []int64) (map[int64][]store.SessionQuota, error)
	Org(ctx context.Context, id int64) (*store.Org, error)
	RegistrationRows(ctx context.Context, f store.RegistrationFilter) ([]store.RegistrationRow, error)
}

// File is a document to send: its bytes (Data), or, for a large one, the
// way to write it as it is made (Stream).
type File struct {
	Name   string
	Data   []byte
	Stream func(w io.Writer) error
	// Attachment asks the browser to save rather than show it.
	Attachment bool
}

// Service produces the documents.
type Service struct {
	store   Store
	formats *formats.Resolver
	sheets  *sheets.Kit
	reports *report.Service
	tickets *ticket.Service
	// Formats reads the formats the commune adapted, for their sheets
	// outside a session.
	Formats *formats.Service
	// Surveys and Strategy give the survey results, the memento and the
	// roadmap; nil in a kit that prints none of them.
	Surveys  *inquiry.Service
	Strategy *strategy.Service
	// Regions gives the regional view; nil in a kit that prints none.
	Regions *region.Service
	// BaseURL is the site's address, printed where a document sends its
	// reader to a page.
	BaseURL string
}

// New returns a Service.
func New(s Store, f *formats.Resolver, k *sheets.Kit, r *report.Service, t *ticket.Service) *Service {
	return &Service{store: s, formats: f, sheets: k, reports: r, tickets: t}
}

// ParseVariant reads the variant of exercise sheets asked for; empty is
// the participant's.
func ParseVariant(raw string) (sheets.Variant, error) {
	if raw == "" {
		return sheets.VariantParticipant, nil
	}
	v, ok := sheets.ParseVariant(raw)
	if !ok {
		return "", apperr.Invalid("variant", "err.variant")
	}
	return v, nil
}

func render(name string, draw func(*bytes.Buffer) error) (*File, error) {
	var buf bytes.Buffer
	if err := draw(&buf); err != nil {
		return nil, err
	}
	return &File{Name: name, Data: buf.Bytes()}, nil
}

// FormatSheets prints a format's exercise sheets, without a session: the
// catalogue's to anyone, a commune's own format (version 0: the current)
// to those who see it.
func (s *Service) FormatSheets(ctx context.Context, caller access.Caller, slug string, version int, variant, lang string) (*File, error) {
	v, err := ParseVariant(variant)
	if err != nil {
		return nil, err
	}
	d, err := s.Formats.Get(ctx, caller, slug, version)
	if err != nil {
		return nil, err
	}
	f := d.Format
	if !i18n.Valid(lang) {
		lang = "fr"
	}
	return render(fmt.Sprintf("fiches-%s-%s.pdf", f.Slug, v), func(b *bytes.Buffer) error {
		return s.sheets.ExerciseSheets(b, f, d.Exercises, v, nil, lang)
	})
}

// printable loads a session the caller may print for — HR of its commune
// or one of its trainers — and what the documents say about it.
func (s *Service) printable(ctx context.Context, caller access.Caller, id int64) (*store.Session, *catalog.Format, sheets.Session, error) {
	sess, err := s.store.Session(ctx, id)
	if err != nil {
		return nil, nil, sheets.Session{}, err
	}
	trainers, err := s.store.SessionTrainers(ctx, []int64{id})
	if err != nil {
		return nil, nil, sheets.Session{}, err
	}
	if err := caller.OnSession(access.PrintKit, access.Session{OrgID: sess.OrgID, Open: sess.OpenToOtherCommunes, Trainers: trainers[id]}); err != nil {
		return nil, nil, sheets.Session{}, err
	}
	// The version the session was scheduled with: its documents never
	// change when the commune adapts the format afterwards.
	f, err := s.formats.Session(ctx, sess)
	if err != nil {
		return nil, nil, sheets.Session{}, err
	}
	if f == nil {
		return nil, nil, sheets.Session{}, store.ErrNotFound
	}
	ks, err := s.sheetSession(ctx, sess, trainers[id])
	return sess, f, ks, err
}

// sheetSession is what the printed documents say about a session.
func (s *Service) sheetSession(ctx context.Context, sess *store.Session, trainerIDs []int64) (sheets.Session, error) {
	org, err := s.store.Org(ctx, sess.OrgID)
	if err != nil {
		return sheets.Session{}, err
	}
	ks := sheets.Session{Commune: org.Name, Title: sess.Title, Place: schedule.Place(sess), Start: sess.StartsAt, End: sess.EndsAt, Language: sess.Language}
	if len(trainerIDs) == 0 {
		return ks, nil
	}
	// A pooled session may be run by a trainer of a commune holding seats.
	orgIDs := []int64{sess.OrgID}
	quotas, err := s.store.SessionQuotas(ctx, []int64{sess.ID})
	if err != nil {
		return ks, err
	}
	for _, q := range quotas[sess.ID] {
		orgIDs = append(orgIDs, q.OrgID)
	}
	users, err := s.store.UsersIn(ctx, orgIDs, trainerIDs)
	if err != nil {
		return ks, err
	}
	for _, id := range trainerIDs {
		if u, ok := users[id]; ok {
			name := u.Name
			if name == "" {
				name = u.Email
			}
			ks.Trainers = append(ks.Trainers, name)
		}
	}
	return ks, nil
}

// participants turns registration rows into the names a sheet prints;
// erased people have no name and are left out.
func participants(rows []store.RegistrationRow, keep func(*store.RegistrationRow) bool) []sheets.Participant {
	out := make([]sheets.Participant, 0, len(rows))
	for i := range rows {
		r := &rows[i]
		if r.PersonName == "" || (keep != nil && !keep(r)) {
			continue
		}
		p := sheets.Participant{Name: r.PersonName, Role: r.PersonRole}
		if r.DepartmentName != nil {
			p.Department = *r.DepartmentName
		}
		out = append(out, p)
	}
	return out
}

// SessionSheets prints a session's exercise sheets.
func (s *Service) SessionSheets(ctx context.Context, caller access.Caller, id int64, variant string) (*File, error) {
	v, err := ParseVariant(variant)
	if err != nil {
		return nil, err
	}
	sess, f, ks, err := s.printable(ctx, caller, id)
	if err != nil {
		return nil, err
	}
	return render(fmt.Sprintf("fiches-%d-%s.pdf", sess.ID, v), func(b *bytes.Buffer) error {
		return s.sheets.ExerciseSheets(b, f, s.formats.Exercises(f), v, &ks, sess.Language)
	})
}

// SignInSheet prints the booked people with room to sign.
func (s *Service) SignInSheet(ctx context.Context, caller access.Caller, id int64) (*File, error) {
	sess, _, ks, err := s.printable(ctx, caller, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.store.RegistrationRows(ctx, store.RegistrationFilter{SessionID: id, Status: []string{store.RegBooked}})
	if err != nil {
		return nil, err
	}
	// The sheet lists people as a register does, by family name: « Crettaz
	// Céline » before « Crettaz Christophe » (the rows come sorted so).
	people := participants(rows, nil)
	j := 0
	for i := range rows {
		if rows[i].PersonName == "" {
			continue
		}
		if rows[i].PersonFamily != "" {
			people[j].Name = names.Join(rows[i].PersonFamily, rows[i].PersonGiven)
		}
		j++
	}
	return render(fmt.Sprintf("liste-de-presence-%d.pdf", sess.ID), func(b *bytes.Buffer) error {
		return s.sheets.SignInSheet(b, ks, people)
	})
}

// Programme prints the agenda with clock times.
func (s *Service) Programme(ctx context.Context, caller access.Caller, id int64) (*File, error) {
	sess, f, ks, err := s.printable(ctx, caller, id)
	if err != nil {
		return nil, err
	}
	return render(fmt.Sprintf("programme-%d.pdf", sess.ID), func(b *bytes.Buffer) error {
		return s.sheets.Programme(b, ks, f)
	})
}

// Certificates prints one certificate per person marked present; while
// nobody is, there is nothing to print (409).
func (s *Service) Certificates(ctx context.Context, caller access.Caller, id int64) (*File, error) {
	sess, f, ks, err := s.printable(ctx, caller, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.store.RegistrationRows(ctx, store.RegistrationFilter{SessionID: id, Status: []string{store.RegBooked}})
	if err != nil {
		return nil, err
	}
	people := participants(rows, func(r *store.RegistrationRow) bool { return attendance.CertificateRefusal(&r.Registration) == nil })
	if len(people) == 0 {
		return nil, apperr.Conflict("err.no_certificates")
	}
	return render(fmt.Sprintf("attestations-%d.pdf", sess.ID), func(b *bytes.Buffer) error {
		return s.sheets.Certificates(b, ks, f, people)
	})
}

// ParticipantCertificate prints the certificate a participant's link
// opens, once they are marked present.
func (s *Service) ParticipantCertificate(ctx context.Context, token string) (*File, *ticket.Ticket, error) {
	t, err := s.tickets.Open(ctx, token)
	if err != nil {
		return nil, nil, err
	}
	if attendance.CertificateRefusal(t.Registration) != nil || t.Person == nil || t.Format == nil {
		return nil, t, apperr.Conflict("participant.no_certificate_hint")
	}
	trainers, err := s.store.SessionTrainers(ctx, []int64{t.Session.ID})
	if err != nil {
		return nil, t, err
	}
	ks, err := s.sheetSession(ctx, t.Session, trainers[t.Session.ID])
	if err != nil {
		return nil, t, err
	}
	ks.Language = t.Lang()
	p := sheets.Participant{Name: t.Person.Name, Role: t.Person.Role}
	name := "attestation-" + strings.ToLower(strings.ReplaceAll(fileSafe(t.Person.Name), " ", "-")) + ".pdf"
	f, err := render(name, func(b *bytes.Buffer) error {
		return s.sheets.Certificates(b, ks, t.Format, []sheets.Participant{p})
	})
	if f != nil {
		f.Attachment = true
	}
	return f, t, err
}

// CampaignReport prints the campaign report of the caller's commune.
func (s *Service) CampaignReport(ctx context.Context, caller access.Caller, lang string) (*File, error) {
	rep, err := s.reports.Campaign(ctx, caller, lang)
	if err != nil {
		return nil, err
	}
	org, err := s.store.Org(ctx, caller.OrgID)
	if err != nil {
		return nil, err
	}
	// A large commune's report goes to its reader as it is written.
	doc, err := s.sheets.CampaignReportDoc(org.Name, rep, lang)
	if err != nil {
		return nil, err
	}
	return &File{Name: "rapport-campagne.pdf", Stream: doc.Write}, nil
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

package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/audit"
	"github.com/atelier-ch/atelier/internal/clean"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

// AttendanceFilter narrows the attendance export.
type AttendanceFilter struct {
	From, To     *time.Time
	Format       string
	DepartmentID int64
}

// AttendanceRow is one registration in the export.
type AttendanceRow struct {
	Session    string
	Start      time.Time
	Format     string
	Person     string
	Department string
	Role       string
	Status     string
	Attendance string
}

// AttendanceCSV writes the attendance export of the caller's commune: one
// row per registration of its people and of its own sessions, for Swiss
// Excel.
func (s *Service) AttendanceCSV(ctx context.Context, caller access.Caller, f AttendanceFilter, lang string) ([]byte, error) {
	if err := caller.Commune(access.ReadReports, caller.OrgID); err != nil {
		return nil, err
	}
	var v apperr.Validation
	if f.Format != "" {
		if fm, _, err := s.formats.Scheduling(ctx, caller.OrgID, f.Format); err != nil {
			return nil, err
		} else if fm == nil {
			v.Add("format", "err.format_unknown")
		}
	}
	if f.DepartmentID != 0 {
		if _, err := s.store.Department(ctx, caller.OrgID, f.DepartmentID); errors.Is(err, store.ErrNotFound) {
			v.Add("department_id", "err.department_unknown")
		} else if err != nil {
			return nil, err
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	rows, err := s.Attendance(ctx, caller.OrgID, f, lang)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := s.WriteCSV(&buf, rows, lang); err != nil {
		return nil, err
	}
	if err := audit.Staff(ctx, s.store, caller, caller.OrgID, "attendance_exported", "", map[string]any{"rows": len(rows)}, s.now()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Attendance lists the registrations of a commune's people and of its own
// sessions, by session start then name.
func (s *Service) Attendance(ctx context.Context, orgID int64, f AttendanceFilter, lang string) ([]AttendanceRow, error) {
	d, err := s.store.ReportData(ctx, orgID)
	if err != nil {
		return nil, err
	}
	sessions := map[int64]*store.Session{}
	for i := range d.Sessions {
		sessions[d.Sessions[i].ID] = &d.Sessions[i]
	}
	people := map[int64]*store.Person{}
	for i := range d.People {
		people[d.People[i].ID] = &d.People[i]
	}
	deps := map[int64]string{}
	for _, dep := range d.Departments {
		deps[dep.ID] = dep.Name
	}
	var rows []AttendanceRow
	for _, r := range d.Registrations {
		sess := sessions[r.SessionID]
		if sess == nil || (r.OrgID != orgID && sess.OrgID != orgID) {
			continue
		}
		if (f.From != nil && sess.StartsAt.Before(*f.From)) || (f.To != nil && !sess.StartsAt.Before(*f.To)) || (f.Format != "" && sess.FormatSlug != f.Format) {
			continue
		}
		row := AttendanceRow{Session: sess.Title, Start: sess.StartsAt, Format: sess.FormatSlug, Status: r.Status, Attendance: r.Attendance}
		if sess.Status == store.SessionCancelled {
			row.Status = store.RegCancelled
		}
		var depID *int64
		switch p, ok := people[ptrVal(r.PersonID)]; {
		case r.PersonID == nil:
			row.Person, row.Role, depID = s.tr.T(lang, "report.erased"), r.AnonRole, r.AnonDepartmentID
		case ok:
			row.Person, row.Role, depID = p.Name, p.Role, p.DepartmentID
		default: // someone of another commune in our session
			row.Person = s.tr.T(lang, "report.other_commune")
		}
		if f.DepartmentID != 0 && (depID == nil || *depID != f.DepartmentID) {
			continue
		}
		if depID != nil {
			row.Department = deps[*depID]
		}
		if row.Role != "" {
			row.Role = s.tr.T(lang, "role."+row.Role)
		}
		rows = append(rows, row)
	}
	slices.SortStableFunc(rows, func(a, b AttendanceRow) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.Person, b.Person)
	})
	return rows, nil
}

func ptrVal(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// WriteCSV writes rows for Swiss Excel: UTF-8 with a byte-order mark, ";"
// between fields, CRLF line ends. Cells that a spreadsheet would take for a
// formula are prefixed with an apostrophe.
func (s *Service) WriteCSV(w io.Writer, rows []AttendanceRow, lang string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	header := []string{"session", "date", "format", "person", "department", "role", "status", "attendance"}
	for i, h := range header {
		header[i] = s.tr.T(lang, "csv."+h)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range rows {
		rec := []string{r.Session, tz.In(r.Start).Format("2006-01-02 15:04"), r.Format, r.Person, r.Department, r.Role,
			s.tr.T(lang, "status."+r.Status), s.tr.T(lang, "attendance."+r.Attendance)}
		for i, v := range rec {
			rec[i] = safeCell(clean.Line(v))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// safeCell defuses CSV formula injection (=, +, -, @ at the start).
func safeCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t", rune(v[0])) {
		return "'" + v
	}
	return v
}

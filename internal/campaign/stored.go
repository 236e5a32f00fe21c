package campaign

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/plan"
	"github.com/atelier-ch/atelier/internal/store"
)

// document is a proposal as a plan stores it (the plans.proposal column):
// person IDs, never names.
type document struct {
	Sessions []docSession  `json:"sessions"`
	Unplaced []docUnplaced `json:"unplaced"`
	// Warnings are those of the last save; a confirmed plan shows them as
	// they were when it was confirmed.
	Warnings []docWarning `json:"warnings"`
	// Accepted are the violations HR accepted.
	Accepted []acceptance `json:"accepted"`
}

type docSession struct {
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
	Council bool      `json:"council,omitempty"`
	People  []int64   `json:"people"`
}

type docUnplaced struct {
	PersonID int64       `json:"person_id"`
	Reason   plan.Reason `json:"reason"`
}

type docWarning struct {
	Code         plan.WarningCode `json:"code"`
	Session      int              `json:"session"`
	Other        int              `json:"other"`
	PersonID     int64            `json:"person_id,omitempty"`
	DepartmentID int64            `json:"department_id,omitempty"`
	// Args are the message's arguments: every warning's are whole numbers.
	Args []int64 `json:"args,omitempty"`
}

// acceptance is HR's acceptance of one violation. It holds while the
// warning stays the same: same rule, same sessions at the same times, same
// figures. An edit that changes any of these asks HR again.
type acceptance struct {
	ID     string `json:"id"`
	Digest string `json:"digest"`
}

// digest is what an acceptance of w in p is bound to.
func digest(w plan.Warning, p *plan.Proposal) string {
	d := w.ID() + fmt.Sprint(w.Msg.Args)
	for _, i := range []int{w.Session, w.Other} {
		if i >= 0 && i < len(p.Sessions) {
			d += "@" + p.Sessions[i].Start.UTC().Format(time.RFC3339)
		}
	}
	return d
}

// accepted returns the IDs of the warnings of p that acc accepts.
func accepted(acc []acceptance, p *plan.Proposal) map[string]bool {
	want := make(map[string]string, len(acc))
	for _, a := range acc {
		want[a.ID] = a.Digest
	}
	out := map[string]bool{}
	for _, w := range p.Warnings {
		if d, ok := want[w.ID()]; ok && w.Violation && d == digest(w, p) {
			out[w.ID()] = true
		}
	}
	return out
}

// encode writes p with the acceptances of ids (which must be warnings of
// p) as a document.
func encode(p *plan.Proposal, ids map[string]bool) (string, error) {
	d := document{Sessions: make([]docSession, len(p.Sessions)), Unplaced: make([]docUnplaced, len(p.Unplaced)), Warnings: []docWarning{}, Accepted: []acceptance{}}
	for i, s := range p.Sessions {
		d.Sessions[i] = docSession{Start: s.Start.UTC(), End: s.End.UTC(), Council: s.Council, People: s.People}
		if d.Sessions[i].People == nil {
			d.Sessions[i].People = []int64{}
		}
	}
	for i, u := range p.Unplaced {
		d.Unplaced[i] = docUnplaced{PersonID: u.PersonID, Reason: u.Reason}
	}
	for _, w := range p.Warnings {
		dw := docWarning{Code: w.Code, Session: w.Session, Other: w.Other, PersonID: w.PersonID, DepartmentID: w.DepartmentID}
		for _, a := range w.Msg.Args {
			n, ok := a.(int)
			if !ok {
				return "", fmt.Errorf("campaign: warning %s has a non-integer argument %v", w.ID(), a)
			}
			dw.Args = append(dw.Args, int64(n))
		}
		d.Warnings = append(d.Warnings, dw)
		if ids[w.ID()] {
			d.Accepted = append(d.Accepted, acceptance{ID: w.ID(), Digest: digest(w, p)})
		}
	}
	data, err := json.Marshal(d)
	return string(data), err
}

// decode reads a stored document: the proposal with its stored warnings,
// and the acceptances.
func decode(raw string) (*plan.Proposal, []acceptance, error) {
	var d document
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		return nil, nil, fmt.Errorf("campaign: stored proposal: %w", err)
	}
	p := &plan.Proposal{Sessions: make([]plan.Session, len(d.Sessions)), Unplaced: make([]plan.Unplaced, len(d.Unplaced)), Warnings: []plan.Warning{}}
	for i, s := range d.Sessions {
		p.Sessions[i] = plan.Session{Start: s.Start, End: s.End, Council: s.Council, People: s.People, ByService: map[int64]int{}}
	}
	for i, u := range d.Unplaced {
		p.Unplaced[i] = plan.Unplaced{PersonID: u.PersonID, Reason: u.Reason}
	}
	for _, w := range d.Warnings {
		args := make([]any, len(w.Args))
		for i, a := range w.Args {
			args[i] = int(a)
		}
		p.Warnings = append(p.Warnings, plan.Warning{Code: w.Code, Violation: w.Code.Violation(), Session: w.Session, Other: w.Other,
			PersonID: w.PersonID, DepartmentID: w.DepartmentID, Msg: i18n.M(w.Code.Key(), args...)})
	}
	return p, d.Accepted, nil
}

// view builds what HR sees of row, whose proposal is p (its warnings
// final) and whose people are a's.
func (s *Service) view(row *store.Plan, parsed *parsed, a *audience, p *plan.Proposal, ok map[string]bool) *Plan {
	req := parsed.req
	v := &Plan{ID: row.ID, OrgID: row.OrgID, Status: row.Status, Request: req, Proposal: p, Accepted: ok,
		CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt, ConfirmedAt: row.ConfirmedAt, SessionIDs: []int64{}}
	v.Format = parsed.format
	if v.Accepted == nil {
		v.Accepted = map[string]bool{}
	}
	v.Totals.Sessions = len(p.Sessions)
	for i := range p.Sessions {
		sess := &p.Sessions[i]
		sess.ByService = map[int64]int{}
		for _, id := range sess.People {
			sess.ByService[a.department(id)]++
			v.Totals.Bookings++
			if m, ok := a.members[id]; ok && m.HasEmail {
				v.Totals.Mailed++
			}
		}
	}
	return v
}

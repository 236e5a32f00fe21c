package mail

import (
	"encoding/json"
	"time"

	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/store"
)

// A queued message's event holds what composing it reads, and nothing
// more, under the names of the rows' fields: it is read back into the
// rows (unqueue), and an event written with every field (before) reads
// the same. Every booking writes one: the less it holds, the less the
// booking writes.
type event struct {
	Kind         booking.EventKind
	Registration eventRegistration
	Person       eventPerson
	Session      eventSession
	Before       *eventSession `json:",omitempty"`
}

type eventRegistration struct {
	ID, SessionID, OrgID int64
	PersonID             *int64
	Status               string
	WaitlistPosition     *int
	Token                string
	Sequence             int
}

type eventPerson struct {
	ID, OrgID int64
	Name      string
	Email     *string
	Language  string
}

type eventSession struct {
	ID                                          int64
	UID                                         string
	OrgID                                       int64
	FormatSlug                                  string
	FormatVersionID                             *int64
	Title                                       string
	StartsAt, EndsAt                            time.Time
	LocationName, LocationAddress, LocationRoom string
	Language, Status                            string
	Sequence                                    int
}

func sessionEvent(s *store.Session) eventSession {
	return eventSession{
		ID: s.ID, UID: s.UID, OrgID: s.OrgID, FormatSlug: s.FormatSlug, FormatVersionID: s.FormatVersionID, Title: s.Title,
		StartsAt: s.StartsAt, EndsAt: s.EndsAt, LocationName: s.LocationName, LocationAddress: s.LocationAddress, LocationRoom: s.LocationRoom,
		Language: s.Language, Status: s.Status, Sequence: s.Sequence,
	}
}

// marshal writes q as its event.
func (q *queued) marshal() ([]byte, error) {
	r, p := q.Registration, q.Person
	e := event{
		Kind: q.Kind,
		Registration: eventRegistration{ID: r.ID, SessionID: r.SessionID, OrgID: r.OrgID, PersonID: r.PersonID, Status: r.Status,
			WaitlistPosition: r.WaitlistPosition, Token: r.Token, Sequence: r.Sequence},
		Person:  eventPerson{ID: p.ID, OrgID: p.OrgID, Name: p.Name, Email: p.Email, Language: p.Language},
		Session: sessionEvent(q.Session),
	}
	if q.Before != nil {
		b := sessionEvent(q.Before)
		e.Before = &b
	}
	return json.Marshal(e)
}

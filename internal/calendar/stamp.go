package calendar

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"strconv"
	"time"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/store"
)

// Stamp tells a calendar client whether its copy of a file is current,
// without the file being written: calendars poll their subscriptions every
// few hours, and most polls find nothing new.
//
// ETag is a strong entity tag: a digest of everything the file is written
// from — its rows, the catalogue's and translations' text, the address of
// the site — so that the same tag always comes with the same bytes (the
// events' DTSTAMP is the time their rows last changed, not the time of
// writing). Modified is the latest time any of it changed, by the
// database's clock (its updated_at columns), and never earlier than the
// start of this process, which may write the same rows differently.
type Stamp struct {
	ETag     string
	Modified time.Time
}

// Fresh reports whether the client already holds the file a stamp
// describes; the web layer makes it from the request's If-None-Match and
// If-Modified-Since. A nil Fresh always wants the file.
type Fresh func(Stamp) bool

// stamper accumulates a file's stamp.
type stamper struct {
	h        hash.Hash
	modified time.Time
}

func newStamper(version, kind string) *stamper {
	st := &stamper{h: sha256.New()}
	st.str(version)
	st.str(kind)
	return st
}

// str adds a string, length first, so that no two lists of values write
// the same bytes.
func (st *stamper) str(v string) {
	st.h.Write([]byte(strconv.Itoa(len(v))))
	st.h.Write([]byte{':'})
	st.h.Write([]byte(v))
}

func (st *stamper) num(v int64) { st.str(strconv.FormatInt(v, 10)) }

func (st *stamper) time(t time.Time) { st.num(t.UnixNano()) }

func (st *stamper) optNum(v *int64) {
	if v == nil {
		st.str("-")
		return
	}
	st.num(*v)
}

// changed records a time something in the file changed.
func (st *stamper) changed(t time.Time) {
	if t.After(st.modified) {
		st.modified = t
	}
}

// entry adds what the composer reads of an entry (see Composer.Event),
// and the time it last changed.
func (st *stamper) entry(e *Entry) {
	s := e.Session
	st.num(s.ID)
	st.str(s.UID)
	st.num(int64(s.Sequence))
	st.time(s.StartsAt)
	st.time(s.EndsAt)
	st.str(s.Title)
	st.str(s.LocationName)
	st.str(s.LocationAddress)
	st.str(s.LocationRoom)
	st.str(s.Status)
	st.str(s.FormatSlug)
	// A version of a commune's format never changes once saved.
	st.optNum(s.FormatVersionID)
	st.time(e.Stamp)
	if r := e.Registration; r != nil {
		st.num(r.ID)
		st.num(int64(r.Sequence))
		st.str(r.Status)
		st.str(r.Token)
		st.str(r.Rsvp)
		st.str(strconv.FormatBool(e.Private))
		if r.WaitlistPosition != nil {
			st.num(int64(*r.WaitlistPosition))
		} else {
			st.str("-")
		}
	} else {
		st.str("no registration")
	}
	if p := e.Person; p != nil {
		st.str(p.Name)
		st.str(p.Language)
		if p.Email != nil {
			st.str(*p.Email)
		} else {
			st.str("-")
		}
	} else {
		st.str("no person")
	}
	st.org(e.Org)
	st.changed(e.Stamp)
}

func (st *stamper) org(o *store.Org) {
	if o == nil {
		st.str("no org")
		return
	}
	st.num(o.ID)
	st.str(o.Name)
	st.str(o.HRSenderName)
	st.str(o.HRSenderEmail)
}

// stamp is the file's stamp; started is when this process started.
func (st *stamper) stamp(started time.Time) Stamp {
	st.changed(started)
	return Stamp{ETag: `"` + hex.EncodeToString(st.h.Sum(nil)[:16]) + `"`, Modified: st.modified}
}

// entryStamp is when an entry last changed — its session, registration or
// person —, the event's DTSTAMP: the same rows always give the same file.
func entryStamp(s *store.Session, r *store.Registration, p *store.Person) time.Time {
	t := s.UpdatedAt
	if r != nil && r.UpdatedAt.After(t) {
		t = r.UpdatedAt
	}
	if p != nil && p.UpdatedAt.After(t) {
		t = p.UpdatedAt
	}
	if t.IsZero() {
		t = s.CreatedAt
	}
	if t.IsZero() {
		t = time.Unix(0, 0) // a row from before updated_at was kept
	}
	return t.UTC()
}

// fromMillis turns milliseconds since 1970 into a time (zero for nil).
func fromMillis(ms *int64) time.Time {
	if ms == nil {
		return time.Time{}
	}
	return time.UnixMilli(*ms).UTC()
}

// versionOf digests what a file depends on besides its rows: the files a
// probe session gives with every format of the catalogue (a commune's own
// formats are rows: a session names the version it keeps), in both
// languages, booked and on the waiting list, as an invitation and in
// every kind of feed. A new catalogue text, translation, site address,
// reply address or writer changes it, and with it every file's ETag.
func versionOf(c *Composer, cat *catalog.Catalog) string {
	h := sha256.New()
	at := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	email := "probe@atelier.invalid"
	pos := 1
	for _, f := range cat.Formats() {
		s := &store.Session{ID: 1, UID: "probe@atelier.invalid", FormatSlug: f.Slug, Title: "Probe", StartsAt: at, EndsAt: at.Add(time.Hour),
			LocationName: "L", LocationAddress: "A", LocationRoom: "R", Status: store.SessionScheduled, UpdatedAt: at}
		for _, lang := range []string{"fr", "de"} {
			for _, r := range []*store.Registration{
				{ID: 1, Status: store.RegBooked, Token: "probetokenprobetoken"},
				{ID: 2, Status: store.RegWaitlisted, WaitlistPosition: &pos, Token: "probetokenprobetoken"},
			} {
				e := Entry{Session: s, Registration: r, Person: &store.Person{Name: "P", Email: &email, Language: lang}, Org: &store.Org{Name: "O"}, Format: f, Stamp: at}
				if _, data, err := c.InviteFile(e, lang, at); err == nil {
					h.Write(data)
				} else {
					fmt.Fprintf(h, "%v", err)
				}
			}
			for _, key := range []string{"cal.feed_person", "cal.feed_commune", "cal.feed_trainer"} {
				data, err := c.FeedFile(c.tr.T(lang, key, "N"), []Entry{{Session: s, Org: &store.Org{Name: "O", HRSenderEmail: email}, Format: f, Stamp: at}}, lang, at)
				if err == nil {
					h.Write(data)
				} else {
					fmt.Fprintf(h, "%v", err)
				}
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

package rsvp_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-smtp"

	catalogdata "github.com/atelier-ch/atelier/catalog"
	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/calendar"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/formats"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/inbound"
	"github.com/atelier-ch/atelier/internal/mail"
	"github.com/atelier-ch/atelier/internal/rsvp"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
	"github.com/atelier-ch/atelier/internal/tz"
)

// replyAddress is where the test commune's calendar replies go.
const replyAddress = "formations@ecublens.example"

// env is a commune with the whole chain that answers replies: booking, the
// outbox notifier, and the rsvp service, on a database, with a clock the
// test moves.
type env struct {
	t       testing.TB
	store   *store.Store
	booking *booking.Service
	svc     *rsvp.Service
	mail    *mail.Notifier
	cat     *catalog.Catalog
	org     *store.Org
	hr      access.Caller
	logs    *syncBuffer

	mu  sync.Mutex
	now time.Time
	n   int
}

// syncBuffer collects the log, written from the listener's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The session every test books into starts when the fixtures' event does.
var (
	start    = time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich)
	deadline = time.Date(2026, 3, 6, 17, 0, 0, 0, tz.Zurich)
)

func newEnv(t testing.TB, db storetest.DB) *env {
	t.Helper()
	s := storetest.Open(t, db)
	cat, err := catalog.Load(catalogdata.FS)
	if err != nil {
		t.Fatal(err)
	}
	tr := i18n.MustLoad()
	e := &env{t: t, store: s, cat: cat, now: time.Date(2026, 3, 2, 9, 0, 0, 0, tz.Zurich), logs: &syncBuffer{}}
	log := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	comp := calendar.NewComposer(tr, "https://atelier.example", calendar.Party{Email: "noreply@atelier.example"}, calendar.ReplyTo(replyAddress))
	notifier := mail.NewNotifier(formats.NewResolver(cat, s), comp, tr, "atelier.example", e.clock)
	e.mail = notifier
	e.booking = booking.New(s, formats.NewResolver(cat, s), e.clock, "atelier.example", notifier)
	e.svc = rsvp.New(s, e.booking, notifier, e.clock, log)
	e.org = &store.Org{Slug: "ecublens", Name: "Commune d’Ecublens", HRSenderName: "Service RH, Ecublens", HRSenderEmail: "rh@ecublens.example"}
	ctx := context.Background()
	if err := s.CreateOrg(ctx, e.org); err != nil {
		t.Fatal(err)
	}
	u := &store.User{OrgID: &e.org.ID, Email: "rh@ecublens.example", PasswordHash: "x", Role: store.RoleHR, Language: "fr"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	e.hr = access.User(u.ID, u.Email, access.RoleHR, e.org.ID)
	return e
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *env) setNow(t time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = t
}

// person creates a person of the commune; an empty email makes a unique one.
func (e *env) person(name, email string) *store.Person {
	e.t.Helper()
	if email == "" {
		e.n++
		email = fmt.Sprintf("personne%d@ecublens.example", e.n)
	}
	p := &store.Person{OrgID: e.org.ID, Name: name, Email: &email, Role: "staff", Language: "fr"}
	if err := e.store.CreatePerson(context.Background(), p); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// format returns a format of the catalogue with that participation.
func (e *env) format(p catalog.Participation) string {
	for _, f := range e.cat.Formats() {
		if f.Participation == p {
			return f.Slug
		}
	}
	e.t.Fatalf("no %s format", p)
	return ""
}

// session schedules a session of capacity seats, at the fixtures' time,
// with the registration deadline of 6 March.
func (e *env) session(p catalog.Participation, capacity int) *store.Session {
	e.t.Helper()
	format, starts, dl := e.format(p), start.Format(time.RFC3339), deadline.Format(time.RFC3339)
	overlap := true // the fixtures' sessions share the time and the room
	v, err := e.booking.CreateSession(context.Background(), e.hr, booking.SessionInput{Format: &format, StartsAt: &starts, Capacity: &capacity,
		RegistrationDeadline: &dl, Location: &booking.Location{Name: "Salle du Conseil", Room: "Salle 1", Address: "Place du Motty 4, 1024 Ecublens"},
		AllowRoomOverlap: &overlap})
	if err != nil {
		e.t.Fatal(err)
	}
	return &v.Session
}

// book books people into a session, in order, and returns their registrations.
func (e *env) book(sess *store.Session, people ...*store.Person) []store.Registration {
	e.t.Helper()
	ids := make([]int64, len(people))
	for i, p := range people {
		ids[i] = p.ID
	}
	regs, err := e.booking.Book(context.Background(), e.hr, sess.ID, booking.BookRequest{PersonIDs: &ids})
	if err != nil {
		e.t.Fatal(err)
	}
	return regs
}

// reg reads a registration again.
func (e *env) reg(id int64) *store.Registration {
	e.t.Helper()
	r, err := e.store.Registration(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// seq is the SEQUENCE the person of registration id last received.
func (e *env) seq(id int64) int {
	e.t.Helper()
	r := e.reg(id)
	s, err := e.store.Session(context.Background(), r.SessionID)
	if err != nil {
		e.t.Fatal(err)
	}
	return s.Sequence + r.Sequence
}

// history lists the actions of a session's history, oldest first, with
// their actor.
func (e *env) history(sessionID int64) []string {
	e.t.Helper()
	entries, err := e.store.SessionHistory(context.Background(), sessionID, false, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, a := range entries {
		out = append(out, a.Actor+":"+a.Action)
	}
	return out
}

// outbox lists the mails of a session, newest first, composed as they
// are sent.
func (e *env) outbox(sessionID int64) []store.OutboxMessage {
	e.t.Helper()
	msgs, _, err := e.store.Outbox(context.Background(), store.OutboxFilter{OrgID: e.org.ID, SessionID: sessionID})
	if err != nil {
		e.t.Fatal(err)
	}
	for id, err := range e.mail.Fill(context.Background(), e.store, msgs) {
		e.t.Fatalf("mail %d: %v", id, err)
	}
	return msgs
}

// state is everything a reply could change, as text to compare.
func (e *env) state() string {
	e.t.Helper()
	db, err := e.store.SQL()
	if err != nil {
		e.t.Fatal(err)
	}
	var b strings.Builder
	for _, q := range []string{
		"SELECT id, status, COALESCE(waitlist_position, 0), rsvp, rsvp_at IS NULL, sequence FROM registrations ORDER BY id",
		"SELECT COUNT(*), 0, 0, 0, 0, 0 FROM outbox_messages",
		"SELECT COUNT(*), 0, 0, 0, 0, 0 FROM audit_entries",
		"SELECT COUNT(*), 0, 0, 0, 0, 0 FROM calendar_replies",
		"SELECT id, sequence, status, 0, 0, 0 FROM sessions ORDER BY id",
	} {
		rows, err := db.Query(q)
		if err != nil {
			e.t.Fatal(err)
		}
		for rows.Next() {
			var v [6]sql.NullString
			if err := rows.Scan(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5]); err != nil {
				e.t.Fatal(err)
			}
			fmt.Fprintln(&b, v[0].String, v[1].String, v[2].String, v[3].String, v[4].String, v[5].String)
		}
		rows.Close()
	}
	return b.String()
}

// count counts the rows of a table.
func (e *env) count(table string) int {
	e.t.Helper()
	db, err := e.store.SQL()
	if err != nil {
		e.t.Fatal(err)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// messageID makes a fresh Message-ID, as a client would.
func messageID() string { return "<" + strings.ToLower(rand.Text()) + "@client.example>" }

// way is a way a reply reaches Atelier.
type way struct {
	name string
	// deliver hands raw over; from is the envelope sender. It returns the
	// error the sending side sees.
	deliver func(t testing.TB, from string, raw []byte) error
}

// smtpWay starts the inbound SMTP listener on 127.0.0.1:0 in front of the
// service and sends through it as the commune's mail server would.
func (e *env) smtpWay(t testing.TB) way {
	t.Helper()
	srv, err := inbound.NewSMTPServer("127.0.0.1:0", replyAddress, e.svc, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Error(err)
		}
	})
	addr := srv.Addr().String()
	return way{"smtp", func(t testing.TB, from string, raw []byte) error {
		return smtpSend(addr, from, raw)
	}}
}

// smtpSend runs one SMTP transaction to replyAddress.
func smtpSend(addr, from string, raw []byte) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello("mx.ecublens.example"); err != nil {
		return err
	}
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	if err := c.Rcpt(replyAddress, nil); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// imapWay starts an in-memory IMAP server (the one internal/inbound's tests
// use) holding the reply mailbox; delivering appends the message and polls
// it as the poller of serve does.
func (e *env) imapWay(t testing.TB) way {
	t.Helper()
	const user, pass = replyAddress, "mot de passe"
	mem := imapmemserver.New()
	u := imapmemserver.NewUser(user, pass)
	if err := u.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: true,
		Logger:       discard{},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	rawURL := (&url.URL{Scheme: "imap", User: url.UserPassword(user, pass), Host: ln.Addr().String(), Path: "/INBOX", RawQuery: "tls=none"}).String()
	p, err := inbound.NewIMAPPoller(rawURL, inbound.DefaultProcessedFolder, e.svc, quietLog(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return way{"imap", func(t testing.TB, from string, raw []byte) error {
		withPath := append([]byte("Return-Path: <"+from+">\r\n"), raw...)
		if _, err := u.Append("INBOX", literal{bytes.NewReader(withPath)}, &imap.AppendOptions{}); err != nil {
			return err
		}
		return p.Poll(context.Background())
	}}
}

type literal struct{ *bytes.Reader }

func (l literal) Size() int64 { return l.Reader.Size() }

type discard struct{}

func (discard) Printf(string, ...any) {}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

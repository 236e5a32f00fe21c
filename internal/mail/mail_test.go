package mail_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	catalogdata "github.com/atelier-ch/atelier/catalog"
	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/calendar"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/formats"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/mail"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
	"github.com/atelier-ch/atelier/internal/tz"
)

type fixture struct {
	store    *store.Store
	svc      *booking.Service
	notifier *mail.Notifier
	hr       access.Caller
	org      *store.Org
	now      time.Time
}

func newFixture(t *testing.T, db storetest.DB) *fixture { return newFixtureTB(t, db) }

func newFixtureTB(t testing.TB, db storetest.DB) *fixture {
	t.Helper()
	s := storetest.Open(t, db)
	cat, err := catalog.Load(catalogdata.FS)
	if err != nil {
		t.Fatal(err)
	}
	tr := i18n.MustLoad()
	f := &fixture{store: s, now: time.Date(2026, 3, 1, 9, 0, 0, 0, tz.Zurich)}
	clock := func() time.Time { return f.now }
	comp := calendar.NewComposer(tr, "https://atelier.example", calendar.Party{Email: "noreply@atelier.example"})
	resolver := formats.NewResolver(cat, s)
	f.notifier = mail.NewNotifier(resolver, comp, tr, "atelier.example", clock)
	f.svc = booking.New(s, resolver, clock, "atelier.example", f.notifier)
	f.org = &store.Org{Slug: "ecublens", Name: "Commune d’Ecublens", HRSenderName: "Service RH, Ecublens", HRSenderEmail: "rh@ecublens.example"}
	if err := s.CreateOrg(context.Background(), f.org); err != nil {
		t.Fatal(err)
	}
	u := &store.User{OrgID: &f.org.ID, Email: "rh@ecublens.example", PasswordHash: "x", Role: store.RoleHR, Language: "fr"}
	if err := s.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	f.hr = access.User(u.ID, u.Email, access.RoleHR, f.org.ID)
	return f
}

func (f *fixture) person(t *testing.T, name, email, lang string) int64 {
	return f.personTB(t, name, email, lang)
}

func (f *fixture) personTB(t testing.TB, name, email, lang string) int64 {
	t.Helper()
	p := &store.Person{OrgID: f.org.ID, Name: name, Email: &email, Role: "staff", Language: lang}
	if err := f.store.CreatePerson(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p.ID
}

func (f *fixture) session(t *testing.T, capacity int) *store.Session { return f.sessionTB(t, capacity) }

func (f *fixture) sessionTB(t testing.TB, capacity int) *store.Session {
	t.Helper()
	format, start, loc := "ecublens-collaborateurs", "2026-03-10T13:30:00+01:00", &booking.Location{Name: "Salle du Conseil", Room: "Salle 1", Address: "Place du Motty 4, 1024 Ecublens"}
	s, err := f.svc.CreateSession(context.Background(), f.hr, booking.SessionInput{Format: &format, StartsAt: &start, Capacity: &capacity, Location: loc})
	if err != nil {
		t.Fatal(err)
	}
	return &s.Session
}

// outbox is the commune's outbox, each message composed as the worker
// would send it (and HR sees it); queued is as it is stored.
func (f *fixture) outbox(t *testing.T) []store.OutboxMessage {
	t.Helper()
	msgs := f.queued(t)
	for id, err := range f.notifier.Fill(context.Background(), f.store, msgs) {
		t.Fatalf("message %d: %v", id, err)
	}
	return msgs
}

func (f *fixture) queued(t *testing.T) []store.OutboxMessage {
	t.Helper()
	msgs, _, err := f.store.Outbox(context.Background(), store.OutboxFilter{OrgID: f.org.ID})
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

// TestMessagesForEachChange: booking, waiting list, promotion, reschedule
// and cancellations each queue a message in the person's language that
// says what happened, with the matching invitation.
func TestMessagesForEachChange(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, db)
			sess := f.session(t, 1)
			anne := f.person(t, "Anne Délèze", "anne@ecublens.example", "fr")
			hans := f.person(t, "Hans Müller", "hans@ecublens.example", "de")
			regs, err := f.svc.Book(ctx, f.hr, sess.ID, booking.BookRequest{PersonIDs: &[]int64{anne, hans}})
			if err != nil {
				t.Fatal(err)
			}
			newStart, room := "2026-03-12T08:30:00+01:00", &booking.Location{Name: "Salle du Conseil", Room: "Salle 2", Address: "Place du Motty 4, 1024 Ecublens"}
			if _, err := f.svc.UpdateSession(ctx, f.hr, sess.ID, booking.SessionInput{StartsAt: &newStart, Location: room}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.CancelRegistration(ctx, f.hr, regs[0].ID); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.CancelSession(ctx, f.hr, sess.ID); err != nil {
				t.Fatal(err)
			}
			msgs := f.outbox(t)
			byKey := map[string]store.OutboxMessage{}
			for _, m := range msgs {
				byKey[m.Kind+"/"+m.ToEmail] = m
				if m.Status != store.OutboxPending || m.FromEmail != "rh@ecublens.example" || !strings.Contains(m.ICS, "METHOD:"+m.ICSMethod) {
					t.Errorf("message %+v", m)
				}
			}
			cases := []struct {
				key, method string
				want        []string
			}{
				{"booked/anne@ecublens.example", "REQUEST", []string{"Bonjour Anne Délèze,", "Vous êtes inscrit·e", "mardi 10 mars 2026, 13 h 30 – 16 h 30", "Salle du Conseil, Salle 1"}},
				{"waitlisted/hans@ecublens.example", "REQUEST", []string{"Guten Tag Hans Müller", "Platz 1 der Warteliste", "Dienstag, 10. März 2026, 13.30–16.30 Uhr"}},
				{"rescheduled/anne@ecublens.example", "REQUEST", []string{"Nouvelle heure : mardi 10 mars 2026, 13 h 30 – 16 h 30 → jeudi 12 mars 2026, 8 h 30 – 11 h 30", "Salle changée : Salle du Conseil, Salle 1, Place du Motty 4, 1024 Ecublens → Salle du Conseil, Salle 2, Place du Motty 4, 1024 Ecublens"}},
				{"rescheduled/hans@ecublens.example", "REQUEST", []string{"Neue Zeit: Dienstag, 10. März 2026, 13.30–16.30 Uhr → Donnerstag, 12. März 2026, 08.30–11.30 Uhr", "Raum geändert: "}},
				{"cancelled/anne@ecublens.example", "CANCEL", []string{"Votre inscription à la formation"}},
				{"promoted/hans@ecublens.example", "REQUEST", []string{"Ein Platz ist frei geworden"}},
				{"session_cancelled/hans@ecublens.example", "CANCEL", []string{"ist abgesagt"}},
			}
			for _, tc := range cases {
				m, ok := byKey[tc.key]
				if !ok {
					t.Errorf("no %s message; have %d messages", tc.key, len(msgs))
					continue
				}
				if m.ICSMethod != tc.method {
					t.Errorf("%s: method %s, want %s", tc.key, m.ICSMethod, tc.method)
				}
				for _, w := range tc.want {
					if !strings.Contains(m.TextBody, w) {
						t.Errorf("%s: text lacks %q:\n%s", tc.key, w, m.TextBody)
					}
				}
				if !strings.Contains(m.HTMLBody, "https://atelier.example/r/") {
					t.Errorf("%s: html lacks the personal link", tc.key)
				}
			}
			if len(msgs) != len(cases) {
				t.Errorf("%d messages, want %d", len(msgs), len(cases))
			}
		})
	}
}

// TestOutboxRollsBackWithTheChange: a refused booking queues nothing.
func TestOutboxRollsBackWithTheChange(t *testing.T) {
	f := newFixture(t, storetest.Databases(t)[0])
	sess := f.session(t, 2)
	p := f.person(t, "Léa Rey", "lea@ecublens.example", "fr")
	if _, err := f.svc.Book(context.Background(), f.hr, sess.ID, booking.BookRequest{PersonIDs: &[]int64{p, 999999}}); err == nil {
		t.Fatal("booking an unknown person succeeded")
	}
	if n := len(f.outbox(t)); n != 0 {
		t.Errorf("%d messages queued by a refused booking", n)
	}
}

// parsedMail is a delivered message, read back with the standard library.
type parsedMail struct {
	header      netmail.Header
	types       []string // content types of the leaves, in order
	calendar    string
	attachments int
}

func parseMail(t *testing.T, raw []byte) parsedMail {
	t.Helper()
	m, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("read message: %v", err)
	}
	out := parsedMail{header: m.Header}
	var walk func(ct string, body io.Reader, disposition string)
	walk = func(ct string, body io.Reader, disposition string) {
		media, params, err := mime.ParseMediaType(ct)
		if err != nil {
			t.Fatalf("content type %q: %v", ct, err)
		}
		if strings.HasPrefix(media, "multipart/") {
			out.types = append(out.types, media)
			r := multipart.NewReader(body, params["boundary"])
			for {
				p, err := r.NextPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				var body io.Reader = p
				if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
					body = base64.NewDecoder(base64.StdEncoding, p)
				}
				walk(p.Header.Get("Content-Type"), body, p.Header.Get("Content-Disposition"))
			}
		}
		if strings.HasPrefix(disposition, "attachment") {
			out.attachments++
			out.types = append(out.types, "attachment:"+media+";method="+params["method"])
			return
		}
		out.types = append(out.types, media+";method="+params["method"])
		if media == "text/calendar" {
			data, _ := io.ReadAll(body)
			out.calendar = string(data)
		}
	}
	walk(m.Header.Get("Content-Type"), m.Body, "")
	return out
}

func TestBuildMIME(t *testing.T) {
	m := &store.OutboxMessage{
		FromName: "Service RH, Ecublens", FromEmail: "rh@ecublens.example",
		ToName: "Dupont, Jean\r\nBcc: victim@example.com", ToEmail: "jean@ecublens.example",
		Subject:  "Inscription confirmée : IA\r\nBcc: victim@example.com",
		TextBody: "Bonjour", HTMLBody: "<p>Bonjour</p>", ICS: "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n", ICSMethod: "REQUEST",
		MessageID: "<abc@atelier.example>",
	}
	msg, err := mail.Build(m, "bounces@atelier.example")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := msg.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	p := parseMail(t, buf.Bytes())
	if got := strings.Join(p.types, " "); got != "multipart/mixed multipart/alternative text/plain;method= text/html;method= text/calendar;method=REQUEST attachment:text/calendar;method=REQUEST" {
		t.Errorf("structure: %s", got)
	}
	if p.header.Get("Bcc") != "" || strings.Contains(strings.ToLower(buf.String()), "\nbcc:") {
		t.Errorf("header injected:\n%s", buf.String())
	}
	to, err := p.header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "jean@ecublens.example" {
		t.Errorf("To: %v %v", to, err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(p.header.Get("Subject"))
	if !strings.HasPrefix(subject, "Inscription confirmée : IA") {
		t.Errorf("subject %q", subject)
	}
	if p.header.Get("Message-Id") != "<abc@atelier.example>" || !strings.Contains(p.calendar, "METHOD:REQUEST") {
		t.Errorf("message id %q, calendar %q", p.header.Get("Message-Id"), p.calendar)
	}
}

// TestBuildReplyTo: with a reply address, a message carrying an invitation
// says Reply-To that address under the HR name (From stays HR's); other
// messages, and every message without a reply address, have no Reply-To.
func TestBuildReplyTo(t *testing.T) {
	cases := map[string]struct {
		method string
		opts   []mail.Option
		want   string
	}{
		"invitation":             {"REQUEST", []mail.Option{mail.ReplyTo("formations@ecublens.example")}, "formations@ecublens.example"},
		"cancellation":           {"CANCEL", []mail.Option{mail.ReplyTo("formations@ecublens.example")}, ""},
		"invitation, no replies": {"REQUEST", nil, ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m := &store.OutboxMessage{
				FromName: "Service RH, Ecublens", FromEmail: "rh@ecublens.example", ToName: "Jean", ToEmail: "jean@ecublens.example",
				Subject: "Inscription", TextBody: "Bonjour", ICS: "BEGIN:VCALENDAR\r\nMETHOD:" + tc.method + "\r\nEND:VCALENDAR\r\n", ICSMethod: tc.method,
				MessageID: "<abc@atelier.example>",
			}
			msg, err := mail.Build(m, "bounces@atelier.example", tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if _, err := msg.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			p := parseMail(t, buf.Bytes())
			from, err := p.header.AddressList("From")
			if err != nil || len(from) != 1 || from[0].Address != "rh@ecublens.example" {
				t.Errorf("From: %v %v", from, err)
			}
			if tc.want == "" {
				if p.header.Get("Reply-To") != "" {
					t.Errorf("Reply-To %q, want none", p.header.Get("Reply-To"))
				}
				return
			}
			rt, err := p.header.AddressList("Reply-To")
			if err != nil || len(rt) != 1 || rt[0].Address != tc.want || rt[0].Name != "Service RH, Ecublens" {
				t.Errorf("Reply-To: %v %v, want %s", rt, err, tc.want)
			}
		})
	}
}

// smtpServer is a real SMTP server in the test process that can be down.
type smtpServer struct {
	mu       sync.Mutex
	received map[string]int // Message-ID → deliveries
	raw      [][]byte
	srv      *smtp.Server
	addr     string
	// delay is how long the server takes over each message, after it has
	// received it (set before up).
	delay time.Duration
	// onData, when set (before up), is told of each message received.
	onData func(messageID string)
}

type session struct{ s *smtpServer }

func (s *session) Reset()                               {}
func (s *session) Logout() error                        { return nil }
func (s *session) Mail(string, *smtp.MailOptions) error { return nil }
func (s *session) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return err
	}
	s.s.mu.Lock()
	s.s.received[m.Header.Get("Message-Id")]++
	s.s.raw = append(s.s.raw, data)
	s.s.mu.Unlock()
	if s.s.onData != nil {
		s.s.onData(m.Header.Get("Message-Id"))
	}
	time.Sleep(s.s.delay)
	return nil
}

// newSMTPServer reserves an address; the server is down until up().
func newSMTPServer(t *testing.T) *smtpServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s := &smtpServer{received: map[string]int{}, addr: addr}
	t.Cleanup(func() {
		if s.srv != nil {
			s.srv.Close()
		}
	})
	return s
}

func (s *smtpServer) up(t *testing.T) {
	t.Helper()
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	s.srv = srv
	go srv.Serve(ln)
}

func (s *smtpServer) deliveries() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.received {
		out[k] = v
	}
	return out
}

// TestDeliveryDownThenUp: with the SMTP server down, nothing is lost and
// attempts back off; once it is up every message arrives exactly once, also
// with two workers (two app instances) on one database.
func TestDeliveryDownThenUp(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, db)
			sess := f.session(t, 30)
			var ids []int64
			for i := range 25 {
				ids = append(ids, f.person(t, fmt.Sprintf("Personne %02d", i), fmt.Sprintf("p%d@ecublens.example", i), "fr"))
			}
			if _, err := f.svc.Book(ctx, f.hr, sess.ID, booking.BookRequest{PersonIDs: &ids}); err != nil {
				t.Fatal(err)
			}
			server := newSMTPServer(t)
			sender, err := mail.NewSMTP("smtp://"+server.addr, "bounces@atelier.example")
			if err != nil {
				t.Fatal(err)
			}
			var clock atomic.Pointer[time.Time]
			start := time.Now()
			clock.Store(&start)
			now := func() time.Time { return *clock.Load() }
			log := slog.New(slog.DiscardHandler)
			newWorker := func() *mail.Worker {
				w := mail.NewWorker(f.store, sender, log, now).ComposingWith(f.notifier)
				w.Batch = 5
				return w
			}
			// Down: every attempt fails and is put back with a delay.
			w1 := newWorker()
			for {
				n, err := w1.RunOnce(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					break
				}
			}
			for _, m := range f.outbox(t) {
				if m.Status != store.OutboxPending || m.Attempts != 1 || m.LastError == "" || !m.NextAttemptAt.After(start) {
					t.Fatalf("after a failed attempt: %+v", m)
				}
			}
			// Not due yet: nothing is retried before the backoff.
			if n, _ := w1.RunOnce(ctx); n != 0 {
				t.Fatalf("retried %d messages before their time", n)
			}
			// Up, and later: two workers race for the outbox.
			server.up(t)
			later := start.Add(time.Minute)
			clock.Store(&later)
			var wg sync.WaitGroup
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					w := newWorker()
					for {
						n, err := w.RunOnce(ctx)
						if err != nil {
							t.Error(err)
							return
						}
						if n == 0 {
							return
						}
					}
				}()
			}
			wg.Wait()
			got := server.deliveries()
			msgs := f.outbox(t)
			if len(msgs) != 25 || len(got) != 25 {
				t.Fatalf("%d queued, %d distinct delivered", len(msgs), len(got))
			}
			for _, m := range msgs {
				if m.Status != store.OutboxSent || m.SentAt == nil || got[m.MessageID] != 1 {
					t.Errorf("message %d: status %s, delivered %d times", m.ID, m.Status, got[m.MessageID])
				}
			}
			// What arrived is a proper invitation.
			p := parseMail(t, server.raw[0])
			if !strings.Contains(strings.Join(p.types, " "), "text/calendar;method=REQUEST") || p.attachments != 1 || !strings.Contains(p.calendar, "METHOD:REQUEST") {
				t.Errorf("delivered structure %v", p.types)
			}
		})
	}
}

// TestLeaseTakeOver: a worker that claimed messages and died leaves them to
// another once the lease expires; nothing is lost, nothing sent twice.
func TestLeaseTakeOver(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, db)
			sess := f.session(t, 5)
			p := f.person(t, "Chloé Métrailler", "chloe@ecublens.example", "fr")
			if _, err := f.svc.Book(ctx, f.hr, sess.ID, booking.BookRequest{PersonID: &p}); err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			if claimed, err := f.store.ClaimMail(ctx, "dead-worker", 10, now, now.Add(2*time.Minute)); err != nil || len(claimed) != 1 {
				t.Fatalf("claim: %v %d", err, len(claimed))
			}
			server := newSMTPServer(t)
			server.up(t)
			sender, _ := mail.NewSMTP("smtp://"+server.addr, "")
			var clock atomic.Pointer[time.Time]
			clock.Store(&now)
			w := mail.NewWorker(f.store, sender, slog.New(slog.DiscardHandler), func() time.Time { return *clock.Load() }).ComposingWith(f.notifier)
			if n, _ := w.RunOnce(ctx); n != 0 {
				t.Fatal("took over a message still under lease")
			}
			later := now.Add(3 * time.Minute)
			clock.Store(&later)
			if n, err := w.RunOnce(ctx); n != 1 || err != nil {
				t.Fatalf("take over: %d %v", n, err)
			}
			// The dead worker cannot mark it afterwards.
			if err := f.store.MarkMailFailed(ctx, f.outbox(t)[0].ID, "dead-worker", "late", later, false); err != nil {
				t.Fatal(err)
			}
			if m := f.outbox(t)[0]; m.Status != store.OutboxSent || len(server.deliveries()) != 1 {
				t.Errorf("after take over: %+v", m)
			}
		})
	}
}

// TestQRInMail: messages of people expected at the door carry the QR code
// of their page, embedded, and the HTML shows it.
func TestQRInMail(t *testing.T) {
	m := &store.OutboxMessage{FromName: "RH", FromEmail: "rh@ecublens.example", ToName: "Léa", ToEmail: "lea@ecublens.example",
		Subject: "Inscription confirmée", TextBody: "Bonjour", HTMLBody: `<p><img src="cid:` + mail.QRContentID + `"></p>`,
		ICS: "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n", ICSMethod: "REQUEST", PageURL: "https://atelier.example/r/ABC", MessageID: "<q@atelier.example>"}
	msg, err := mail.Build(m, "")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := msg.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	p := parseMail(t, buf.Bytes())
	types := strings.Join(p.types, " ")
	if !strings.Contains(types, "image/png") || !strings.Contains(buf.String(), "<"+mail.QRContentID+">") {
		t.Errorf("no embedded QR code: %s", types)
	}
}

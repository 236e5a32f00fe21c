package inbound

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

const replyAddr = "replies@atelier.example"

// recorder is a Handler that keeps what it was given and answers err.
type recorder struct {
	mu    sync.Mutex
	err   error
	froms []string
	raws  [][]byte
	ctxOK bool
}

func (r *recorder) HandleMail(ctx context.Context, from string, raw []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, r.ctxOK = ctx.Deadline()
	r.froms = append(r.froms, from)
	r.raws = append(r.raws, bytes.Clone(raw))
	return r.err
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.raws)
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func startSMTP(t *testing.T, h Handler) *SMTPServer {
	t.Helper()
	s, err := NewSMTPServer("127.0.0.1:0", replyAddr, h, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Error(err)
		}
	})
	return s
}

// reply is a message as a calendar client sends it, with a line that
// starts with a dot (SMTP dot-stuffing must be undone).
var reply = []byte("From: Anne <anne@ecublens.example>\r\nTo: " + replyAddr + "\r\nSubject: Accepted: Atelier\r\n" +
	"Content-Type: text/calendar; method=REPLY\r\n\r\nBEGIN:VCALENDAR\r\n.leading dot\r\nMETHOD:REPLY\r\nEND:VCALENDAR\r\n")

// send runs one SMTP transaction and returns the error of the first step
// that failed.
func send(addr, from string, to []string, msg []byte) error {
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
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt, nil); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func smtpCode(err error) int {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

// TestSMTPServer: what the commune's mail server sees for each kind of
// delivery, and what reaches the handler.
func TestSMTPServer(t *testing.T) {
	cases := map[string]struct {
		to        []string
		msg       []byte
		handler   error
		code      int
		delivered int
	}{
		"reply accepted":                    {to: []string{replyAddr}, msg: reply, delivered: 1},
		"address case does not matter":      {to: []string{"Replies@Atelier.EXAMPLE"}, msg: reply, delivered: 1},
		"other recipient refused":           {to: []string{"rh@ecublens.example"}, msg: reply, code: 550},
		"relaying refused":                  {to: []string{"someone@elsewhere.example"}, msg: reply, code: 550},
		"sub-address refused":               {to: []string{"replies+x@atelier.example"}, msg: reply, code: 550},
		"oversize refused":                  {to: []string{replyAddr}, msg: bytes.Repeat([]byte("0123456789abcde\r\n"), MaxMessageBytes/17+1), code: 552},
		"handler failing: try again later":  {to: []string{replyAddr}, msg: reply, handler: errors.New("database down"), code: 451, delivered: 1},
		"handler refusing: permanent":       {to: []string{replyAddr}, msg: reply, handler: Permanent(errors.New("not a reply")), code: 554, delivered: 1},
		"wrapped permanent still permanent": {to: []string{replyAddr}, msg: reply, handler: errors.Join(errors.New("x"), Permanent(errors.New("y"))), code: 554, delivered: 1},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := &recorder{err: tc.handler}
			s := startSMTP(t, h)
			err := send(s.Addr().String(), "bounce@ecublens.example", tc.to, tc.msg)
			if got := smtpCode(err); got != tc.code || (tc.code == 0 && err != nil) {
				t.Fatalf("code %d (%v), want %d", got, err, tc.code)
			}
			if h.count() != tc.delivered {
				t.Fatalf("handler called %d times, want %d", h.count(), tc.delivered)
			}
			if tc.delivered == 0 {
				return
			}
			if !bytes.Equal(h.raws[0], tc.msg) {
				t.Errorf("handler got\n%q\nwant\n%q", h.raws[0], tc.msg)
			}
			if h.froms[0] != "bounce@ecublens.example" || !h.ctxOK {
				t.Errorf("from %q, context with deadline %v", h.froms[0], h.ctxOK)
			}
		})
	}
}

// TestSMTPMixedRecipients: a transaction naming the reply address and
// another one delivers once, to the reply address only.
func TestSMTPMixedRecipients(t *testing.T) {
	h := &recorder{}
	s := startSMTP(t, h)
	c, err := smtp.Dial(s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Mail("a@ecublens.example", nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("other@atelier.example", nil); smtpCode(err) != 550 {
		t.Fatalf("other recipient: %v", err)
	}
	if err := c.Rcpt(replyAddr, nil); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(reply); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if h.count() != 1 {
		t.Fatalf("delivered %d times", h.count())
	}
}

// TestSMTPLimits: the announced size, the recipient count and AUTH.
func TestSMTPLimits(t *testing.T) {
	s := startSMTP(t, &recorder{})
	c, err := smtp.Dial(s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("mx.ecublens.example"); err != nil {
		t.Fatal(err)
	}
	if size, ok := c.MaxMessageSize(); !ok || size != MaxMessageBytes {
		t.Errorf("SIZE %d %v", size, ok)
	}
	if ok, _ := c.Extension("AUTH"); ok {
		t.Error("AUTH offered: the listener has no users")
	}
	if err := c.Mail("a@ecublens.example", &smtp.MailOptions{Size: MaxMessageBytes + 1}); smtpCode(err) != 552 {
		t.Errorf("MAIL with SIZE over the limit: %v", err)
	}
	if err := c.Mail("a@ecublens.example", nil); err != nil {
		t.Fatal(err)
	}
	var last error
	for range smtpMaxRecipients + 1 {
		last = c.Rcpt(replyAddr, nil)
	}
	if smtpCode(last) != 452 {
		t.Errorf("recipient %d: %v", smtpMaxRecipients+1, last)
	}
}

// TestSMTPShutdown: Shutdown lets a transaction in progress finish, then
// no one can connect; a connection left idle is closed at the deadline.
func TestSMTPShutdown(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	h := HandlerFunc(func(ctx context.Context, from string, raw []byte) error {
		close(entered)
		<-release
		return nil
	})
	s, err := NewSMTPServer("127.0.0.1:0", replyAddr, h, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	addr := s.Addr().String()
	sent := make(chan error, 1)
	go func() { sent <- send(addr, "a@ecublens.example", []string{replyAddr}, reply) }()
	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	<-entered
	stopped := make(chan error, 1)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	go func() { stopped <- s.Shutdown(ctx) }()
	refused := false
	for deadline := time.Now().Add(time.Second); !refused && time.Now().Before(deadline); {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err != nil {
			refused = true
			break
		}
		c.Close()
		time.Sleep(10 * time.Millisecond)
	}
	if !refused {
		t.Error("still accepting connections after Shutdown")
	}
	close(release)
	if err := <-sent; err != nil {
		t.Errorf("transaction in progress: %v", err)
	}
	if err := <-stopped; !errors.Is(err, context.DeadlineExceeded) {
		// The idle connection holds Shutdown until the deadline, then is
		// closed.
		t.Errorf("Shutdown: %v", err)
	}
	_ = idle.SetReadDeadline(time.Now().Add(time.Second))
	if _, err := io.ReadAll(idle); err != nil && !strings.Contains(err.Error(), "reset") {
		t.Errorf("idle connection not closed: %v", err)
	}
}

// TestNewSMTPServer checks the arguments.
func TestNewSMTPServer(t *testing.T) {
	cases := map[string]struct {
		addr, reply string
		h           Handler
	}{
		"bad reply address":  {"127.0.0.1:0", "Replies <r@x.example>", &recorder{}},
		"bad listen address": {"localhost", replyAddr, &recorder{}},
		"no handler":         {"127.0.0.1:0", replyAddr, nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := NewSMTPServer(tc.addr, tc.reply, tc.h, nil); err == nil {
				t.Error("no error")
			}
		})
	}
	s, err := NewSMTPServer("127.0.0.1:0", replyAddr, &recorder{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown before Start: %v", err)
	}
}

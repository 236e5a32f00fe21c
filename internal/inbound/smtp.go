package inbound

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
	"golang.org/x/net/netutil"
)

// Limits of the SMTP listener. It talks to one mail server, which sends
// one reply per transaction; the limits only stop a misbehaving peer.
const (
	smtpTimeout        = time.Minute
	smtpMaxRecipients  = 10
	smtpMaxConnections = 32
	// handlerTimeout bounds one HandleMail call. RFC 5321 §4.5.3.2.6 has
	// the client wait 10 minutes for the reply to the end of DATA.
	handlerTimeout = 2 * time.Minute
)

// Replies the listener gives. They name no internal detail: the peer is a
// mail server that may turn them into a bounce to the participant.
var (
	errUnknownRecipient = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
		Message: "No such recipient here: this server only takes replies to Atelier invitations"}
	errRefused = &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0},
		Message: "Message refused: not a calendar reply to an Atelier invitation"}
	errTryLater = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0},
		Message: "Temporary failure, please try again later"}
	errTooLarge = &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4},
		Message: "Message too large"}
)

// SMTPServer receives replies forwarded by the commune's mail server.
//
// It accepts mail for the reply address only (anything else is 550, so it
// can never relay), needs no authentication, and offers no TLS: bind it to
// an internal address the mail server reaches over a trusted network.
type SMTPServer struct {
	replyAddress string
	h            Handler
	log          *slog.Logger
	srv          *smtp.Server

	mu     sync.Mutex
	ln     *trackingListener
	served chan struct{} // closed when Serve returns
}

// NewSMTPServer returns a listener for addr (host:port) that hands mail
// for replyAddress to h. Call Start, then Shutdown.
func NewSMTPServer(addr, replyAddress string, h Handler, log *slog.Logger) (*SMTPServer, error) {
	reply, err := ParseReplyAddress(replyAddress)
	if err != nil {
		return nil, err
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return nil, fmt.Errorf("inbound SMTP address %q: want host:port", addr)
	}
	if h == nil {
		return nil, errors.New("inbound SMTP: nil handler")
	}
	if log == nil {
		log = slog.Default()
	}
	s := &SMTPServer{replyAddress: reply, h: h, log: log.With("component", "inbound-smtp")}
	srv := smtp.NewServer(smtp.BackendFunc(s.newSession))
	srv.Addr = addr
	srv.Domain = reply[strings.LastIndexByte(reply, '@')+1:]
	srv.ReadTimeout = smtpTimeout
	srv.WriteTimeout = smtpTimeout
	srv.MaxMessageBytes = MaxMessageBytes
	srv.MaxRecipients = smtpMaxRecipients
	srv.ErrorLog = slogPrinter{s.log}
	s.srv = srv
	return s, nil
}

// Start listens and serves in the background. It returns once the port is
// bound, so that a wrong address fails at start-up.
func (s *SMTPServer) Start() error {
	ln, err := net.Listen("tcp", s.srv.Addr)
	if err != nil {
		return fmt.Errorf("inbound SMTP: %w", err)
	}
	// Accepting is bounded: a flood of idle connections queues in the
	// kernel instead of holding a goroutine and a buffer each.
	tl := &trackingListener{Listener: netutil.LimitListener(ln, smtpMaxConnections), conns: map[*trackedConn]struct{}{}}
	s.mu.Lock()
	s.ln = tl
	s.served = make(chan struct{})
	served := s.served
	s.mu.Unlock()
	s.log.Info("listening", "addr", ln.Addr().String())
	if host, _, _ := net.SplitHostPort(s.srv.Addr); host == "" || net.ParseIP(host).IsUnspecified() {
		s.log.Warn("listening on every interface: this listener has no authentication, keep it reachable from the commune's mail server only (firewall)")
	}
	go func() {
		defer close(served)
		if err := s.srv.Serve(tl); err != nil && !errors.Is(err, net.ErrClosed) {
			s.log.Error("serve stopped", "err", err)
		}
	}()
	return nil
}

// Addr is the address the server listens on (useful with port 0).
func (s *SMTPServer) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Shutdown stops accepting connections and waits for the open ones to
// finish their transaction and quit. When ctx ends first, the remaining
// connections are closed; the message in transit, not yet acknowledged, is
// then sent again by the client later.
func (s *SMTPServer) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	served, ln := s.served, s.ln
	s.mu.Unlock()
	if served == nil {
		return nil
	}
	err := s.srv.Shutdown(ctx)
	// Closing the listener here as well covers a Shutdown that comes
	// before the Serve goroutine registered it with go-smtp.
	_ = ln.Close()
	if ctx.Err() != nil {
		// go-smtp's Shutdown waits for clients to quit, and its Close does
		// nothing once Shutdown has begun: the connections are closed here.
		ln.closeAll()
	}
	<-served
	if errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return err
}

func (s *SMTPServer) newSession(c *smtp.Conn) (smtp.Session, error) {
	remote := ""
	if nc := c.Conn(); nc != nil {
		remote = nc.RemoteAddr().String()
	}
	return &smtpSession{s: s, remote: remote}, nil
}

// smtpSession is one SMTP connection; go-smtp calls it from one goroutine.
type smtpSession struct {
	s      *SMTPServer
	remote string
	from   string
}

func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	// go-smtp already refuses a SIZE= over MaxMessageBytes with 552.
	ss.from = from
	return nil
}

func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	// The local part is compared case-insensitively too: mail systems treat
	// it so in practice, and a forward may change its case.
	if !strings.EqualFold(strings.TrimSpace(to), ss.s.replyAddress) {
		ss.s.log.Info("recipient refused", "remote", ss.remote)
		return errUnknownRecipient
	}
	return nil
}

func (ss *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		if errors.Is(err, smtp.ErrDataTooLarge) {
			ss.s.log.Warn("message too large", "remote", ss.remote, "limit", MaxMessageBytes)
			return errTooLarge
		}
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), handlerTimeout)
	defer cancel()
	err = ss.s.h.HandleMail(ctx, ss.from, raw)
	switch {
	case err == nil:
		ss.s.log.Info("message accepted", "remote", ss.remote, "bytes", len(raw))
		return nil
	case IsPermanent(err):
		ss.s.log.Info("message refused", "remote", ss.remote, "bytes", len(raw), "err", err)
		return errRefused
	default:
		ss.s.log.Warn("message deferred", "remote", ss.remote, "bytes", len(raw), "err", err)
		return errTryLater
	}
}

func (ss *smtpSession) Reset() {
	ss.from = ""
}

func (ss *smtpSession) Logout() error { return nil }

// slogPrinter routes go-smtp's internal error log to slog.
type slogPrinter struct{ log *slog.Logger }

func (p slogPrinter) Printf(format string, v ...any) { p.log.Warn(fmt.Sprintf(format, v...)) }
func (p slogPrinter) Println(v ...any)               { p.log.Warn(strings.TrimSpace(fmt.Sprintln(v...))) }

// trackingListener remembers the connections it accepted, so that
// Shutdown can close those still open at its deadline.
type trackingListener struct {
	net.Listener
	mu    sync.Mutex
	conns map[*trackedConn]struct{}
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: c, l: l}
	l.mu.Lock()
	l.conns[tc] = struct{}{}
	l.mu.Unlock()
	return tc, nil
}

func (l *trackingListener) closeAll() {
	l.mu.Lock()
	conns := make([]*trackedConn, 0, len(l.conns))
	for c := range l.conns {
		conns = append(conns, c)
	}
	l.mu.Unlock()
	for _, c := range conns {
		_ = c.Close()
	}
}

type trackedConn struct {
	net.Conn
	l    *trackingListener
	once sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.l.mu.Lock()
		delete(c.l.conns, c)
		c.l.mu.Unlock()
	})
	return c.Conn.Close()
}

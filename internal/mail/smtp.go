package mail

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"
	gomail "github.com/wneessen/go-mail"

	"github.com/atelier-ch/atelier/internal/calendar"
	"github.com/atelier-ch/atelier/internal/clean"
	"github.com/atelier-ch/atelier/internal/store"
)

// QRContentID names the embedded QR code that the HTML body shows.
const QRContentID = "qr@atelier"

// SMTP sends through an SMTP server given as smtp://user:pass@host:port
// (STARTTLS when offered) or smtps://… (implicit TLS).
type SMTP struct {
	host     string
	port     int
	user     string
	password string
	tls      bool
	// envelopeFrom is ATELIER_MAIL_FROM, the bounce address.
	envelopeFrom string
	opts         []Option
}

// Option sets an optional header of the messages written.
type Option func(*options)

type options struct {
	replyTo string
}

// ReplyTo sets the Reply-To of the messages that carry an invitation
// (METHOD:REQUEST) to address, ATELIER_REPLY_ADDRESS: where calendar
// replies are read. Other messages keep answers going to the commune's HR.
func ReplyTo(address string) Option {
	return func(o *options) { o.replyTo = address }
}

// NewSMTP parses an SMTP URL.
func NewSMTP(rawURL, envelopeFrom string, opts ...Option) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, fmt.Errorf("ATELIER_SMTP_URL must look like smtp://user:pass@host:port")
	}
	s := &SMTP{host: u.Hostname(), tls: u.Scheme == "smtps", envelopeFrom: envelopeFrom, port: 587, opts: opts}
	if s.tls {
		s.port = 465
	}
	if p := u.Port(); p != "" {
		if s.port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("ATELIER_SMTP_URL: bad port %q", p)
		}
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.password, _ = u.User.Password()
	}
	return s, nil
}

// Send delivers one message.
func (s *SMTP) Send(ctx context.Context, m *store.OutboxMessage) error {
	msg, err := Build(m, s.envelopeFrom, s.opts...)
	if err != nil {
		return err
	}
	opts := []gomail.Option{gomail.WithPort(s.port), gomail.WithTimeout(30 * time.Second)}
	if s.tls {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.user != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.user), gomail.WithPassword(s.password))
	}
	c, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, msg)
}

// Build writes an outbox message as MIME: multipart/mixed holding a
// multipart/alternative (text, HTML, and the invitation as text/calendar
// with its method, which calendar-aware clients act on) and the same .ics
// as an attachment for the others.
func Build(m *store.OutboxMessage, envelopeFrom string, opts ...Option) (*gomail.Msg, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP))
	// Names and subject are one line whatever they hold: no header can be
	// added through them (go-mail also refuses a raw CR or LF).
	if err := msg.FromFormat(clean.Line(m.FromName), m.FromEmail); err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	if envelopeFrom != "" {
		if err := msg.EnvelopeFrom(envelopeFrom); err != nil {
			return nil, fmt.Errorf("envelope from: %w", err)
		}
	}
	if err := msg.AddToFormat(clean.Line(m.ToName), m.ToEmail); err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	if o.replyTo != "" && m.ICSMethod == string(calendar.Request) {
		if err := msg.ReplyToFormat(clean.Line(m.FromName), o.replyTo); err != nil {
			return nil, fmt.Errorf("reply-to: %w", err)
		}
	}
	msg.Subject(clean.Line(m.Subject))
	msg.SetMessageIDWithValue(strings.Trim(m.MessageID, "<>"))
	msg.SetDate()
	msg.SetBodyString(gomail.TypeTextPlain, m.TextBody)
	if m.HTMLBody != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTMLBody)
	}
	if m.PageURL != "" {
		png, err := qrcode.Encode(m.PageURL, qrcode.Medium, 320)
		if err != nil {
			return nil, err
		}
		if err := msg.EmbedReader("code.png", bytes.NewReader(png), gomail.WithFileContentID("<"+QRContentID+">"), gomail.WithFileContentType(gomail.ContentType("image/png"))); err != nil {
			return nil, err
		}
	}
	if m.ICS != "" {
		ct := gomail.ContentType("text/calendar; method=" + m.ICSMethod)
		msg.AddAlternativeString(ct, m.ICS, gomail.WithPartEncoding(gomail.EncodingB64))
		if err := msg.AttachReader("invitation.ics", strings.NewReader(m.ICS), gomail.WithFileContentType(ct)); err != nil {
			return nil, err
		}
	}
	return msg, nil
}

// Package inbound receives the mail participants' calendar clients send
// back to invitations and hands each raw message to a Handler.
//
// Replies reach Atelier in one of two ways, chosen per installation:
//
//   - SMTPServer: the commune's mail system forwards the reply address to a
//     small SMTP listener of Atelier's (ATELIER_INBOUND_SMTP_ADDR). It takes
//     mail for that one address only, without authentication, so it must
//     listen on an internal address that only the commune's mail server can
//     reach (a private interface, or a firewall rule), never on the
//     Internet.
//   - IMAPPoller: Atelier logs in to a mailbox that receives the replies
//     (ATELIER_IMAP_URL) and moves each message it has handled to a
//     processed folder.
//
// Both deliver at least once: a message whose handling succeeded may be
// handed over again if the connection breaks before the success is
// recorded (the SMTP client retries, the IMAP move fails). Handlers must be
// idempotent; the Message-ID is the natural key.
package inbound

import (
	"context"
	"errors"
)

// MaxMessageBytes is the largest message either way accepts: a calendar
// reply is a few kilobytes, 1 MiB leaves room for Outlook's echo of a long
// description without letting anyone fill the disk.
const MaxMessageBytes = 1 << 20

// Handler processes one received message.
//
// from is the envelope sender (SMTP MAIL FROM, or the Return-Path header
// for IMAP): informational, often rewritten by forwarding; it may be empty.
// raw is the message as received, headers and body.
//
// Returning nil means the message is dealt with. An error wrapped with
// Permanent means it will never be accepted (not a calendar reply, an
// unknown event): it is refused or set aside, not retried. Any other error
// means « try again later »: the SMTP client is told 451, the IMAP message
// stays in place for the next poll.
type Handler interface {
	HandleMail(ctx context.Context, from string, raw []byte) error
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, from string, raw []byte) error

// HandleMail calls f.
func (f HandlerFunc) HandleMail(ctx context.Context, from string, raw []byte) error {
	return f(ctx, from, raw)
}

// permanentError marks an error as final.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as a permanent rejection of the message, so that it
// is not offered again. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

// IsPermanent reports whether err, or an error it wraps, was marked with
// Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

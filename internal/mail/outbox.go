package mail

import (
	"context"
	"errors"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/store"
)

// OutboxStore is what reading the outbox needs.
type OutboxStore interface {
	Outbox(ctx context.Context, f store.OutboxFilter) ([]store.OutboxMessage, int64, error)
	RetryMail(ctx context.Context, orgID, id int64, now time.Time) (*store.OutboxMessage, error)
}

// Outbox shows a commune the mails written to its people: waiting, being
// sent, sent and failed. A mail belongs to the person's commune, whoever
// hosts the session it is about.
type Outbox struct {
	store    OutboxStore
	now      func() time.Time
	notifier *Notifier
	db       *store.Store
}

// ComposingWith makes List compose the messages it lists that were queued
// by a change (they are composed when read), so that HR sees every mail
// whole.
func (o *Outbox) ComposingWith(n *Notifier, db *store.Store) *Outbox {
	o.notifier, o.db = n, db
	return o
}

// NewOutbox returns an Outbox.
func NewOutbox(s OutboxStore, now func() time.Time) *Outbox { return &Outbox{store: s, now: now} }

// Retry puts a failed mail of the caller's commune back in the queue: the
// worker tries it again at once. A mail that has not failed is a 409.
func (o *Outbox) Retry(ctx context.Context, caller access.Caller, id int64) (*store.OutboxMessage, error) {
	if err := caller.Commune(access.ReadOutbox, caller.OrgID); err != nil {
		return nil, err
	}
	m, err := o.store.RetryMail(ctx, caller.OrgID, id, o.now())
	if errors.Is(err, store.ErrConflict) {
		return nil, apperr.Conflict("err.retry_not_failed")
	}
	return m, err
}

// Statuses a mail can have.
var Statuses = []string{store.OutboxPending, store.OutboxSending, store.OutboxSent, store.OutboxFailed}

// List lists the caller's commune's mails, newest first, with the total
// before paging. Survey mails come without their text: it holds the
// person's personal link to their answers.
func (o *Outbox) List(ctx context.Context, caller access.Caller, f store.OutboxFilter) ([]store.OutboxMessage, int64, error) {
	return o.list(ctx, caller, f, (*Notifier).Fill)
}

// Subjects is List for a page that shows whom each mail goes to, from
// whom, its subject and its state: the mails come without their bodies
// and calendar file.
func (o *Outbox) Subjects(ctx context.Context, caller access.Caller, f store.OutboxFilter) ([]store.OutboxMessage, int64, error) {
	msgs, total, err := o.list(ctx, caller, f, (*Notifier).FillSubjects)
	for i := range msgs {
		msgs[i].TextBody, msgs[i].HTMLBody, msgs[i].ICS = "", "", ""
	}
	return msgs, total, err
}

func (o *Outbox) list(ctx context.Context, caller access.Caller, f store.OutboxFilter, fill func(*Notifier, context.Context, Orgs, []store.OutboxMessage) map[int64]error) ([]store.OutboxMessage, int64, error) {
	if err := caller.Commune(access.ReadOutbox, caller.OrgID); err != nil {
		return nil, 0, err
	}
	switch f.Status {
	case "", store.OutboxPending, store.OutboxSending, store.OutboxSent, store.OutboxFailed:
	default:
		return nil, 0, apperr.Invalid("status", "err.outbox_status")
	}
	f.OrgID = caller.OrgID
	msgs, total, err := o.store.Outbox(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	if o.notifier != nil {
		if err := Listable(fill(o.notifier, ctx, o.db, msgs)); err != nil {
			return nil, 0, err
		}
	}
	withoutLinks(msgs)
	return msgs, total, nil
}

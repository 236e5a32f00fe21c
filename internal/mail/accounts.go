package mail

import (
	"context"
	"crypto/rand"
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/atelier-ch/atelier/internal/clean"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

// AccountMailStore is what account mails are queued through.
type AccountMailStore interface {
	EnqueueMail(ctx context.Context, msgs []*store.OutboxMessage) error
	Org(ctx context.Context, id int64) (*store.Org, error)
}

// AccountMail writes the mails about an account (a password reset link)
// into the outbox, which delivers them like every other mail.
type AccountMail struct {
	store AccountMailStore
	tr    *i18n.Translator
	base  string
	from  string
	host  string
	now   func() time.Time
}

// NewAccountMail returns an AccountMail; from is the sender of last resort.
func NewAccountMail(s AccountMailStore, tr *i18n.Translator, base, from, host string, now func() time.Time) *AccountMail {
	return &AccountMail{store: s, tr: tr, base: strings.TrimRight(base, "/"), from: from, host: host, now: now}
}

// MailReset queues the mail carrying a password reset link to the account's
// owner. Accounts without a commune (platform admins) get no mail: the link
// is only shown to whoever made it. It reports whether a mail was queued.
func (m *AccountMail) MailReset(ctx context.Context, u *store.User, token string, expires time.Time) (bool, error) {
	if u.OrgID == nil {
		return false, nil
	}
	org, err := m.store.Org(ctx, *u.OrgID)
	if err != nil {
		return false, err
	}
	lang := u.Language
	if !i18n.Valid(lang) {
		lang = "fr"
	}
	t := func(key string, args ...any) string { return m.tr.T(lang, key, args...) }
	link := m.base + "/reset/" + token
	until := i18n.Date(lang, tz.In(expires)) + ", " + i18n.Clock(lang, tz.In(expires))
	text := strings.Join([]string{t("mail.reset.greeting", clean.Line(u.Name)), "", t("mail.reset.lead", org.Name), "", link, "", t("mail.reset.until", until), t("mail.reset.ignore")}, "\n")
	html := "<p>" + html.EscapeString(t("mail.reset.greeting", clean.Line(u.Name))) + "</p><p>" + html.EscapeString(t("mail.reset.lead", org.Name)) +
		`</p><p><a href="` + html.EscapeString(link) + `">` + html.EscapeString(t("mail.reset.button")) + "</a></p><p>" + html.EscapeString(t("mail.reset.until", until)) + "<br>" + html.EscapeString(t("mail.reset.ignore")) + "</p>"
	fromName, fromEmail := org.HRSenderName, org.HRSenderEmail
	if fromEmail == "" {
		fromEmail = m.from
	}
	now := m.now().UTC()
	msg := &store.OutboxMessage{
		OrgID: org.ID, Kind: "password_reset", ToEmail: u.Email, ToName: clean.Line(u.Name),
		FromEmail: fromEmail, FromName: clean.Line(fromName), Subject: clean.Line(t("mail.reset.subject")),
		TextBody: text, HTMLBody: html, MessageID: fmt.Sprintf("<%s@%s>", strings.ToLower(rand.Text()), m.host),
		Status: store.OutboxPending, NextAttemptAt: now, CreatedAt: now,
	}
	return true, m.store.EnqueueMail(ctx, []*store.OutboxMessage{msg})
}

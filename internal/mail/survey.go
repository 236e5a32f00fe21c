package mail

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"

	"github.com/atelier-ch/atelier/internal/clean"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

// Kinds of the mails about a survey. They carry the person's personal link
// to their answers, which nobody else may hold: the outbox lists them
// without their text (Outbox.List).
const (
	KindSurveyInvitation = "survey_invitation"
	KindSurveyReminder   = "survey_reminder"
)

// SurveyKinds lists the kinds of survey mails.
var SurveyKinds = []string{KindSurveyInvitation, KindSurveyReminder}

// SurveyPath is the path of a personal survey link.
func SurveyPath(token string) string { return "/s/" + token }

// QueueSurveyMails writes one mail per invitee about survey sv of org — the
// invitation, or the reminder — in their language, inside the caller's
// transaction. Invitees without an address or a link are skipped.
func (n *Notifier) QueueSurveyMails(ctx context.Context, tx *store.Store, org *store.Org, sv *store.Survey, invitees []store.Invitee, reminder bool) error {
	cs, ok := n.catalog.Survey(sv.Slug)
	if !ok {
		return fmt.Errorf("mail: survey %q is not in the catalogue", sv.Slug)
	}
	from := n.composer.Organizer(org)
	kind := KindSurveyInvitation
	if reminder {
		kind = KindSurveyReminder
	}
	msgs := make([]*store.OutboxMessage, 0, len(invitees))
	now := n.now().UTC()
	for i := range invitees {
		inv := &invitees[i]
		if inv.Email == nil || inv.Token == nil {
			continue
		}
		lang := i18n.Normalize(inv.Language)
		t := func(key string, args ...any) string { return n.tr.T(lang, key, args...) }
		title := cs.Title.In(lang)
		closes := i18n.Date(lang, tz.In(sv.ClosesAt))
		c := content{Lang: lang, Colon: " : ", Greeting: t("mail.greeting", inv.Name), Link: n.composer.URL(SurveyPath(*inv.Token)),
			LinkText: t("strategy.mail.survey_link"), Footer: org.Name, Summary: t("strategy.mail.survey_anonymous")}
		if lang == "de" {
			c.Colon = ": "
		}
		c.Facts = []change{{Label: t("strategy.mail.survey_closes"), After: closes}}
		subject := t("strategy.mail.invitation.subject", title)
		c.Lead = t("strategy.mail.invitation.lead", org.Name, title)
		if reminder {
			subject = t("strategy.mail.reminder.subject", title)
			c.Lead = t("strategy.mail.reminder.lead", title, closes)
		}
		id := inv.ID
		msgs = append(msgs, &store.OutboxMessage{
			OrgID: inv.OrgID, SurveyInvitationID: &id, Kind: kind,
			ToEmail: *inv.Email, ToName: clean.Line(inv.Name), FromEmail: from.Email, FromName: clean.Line(from.Name),
			Subject: clean.Truncate(clean.Line(subject), 250), TextBody: renderText(c), HTMLBody: renderHTML(c),
			MessageID: fmt.Sprintf("<%s@%s>", strings.ToLower(rand.Text()), n.host),
			Status:    store.OutboxPending, NextAttemptAt: now, CreatedAt: now,
		})
	}
	return tx.EnqueueMail(ctx, msgs)
}

// withoutLinks blanks the text of the mails that carry a personal survey
// link: whoever reads the outbox must not be able to open someone's
// answers.
func withoutLinks(msgs []store.OutboxMessage) {
	for i := range msgs {
		if slices.Contains(SurveyKinds, msgs[i].Kind) {
			msgs[i].TextBody, msgs[i].HTMLBody, msgs[i].PageURL = "", "", ""
		}
	}
}

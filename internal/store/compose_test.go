package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
)

// TestComposeMail: composed messages are written many to a statement
// (more than one statement's worth here, with messages to drop among
// them), each only while it is still queued: a message composed already
// keeps what it has, and composing twice writes once.
func TestComposeMail(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			s := storetest.Open(t, db)
			org := &store.Org{Slug: "rolle", Name: "Rolle"}
			if err := s.CreateOrg(ctx, org); err != nil {
				t.Fatal(err)
			}
			now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
			var msgs []*store.OutboxMessage
			for i := range 450 {
				msgs = append(msgs, &store.OutboxMessage{OrgID: org.ID, Kind: "booked", ToEmail: fmt.Sprintf("p%d@rolle.example", i),
					MessageID: fmt.Sprintf("<m%d@atelier.test>", i), Status: store.OutboxPending, NextAttemptAt: now, CreatedAt: now, Event: `{"queued":true}`})
			}
			if err := s.EnqueueMail(ctx, msgs); err != nil {
				t.Fatal(err)
			}
			// Message 7 was composed meanwhile, elsewhere.
			if err := s.ComposeMail(ctx, map[string]*store.Composed{"<m7@atelier.test>": {Subject: "d'abord", PageURL: "https://a/r/first"}}); err != nil {
				t.Fatal(err)
			}
			done := map[string]*store.Composed{}
			for i := range 450 {
				id := fmt.Sprintf("<m%d@atelier.test>", i)
				if i%25 == 3 {
					done[id] = nil // nothing to send: dropped
					continue
				}
				done[id] = &store.Composed{FromEmail: "rh@rolle.example", FromName: "Rolle", Subject: fmt.Sprintf("Inscription « %d » l'atelier", i),
					TextBody: "texte\n" + id, HTMLBody: "<p>" + id + "</p>", ICS: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", ICSMethod: "REQUEST", PageURL: fmt.Sprintf("https://a/r/%d", i)}
			}
			if err := s.ComposeMail(ctx, done); err != nil {
				t.Fatal(err)
			}
			got, _, err := s.Outbox(ctx, store.OutboxFilter{OrgID: org.ID, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 450-18 {
				t.Fatalf("%d messages, want %d (18 dropped)", len(got), 450-18)
			}
			for _, m := range got {
				var i int
				fmt.Sscanf(m.MessageID, "<m%d@", &i)
				want := fmt.Sprintf("Inscription « %d » l'atelier", i)
				if i == 7 {
					want = "d'abord"
				}
				if m.Event != "" || m.Subject != want || (i != 7 && (m.PageURL != fmt.Sprintf("https://a/r/%d", i) || m.TextBody != "texte\n"+m.MessageID || m.ICSMethod != "REQUEST")) {
					t.Errorf("message %d: event %q, subject %q, page %q", i, m.Event, m.Subject, m.PageURL)
				}
			}
		})
	}
}

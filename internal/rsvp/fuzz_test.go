package rsvp_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/inbound"
	"github.com/atelier-ch/atelier/internal/itip"
	"github.com/atelier-ch/atelier/internal/store/storetest"
)

// FuzzHandleMail throws any message at the reply handler, end to end on a
// database: it never panics, never answers « try again » (only the
// database failing may), and the state changes only for a genuine reply —
// one that reads, names a session's UID and a person registered in it,
// comes from that person and says accepted, tentative or declined.
func FuzzHandleMail(f *testing.F) {
	e := newEnv(f, storetest.Fresh(f, "sqlite"))
	vol, mand := e.session(catalog.Voluntary, 1), e.session(catalog.Mandatory, 5)
	anne, bea, carl := e.person("Anne", "anne@ecublens.example"), e.person("Bea", "bea@ecublens.example"), e.person("Carl", "carl@ecublens.example")
	regs := e.book(vol, anne, bea)
	m := e.book(mand, carl)[0]
	registered := map[string][]string{vol.UID: {*anne.Email, *bea.Email}, mand.UID: {*carl.Email}}

	files, err := filepath.Glob(filepath.Join(fixtureDir, "*.eml"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixtures: %v", err)
	}
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	// Genuine replies (they change the state once), a waitlisted person's
	// and a forged one, in every client's shape.
	for _, c := range clients {
		for _, fixture := range []string{c.accept, c.decline} {
			id := func(who string) string { return "<" + fixture + "-" + who + "@seed.example>" }
			f.Add(reply{fixture: fixture, uid: mand.UID, seq: e.seq(m.ID), attendee: *carl.Email, messageID: id("carl")}.build(f))
			f.Add(reply{fixture: fixture, uid: vol.UID, seq: e.seq(regs[1].ID), attendee: *bea.Email, messageID: id("bea")}.build(f))
			f.Add(reply{fixture: fixture, uid: vol.UID, seq: e.seq(regs[0].ID), attendee: *anne.Email, from: *bea.Email, messageID: id("forged")}.build(f))
		}
	}
	f.Add([]byte(""))
	f.Add([]byte("From: a@b\r\n\r\nBEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nEND:VCALENDAR\r\n"))

	f.Fuzz(func(t *testing.T, raw []byte) {
		e.t = t
		before := e.state()
		err := e.svc.HandleMail(context.Background(), "", raw)
		if err != nil && !inbound.IsPermanent(err) {
			t.Fatalf("temporary failure for a message: %v", err)
		}
		if e.state() == before {
			return
		}
		rep, err := itip.ParseReply(raw)
		if err != nil {
			t.Fatalf("the state changed for an unreadable message: %v", err)
		}
		if !slices.Contains(registered[rep.UID], rep.Attendee) || rep.From != rep.Attendee || rep.RecurrenceID != "" ||
			!slices.Contains([]string{itip.Accepted, itip.Tentative, itip.Declined}, rep.PartStat) {
			t.Fatalf("the state changed for a reply that is not genuine: %+v", rep)
		}
	})
}

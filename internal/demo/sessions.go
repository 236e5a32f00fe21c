package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/atelier-ch/atelier/internal/attendance"
	"github.com/atelier-ch/atelier/internal/auth"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/formats"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

// sessions gives the demo commune a campaign under way: one session held
// (with attendance and feedback), three to come, one with a waiting list.
func sessions(ctx context.Context, s *store.Store, cat *catalog.Catalog, now time.Time) error {
	org, err := s.OrgBySlug(ctx, OrgSlug)
	if err != nil {
		return err
	}
	hr, err := s.UserByEmail(ctx, accounts[0].email)
	if err != nil {
		return err
	}
	trainer, err := s.UserByEmail(ctx, accounts[1].email)
	if err != nil {
		return err
	}
	actor := auth.Caller(hr)
	// Bookings and marks happen "now"; the held session was planned and
	// booked four weeks ago, before it took place.
	clock := func() time.Time { return now }
	b := booking.New(s, formats.NewResolver(cat, s), clock, "demo.atelier.example", nil)
	earlier := booking.New(s, formats.NewResolver(cat, s), func() time.Time { return now.AddDate(0, 0, -28) }, "demo.atelier.example", nil)
	day := func(days, hour, minute int) string {
		d := now.In(tz.Zurich).AddDate(0, 0, days)
		return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, tz.Zurich).Format(time.RFC3339)
	}
	type plan struct {
		format   string
		start    string
		capacity int
		room     string
		audience booking.BookRequest
	}
	deps, err := s.Departments(ctx, org.ID)
	if err != nil {
		return err
	}
	depID := func(name string) int64 {
		for _, d := range deps {
			if d.Name == name {
				return d.ID
			}
		}
		return 0
	}
	plans := []plan{
		{"ecublens-collaborateurs", day(-21, 13, 30), 16, "Salle du Conseil", booking.BookRequest{Audience: &booking.Audience{Role: "staff"}}},
		{"yverdon-cadres", day(14, 8, 30), 12, "Salle de conférence, 1er étage", booking.BookRequest{Audience: &booking.Audience{Role: "head_of_service"}}},
		{"yverdon-conseil", day(21, 18, 30), 10, "Salle du Conseil", booking.BookRequest{Audience: &booking.Audience{Role: "council_member"}}},
		{"ucv-consultation", day(35, 8, 30), 10, "Salle polyvalente", booking.BookRequest{Audience: &booking.Audience{DepartmentID: depID("Administration générale")}}},
	}
	var held *booking.SessionView
	for i, p := range plans {
		b := b
		if i == 0 {
			b = earlier
		}
		format, start, capacity := p.format, p.start, p.capacity
		trainers := []int64{trainer.ID}
		loc := &booking.Location{Name: p.room, Address: "Place de la Maison de commune 1, 1999 Démo"}
		sess, err := b.CreateSession(ctx, actor, booking.SessionInput{Format: &format, StartsAt: &start, Capacity: &capacity, Location: loc, Trainers: &trainers})
		if err != nil {
			return fmt.Errorf("session %s: %w", format, err)
		}
		if _, err := b.Book(ctx, actor, sess.ID, p.audience); err != nil {
			return fmt.Errorf("booking %s: %w", format, err)
		}
		if i == 1 {
			// The deputies too: the room is full, some wait.
			if _, err := b.Book(ctx, actor, sess.ID, booking.BookRequest{Audience: &booking.Audience{Role: "deputy_head"}}); err != nil {
				return err
			}
		}
		if i == 0 {
			held = sess
		}
	}
	// The held session: who came, and what they thought.
	att := attendance.New(s, clock)
	rows, err := s.RegistrationRows(ctx, store.RegistrationFilter{SessionID: held.ID, Status: []string{store.RegBooked}})
	if err != nil {
		return err
	}
	answers := []attendance.Answers{
		{Overall: 5, WillUse: 5, ConfidenceBefore: 2, ConfidenceAfter: 4, UseCases: "Rédiger les réponses aux citoyens, résumer les procès-verbaux", Worries: "Protection des données des habitants"},
		{Overall: 4, WillUse: 4, ConfidenceBefore: 1, ConfidenceAfter: 3, UseCases: "Traductions allemand pour les avis", Worries: "Fiabilité des réponses"},
		{Overall: 4, WillUse: 5, ConfidenceBefore: 2, ConfidenceAfter: 4, UseCases: "Procès-verbaux des séances", Worries: ""},
		{Overall: 3, WillUse: 3, ConfidenceBefore: 3, ConfidenceAfter: 3, UseCases: "", Worries: "Temps pour vérifier les réponses"},
	}
	for i, r := range rows {
		status := store.AttendPresent
		switch i % 7 {
		case 5:
			status = store.AttendAbsent
		case 6:
			status = store.AttendExcused
		}
		if _, err := att.Mark(ctx, actor, r.ID, status); err != nil {
			return err
		}
		if status == store.AttendPresent && i < len(answers) {
			if _, err := att.SaveFeedback(ctx, r.Token, answers[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

package rsvp_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/rsvp"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
)

// TestAnswerFromPage: the page's three answers follow the same rules as
// the calendar's; a decline that gives the seat up must be confirmed.
func TestAnswerFromPage(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			e := newEnv(t, db)
			ctx := context.Background()
			vol, mand := e.session(catalog.Voluntary, 1), e.session(catalog.Mandatory, 5)
			anne, bea := e.person("Anne", ""), e.person("Bea", "")
			regs := e.book(vol, anne, bea)
			m := e.book(mand, anne)[0]

			// The page offers the answers to the person holding a seat only.
			sess, _ := e.store.Session(ctx, vol.ID)
			if o := e.svc.OfferFor(context.Background(), sess, e.reg(regs[0].ID)); !o.CanAnswer || !o.DeclineCancels {
				t.Errorf("booked, voluntary: %+v", o)
			}
			if o := e.svc.OfferFor(context.Background(), sess, e.reg(regs[1].ID)); o.CanAnswer {
				t.Errorf("waitlisted: %+v", o)
			}
			msess, _ := e.store.Session(ctx, mand.ID)
			if o := e.svc.OfferFor(context.Background(), msess, e.reg(m.ID)); !o.CanAnswer || o.DeclineCancels {
				t.Errorf("mandatory: %+v", o)
			}

			refusals := map[string]struct {
				token, answer string
				code          apperr.Code
			}{
				"unknown answer":            {regs[0].Token, "maybe", apperr.CodeValidation},
				"needs-action is no answer": {regs[0].Token, store.RsvpNeedsAction, apperr.CodeValidation},
				"waitlisted accepting":      {regs[1].Token, store.RsvpAccepted, apperr.CodeConflict},
			}
			for name, tc := range refusals {
				before := e.state()
				_, err := e.svc.Answer(ctx, tc.token, tc.answer, false)
				if !apperr.Is(err, tc.code) {
					t.Errorf("%s: %v, want %s", name, err, tc.code)
				}
				if e.state() != before {
					t.Errorf("%s changed the state", name)
				}
			}
			if _, err := e.svc.Answer(ctx, "NOSUCHTOKENNOSUCHTOKEN", store.RsvpAccepted, false); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("unknown token: %v", err)
			}

			res, err := e.svc.Answer(ctx, regs[0].Token, store.RsvpTentative, false)
			if err != nil || !res.Changed || res.Registration.Rsvp != store.RsvpTentative {
				t.Fatalf("tentative: %+v %v", res, err)
			}
			history := e.history(vol.ID)
			if res, err = e.svc.Answer(ctx, regs[0].Token, store.RsvpTentative, false); err != nil || res.Changed {
				t.Errorf("the same answer again: %+v %v", res, err)
			}
			if !slices.Equal(e.history(vol.ID), history) {
				t.Error("the same answer again wrote history")
			}

			// Declining gives the seat up: confirmed first.
			before := e.state()
			if _, err := e.svc.Answer(ctx, regs[0].Token, store.RsvpDeclined, false); !errors.Is(err, rsvp.ErrConfirmDecline) {
				t.Fatalf("unconfirmed decline: %v", err)
			}
			if e.state() != before {
				t.Fatal("an unconfirmed decline changed the state")
			}
			if res, err = e.svc.Answer(ctx, regs[0].Token, store.RsvpDeclined, true); err != nil || !res.Cancelled || len(res.Events) != 2 {
				t.Fatalf("confirmed decline: %+v %v", res, err)
			}
			if r := e.reg(regs[1].ID); r.Status != store.RegBooked {
				t.Errorf("the next person is %s", r.Status)
			}
			if _, err := e.svc.Answer(ctx, regs[0].Token, store.RsvpAccepted, false); !apperr.Is(err, apperr.CodeConflict) {
				t.Errorf("answering a cancelled registration: %v", err)
			}

			// A mandatory session: the decline is recorded, no confirmation.
			if res, err = e.svc.Answer(ctx, m.Token, store.RsvpDeclined, false); err != nil || res.Cancelled || res.Registration.Rsvp != store.RsvpDeclined {
				t.Fatalf("mandatory decline: %+v %v", res, err)
			}
			if r := e.reg(m.ID); r.Status != store.RegBooked || r.RsvpAt == nil {
				t.Errorf("mandatory decline: %s at %v", r.Status, r.RsvpAt)
			}

			// Once the session is held, the page offers nothing.
			e.setNow(start.Add(4 * time.Hour))
			if o := e.svc.OfferFor(context.Background(), msess, e.reg(m.ID)); o.CanAnswer {
				t.Errorf("held: %+v", o)
			}
		})
	}
}

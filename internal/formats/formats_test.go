package formats_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	catalogdata "github.com/atelier-ch/atelier/catalog"
	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/formats"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
)

type world struct {
	store         *store.Store
	svc           *formats.Service
	res           *formats.Resolver
	hrA, trA, hrB access.Caller
	orgA, orgB    *store.Org
	now           time.Time
}

func newWorld(t *testing.T, db storetest.DB) *world {
	t.Helper()
	s := storetest.Open(t, db)
	cat, err := catalog.Load(catalogdata.FS)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{store: s, now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	w.res = formats.NewResolver(cat, s)
	w.svc = formats.New(s, w.res, func() time.Time { return w.now })
	ctx := context.Background()
	caller := func(org *store.Org, email, role string) access.Caller {
		u := &store.User{OrgID: &org.ID, Email: email, Name: "Compte " + email, PasswordHash: "x", Role: role, Language: "fr"}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		return access.User(u.ID, u.Email, role, org.ID)
	}
	w.orgA, w.orgB = &store.Org{Slug: "ecublens", Name: "Ecublens"}, &store.Org{Slug: "aubonne", Name: "Aubonne"}
	for _, o := range []*store.Org{w.orgA, w.orgB} {
		if err := s.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	w.hrA = caller(w.orgA, "rh@ecublens.example", access.RoleHR)
	w.trA = caller(w.orgA, "formatrice@ecublens.example", access.RoleTrainer)
	w.hrB = caller(w.orgB, "rh@aubonne.example", access.RoleHR)
	return w
}

func wantCode(t *testing.T, err error, code apperr.Code, what string) *apperr.Error {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != code {
		t.Fatalf("%s: %v, want %s", what, err, code)
	}
	return e
}

func TestCopyAndAdapt(t *testing.T) {
	tr := i18n.MustLoad()
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			w := newWorld(t, db)
			anon, err := w.svc.List(ctx, access.Caller{})
			if err != nil {
				t.Fatal(err)
			}
			catalogue := len(anon)
			// A copy is named after the original and the commune, then numbered.
			first, err := w.svc.Copy(ctx, w.hrA, "aubonne", formats.CopyInput{})
			if err != nil {
				t.Fatal(err)
			}
			if first.Slug != "aubonne-ecublens" || first.Version != 1 || first.BasedOn != "aubonne" || first.Owner != "ecublens" || !first.Own {
				t.Fatalf("copy: %+v", first.Entry)
			}
			second, err := w.svc.Copy(ctx, w.hrA, "aubonne", formats.CopyInput{})
			if err != nil || second.Slug != "aubonne-ecublens-2" {
				t.Fatalf("second copy: %v %+v", err, second)
			}
			third, err := w.svc.Copy(ctx, w.hrA, "aubonne-ecublens", formats.CopyInput{})
			if err != nil || third.Slug != "aubonne-ecublens-3" || third.BasedOn != "aubonne-ecublens" {
				t.Fatalf("copy of a copy: %v %+v", err, third)
			}
			for slug, field := range map[string]string{"aubonne": "slug", "Pas Un Slug": "slug", "aubonne-ecublens": "slug"} {
				s := slug
				e := wantCode(t, func() error { _, err := w.svc.Copy(ctx, w.hrA, "aubonne", formats.CopyInput{Slug: &s}); return err }(), apperr.CodeValidation, "copy as "+slug)
				if _, ok := e.Fields[field]; !ok {
					t.Errorf("copy as %s: fields %v", slug, e.Fields)
				}
			}
			// The list: the catalogue to anyone, the commune's own to its staff only.
			for _, tc := range []struct {
				who  access.Caller
				want int
			}{{access.Caller{}, catalogue}, {w.hrA, catalogue + 3}, {w.trA, catalogue + 3}, {w.hrB, catalogue}} {
				got, err := w.svc.List(ctx, tc.who)
				if err != nil || len(got) != tc.want {
					t.Errorf("%s lists %d formats (%v), want %d", tc.who.Label, len(got), err, tc.want)
				}
			}
			// Another commune sees nothing of it; a trainer reads it, never changes it.
			wantCode(t, func() error { _, err := w.svc.Get(ctx, w.hrB, first.Slug, 0); return err }(), apperr.CodeNotFound, "B reads A's format")
			wantCode(t, func() error { _, err := w.svc.Copy(ctx, w.hrB, first.Slug, formats.CopyInput{}); return err }(), apperr.CodeNotFound, "B copies A's format")
			title := "Nouveau titre"
			wantCode(t, func() error { _, err := w.svc.Update(ctx, w.hrB, first.Slug, formats.Patch{Title: &title}); return err }(), apperr.CodeNotFound, "B changes A's format")
			wantCode(t, func() error { _, err := w.svc.Update(ctx, w.trA, first.Slug, formats.Patch{Title: &title}); return err }(), apperr.CodeForbidden, "a trainer changes it")
			wantCode(t, func() error { _, err := w.svc.Update(ctx, w.hrA, "aubonne", formats.Patch{Title: &title}); return err }(), apperr.CodeForbidden, "changing the catalogue")
			if _, err := w.svc.Get(ctx, w.trA, first.Slug, 0); err != nil {
				t.Errorf("a trainer of A reads it: %v", err)
			}

			// A change is a new version; the German title of the old French one goes.
			if first.DE == nil || first.DE.Title == "" {
				t.Fatalf("the copy lost its German texts: %+v", first.DE)
			}
			agenda := []catalog.AgendaItem{{Minutes: 30, Title: "Accueil", Kind: catalog.KindTalk}, {Minutes: 90, Title: "Pratique", Kind: catalog.KindHandsOn}}
			one := 1
			d, err := w.svc.Update(ctx, w.hrA, first.Slug, formats.Patch{Version: &one, Title: &title, Agenda: &agenda, Exercises: &[]string{"prompt-structure"}})
			if err != nil {
				t.Fatal(err)
			}
			if d.Version != 2 || d.Title != title || d.DurationMinutes != 120 || d.DE == nil || d.DE.Title != "" || d.DE.Summary == "" {
				t.Errorf("after the change: version %d, %q, %d min, de %+v", d.Version, d.Title, d.DurationMinutes, d.DE)
			}
			// Saving the same again makes no version; saving on an old one is a 409.
			if d, err = w.svc.Update(ctx, w.hrA, first.Slug, formats.Patch{Title: &title}); err != nil || d.Version != 2 {
				t.Errorf("same again: %v, version %d", err, d.Version)
			}
			wantCode(t, func() error {
				_, err := w.svc.Update(ctx, w.hrA, first.Slug, formats.Patch{Version: &one, Title: &title})
				return err
			}(), apperr.CodeConflict, "change on version 1")
			// The catalogue's rules, with their messages in both languages.
			bad := []catalog.AgendaItem{{Minutes: 30, Title: "Accueil", Kind: catalog.KindTalk}}
			e := wantCode(t, func() error {
				_, err := w.svc.Update(ctx, w.hrA, first.Slug, formats.Patch{Agenda: &bad, Exercises: &[]string{"nope"}})
				return err
			}(), apperr.CodeValidation, "an invalid change")
			if m, ok := e.Fields["exercises[0]"]; !ok || tr.Msg("de", m) != `Unbekannte Übung "nope"` {
				t.Errorf("fields %v", e.Fields)
			}
			if m, ok := e.Fields["exercises"]; ok {
				t.Errorf("unexpected %s", tr.Msg("fr", m))
			}
			// Every version stays readable.
			old, err := w.svc.Get(ctx, w.hrA, first.Slug, 1)
			if err != nil || old.Title == title || old.Latest != 2 {
				t.Errorf("version 1: %v %+v", err, old)
			}
			vs, err := w.svc.Versions(ctx, w.hrA, first.Slug)
			if err != nil || len(vs) != 2 || vs[0].Version != 2 || vs[1].By != "Compte rh@ecublens.example" {
				t.Errorf("versions: %v %+v", err, vs)
			}
			wantCode(t, func() error { _, err := w.svc.Versions(ctx, w.hrB, first.Slug); return err }(), apperr.CodeNotFound, "B's versions")
			// A commune schedules its own format in its current version.
			f, vid, err := w.res.Scheduling(ctx, w.orgA.ID, first.Slug)
			if err != nil || f == nil || vid == nil || f.Title != title {
				t.Errorf("scheduling: %v %v %v", err, f, vid)
			}
			if f, _, _ := w.res.Scheduling(ctx, w.orgB.ID, first.Slug); f != nil {
				t.Error("B schedules A's format")
			}
		})
	}
}

// TestConcurrentEdits saves changes from many requests at once: each one
// gets its own version, numbered without gaps.
func TestConcurrentEdits(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			w := newWorld(t, db)
			d, err := w.svc.Copy(ctx, w.hrA, "aubonne", formats.CopyInput{})
			if err != nil {
				t.Fatal(err)
			}
			const n = 12
			var wg sync.WaitGroup
			errs := make(chan error, n)
			for i := range n {
				wg.Go(func() {
					title := fmt.Sprintf("Titre %d", i)
					if _, err := w.svc.Update(ctx, w.hrA, d.Slug, formats.Patch{Title: &title}); err != nil {
						errs <- err
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			vs, err := w.svc.Versions(ctx, w.hrA, d.Slug)
			if err != nil || len(vs) != n+1 || vs[0].Version != n+1 {
				t.Fatalf("versions: %v, %d of them", err, len(vs))
			}
		})
	}
}

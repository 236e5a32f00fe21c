package strategy_test

import (
	"context"
	"testing"
	"time"

	catalogdata "github.com/atelier-ch/atelier/catalog"
	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/memento"
	"github.com/atelier-ch/atelier/internal/roadmap"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
	"github.com/atelier-ch/atelier/internal/strategy"
	"github.com/atelier-ch/atelier/internal/tz"
)

type fixture struct {
	s       *store.Store
	svc     *strategy.Service
	org     *store.Org
	hr      access.Caller
	trainer access.Caller
	other   access.Caller
}

func newFixture(t *testing.T, db storetest.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	s := storetest.Open(t, db)
	f := &fixture{s: s, svc: strategy.New(s, func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, tz.Zurich) })}
	f.org = &store.Org{Slug: "sion", Name: "Ville de Sion"}
	other := &store.Org{Slug: "sierre", Name: "Sierre"}
	for _, o := range []*store.Org{f.org, other} {
		if err := s.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []struct {
		email, role string
		org         *store.Org
		into        *access.Caller
	}{{"rh@sion.example", store.RoleHR, f.org, &f.hr}, {"t@sion.example", store.RoleTrainer, f.org, &f.trainer}, {"rh@sierre.example", store.RoleHR, other, &f.other}} {
		user := &store.User{OrgID: &u.org.ID, Email: u.email, PasswordHash: "x", Role: u.role, Language: "fr"}
		if err := s.CreateUser(ctx, user); err != nil {
			t.Fatal(err)
		}
		*u.into = access.User(user.ID, user.Email, u.role, u.org.ID)
	}
	return f
}

func code(err error) apperr.Code {
	if e, ok := apperr.As(err); ok {
		return e.Code
	}
	return ""
}

func TestMementoVersions(t *testing.T) {
	ctx := context.Background()
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			f := newFixture(t, db)
			// German-speaking people: the template comes in German.
			for i, lang := range []string{"de", "de", "fr"} {
				email := []string{"a@sion.example", "b@sion.example", "c@sion.example"}[i]
				if err := f.s.CreatePerson(ctx, &store.Person{OrgID: f.org.ID, Name: email, Email: &email, Role: "staff", Language: lang}); err != nil {
					t.Fatal(err)
				}
			}
			m, err := f.svc.Memento(ctx, f.hr, 0, "fr")
			if err != nil || m.Version != 0 || m.Language != "de" || m.Published() || m.Contact.Name != memento.Template("de").Contact.Name {
				t.Fatalf("template %+v %v", m, err)
			}
			if _, err := f.svc.SaveMemento(ctx, f.trainer, m.Memento, ""); code(err) != apperr.CodeForbidden {
				t.Errorf("a trainer saves: %v", err)
			}
			if _, err := f.svc.Memento(ctx, f.other, 1, ""); code(err) != apperr.CodeNotFound {
				t.Errorf("another commune's version 1: %v", err)
			}
			v1, err := f.svc.SaveMemento(ctx, f.hr, m.Memento, "")
			if err != nil || v1.Version != 1 || v1.Language != "de" {
				t.Fatalf("v1 %+v %v", v1, err)
			}
			same, _ := f.svc.SaveMemento(ctx, f.hr, m.Memento, "")
			if same.Version != 1 {
				t.Errorf("the same again made version %d", same.Version)
			}
			fr, err := f.svc.SaveMemento(ctx, f.hr, memento.Template("fr"), "fr")
			if err != nil || fr.Version != 2 || fr.Language != "fr" {
				t.Fatalf("v2 %+v %v", fr, err)
			}
			if old, _ := f.svc.Memento(ctx, f.trainer, 1, ""); old.Version != 1 || old.Latest != 2 || old.Language != "de" {
				t.Errorf("v1 as the trainer reads it %+v", old)
			}
			pub, err := f.svc.PublicMemento(ctx, "sion")
			if err != nil || pub.Version != 2 {
				t.Errorf("public %+v %v", pub, err)
			}
			if _, err := f.svc.PublicMemento(ctx, "sierre"); err == nil {
				t.Errorf("Sierre has no memento to publish")
			}
		})
	}
}

func TestRoadmapPilotOfTheCommune(t *testing.T) {
	ctx := context.Background()
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			f := newFixture(t, db)
			theirs := &store.Department{OrgID: f.other.OrgID, Name: "Leur service"}
			ours := &store.Department{OrgID: f.org.ID, Name: "Notre service"}
			for _, d := range []*store.Department{theirs, ours} {
				if err := f.s.CreateDepartment(ctx, d); err != nil {
					t.Fatal(err)
				}
			}
			r := roadmap.Default()
			r.Pilot = roadmap.Pilot{DepartmentID: &theirs.ID, DecidedOn: "2026-03-02"}
			if _, err := f.svc.SaveRoadmap(ctx, f.hr, r); code(err) != apperr.CodeValidation {
				t.Errorf("another commune's service as pilot: %v", err)
			}
			if _, err := f.svc.Roadmap(ctx, f.trainer); code(err) != apperr.CodeForbidden {
				t.Errorf("a trainer reads the roadmap: %v", err)
			}
			r.Pilot.DepartmentID = &ours.ID
			d, err := f.svc.SaveRoadmap(ctx, f.hr, r)
			if err != nil || d.Facts.PilotName != "Notre service" || d.UpdatedAt == nil {
				t.Fatalf("saved %+v %v", d, err)
			}
			if theirs, _ := f.svc.Roadmap(ctx, f.other); theirs.UpdatedAt != nil || theirs.Pilot.DepartmentID != nil {
				t.Errorf("Sierre sees Sion's roadmap: %+v", theirs)
			}
		})
	}
}

func TestPresentsMemento(t *testing.T) {
	c, err := catalog.Load(catalogdata.FS)
	if err != nil {
		t.Fatal(err)
	}
	for slug, want := range map[string]bool{"yverdon-cadres": true, "yverdon-conseil": true, "ucv-consultation": false} {
		f, ok := c.Format(slug)
		if !ok {
			t.Fatalf("no format %s", slug)
		}
		if got := strategy.PresentsMemento(f); got != want {
			t.Errorf("%s presents the memento: %v, want %v", slug, got, want)
		}
	}
}

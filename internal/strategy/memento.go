// Package strategy keeps the commune's documents around the training, as
// the guide's roadmap asks for them (§3): the memento on generative AI
// tools, each saved version kept, read by the staff who confirm having
// read it; and the roadmap to a pilot service, with the one page the
// council reads. Their contents and rules are packages memento and
// roadmap; this package stores them, decides who may read and edit them,
// and gathers what their documents show.
package strategy

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/memento"
	"github.com/atelier-ch/atelier/internal/store"
)

// Store is what the strategy documents read and write.
type Store interface {
	Tx(ctx context.Context, fn func(tx *store.Store) error) error
	Org(ctx context.Context, id int64) (*store.Org, error)
	OrgBySlug(ctx context.Context, slug string) (*store.Org, error)
	Department(ctx context.Context, orgID, id int64) (*store.Department, error)
	PeopleLanguages(ctx context.Context, orgID int64) (map[string]int64, error)
	LatestMemento(ctx context.Context, orgID int64) (*store.MementoVersion, error)
	Memento(ctx context.Context, orgID int64, version int) (*store.MementoVersion, error)
	RegistrationByToken(ctx context.Context, token string) (*store.Registration, error)
	Person(ctx context.Context, orgID, id int64) (*store.Person, error)
	ConfirmMementoRead(ctx context.Context, r *store.MementoRead) error
	RoadmapOf(ctx context.Context, orgID int64) (*store.Roadmap, error)
	SaveRoadmap(ctx context.Context, r *store.Roadmap) error
	LatestSurvey(ctx context.Context, orgID int64, kind string) (*store.Survey, error)
}

// Service keeps the memento and the roadmap.
type Service struct {
	store Store
	now   func() time.Time
}

// New returns a Service.
func New(s Store, now func() time.Time) *Service { return &Service{store: s, now: now} }

// MementoDoc is one version of a commune's memento, or the starting
// template while none is saved (Version 0).
type MementoDoc struct {
	memento.Memento
	Version int `json:"version"`
	// Language is the language the memento is written in.
	Language string `json:"language"`
	// UpdatedAt is when this version was saved; nil for the template.
	UpdatedAt *time.Time `json:"updated_at"`
	// Latest is the number of the last saved version, 0 while none is.
	Latest int `json:"latest_version"`
	// Commune and Slug name the commune (its public page is /m/{slug}).
	Commune string `json:"-"`
	Slug    string `json:"-"`
}

// Published reports whether the memento was saved at least once: only
// then does it have a public page.
func (d *MementoDoc) Published() bool { return d.Latest > 0 }

func (s *Service) doc(org *store.Org, v *store.MementoVersion, latest int) (*MementoDoc, error) {
	d := &MementoDoc{Version: v.Version, Language: v.Language, Latest: latest, Commune: org.Name, Slug: org.Slug}
	if err := json.Unmarshal([]byte(v.Content), &d.Memento); err != nil {
		return nil, err
	}
	t := v.CreatedAt
	d.UpdatedAt = &t
	return d, nil
}

// Memento returns version n of the caller's commune's memento (0: the
// last). While none is saved it is the starting template, in the
// commune's language.
func (s *Service) Memento(ctx context.Context, caller access.Caller, n int, lang string) (*MementoDoc, error) {
	if err := caller.Commune(access.ReadMemento, caller.OrgID); err != nil {
		return nil, err
	}
	org, err := s.store.Org(ctx, caller.OrgID)
	if err != nil {
		return nil, err
	}
	latest, err := s.store.LatestMemento(ctx, org.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if n > 0 {
			return nil, apperr.NotFound("strategy.err.memento_version")
		}
		lang, err := s.communeLanguage(ctx, org.ID, lang)
		if err != nil {
			return nil, err
		}
		return &MementoDoc{Memento: memento.Template(lang), Language: lang, Commune: org.Name, Slug: org.Slug}, nil
	case err != nil:
		return nil, err
	}
	v := latest
	if n > 0 && n != latest.Version {
		if v, err = s.store.Memento(ctx, org.ID, n); errors.Is(err, store.ErrNotFound) {
			return nil, apperr.NotFound("strategy.err.memento_version")
		} else if err != nil {
			return nil, err
		}
	}
	return s.doc(org, v, latest.Version)
}

// communeLanguage is the language most of the commune's people speak; on
// a tie, or with nobody yet, fallback (the reader's), else French.
func (s *Service) communeLanguage(ctx context.Context, orgID int64, fallback string) (string, error) {
	counts, err := s.store.PeopleLanguages(ctx, orgID)
	if err != nil {
		return "", err
	}
	switch {
	case counts["de"] > counts["fr"]:
		return "de", nil
	case counts["fr"] > counts["de"]:
		return "fr", nil
	}
	return i18n.Normalize(fallback), nil
}

// SaveMemento saves the caller's commune's memento as a new version, in
// lang ("" keeps the language of the last version, or the commune's). A
// memento identical to the last version saves nothing and returns it.
func (s *Service) SaveMemento(ctx context.Context, caller access.Caller, m memento.Memento, lang string) (*MementoDoc, error) {
	if err := caller.Commune(access.EditMemento, caller.OrgID); err != nil {
		return nil, err
	}
	if lang != "" && !i18n.Valid(lang) {
		return nil, apperr.Invalid("language", "err.language")
	}
	clean, err := memento.Validate(m)
	if err != nil {
		return nil, err
	}
	content, err := json.Marshal(clean)
	if err != nil {
		return nil, err
	}
	// Read before the transaction: inside it, only tx may be used.
	communeLang, err := s.communeLanguage(ctx, caller.OrgID, "fr")
	if err != nil {
		return nil, err
	}
	var saved *store.MementoVersion
	var org *store.Org
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		// One version at a time: two saves at once get 1 and 2, not a clash.
		o, err := tx.LockOrg(ctx, caller.OrgID)
		if err != nil {
			return err
		}
		org = o
		last, err := tx.LatestMemento(ctx, org.ID)
		next := 1
		switch {
		case err == nil:
			if lang == "" {
				lang = last.Language
			}
			if last.Content == string(content) && last.Language == lang {
				saved = last
				return nil
			}
			next = last.Version + 1
		case !errors.Is(err, store.ErrNotFound):
			return err
		case lang == "":
			lang = communeLang
		}
		saved = &store.MementoVersion{OrgID: org.ID, Version: next, Language: lang, Content: string(content), CreatedBy: caller.UserRef(), CreatedAt: s.now().UTC()}
		return tx.InsertMemento(ctx, saved)
	})
	if err != nil {
		return nil, err
	}
	return s.doc(org, saved, saved.Version)
}

// PublicMemento is the last version of a commune's memento, for its public
// page: read-only, with nothing about who wrote it or who read it. A
// commune without a saved memento has no page.
func (s *Service) PublicMemento(ctx context.Context, slug string) (*MementoDoc, error) {
	org, err := s.store.OrgBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	v, err := s.store.LatestMemento(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	return s.doc(org, v, v.Version)
}

// ConfirmRead records that the person of a participant's link read the
// last version of their commune's memento (409 while there is none, or
// when the link has no person, such as an erased one). Confirming again
// keeps the first confirmation.
func (s *Service) ConfirmRead(ctx context.Context, token string) (*store.MementoRead, error) {
	if len(token) < 16 || len(token) > 64 {
		return nil, store.ErrNotFound
	}
	r, err := s.store.RegistrationByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := access.Participant(r.ID).OnRegistration(access.ActOnOwnLink, access.Registration{ID: r.ID, OrgID: r.OrgID}); err != nil {
		return nil, err
	}
	if r.PersonID == nil {
		return nil, apperr.Conflict("strategy.err.no_person")
	}
	p, err := s.store.Person(ctx, r.OrgID, *r.PersonID)
	if err != nil {
		return nil, err
	}
	latest, err := s.store.LatestMemento(ctx, p.OrgID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, apperr.Conflict("strategy.err.no_memento")
	} else if err != nil {
		return nil, err
	}
	read := &store.MementoRead{OrgID: p.OrgID, PersonID: p.ID, Version: latest.Version, ReadAt: s.now().UTC()}
	return read, s.store.ConfirmMementoRead(ctx, read)
}

// PresentsMemento reports whether a format presents the commune's memento:
// the Yverdon formats (« présentation du memento ») and those with the
// memento exercise.
func PresentsMemento(f *catalog.Format) bool {
	return f.Source == catalog.SourceYverdon || slices.Contains(f.Exercises, "memento-ia")
}

// MementoRef points to the commune's current memento.
type MementoRef struct {
	Slug    string
	Version int
	Date    time.Time
}

// FormatMemento is the memento a format's page links to: the caller's
// commune's current one, for a format that presents it; nil otherwise
// (an admin outside a commune, a commune without a memento).
func (s *Service) FormatMemento(ctx context.Context, caller access.Caller, f *catalog.Format) (*MementoRef, error) {
	if !PresentsMemento(f) || caller.Commune(access.ReadMemento, caller.OrgID) != nil {
		return nil, nil
	}
	org, err := s.store.Org(ctx, caller.OrgID)
	if err != nil {
		return nil, err
	}
	v, err := s.store.LatestMemento(ctx, org.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return &MementoRef{Slug: org.Slug, Version: v.Version, Date: v.CreatedAt}, nil
}

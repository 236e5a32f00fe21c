package region

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/audit"
	"github.com/atelier-ch/atelier/internal/exchange"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/report"
	"github.com/atelier-ch/atelier/internal/store"
)

// ExperienceStore is what the exchange of experience reads and writes.
type ExperienceStore interface {
	Experience(ctx context.Context, orgID int64) (*store.Experience, error)
	SaveExperience(ctx context.Context, e *store.Experience) error
	PublishedExperiences(ctx context.Context, regionID int64) ([]store.Experience, error)
	RegionPeople(ctx context.Context, regionID int64) ([]store.Person, error)
}

// Experience is a commune's exchange of experience as its HR sees it: the
// answers being written, and what the region sees of the last
// publication.
type Experience struct {
	Answers  exchange.Answers `json:"answers"`
	Language string           `json:"language"`
	// UpdatedAt is nil while nothing is saved.
	UpdatedAt *time.Time `json:"updated_at"`
	// Published is what was published, as the region reads it (masked),
	// nil until published.
	Published   *exchange.Answers `json:"published"`
	PublishedAt *time.Time        `json:"published_at"`
	// Changed says that the answers differ from what was published.
	Changed bool `json:"changed"`
	// Region is the commune's region, nil when it has none (then it cannot
	// publish).
	Region *Ref `json:"region"`
}

// SaveExperience validates and saves the caller's commune's answers (HR),
// and publishes them to its region when publish is set.
func (s *Service) SaveExperience(ctx context.Context, caller access.Caller, in exchange.Answers, lang string, publish bool) (*Experience, error) {
	if err := caller.Commune(access.RecordExperience, caller.OrgID); err != nil {
		return nil, err
	}
	if lang == "" {
		lang = "fr"
	}
	if !i18n.Valid(lang) {
		return nil, apperr.Invalid("language", "err.language")
	}
	a, err := exchange.Validate(in)
	if err != nil {
		return nil, err
	}
	org, err := s.store.Org(ctx, caller.OrgID)
	if err != nil {
		return nil, err
	}
	if publish && org.RegionID == nil {
		return nil, apperr.Invalid("publish", "region.err.no_region")
	}
	content, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	e, err := s.store.Experience(ctx, org.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		e = &store.Experience{OrgID: org.ID, CreatedAt: s.now().UTC()}
	case err != nil:
		return nil, err
	}
	e.Content, e.Language, e.UpdatedBy, e.UpdatedAt = string(content), lang, caller.UserRef(), s.now().UTC()
	if publish {
		if err := s.publish(ctx, e, org, a); err != nil {
			return nil, err
		}
	}
	if err := s.store.SaveExperience(ctx, e); errors.Is(err, store.ErrDuplicate) {
		return nil, apperr.Conflict("region.err.conflict")
	} else if err != nil {
		return nil, err
	}
	if publish {
		if err := audit.Staff(ctx, s.store, caller, org.ID, "experience_published", fmt.Sprintf("region:%d", *org.RegionID), nil, s.now()); err != nil {
			return nil, err
		}
	}
	return s.experienceOf(ctx, e, org)
}

// PublishExperience publishes the saved answers of the caller's commune to
// its region (HR).
func (s *Service) PublishExperience(ctx context.Context, caller access.Caller) (*Experience, error) {
	if err := caller.Commune(access.RecordExperience, caller.OrgID); err != nil {
		return nil, err
	}
	e, err := s.store.Experience(ctx, caller.OrgID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, apperr.Conflict("region.err.nothing_to_publish")
	} else if err != nil {
		return nil, err
	}
	var a exchange.Answers
	if err := json.Unmarshal([]byte(e.Content), &a); err != nil {
		return nil, fmt.Errorf("region: experience of commune %d: %w", e.OrgID, err)
	}
	return s.SaveExperience(ctx, caller, a, e.Language, true)
}

// publish copies the answers, masked, to what the region reads: no word
// of the name of anyone of the region's communes.
func (s *Service) publish(ctx context.Context, e *store.Experience, org *store.Org, a exchange.Answers) error {
	people, err := s.store.RegionPeople(ctx, *org.RegionID)
	if err != nil {
		return err
	}
	masked, err := json.Marshal(exchange.Mask(a, report.NameWords(people)))
	if err != nil {
		return err
	}
	now, content := s.now().UTC(), string(masked)
	e.PublishedContent, e.PublishedRegionID, e.PublishedAt = &content, org.RegionID, &now
	return nil
}

// ExperienceOf reads the caller's commune's exchange of experience (HR):
// empty answers while none is saved.
func (s *Service) ExperienceOf(ctx context.Context, caller access.Caller) (*Experience, error) {
	if err := caller.Commune(access.RecordExperience, caller.OrgID); err != nil {
		return nil, err
	}
	org, err := s.store.Org(ctx, caller.OrgID)
	if err != nil {
		return nil, err
	}
	e, err := s.store.Experience(ctx, org.ID)
	if errors.Is(err, store.ErrNotFound) {
		e = nil
	} else if err != nil {
		return nil, err
	}
	return s.experienceOf(ctx, e, org)
}

func (s *Service) experienceOf(ctx context.Context, e *store.Experience, org *store.Org) (*Experience, error) {
	out := &Experience{Answers: empty(), Language: "fr"}
	if org.RegionID != nil {
		r, err := s.store.Region(ctx, *org.RegionID)
		if err != nil {
			return nil, err
		}
		out.Region = &Ref{Slug: r.Slug, Name: r.Name}
	}
	if e == nil {
		return out, nil
	}
	if err := json.Unmarshal([]byte(e.Content), &out.Answers); err != nil {
		return nil, fmt.Errorf("region: experience of commune %d: %w", e.OrgID, err)
	}
	updated := e.UpdatedAt
	out.Language, out.UpdatedAt = e.Language, &updated
	if e.PublishedContent != nil && org.RegionID != nil && e.PublishedRegionID != nil && *e.PublishedRegionID == *org.RegionID {
		var p exchange.Answers
		if err := json.Unmarshal([]byte(*e.PublishedContent), &p); err != nil {
			return nil, fmt.Errorf("region: published experience of commune %d: %w", e.OrgID, err)
		}
		out.Published, out.PublishedAt = &p, e.PublishedAt
		people, err := s.store.RegionPeople(ctx, *org.RegionID)
		if err != nil {
			return nil, err
		}
		a, _ := json.Marshal(exchange.Mask(out.Answers, report.NameWords(people)))
		b, _ := json.Marshal(p)
		out.Changed = string(a) != string(b)
	}
	return out, nil
}

func empty() exchange.Answers {
	return exchange.Answers{FavourableTasks: []string{}, TimeGains: []exchange.TimeGain{}, QualityControls: []string{}, GeneralTools: []exchange.ToolUse{}, BusinessTools: []exchange.ToolUse{}}
}

// RegionExperience is what the communes of a region published, side by
// side: by commune, and by question.
type RegionExperience struct {
	Region Ref `json:"region"`
	// Communes are the communes that published, by name, with their
	// answers.
	Communes []PublishedExperience `json:"communes"`
	// NotPublished names the communes of the region that published none.
	NotPublished []Ref `json:"not_published"`
	// Questions holds, per question of the guide, each commune's answer.
	Questions []QuestionAnswers `json:"questions"`
}

// PublishedExperience is one commune's published answers.
type PublishedExperience struct {
	Commune     Ref              `json:"commune"`
	Language    string           `json:"language"`
	PublishedAt time.Time        `json:"published_at"`
	Answers     exchange.Answers `json:"answers"`
	// HoursPerMonth is the sum of its estimates of time gained.
	HoursPerMonth float64 `json:"hours_per_month"`
}

// QuestionAnswers is one question with each commune's answer to it.
type QuestionAnswers struct {
	Key     string           `json:"key"`
	Label   string           `json:"label"`
	Answers []CommuneAnswers `json:"answers"`
}

// CommuneAnswers is one commune's answer to a question: lines of text, or
// the tasks where time was gained, or tools.
type CommuneAnswers struct {
	Commune Ref `json:"commune"`
	// Language is the language the commune wrote in.
	Language  string              `json:"language"`
	Lines     []string            `json:"lines,omitempty"`
	TimeGains []exchange.TimeGain `json:"time_gains,omitempty"`
	Tools     []exchange.ToolUse  `json:"tools,omitempty"`
}

// RegionExperienceOf gathers what the communes of the caller's region
// published: its coordinator, and its communes' HR.
func (s *Service) RegionExperienceOf(ctx context.Context, caller access.Caller, lang string) (*RegionExperience, error) {
	r, orgs, err := s.regionOf(ctx, caller, access.ReadRegionExperience)
	if err != nil {
		return nil, err
	}
	lang = i18n.Normalize(lang)
	rows, err := s.store.PublishedExperiences(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	byOrg := map[int64]*store.Experience{}
	for i := range rows {
		byOrg[rows[i].OrgID] = &rows[i]
	}
	out := &RegionExperience{Region: Ref{Slug: r.Slug, Name: r.Name}, Communes: []PublishedExperience{}, NotPublished: []Ref{}}
	for _, o := range orgs {
		ref := Ref{Slug: o.Slug, Name: o.Name}
		e := byOrg[o.ID]
		if e == nil || e.PublishedContent == nil || e.PublishedAt == nil {
			out.NotPublished = append(out.NotPublished, ref)
			continue
		}
		p := PublishedExperience{Commune: ref, Language: e.Language, PublishedAt: *e.PublishedAt}
		if err := json.Unmarshal([]byte(*e.PublishedContent), &p.Answers); err != nil {
			return nil, fmt.Errorf("region: published experience of commune %d: %w", e.OrgID, err)
		}
		p.HoursPerMonth = p.Answers.HoursPerMonth()
		out.Communes = append(out.Communes, p)
	}
	for _, q := range exchange.Questions {
		qa := QuestionAnswers{Key: q, Label: s.tr.T(lang, exchange.Label(q)), Answers: []CommuneAnswers{}}
		for _, c := range out.Communes {
			a := CommuneAnswers{Commune: c.Commune, Language: c.Language}
			switch q {
			case exchange.FavourableTasks:
				a.Lines = c.Answers.FavourableTasks
			case exchange.QualityControls:
				a.Lines = c.Answers.QualityControls
			case exchange.TimeGains:
				a.TimeGains = c.Answers.TimeGains
			case exchange.GeneralTools:
				a.Tools = c.Answers.GeneralTools
			case exchange.BusinessTools:
				a.Tools = c.Answers.BusinessTools
			}
			qa.Answers = append(qa.Answers, a)
		}
		out.Questions = append(out.Questions, qa)
	}
	return out, nil
}

package kit

import (
	"bytes"
	"context"
	"fmt"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/sheets"
)

// MementoPDF prints version n of the caller's commune's memento (0: the
// current one, or the starting template while none is saved).
func (s *Service) MementoPDF(ctx context.Context, caller access.Caller, n int, lang string) (*File, error) {
	doc, err := s.Strategy.Memento(ctx, caller, n, lang)
	if err != nil {
		return nil, err
	}
	m := sheets.Memento{Commune: doc.Commune, Version: doc.Version, Lang: doc.Language, Content: doc.Memento}
	if doc.UpdatedAt != nil {
		m.Date = *doc.UpdatedAt
	}
	if doc.Published() {
		m.URL = s.BaseURL + MementoPath(doc.Slug)
	}
	name := "memento-modele.pdf"
	if doc.Version > 0 {
		name = fmt.Sprintf("memento-v%d.pdf", doc.Version)
	}
	return render(name, func(b *bytes.Buffer) error { return s.sheets.MementoPDF(b, m) })
}

// MementoPath is the path of a commune's public memento page.
func MementoPath(slug string) string { return "/m/" + slug }

// CouncilPDF prints the council's page of the caller's commune: its
// roadmap and the campaign's key figures, on one page.
func (s *Service) CouncilPDF(ctx context.Context, caller access.Caller, lang string) (*File, error) {
	c, err := s.Strategy.Council(ctx, caller, s.reports, s.Surveys, lang)
	if err != nil {
		return nil, err
	}
	p := &sheets.Council{Commune: c.Roadmap.Facts.Commune, GeneratedAt: c.GeneratedAt, Roadmap: c.Roadmap.Roadmap,
		PilotName: c.Roadmap.Facts.PilotName, Campaign: c.Campaign}
	if c.Memento != nil {
		p.MementoVersion, p.MementoDate = c.Memento.Version, c.Memento.Date
	}
	if r := c.Survey; r != nil {
		cs := &sheets.CouncilSurvey{ClosesAt: r.Survey.ClosesAt, Open: r.Survey.Open, Invited: int(r.Survey.Invited), Responses: int(r.Survey.Responses),
			ResponseRate: r.Survey.ResponseRate, Withheld: r.Overall.Figures == nil, Partial: r.Partial, MinGroup: r.MinGroup}
		if f := r.Overall.Figures; f != nil && !r.Partial {
			cs.UsingAI, cs.Competence, cs.Interest = f.UsingAI, f.Competence, f.Interest
			if len(f.TopTasks) > 0 && len(f.TopWorries) > 0 {
				cs.TopTask, cs.TopTaskN = f.TopTasks[0].Label, f.TopTasks[0].Count
				cs.TopWorry, cs.TopWorryN = f.TopWorries[0].Label, f.TopWorries[0].Count
			}
		}
		p.Survey = cs
	}
	return render("feuille-de-route.pdf", func(b *bytes.Buffer) error { return s.sheets.CouncilPage(b, p, lang) })
}

// SurveyResultsPDF prints the results of survey id of the caller's commune.
func (s *Service) SurveyResultsPDF(ctx context.Context, caller access.Caller, id int64, lang string) (*File, error) {
	r, err := s.Surveys.Results(ctx, caller, id, lang)
	if err != nil {
		return nil, err
	}
	return render(fmt.Sprintf("etat-des-lieux-%d.pdf", id), func(b *bytes.Buffer) error { return s.sheets.SurveyResults(b, r, lang) })
}

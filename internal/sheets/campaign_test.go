package sheets

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/report"
)

func TestCampaignReport(t *testing.T) {
	k, _ := fixtures(t)
	f := func(v float64) *float64 { return &v }
	id := int64(3)
	rep := &report.Campaign{
		GeneratedAt: time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC),
		Commune:     report.Commune{People: 41, Trained: 12, ShareTrained: 12.0 / 41, CouncilMembers: 7, CouncilMembersTrained: 3, SessionsHeld: 4, SessionsPlanned: 2, AverageFillRate: f(0.75), NoShowRate: f(0.1), Feedback: report.Ratings{Respondents: 9, Overall: f(4.2), WillUse: f(3.8)}},
		Departments: []report.Department{
			{ID: &id, Name: "Écoles et jeunesse", People: 5, Trained: 4, ShareTrained: 0.8, HeadsOfService: 1, HeadsOfServiceTrained: 1,
				Feedback:         report.Ratings{Respondents: 3, Overall: f(4.5), WillUse: f(4.7), ConfidenceGain: f(1.5)},
				MandatoryMissing: []report.Missing{{Format: "journee-pilote", Title: "Journée pilote", People: []report.PersonRef{{ID: 1, Name: "Léa Perruchoud"}}}},
				TopUseCases:      []report.Word{{Word: "procès-verbaux", Count: 3}}},
			{Name: "Sans service", People: 7},
		},
		Pilot: report.Pilot{DepartmentID: &id, Name: "Écoles et jeunesse", Suggested: true, Reasons: []string{"Intérêt le plus élevé : 4,7 / 5."}},
	}
	for _, lang := range []string{"fr", "de"} {
		var buf bytes.Buffer
		if err := k.CampaignReport(&buf, "Commune de Démo", rep, lang); err != nil {
			t.Fatal(err)
		}
		doc := readPDF(t, buf.Bytes())
		want := []string{"Rapport de campagne – Commune de Démo", "Écoles et jeunesse", "29 %", "3/7", "Léa Perruchoud", "procès-verbaux (3)", "4,7"}
		if lang == "de" {
			want = []string{"Kampagnenbericht – Commune de Démo", "Vorgeschlagene Pilotabteilung", "4.7", "Léa Perruchoud"}
		}
		checkText(t, doc, want, nil)
		if doc.pages != 1 {
			t.Errorf("%s: %d pages", lang, doc.pages)
		}
	}
}

// TestCampaignReportCharts reads the charts of the campaign report back:
// the share trained per service with its counts, the sessions per week,
// and before and after per service, the figures written beside the bars;
// a service merged into « autres » of the état des lieux has no « before ».
func TestCampaignReportCharts(t *testing.T) {
	k, _ := fixtures(t)
	f := func(v float64) *float64 { return &v }
	ecoles, travaux, social := int64(3), int64(4), int64(5)
	rep := &report.Campaign{
		GeneratedAt: time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC),
		Commune: report.Commune{People: 41, Trained: 12, ShareTrained: 12.0 / 41, SessionsHeld: 5, SessionsPlanned: 2,
			Feedback: report.Ratings{Respondents: 9, Overall: f(4.2), WillUse: f(3.8), ConfidenceBefore: f(2.1), ConfidenceAfter: f(3.9)},
			Survey:   &report.SurveyRef{ID: 1, ClosesAt: time.Date(2026, 2, 20, 22, 59, 0, 0, time.UTC), Invited: 41, Responses: 30, Before: &report.Before{Respondents: 30, Competence: f(2.4), Interest: f(3.6)}}},
		Departments: []report.Department{
			{ID: &ecoles, Name: "Écoles et jeunesse", People: 5, Trained: 4, ShareTrained: 0.8,
				Feedback: report.Ratings{Respondents: 4, WillUse: f(4.7), ConfidenceBefore: f(1.8), ConfidenceAfter: f(4.1)},
				Survey:   &report.Before{Respondents: 5, Competence: f(1.6), Interest: f(4.4)}},
			{ID: &travaux, Name: "Travaux publics", People: 20, Trained: 5, ShareTrained: 0.25,
				Feedback: report.Ratings{Respondents: 3, WillUse: f(3.2), ConfidenceBefore: f(2.5), ConfidenceAfter: f(3.5)},
				Survey:   &report.Before{Respondents: 16, Competence: f(2.8), Interest: f(3.1)}},
			{ID: &social, Name: "Affaires sociales", People: 16, Trained: 3, ShareTrained: 3.0 / 16, SurveyMerged: true,
				Feedback: report.Ratings{Respondents: 2, WillUse: f(2.5), ConfidenceBefore: f(2), ConfidenceAfter: f(3)}},
		},
		Calendar: report.Calendar{Unit: report.UnitWeek, Periods: []report.Period{{Start: "2026-03-02", Sessions: 2}, {Start: "2026-03-09", Sessions: 0}, {Start: "2026-03-16", Sessions: 4}, {Start: "2026-03-23", Sessions: 1}}},
	}
	for _, lang := range []string{"fr", "de"} {
		var buf bytes.Buffer
		if err := k.CampaignReport(&buf, "Commune de Démo", rep, lang); err != nil {
			t.Fatal(err)
		}
		doc := readPDF(t, buf.Bytes())
		want := []string{"Part des personnes formées, par service", "Toute la commune", "29 % (12 / 41)", "80 % (4 / 5)", "25 % (5 / 20)", "19 % (3 / 16)",
			"Séances de la campagne, par semaine", "02.03", "16.03", "Confiance avant et après la séance", "avant la séance", "après la séance", "1,8", "4,1",
			"Maîtrise avant la formation et confiance après", "avant (état des lieux)", "après (retours)", "1,6", "2,8",
			"Intérêt avant la formation", "4,4", "4,7", "3,1", "3,2"}
		if lang == "de" {
			want = []string{"Anteil geschulter Personen, nach Abteilung", "Ganze Gemeinde", "80 % (4 / 5)", "Kurse der Kampagne, pro Woche", "vor dem Kurs",
				"vorher (Bestandsaufnahme)", "1.6", "4.4"}
		}
		checkText(t, doc, want, nil)
		keepPNG(t, buf.Bytes())
	}
}

// writes records the size of each write it gets.
type writes struct {
	bytes.Buffer
	sizes []int
}

func (w *writes) Write(p []byte) (int, error) {
	w.sizes = append(w.sizes, len(p))
	return w.Buffer.Write(p)
}

// TestCampaignReportStreams: a large commune's report goes to its reader
// as it is written, object by object, never as one copy of the whole file;
// and it is the same document as written at once.
func TestCampaignReportStreams(t *testing.T) {
	k, _ := fixtures(t)
	rep := &report.Campaign{GeneratedAt: time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC), Commune: report.Commune{People: 5000, Trained: 1200}}
	for i := range 40 {
		id := int64(i + 1)
		rep.Departments = append(rep.Departments, report.Department{ID: &id, Name: fmt.Sprintf("Service %02d", i), People: 125, Trained: 30, ShareTrained: 0.24,
			MandatoryMissing: []report.Missing{{Format: "journee-pilote", Title: "Journée pilote", People: []report.PersonRef{{ID: id, Name: "Léa Perruchoud"}}}}})
	}
	doc, err := k.CampaignReportDoc("Commune de Démo", rep, "fr")
	if err != nil {
		t.Fatal(err)
	}
	var w writes
	if err := doc.Write(&w); err != nil {
		t.Fatal(err)
	}
	largest := slices.Max(w.sizes)
	if len(w.sizes) < 20 || largest > w.Len()/2 {
		t.Errorf("%d bytes in %d writes, the largest %d: not written as it is made", w.Len(), len(w.sizes), largest)
	}
	var whole bytes.Buffer
	if err := k.CampaignReport(&whole, "Commune de Démo", rep, "fr"); err != nil {
		t.Fatal(err)
	}
	d := readPDF(t, w.Bytes())
	checkText(t, d, []string{"Service 39", "Léa Perruchoud"}, nil)
	if d.pages < 2 || w.Len() != whole.Len() {
		t.Errorf("streamed: %d pages, %d bytes; written at once: %d bytes", d.pages, w.Len(), whole.Len())
	}
}

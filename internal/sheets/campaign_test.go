package sheets

import (
	"bytes"
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

package sheets

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/memento"
	"github.com/atelier-ch/atelier/internal/report"
	"github.com/atelier-ch/atelier/internal/roadmap"
)

func TestMementoPDF(t *testing.T) {
	k, _ := fixtures(t)
	date := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	long := memento.Template("fr")
	for i := range memento.MaxItems - len(long.Rules) {
		long.Rules = append(long.Rules, fmt.Sprintf("Règle supplémentaire %d : ", i)+strings.Repeat("une précision de plus sur l’usage ; ", 14))
	}
	cases := map[string]struct {
		m       Memento
		want    []string
		absent  []string
		maxPage int
	}{
		"template fr": {Memento{Commune: "Commune de Démo", Lang: "fr", Content: memento.Template("fr")},
			[]string{"Memento sur l’utilisation des outils d’IA générative", "Commune de Démo · modèle, pas encore publié", "Microsoft Copilot", "Licence : Licence Microsoft 365", "Données de santé et d’aide sociale", "Personne de contact"}, nil, 2},
		"saved de": {Memento{Commune: "Gemeinde Muster", Version: 3, Date: date, Lang: "de", Content: memento.Template("de"), URL: "https://atelier.example/m/muster"},
			[]string{"Merkblatt", "Gemeinde Muster · Version 3 vom 02.03.2026", "Lizenz: Microsoft-365-Lizenz", "Personendaten"}, []string{"muster"}, 2},
		"too long": {Memento{Commune: "Commune de Démo", Version: 9, Date: date, Lang: "fr", Content: long, URL: "https://atelier.example/m/demo"},
			[]string{"version 9 du 02.03.2026", "la suite est sur https://atelier.example/m/demo", "Microsoft Copilot"}, []string{"Règle supplémentaire 22"}, 2},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := k.MementoPDF(&buf, tc.m); err != nil {
				t.Fatal(err)
			}
			doc := readPDF(t, buf.Bytes())
			checkText(t, doc, tc.want, tc.absent)
			if doc.pages > tc.maxPage {
				t.Errorf("%d pages, at most %d", doc.pages, tc.maxPage)
			}
			keepPNG(t, buf.Bytes())
		})
	}
}

func TestCouncilPage(t *testing.T) {
	k, _ := fixtures(t)
	f := func(v float64) *float64 { return &v }
	rm := roadmap.Default()
	rm.Owner = roadmap.Owner{Name: "Claire Rochat", Role: "Secrétaire municipale"}
	rm.Steps[0].Status, rm.Steps[0].StartsOn, rm.Steps[0].EndsOn = roadmap.Done, "2026-03-02", "2026-03-20"
	rm.Steps[3].Status, rm.Steps[3].StartsOn, rm.Steps[3].Owner = roadmap.Doing, "2026-06-01", "Marc Favre"
	rm.Steps[3].Notes = strings.Repeat("Mettre à plat les processus du service pilote. ", 50)
	rm.Questions.CouncilSupport = roadmap.Reply{Answer: roadmap.Yes, Note: strings.Repeat("Décision du conseil. ", 60)}
	c := &Council{
		Commune: "Commune de Démo", GeneratedAt: time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC), Roadmap: rm,
		Campaign: &report.Campaign{Commune: report.Commune{People: 41, Trained: 12, ShareTrained: 12.0 / 41, CouncilMembers: 7, CouncilMembersTrained: 3, SessionsHeld: 4, SessionsPlanned: 2, MementoRead: 9},
			Pilot: report.Pilot{Suggested: true, Name: "Écoles et jeunesse"}},
		Survey:         &CouncilSurvey{ClosesAt: time.Date(2026, 3, 20, 22, 59, 0, 0, time.UTC), Invited: 41, Responses: 30, ResponseRate: f(30.0 / 41), MinGroup: 5, UsingAI: f(0.4), Competence: f(2.6), Interest: f(3.9), TopTask: "Rédiger", TopTaskN: 18, TopWorry: "La fiabilité", TopWorryN: 21},
		MementoVersion: 2, MementoDate: time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC),
	}
	fin := int64(4)
	c.Campaign.Departments = []report.Department{{ID: &fin, Name: "Finances", People: 12, Trained: 9, ShareTrained: 0.75}, {Name: "Sans service (conseil, etc.)", People: 7, Trained: 3, ShareTrained: 3.0 / 7}}
	c.Campaign.Calendar = report.Calendar{Unit: report.UnitMonth, Periods: []report.Period{{Start: "2026-03-01", Sessions: 3}, {Start: "2026-04-01", Sessions: 1}, {Start: "2026-05-01", Sessions: 2}}}
	for _, lang := range []string{"fr", "de"} {
		var buf bytes.Buffer
		if err := k.CouncilPage(&buf, c, lang); err != nil {
			t.Fatal(err)
		}
		doc := readPDF(t, buf.Bytes())
		want := []string{"Feuille de route du projet stratégique sur l’IA", "Commune de Démo", "29 % (12 / 41)", "30 réponses sur 41 (73 %)", "intérêt 3,9 / 5", "version 2 du", "lecture confirmée par 9",
			"Où en est la commune", "1. État des lieux — Fait · 02.03.2026 – 20.03.2026", "Service pilote : pas encore choisi (suggestion du rapport de campagne : Écoles et jeunesse)",
			"Prochaines étapes", "4. Test avec une équipe ou un service pilote — En cours · dès le 01.06.2026 · responsable : Marc Favre"}
		if lang == "de" {
			want = []string{"Fahrplan", "Wo die Gemeinde steht", "Interesse 3.9 / 5", "Vorschlag des Kampagnenberichts: Écoles et jeunesse"}
		}
		checkText(t, doc, want, nil)
		if doc.pages != 1 {
			t.Errorf("%s: %d pages", lang, doc.pages)
		}
		keepPNG(t, buf.Bytes())
	}

	// Short notes: the campaign's key figures as charts under the roadmap,
	// still on one page.
	c.Roadmap.Steps[3].Notes = "Mettre à plat les processus du service pilote."
	c.Roadmap.Questions.CouncilSupport.Note = "Décision du conseil."
	for _, lang := range []string{"fr", "de"} {
		var buf bytes.Buffer
		if err := k.CouncilPage(&buf, c, lang); err != nil {
			t.Fatal(err)
		}
		doc := readPDF(t, buf.Bytes())
		want := []string{"La campagne en graphiques", "Part des personnes formées, par service", "Toute la commune", "29 % (12 / 41)", "75 % (9 / 12)", "43 % (3 / 7)",
			"Séances de la campagne, par mois", "mars", "avr.", "mai", "Prochaines étapes"}
		if lang == "de" {
			want = []string{"Die Kampagne in Grafiken", "Anteil geschulter Personen", "Ganze Gemeinde", "75 % (9 / 12)", "Kurse der Kampagne, pro Monat", "März", "Apr."}
		}
		checkText(t, doc, want, nil)
		if doc.pages != 1 {
			t.Errorf("%s: %d pages", lang, doc.pages)
		}
		keepPNG(t, buf.Bytes())
	}
}

// keepPNG renders a document's first page under SHEETS_KEEP, to look at.
func keepPNG(t *testing.T, data []byte) {
	dir := os.Getenv("SHEETS_KEEP")
	if dir == "" {
		return
	}
	name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())
	path := filepath.Join(t.TempDir(), "doc.pdf")
	_ = os.WriteFile(path, data, 0o600)
	_ = exec.Command("pdftoppm", "-png", "-r", "70", path, filepath.Join(dir, name)).Run()
}

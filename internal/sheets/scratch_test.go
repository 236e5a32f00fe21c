package sheets

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	catalogdata "github.com/atelier-ch/atelier/catalog"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/tz"
)

func TestScratch(t *testing.T) {
	k, err := New(i18n.MustLoad())
	if err != nil {
		t.Fatal(err)
	}
	c, err := catalog.Load(catalogdata.FS)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := c.Format("journee-pilote")
	s := &Session{Commune: "Yverdon-les-Bains", Title: "Journée des cadres", Place: "Salle du Conseil, 2e étage, Place Pestalozzi 2, 1400 Yverdon-les-Bains",
		Start: time.Date(2026, 3, 10, 8, 30, 0, 0, tz.Zurich), End: time.Date(2026, 3, 10, 15, 30, 0, 0, tz.Zurich), Trainers: []string{"Stéphane Zufferey"}, Language: "fr"}
	for _, v := range []Variant{VariantTrainer, VariantParticipant} {
		for _, lang := range []string{"fr", "de"} {
			out, _ := os.Create("/tmp/sheets/ex-" + string(v) + "-" + lang + ".pdf")
			if err := k.ExerciseSheets(out, f, c.ExercisesOf(f), v, s, lang); err != nil {
				t.Fatal(err)
			}
			out.Close()
		}
	}
}

func TestScratchSpacing(t *testing.T) {
	t.Logf("%q", frenchSpacing("« oui » Note : x quoi ? cadres : se", '\u00a0'))
}

func TestScratchDash(t *testing.T) {
	k, _ := New(i18n.MustLoad())
	for _, fc := range []face{faceRegular, faceBold, faceMono} {
		d := k.newDoc("fr", "P", fc)
		d.startPart("", nil)
		st := style{fc, 20, colInk, 1.4}
		d.text(20, 40, st, "a-b a–b a—b a‐b Ab-cd 8 h 30 – 15 h")
		d.text(20, 60, st, "«\u00a0oui\u00a0» x\u00a0: é è œ € ’")
		out, _ := os.Create("/tmp/sheets/dash" + strconv.Itoa(int(fc)) + ".pdf")
		if err := d.finish(out); err != nil {
			t.Fatal(err)
		}
		out.Close()
	}
}

func TestScratchAdv(t *testing.T) {
	k, _ := New(i18n.MustLoad())
	for _, r := range "-–—a " {
		t.Logf("%U reg=%d bold=%d mono=%d", r, k.faces[0].adv[r], k.faces[1].adv[r], k.faces[2].adv[r])
	}
}

func TestScratchSignIn(t *testing.T) {
	k, _ := New(i18n.MustLoad())
	s := Session{Commune: "Yverdon-les-Bains", Title: "Journée des cadres : se former et préparer le service pilote", Place: "Salle du Conseil, 2e étage, Place Pestalozzi 2, 1400 Yverdon-les-Bains",
		Start: time.Date(2026, 3, 10, 8, 30, 0, 0, tz.Zurich), End: time.Date(2026, 3, 11, 15, 30, 0, 0, tz.Zurich), Trainers: []string{"Stéphane Zufferey", "Anne Rochat"}, Language: "fr"}
	var ps []Participant
	names := []string{"Élodie Jacquier", "Stéphane Zufferey", "Zoë Müller", "Anne-Laure Dubois", "émile Favre", "Bernard Python", "Claude Ançay"}
	roles := []string{"staff", "head_of_service", "deputy_head", "council_member", "municipal_secretary"}
	for i := 0; i < 20; i++ {
		ps = append(ps, Participant{Name: names[i%len(names)] + " " + strconv.Itoa(i), Department: "Service de l’urbanisme et des travaux publics", Role: roles[i%5]})
	}
	ps = append(ps, Participant{Name: strings.Repeat("Jean-Baptiste ", 200), Department: strings.Repeat("x", 10000), Role: "weird\x07role"})
	out, _ := os.Create("/tmp/sheets/signin.pdf")
	if err := k.SignInSheet(out, s, ps); err != nil {
		t.Fatal(err)
	}
	out.Close()
}

func TestScratchCertProg(t *testing.T) {
	k, _ := New(i18n.MustLoad())
	c, _ := catalog.Load(catalogdata.FS)
	for _, lang := range []string{"fr", "de"} {
		s := Session{Commune: "Yverdon-les-Bains", Title: "Journée des cadres : se former et préparer le service pilote", Place: "Salle du Conseil, 2e étage, Place Pestalozzi 2, 1400 Yverdon-les-Bains",
			Start: time.Date(2026, 3, 10, 8, 30, 0, 0, tz.Zurich), End: time.Date(2026, 3, 10, 15, 30, 0, 0, tz.Zurich), Trainers: []string{"Stéphane Zufferey", "Anne Rochat"}, Language: lang}
		for _, slug := range []string{"journee-pilote", "yverdon-conseil"} {
			f, _ := c.Format(slug)
			out, _ := os.Create("/tmp/sheets/cert-" + slug + "-" + lang + ".pdf")
			if err := k.Certificates(out, s, f, []Participant{{Name: "Élodie Jacquier"}, {Name: strings.Repeat("Very Long Name ", 30)}}); err != nil {
				t.Fatal(err)
			}
			out.Close()
			out, _ = os.Create("/tmp/sheets/prog-" + slug + "-" + lang + ".pdf")
			if err := k.Programme(out, s, f); err != nil {
				t.Fatal(err)
			}
			out.Close()
		}
	}
}

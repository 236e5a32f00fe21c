package sheets

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	catalogdata "github.com/atelier-ch/atelier/catalog"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/tz"
)

// fixtures builds a Kit and loads the real catalogue.
func fixtures(tb testing.TB) (*Kit, *catalog.Catalog) {
	tb.Helper()
	k, err := New(i18n.MustLoad())
	if err != nil {
		tb.Fatal(err)
	}
	c, err := catalog.Load(catalogdata.FS)
	if err != nil {
		tb.Fatal(err)
	}
	return k, c
}

// sixExercises returns a format with at least six exercises and six of
// them; without such a format, the first format with six exercises of the
// catalogue.
func sixExercises(tb testing.TB, c *catalog.Catalog) (*catalog.Format, []*catalog.Exercise) {
	tb.Helper()
	for _, f := range c.Formats() {
		if exs := c.ExercisesOf(f); len(exs) >= 6 {
			return f, exs[:6]
		}
	}
	f := c.Formats()[0]
	var exs []*catalog.Exercise
	seen := map[string]bool{}
	for _, g := range c.Formats() {
		for _, e := range c.ExercisesOf(g) {
			if !seen[e.Slug] && len(exs) < 6 {
				seen[e.Slug] = true
				exs = append(exs, e)
			}
		}
	}
	if len(exs) < 6 {
		tb.Fatalf("the catalogue has %d exercises, want 6", len(exs))
	}
	return f, exs
}

func sessionFR() Session {
	return Session{
		Commune:  "Yverdon-les-Bains",
		Title:    "Journée des cadres : préparer le service pilote",
		Place:    "Salle du Conseil, 2e étage, Place Pestalozzi 2",
		Start:    time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich),
		End:      time.Date(2026, 3, 10, 16, 30, 0, 0, tz.Zurich),
		Trainers: []string{"Stéphane Zufferey"},
		Language: "fr",
	}
}

// pdf is a generated document read back as a user would.
type pdf struct {
	text    string // pdftotext -layout
	pages   int    // pdfinfo
	strings string // the text strings drawn, one a line, with their exact runes
}

// needPoppler skips the test when poppler-utils are missing, unless CI is
// set: there it fails.
func needPoppler(tb testing.TB) {
	tb.Helper()
	for _, tool := range []string{"pdftotext", "pdfinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				tb.Fatalf("%s missing (apt-get install poppler-utils)", tool)
			}
			tb.Skipf("%s missing (apt-get install poppler-utils)", tool)
		}
	}
}

// readPDF extracts the text, page count and drawn strings of a PDF.
func readPDF(t *testing.T, data []byte) pdf {
	t.Helper()
	needPoppler(t)
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("SHEETS_KEEP") != "" { // to look at the renders
		name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())
		_ = os.WriteFile(filepath.Join(os.Getenv("SHEETS_KEEP"), name+".pdf"), data, 0o600)
	}
	out := run(t, "pdftotext", "-layout", "-enc", "UTF-8", path, "-")
	info := run(t, "pdfinfo", path)
	if _, err := exec.LookPath("qpdf"); err == nil { // a stricter check, when installed
		run(t, "qpdf", "--check", path)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(info)
	if m == nil {
		t.Fatalf("pdfinfo: no page count in %s", info)
	}
	pages, _ := strconv.Atoi(string(m[1]))
	return pdf{text: string(out), pages: pages, strings: drawnStrings(t, data)}
}

// run runs a poppler tool and returns its output; any complaint on
// stderr (a broken cross-reference table, a bad stream) fails the test.
func run(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Fatalf("%s: %v\n%s", name, err, stderr.Bytes())
	}
	return stdout.Bytes()
}

// drawnStrings decodes the UTF-16 strings of the Tj operators of every
// content stream: pdftotext turns no-break spaces into spaces, so the French
// spacing is checked here.
func drawnStrings(t *testing.T, data []byte) string {
	t.Helper()
	var out strings.Builder
	for _, m := range regexp.MustCompile(`(?s)stream\r?\n(.*?)endstream`).FindAllSubmatch(data, -1) {
		r, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue
		}
		content, err := io.ReadAll(r)
		if err != nil || !bytes.Contains(content, []byte(") Tj")) {
			continue
		}
		for i := 0; i < len(content); i++ {
			if content[i] != '(' {
				continue
			}
			var raw []byte
			j := i + 1
			for ; j < len(content) && content[j] != ')'; j++ {
				if content[j] == '\\' && j+1 < len(content) {
					j++
					if content[j] == 'r' {
						raw = append(raw, '\r')
						continue
					}
				}
				raw = append(raw, content[j])
			}
			i = j
			u := make([]uint16, len(raw)/2)
			for k := range u {
				u[k] = uint16(raw[2*k])<<8 | uint16(raw[2*k+1])
			}
			out.WriteString(string(utf16.Decode(u)))
			out.WriteByte('\n')
		}
	}
	return out.String()
}

// spaced collapses runs of white space, so a check does not depend on how
// pdftotext -layout lines up columns.
func spaced(s string) string { return strings.Join(strings.Fields(s), " ") }

func checkText(t *testing.T, doc pdf, want, absent []string) {
	t.Helper()
	text := spaced(doc.text)
	for _, w := range want {
		if !strings.Contains(text, spaced(w)) {
			t.Errorf("missing %q", w)
		}
	}
	for _, a := range absent {
		if strings.Contains(text, spaced(a)) {
			t.Errorf("unexpected %q", a)
		}
	}
	if t.Failed() {
		t.Logf("text:\n%s", doc.text)
	}
}

func TestFrenchSpacing(t *testing.T) {
	const n, nn = "\u00a0", "\u202f"
	cases := map[string]struct{ in, want string }{
		"guillemets":         {"« oui »", "«" + n + "oui" + n + "»"},
		"guillemets no room": {"«oui»", "«" + n + "oui" + n + "»"},
		"colon":              {"Note : x", "Note" + n + ": x"},
		"question":           {"quoi ?", "quoi" + nn + "?"},
		"semicolon, bang":    {"a ; b !", "a" + nn + "; b" + nn + "!"},
		"clock untouched":    {"13:30", "13:30"},
		"url untouched":      {"https://example.ch/?q=1", "https://example.ch/?q=1"},
		"no space kept":      {"quoi?", "quoi?"},
		"double spaces":      {"Note  :  x", "Note" + n + ":  x"},
		"empty":              {"", ""},
		"starts with colon":  {" : x", " : x"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := frenchSpacing(tc.in, '\u202f'); got != tc.want {
				t.Errorf("frenchSpacing(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestClean(t *testing.T) {
	k, _ := fixtures(t)
	cases := map[string]struct {
		in, lang  string
		multiline bool
		limit     int
		want      string
	}{
		"controls":        {"Ann\x00ie\x07 \x1b[31mX\u200b", "de", false, 0, "Annie [31mX"},
		"lines joined":    {"a\nb\r\nc\td", "de", false, 0, "a b c d"},
		"lines kept":      {"a\r\nb", "de", true, 0, "a\nb"},
		"missing glyph":   {"漢 😀 a\u2011b", "de", false, 0, "? ? a-b"},
		"cut":             {"abcdef", "de", false, 3, "abc…"},
		"french":          {"« oui » : non ?", "fr", false, 0, "«\u00a0oui\u00a0»\u00a0: non\u00a0?"},
		"german stays":    {"«nackt» : ja ?", "de", false, 0, "«nackt» : ja ?"},
		"narrow fallback": {"a\u202fb", "de", false, 0, "a\u00a0b"},
		"decomposed":      {"E\u0301lodie Mu\u0308ller C\u030capek", "de", false, 0, "Élodie Müller Čapek"},
		"stacked marks":   {"e\u0301\u0301\u0301\u0301x q\u0301", "de", false, 0, "éx q"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := k.clean(tc.in, tc.lang, tc.multiline, tc.limit); got != tc.want {
				t.Errorf("clean(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestExerciseSheets(t *testing.T) {
	k, c := fixtures(t)
	f, ok := c.Format("journee-pilote")
	if !ok {
		t.Fatal("no format journee-pilote")
	}
	exs := c.ExercisesOf(f)
	prompt, _ := c.Exercise("prompt-structure")
	s := sessionFR()
	de := s
	de.Language = "de"
	long := s
	long.Place = strings.Repeat("Salle\x07 polyvalente ", 600)
	long.Commune = strings.Repeat("Commune", 1500)

	fr := prompt.Localized("fr")
	ger := prompt.Localized("de")
	cases := map[string]struct {
		exs     []*catalog.Exercise
		v       Variant
		s       *Session
		lang    string
		pages   int // 0: not checked
		want    []string
		absent  []string
		drawn   []string // exact strings drawn, no-break spaces included
		notDraw []string
	}{
		"participant fr": {
			exs: []*catalog.Exercise{prompt}, v: VariantParticipant, s: &s, lang: "fr", pages: 3,
			want: []string{"Écrire un bon prompt : rôle, contexte, tâche, format", "FICHE PARTICIPANT·E",
				"Yverdon-les-Bains", "mardi 10 mars 2026, 13 h 30 – 16 h 30", "Salle du Conseil, 2e étage",
				"Objectif", "Scénario", "Déroulement", "Modèles de prompt", "Prompt en quatre parties",
				"fonction, p. ex. chargé de communication", "Questions pour la discussion",
				"Règles de sécurité et d’éthique", "Notes", "Page 1/3", "Page 3/3"},
			absent:  []string{"Notes pour le formateur", "Pièges fréquents", fr.TrainerNotes[0][:40], fr.Pitfalls[0][:40], "3 min"},
			drawn:   []string{"Prompt «\u00a0nu\u00a0»\u00a0: tapez", "Rôle\u00a0:\n", "Durée", "13\u00a0h\u00a030"},
			notDraw: []string{"[fonction", "Rôle : tu es"},
		},
		"trainer fr": {
			exs: []*catalog.Exercise{prompt}, v: VariantTrainer, s: &s, lang: "fr",
			want: []string{"FICHE FORMATEUR·TRICE", "Notes pour le formateur ou la formatrice", "Pièges fréquents",
				"Matériel à préparer", fr.TrainerNotes[0][:40], fr.Pitfalls[0][:40], "3 min", "8 min"},
		},
		"trainer de": {
			exs: []*catalog.Exercise{prompt}, v: VariantTrainer, s: &de, lang: "de",
			want: []string{ger.Title, "BLATT FÜR DIE KURSLEITUNG", "Ziel", "Szenario", "Ablauf", "Prompt-Vorlagen",
				"Fragen zur Diskussion", "Regeln zu Sicherheit und Ethik", "Hinweise für die Kursleitung",
				"Häufige Stolpersteine", "Dienstag, 10. März 2026, 13.30–16.30 Uhr", "Gemeinde", "Seite 1/"},
			absent: []string{"Objectif", "Page 1/", fr.Title},
		},
		"participant de": {
			exs: []*catalog.Exercise{prompt}, v: VariantParticipant, s: &de, lang: "de",
			want:   []string{"BLATT FÜR TEILNEHMENDE", "Notizen"},
			absent: []string{"Hinweise für die Kursleitung", "Häufige Stolpersteine", ger.TrainerNotes[0][:40], ger.Pitfalls[0][:30]},
		},
		"no session": {
			exs: []*catalog.Exercise{prompt}, v: VariantParticipant, lang: "fr",
			want:   []string{"Durée 30 min", "Journée des cadres"},
			absent: []string{"Commune", "Lieu"},
		},
		"whole format, one sheet each": {
			exs: exs, v: VariantTrainer, s: &s, lang: "fr",
			want: func() []string {
				var w []string
				for _, e := range exs {
					w = append(w, e.Localized("fr").TrainerNotes[0][:30])
				}
				return w
			}(),
		},
		"bad session text": {
			exs: []*catalog.Exercise{prompt}, v: VariantParticipant, s: &long, lang: "fr", pages: 3,
			want:   []string{"Salle polyvalente Salle polyvalente", "…"},
			absent: []string{"\x07"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := k.ExerciseSheets(&buf, f, tc.exs, tc.v, tc.s, tc.lang); err != nil {
				t.Fatal(err)
			}
			doc := readPDF(t, buf.Bytes())
			checkText(t, doc, tc.want, tc.absent)
			if tc.pages != 0 && doc.pages != tc.pages {
				t.Errorf("pages = %d, want %d", doc.pages, tc.pages)
			}
			for _, d := range tc.drawn {
				if !strings.Contains(doc.strings, d) {
					t.Errorf("not drawn: %q", d)
				}
			}
			for _, d := range tc.notDraw {
				if strings.Contains(doc.strings, d) {
					t.Errorf("drawn: %q", d)
				}
			}
		})
	}
}

// TestExerciseSheetsPages checks each sheet of a pack is numbered on its own.
func TestExerciseSheetsPages(t *testing.T) {
	k, c := fixtures(t)
	f, exs := sixExercises(t, c)
	s := sessionFR()
	total := 0
	var perSheet []int
	for _, e := range exs {
		var buf bytes.Buffer
		if err := k.ExerciseSheets(&buf, f, []*catalog.Exercise{e}, VariantTrainer, &s, "fr"); err != nil {
			t.Fatal(err)
		}
		doc := readPDF(t, buf.Bytes())
		perSheet = append(perSheet, doc.pages)
		total += doc.pages
	}
	var buf bytes.Buffer
	if err := k.ExerciseSheets(&buf, f, exs, VariantTrainer, &s, "fr"); err != nil {
		t.Fatal(err)
	}
	doc := readPDF(t, buf.Bytes())
	if doc.pages != total {
		t.Errorf("pack has %d pages, its sheets %d", doc.pages, total)
	}
	for _, n := range perSheet {
		if want := "Page " + strconv.Itoa(n) + "/" + strconv.Itoa(n); !strings.Contains(doc.text, want) {
			t.Errorf("missing %q", want)
		}
	}
}

func TestExerciseSheetsErrors(t *testing.T) {
	k, c := fixtures(t)
	f, exs := sixExercises(t, c)
	cases := map[string]struct {
		f   *catalog.Format
		exs []*catalog.Exercise
		v   Variant
	}{
		"no format":       {nil, exs, VariantTrainer},
		"no exercise":     {f, nil, VariantTrainer},
		"nil exercise":    {f, []*catalog.Exercise{nil}, VariantTrainer},
		"unknown variant": {f, exs, Variant("boss")},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if err := k.ExerciseSheets(io.Discard, tc.f, tc.exs, tc.v, nil, "fr"); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestParseVariant(t *testing.T) {
	for in, want := range map[string]bool{"participant": true, "trainer": true, "": false, "Trainer": false} {
		if _, ok := ParseVariant(in); ok != want {
			t.Errorf("ParseVariant(%q) ok = %v", in, ok)
		}
	}
}

func TestSignInSheet(t *testing.T) {
	k, _ := fixtures(t)
	people := []Participant{
		{"Stéphane Zufferey", "Urbanisme", "head_of_service"},
		{"Zoé Aebischer", "Finances", "staff"},
		{"Élodie Jacquier", "Greffe", "municipal_secretary"},
		{"Fabienne Dubois", "Écoles", "deputy_head"},
		{"émile Berset", "Conseil", "council_member"},
		{"Anne-Laure Rochat", "Urbanisme", "staff"},
	}
	order := []string{"Anne-Laure Rochat", "Élodie Jacquier", "émile Berset", "Fabienne Dubois", "Stéphane Zufferey", "Zoé Aebischer"}
	fr := sessionFR()
	de := fr
	de.Language = "de"
	twoDays := fr
	twoDays.End = time.Date(2026, 3, 11, 12, 0, 0, 0, tz.Zurich)
	midnight := fr
	midnight.End = time.Date(2026, 3, 11, 0, 0, 0, 0, tz.Zurich)
	var many []Participant
	for i := range 40 {
		many = append(many, Participant{Name: "Personne " + strconv.Itoa(100+i), Department: "Service", Role: "staff"})
	}
	bad := []Participant{
		{Name: strings.Repeat("Jean-Baptiste", 800), Department: strings.Repeat("Département ", 900), Role: "staff"},
		{Name: "Ann\x00ie\x07 Favre\r\n", Department: "Greffe\t", Role: "unknown\x1b"},
		{Name: strings.Repeat("X", 10000), Role: ""},
	}
	badSession := fr
	badSession.Place = strings.Repeat("Place du Marché ", 700)
	badSession.Title = strings.Repeat("Titre\x1b ", 2000)
	badSession.Trainers = []string{strings.Repeat("Formatrice ", 1000), "\x00"}

	cases := map[string]struct {
		s      Session
		people []Participant
		pages  int
		want   []string
		absent []string
		order  []string
	}{
		"french, sorted": {
			s: fr, people: people, pages: 1, order: order,
			want: []string{"Liste de présence · Mardi 10 mars 2026", "Journée des cadres : préparer le service pilote",
				"mardi 10 mars 2026, 13 h 30 – 16 h 30", "Stéphane Zufferey", "Nom et prénom", "Signature",
				"Chef·fe de service", "Secrétaire", "Adjoint·e", "Municipal·e", "Inscrit·e·s 6", "Page 1/1"},
			absent: []string{"jour 1", "head_of_service"},
		},
		"german": {
			s: de, people: people, pages: 1,
			want:   []string{"Präsenzliste · Dienstag, 10. März 2026", "Name, Vorname", "Dienst", "Funktion", "Unterschrift", "Dienstchef/in", "Seite 1/1", "13.30–16.30 Uhr"},
			absent: []string{"Liste de présence", "Page 1/1"},
		},
		"two days, one sheet each": {
			s: twoDays, people: people, pages: 2,
			want: []string{"Liste de présence · Mardi 10 mars 2026 · jour 1 sur 2", "Liste de présence · Mercredi 11 mars 2026 · jour 2 sur 2"},
		},
		"ends at midnight: one day": {
			s: midnight, people: people, pages: 1, absent: []string{"jour 2"},
		},
		"forty people, header repeated": {
			s: fr, people: many, pages: 3,
			want: []string{"Personne 100", "Personne 139", "Page 1/3", "Page 3/3"},
		},
		"nobody booked": {
			s: fr, pages: 1, want: []string{"Inscrit·e·s 0", "Signature"},
		},
		"bad input": {
			s: badSession, people: bad, pages: 1,
			want:   []string{"Annie Favre", "BaptisteJean-BaptisteJean-", "…", "unknown"},
			absent: []string{"\x07", "\x1b", "\x00"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := k.SignInSheet(&buf, tc.s, tc.people); err != nil {
				t.Fatal(err)
			}
			doc := readPDF(t, buf.Bytes())
			checkText(t, doc, tc.want, tc.absent)
			if doc.pages != tc.pages {
				t.Errorf("pages = %d, want %d", doc.pages, tc.pages)
			}
			// The table header is on every page.
			if n := strings.Count(doc.text, signInHeaderLabel(tc.s.Language)); n != doc.pages {
				t.Errorf("table header on %d of %d pages", n, doc.pages)
			}
			table := doc.text[strings.Index(doc.text, signInHeaderLabel(tc.s.Language)):]
			last := -1
			for _, name := range tc.order {
				i := strings.Index(table, name)
				if i < last {
					t.Errorf("%q is out of order", name)
				}
				last = i
			}
		})
	}
}

func signInHeaderLabel(lang string) string {
	if lang == "de" {
		return "Unterschrift"
	}
	return "Signature"
}

func TestSessionDays(t *testing.T) {
	at := func(d, h int) time.Time { return time.Date(2026, 3, d, h, 0, 0, 0, tz.Zurich) }
	cases := map[string]struct {
		start, end time.Time
		days       int
		err        bool
	}{
		"same day":        {at(10, 9), at(10, 17), 1, false},
		"two days":        {at(10, 9), at(11, 12), 2, false},
		"utc input":       {time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC), time.Date(2026, 3, 11, 1, 0, 0, 0, time.UTC), 1, false},
		"to midnight":     {at(10, 9), at(11, 0), 1, false},
		"end before":      {at(10, 9), at(9, 9), 1, false},
		"no end":          {at(10, 9), time.Time{}, 1, false},
		"no date":         {time.Time{}, time.Time{}, 1, false},
		"absurdly long":   {at(1, 9), at(1, 9).AddDate(1, 0, 0), 0, true},
		"a week":          {at(9, 9), at(15, 17), 7, false},
		"over dst change": {at(28, 9), at(30, 17), 3, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			days, err := sessionDays(Session{Start: tc.start, End: tc.end})
			if (err != nil) != tc.err {
				t.Fatalf("err = %v", err)
			}
			if len(days) != tc.days {
				t.Errorf("%d days, want %d", len(days), tc.days)
			}
		})
	}
}

func TestSortKey(t *testing.T) {
	names := []string{"Zoé", "émile", "Élodie", "Eric", "Œdipe", "Ødegaard", "Çava", "Dora"}
	want := []string{"Çava", "Dora", "Élodie", "émile", "Eric", "Ødegaard", "Œdipe", "Zoé"}
	k, _ := fixtures(t)
	var buf bytes.Buffer
	var ps []Participant
	for _, n := range names {
		ps = append(ps, Participant{Name: n})
	}
	if err := k.SignInSheet(&buf, Session{}, ps); err != nil {
		t.Fatal(err)
	}
	doc := readPDF(t, buf.Bytes())
	var got []string
	for _, line := range strings.Split(doc.text, "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 {
			if _, err := strconv.Atoi(f[0]); err == nil {
				got = append(got, f[1])
			}
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("order %v, want %v", got, want)
	}
}

func TestCertificates(t *testing.T) {
	k, c := fixtures(t)
	f, _ := c.Format("journee-pilote")
	fr := sessionFR()
	de := fr
	de.Language = "de"
	twoDays := fr
	twoDays.End = time.Date(2026, 3, 11, 12, 0, 0, 0, tz.Zurich)
	noTrainer := fr
	noTrainer.Trainers = nil
	people := []Participant{{Name: "Élodie Jacquier"}, {Name: "Stéphane Zufferey"}, {Name: strings.Repeat("Marie-Christine ", 700) + "\x07"}}
	cases := map[string]struct {
		s      Session
		want   []string
		absent []string
	}{
		"french": {s: fr, want: []string{"Yverdon-les-Bains", "Attestation de participation", "Élodie Jacquier", "Stéphane Zufferey",
			f.Title, "mardi 10 mars 2026", "durée : 7 h", "Salle du Conseil, 2e étage", "Thèmes abordés",
			"Comment fonctionne l’IA générative", "Cas d’usage dans l’administration", "Formateur ou formatrice", "Lieu et date", "Yverdon-les-Bains, 10.03.2026"}},
		"german": {s: de, want: []string{"Teilnahmebestätigung", "Élodie Jacquier", f.DE.Title, "Dienstag, 10. März 2026", "Dauer: 7 h",
			"Behandelte Themen", "Wie generative KI funktioniert", "Kursleitung", "Ort und Datum"},
			absent: []string{"Attestation", f.Title}},
		"two days":   {s: twoDays, want: []string{"du mardi 10 mars 2026 au mercredi 11 mars 2026"}},
		"no trainer": {s: noTrainer, want: []string{"Formateur ou formatrice"}, absent: []string{"Stéphane Zufferey Formateur"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := k.Certificates(&buf, tc.s, f, people); err != nil {
				t.Fatal(err)
			}
			doc := readPDF(t, buf.Bytes())
			checkText(t, doc, tc.want, tc.absent)
			if doc.pages != len(people) {
				t.Errorf("pages = %d, want one per person (%d)", doc.pages, len(people))
			}
			if strings.Contains(doc.text, "\x07") {
				t.Error("control character printed")
			}
		})
	}
	if err := k.Certificates(io.Discard, fr, nil, people); err == nil {
		t.Error("no error without a format")
	}
}

func TestProgramme(t *testing.T) {
	k, c := fixtures(t)
	long, _ := c.Format("journee-pilote")
	short, _ := c.Format("yverdon-conseil")
	fr := sessionFR()
	fr.Start = time.Date(2026, 3, 10, 8, 30, 0, 0, tz.Zurich)
	fr.End = time.Date(2026, 3, 10, 15, 30, 0, 0, tz.Zurich)
	de := fr
	de.Language = "de"
	bad := fr
	bad.Place = strings.Repeat("Grande salle\x1b ", 900)
	bad.Title = strings.Repeat("T", 10000)
	noStart := fr
	noStart.Start, noStart.End = time.Time{}, time.Time{}
	cases := map[string]struct {
		s      Session
		f      *catalog.Format
		pages  int
		want   []string
		absent []string
		drawn  []string
	}{
		"french": {s: fr, f: long, pages: 2, want: []string{"Yverdon-les-Bains · Programme", fr.Title,
			"8 h 30 – 8 h 45", "Accueil, objectifs de la journée", "10 h 00 – 10 h 15", "Pause",
			"12 h 05 – 13 h 05", "Repas de midi", "14 h 55 – 15 h 30", "Exposé", "Démonstration", "Exercice pratique", "Discussion", "Page 1/2"},
			drawn: []string{"8\u00a0h\u00a030\u00a0– 8\u00a0h\u00a045"}},
		"german": {s: de, f: long, want: []string{"Yverdon-les-Bains · Programm", "08.30–08.45", "Begrüssung, Ziele des Tages",
			"12.05–13.05", "Mittagessen", "Referat", "Praktische Übung", "Diskussion", "Seite 1/"},
			absent: []string{"Repas de midi", "Exposé"}},
		"short format, one page": {s: fr, f: short, pages: 1, want: []string{"Page 1/1"}},
		"bad input":              {s: bad, f: short, pages: 1, want: []string{"TTTT…", "Grande salle Grande salle"}, absent: []string{"\x1b"}},
		"no start: durations":    {s: noStart, f: short, pages: 1, want: []string{"min"}, absent: []string{" h 00 –"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := k.Programme(&buf, tc.s, tc.f); err != nil {
				t.Fatal(err)
			}
			doc := readPDF(t, buf.Bytes())
			checkText(t, doc, tc.want, tc.absent)
			if tc.pages != 0 && doc.pages != tc.pages {
				t.Errorf("pages = %d, want %d", doc.pages, tc.pages)
			}
			for _, d := range tc.drawn {
				if !strings.Contains(doc.strings, d) {
					t.Errorf("not drawn: %q", d)
				}
			}
		})
	}
}

// TestConcurrent generates documents from one Kit at once (run with -race).
func TestConcurrent(t *testing.T) {
	k, c := fixtures(t)
	f, exs := sixExercises(t, c)
	s := sessionFR()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			var err error
			switch i % 4 {
			case 0:
				err = k.ExerciseSheets(io.Discard, f, exs[:2], VariantParticipant, &s, "fr")
			case 1:
				err = k.SignInSheet(io.Discard, s, []Participant{{Name: "Élodie Jacquier"}})
			case 2:
				err = k.Certificates(io.Discard, s, f, []Participant{{Name: "Élodie Jacquier"}})
			case 3:
				err = k.Programme(io.Discard, s, f)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// TestTranslations checks the PDF labels: the same keys in both languages,
// all prefixed "pdf.", and every key the code asks for defined.
func TestTranslations(t *testing.T) {
	read := func(lang string) map[string]string {
		data, err := os.ReadFile(filepath.Join("..", "i18n", "locales", lang, "pdf.json"))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	fr, de := read("fr"), read("de")
	for k := range fr {
		if _, ok := de[k]; !ok {
			t.Errorf("de lacks %s", k)
		}
		if !strings.HasPrefix(k, "pdf.") {
			t.Errorf("key %s is not prefixed pdf.", k)
		}
	}
	for k := range de {
		if _, ok := fr[k]; !ok {
			t.Errorf("fr lacks %s", k)
		}
	}
	var used []string
	src, _ := filepath.Glob("*.go")
	for _, name := range src {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		data, _ := os.ReadFile(name)
		for _, m := range regexp.MustCompile(`"(pdf\.[a-z_.]+[a-z_])"`).FindAllSubmatch(data, -1) {
			used = append(used, string(m[1]))
		}
	}
	for _, k := range used {
		if _, ok := fr[k]; !ok {
			t.Errorf("the code uses %s, not in pdf.json", k)
		}
	}
	for _, role := range catalog.Audiences {
		if _, ok := fr["pdf.role."+string(role)]; !ok {
			t.Errorf("no label for role %s", role)
		}
	}
	for _, kind := range catalog.AgendaKinds {
		if _, ok := fr["pdf.kind."+string(kind)]; !ok {
			t.Errorf("no label for agenda kind %s", kind)
		}
	}
	for _, th := range catalog.ThemeKeys {
		if _, ok := fr["pdf.theme."+string(th)]; !ok {
			t.Errorf("no label for theme %s", th)
		}
	}
}

// TestHostileText feeds every document text no layout expects: it must
// neither fail nor break the page count.
func TestHostileText(t *testing.T) {
	k, c := fixtures(t)
	f, exs := sixExercises(t, c)
	texts := map[string]string{
		"empty":          "",
		"spaces":         strings.Repeat(" ", 5000),
		"newlines":       strings.Repeat("a\n", 3000),
		"controls":       "\x00\x01\x02\x1b[2J\x7f\u0085\u200e\u202e\ufeff",
		"invalid utf-8":  "Caf\xe9 \xff\xfe",
		"emoji, cjk":     "😀👍🏽 漢字 ☃ 𝔸",
		"combining":      "e\u0301" + strings.Repeat("\u0301", 500),
		"rtl":            "مرحبا שלום",
		"one long word":  strings.Repeat("W", 10000),
		"long words":     strings.Repeat("Anticonstitutionnellement ", 400),
		"brackets":       "[[[ ] ] [nom] [",
		"guillemets":     strings.Repeat("« ", 300) + strings.Repeat(" »", 300),
		"no-break space": strings.Repeat("a\u00a0", 3000),
	}
	for name, text := range texts {
		t.Run(name, func(t *testing.T) {
			s := Session{Commune: text, Title: text, Place: text, Trainers: []string{text, text},
				Start: time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich), End: time.Date(2026, 3, 10, 16, 30, 0, 0, tz.Zurich), Language: "fr"}
			people := []Participant{{text, text, text}, {"Élodie Jacquier", text, "staff"}}
			docs := map[string]struct {
				make     func(w io.Writer) error
				maxPages int
			}{
				"sheets":       {func(w io.Writer) error { return k.ExerciseSheets(w, f, exs[:1], VariantTrainer, &s, "fr") }, 6},
				"sign-in":      {func(w io.Writer) error { return k.SignInSheet(w, s, people) }, 1},
				"certificates": {func(w io.Writer) error { return k.Certificates(w, s, f, people) }, 2},
				"programme":    {func(w io.Writer) error { return k.Programme(w, s, f) }, 3},
			}
			for doc, tc := range docs {
				var buf bytes.Buffer
				if err := tc.make(&buf); err != nil {
					t.Fatalf("%s: %v", doc, err)
				}
				if p := readPDF(t, buf.Bytes()); p.pages > tc.maxPages {
					t.Errorf("%s: %d pages, want at most %d", doc, p.pages, tc.maxPages)
				}
			}
		})
	}
}

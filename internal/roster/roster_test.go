package roster

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/names"
)

func parseFile(t *testing.T, name string) *Sheet {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

func mustParse(t *testing.T, text string) *Sheet {
	t.Helper()
	s, err := Parse([]byte(text))
	if err != nil {
		t.Fatalf("Parse(%q): %v", text, err)
	}
	return s
}

// TestParseFiles reads real files as spreadsheet programs save them. The
// first is exactly what Excel on a Swiss PC writes for « CSV (séparateur :
// point-virgule) »: Windows-1252, ";", CRLF, no BOM; the issue's « Zoé
// Délèze » must come out as written, not « Zo Dlze ».
func TestParseFiles(t *testing.T) {
	cases := map[string]struct {
		encoding  string
		separator rune
		rows      []Row
	}{
		"excel_fr_cp1252.csv": {EncodingWindows1252, ';', []Row{
			{2, "Zoé", "Délèze", "zoe.deleze@sion.ch", "Écoles", "staff", "fr"},
			{3, "Jean-Marc", "Rochat", "jm.rochat@sion.ch", "Travaux publics", "head_of_service", "fr"},
			{4, "Anne", "de Preux", "anne.depreux@sion.ch", "Administration générale", "municipal_secretary", "fr"},
			{5, "Lætitia", "Cœur", "l.coeur@sion.ch", "ECOLES", "deputy_head", "fr"},
			// Line 6 is ";;;;;", a row Excel writes for formatting only.
			{7, "Jürg", "Müller", "juerg.mueller@sion.ch", "Bauamt", "staff", "de"},
			{8, "François", "d’Allèves", "f.dalleves@sion.ch", "Sécurité; police", "council_member", "fr"},
			// The service cell spans lines 9 and 10 (Alt+Enter in Excel).
			{9, "Noël", "Garçon", "", "« Culture » et loisirs", "staff", "fr"},
			{11, "Céline", "Bonvin", "celine.bonvin@sion.ch", "", "staff", "fr"},
		}},
		"sheets_utf8_bom_comma.csv": {EncodingUTF8BOM, ',', []Row{
			{2, "Zoé", "Délèze", "zoe.deleze@sion.ch", "Finances, contrôle", "head_of_service", "fr"},
			{3, "Hans", "von Arx", "hans.vonarx@sion.ch", "Einwohnerkontrolle", "head_of_service", "de"},
			{4, "Marie-Claire", "d'Allèves", "", `Le "Relais"`, "head_of_service", "fr"},
			{5, "Ueli", "Ölz", "ueli.oelz@sion.ch", "Écoles", "council_member", "de"},
		}},
		"german_tab.tsv": {EncodingUTF8, '\t', []Row{
			{2, "Fabienne", "Müller-Lüdenscheid", "fabienne.mueller@brig.ch", "Bauamt", "municipal_secretary", "de"},
			{3, "Hans", "von Arx", "hans.vonarx@brig.ch", "Steueramt", "council_member", "de"},
			{4, "Jürg", "Zürcher", "juerg.zuercher@brig.ch", "Bauamt", "staff", "de"},
			{5, "Ueli", "Ölz", "ueli.oelz@brig.ch", "Öffentliche Sicherheit", "deputy_head", "fr"},
			{6, "Zoé", "Délèze", "zoe.deleze@brig.ch", "Steueramt", "head_of_service", "fr"},
		}},
	}
	for name, tc := range cases {
		s := parseFile(t, name)
		if s.Encoding != tc.encoding || s.Separator != tc.separator {
			t.Errorf("%s: detected %s %q, want %s %q", name, s.Encoding, s.Separator, tc.encoding, tc.separator)
		}
		if !slices.Equal(s.Rows, tc.rows) || len(s.Problems) > 0 {
			t.Errorf("%s: rows:\n%+v\nwant:\n%+v\nproblems: %+v", name, s.Rows, tc.rows, s.Problems)
		}
		if !slices.ContainsFunc(s.Rows, func(r Row) bool { return names.Join(r.GivenName, r.FamilyName) == "Zoé Délèze" }) {
			t.Errorf("%s: no « Zoé Délèze » among %+v", name, s.Rows)
		}
	}
}

func TestParseErrors(t *testing.T) {
	s := parseFile(t, "errors.csv")
	type problem struct {
		line       int
		field, key string
	}
	var got []problem
	for _, p := range s.Problems {
		got = append(got, problem{p.Line, p.Field, p.Key})
	}
	want := []problem{
		{3, "email", "roster.email_invalid"},
		{3, "role", "roster.role_unknown"},
		{4, "family_name", "roster.name_missing"},
		{4, "language", "roster.language_unknown"},
		{5, "email", "roster.email_twice"},
		{6, "", "roster.csv_quote"},
		{7, "role", "roster.role_unknown"},
		{9, "", "roster.line_too_long"},
		{10, "department", "roster.too_long"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%v\nwant:\n%v", got, want)
	}
	if len(s.Rows) != 2 || s.Rows[0].Line != 2 || s.Rows[1].Line != 11 {
		t.Errorf("rows %+v, want lines 2 and 11", s.Rows)
	}
	if !slices.Equal(s.Ignored, []string{"Téléphone"}) {
		t.Errorf("ignored %q, want Téléphone", s.Ignored)
	}

	// What the reader sees, in both languages.
	tr := i18n.MustLoad()
	prev := Plan(nil, nil, s).Preview(tr, "fr")
	msgs := map[string]string{}
	for _, e := range prev.Errors {
		msgs[fmt.Sprint(e.Line, e.Field)] = e.Message
	}
	wantFR := map[string]string{
		"3email":       "Adresse e-mail invalide : « jm.rochat(at)sion.ch ».",
		"3role":        "Fonction inconnue : « Chef ». Fonctions possibles : Collaborateur·rice, Chef·fe de service, Adjoint·e, Membre du conseil, Secrétaire municipal·e.",
		"5email":       "Cette adresse e-mail figure déjà à la ligne 2.",
		"4language":    "Langue inconnue : « it ». Indiquez fr (français) ou de (allemand).",
		"10department": "Au plus 200 caractères.",
	}
	for k, want := range wantFR {
		if msgs[k] != want {
			t.Errorf("fr message %s = %q, want %q", k, msgs[k], want)
		}
	}
	for _, e := range Plan(nil, nil, s).Preview(tr, "de").Errors {
		if strings.Contains(e.Message, "%!") {
			t.Errorf("de message badly formatted: %q", e.Message)
		}
		if e.Field == "role" && !strings.Contains(e.Message, "Mögliche Funktionen: Mitarbeitende, Abteilungsleitung, Stellvertretung, Ratsmitglied, Gemeindeschreiber·in.") {
			t.Errorf("de role message %q does not list the German labels", e.Message)
		}
	}
}

func TestParseHeaders(t *testing.T) {
	cases := map[string]struct {
		text          string
		given, family string
		split         bool
		ignored       []string
	}{
		"Nom with Prénom is the family name": {"Nom;Prénom\nDe Preux;Anne\n", "Anne", "De Preux", false, nil},
		"Nom alone is the full name":         {"Nom;E-mail\nAnne de Preux;a@x.ch\n", "Anne", "de Preux", true, nil},
		"API name alone is the full name":    {"name,email\nJean-Marc Rochat,jm@x.ch\n", "Jean-Marc", "Rochat", true, nil},
		"German Name with Vorname":           {"Name;Vorname\nvon Arx;Hans\n", "Hans", "von Arx", false, nil},
		"API fields":                         {"given_name;family_name;name\nAnne;de Preux;Anne de Preux\n", "Anne", "de Preux", false, []string{"name"}},
		"Nom complet":                        {"Nom complet;Service\nROCHAT Jean-Marc;Écoles\n", "Jean-Marc", "ROCHAT", true, nil},
		"full name beats given alone":        {"Prénom;Nom complet\nX;Anne de Preux\n", "Anne", "de Preux", true, []string{"Prénom"}},
		"Nachname":                           {"Nachname\tVorname\nZürcher\tJürg\n", "Jürg", "Zürcher", false, nil},
		"family only":                        {"family_name\nÖlz\n", "", "Ölz", false, nil},
		"case, accents, spaces, marks":       {" NOM ;  PRENOM *; e_mail \nDélèze;Zoé;z@x.ch\n", "Zoé", "Délèze", false, nil},
		"BOM inside cell":                    {"\ufeffNom;\ufeffPrénom\nDélèze;Zoé\n", "Zoé", "Délèze", false, nil},
		"title rows before header":           {"Liste du personnel 2026;;\n;État au 1er mars;\nNom;Prénom;E-mail\nDélèze;Zoé;\n", "Zoé", "Délèze", false, nil},
		"blank lines before header":          {"\n;;;\nNom;Prénom\n\nDélèze;Zoé\n", "Zoé", "Délèze", false, nil},
		"unknown columns ignored":            {"N°;Nom;Prénom;Téléphone\n1;Délèze;Zoé;027\n", "Zoé", "Délèze", false, []string{"N°", "Téléphone"}},
		"separator inside quotes":            {"\"Nom; complet\",Service\n\"Zoé Délèze\",Écoles\n", "Zoé", "Délèze", true, nil},
	}
	for name, tc := range cases {
		s, err := Parse([]byte(tc.text))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(s.Rows) != 1 || len(s.Problems) > 0 {
			t.Errorf("%s: rows %+v problems %+v", name, s.Rows, s.Problems)
			continue
		}
		if r := s.Rows[0]; r.GivenName != tc.given || r.FamilyName != tc.family {
			t.Errorf("%s: read %q / %q, want %q / %q", name, r.GivenName, r.FamilyName, tc.given, tc.family)
		}
		if s.splitNames != tc.split {
			t.Errorf("%s: splitNames = %v", name, s.splitNames)
		}
		if !slices.Equal(s.Ignored, tc.ignored) {
			t.Errorf("%s: ignored %q, want %q", name, s.Ignored, tc.ignored)
		}
	}
}

func TestParseRefusesFile(t *testing.T) {
	cases := map[string]struct {
		data []byte
		key  string
	}{
		"empty":            {nil, "roster.empty"},
		"only blank lines": {[]byte("\r\n;;;\r\n\r\n"), "roster.empty"},
		"no name column":   {[]byte("Téléphone;Adresse\n027;Sion\n"), "roster.no_name_column"},
		"given name only":  {[]byte("Prénom;E-mail\nZoé;z@x.ch\n"), "roster.no_name_column"},
		"column twice":     {[]byte("Nom;Prénom;Courriel;E-mail\n"), "roster.column_twice"},
		"no header at all": {[]byte("Délèze;Zoé\nRochat;Jean\nBonvin;Céline\nFavre;Léa\nMayor;Luc\nRey;Élodie\n"), "roster.no_name_column"},
		"too large":        {bytes.Repeat([]byte("a"), MaxBytes+1), "roster.too_large"},
		"quote in header":  {[]byte("Nom;\"Pré\"nom\n"), "roster.csv_quote_header"},
	}
	for name, tc := range cases {
		_, err := Parse(tc.data)
		e, ok := apperr.As(err)
		if !ok || e.Code != apperr.CodeValidation || e.Fields["file"].Key != tc.key {
			t.Errorf("%s: error %v, want validation file=%s", name, err, tc.key)
		}
	}
	// The message shows the first record, where the header should be.
	_, err := Parse([]byte("Téléphone;Adresse\n027;Sion\n"))
	if e, _ := apperr.As(err); e == nil || !slices.Equal(e.Fields["file"].Args, []any{"Téléphone, Adresse"}) {
		t.Errorf("no name column: %v, want the header's cells as argument", err)
	}
}

// TestParseEncodings reads the same list in every encoding a spreadsheet
// program may write.
func TestParseEncodings(t *testing.T) {
	text := "Nom;Prénom;Service\r\nDélèze;Zoé;Écoles\r\nCœur;Lætitia;« Culture »\r\nd’Allèves;Noël;Bâtiments\r\n"
	cp1252, err := charmap.Windows1252.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	utf16le, _ := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewEncoder().String(text)
	utf16be, _ := xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM).NewEncoder().String(text)
	cases := map[string]struct {
		data     string
		encoding string
	}{
		"utf-8":        {text, EncodingUTF8},
		"utf-8 BOM":    {"\ufeff" + text, EncodingUTF8BOM},
		"windows-1252": {cp1252, EncodingWindows1252},
		"utf-16 le":    {utf16le, EncodingUTF16},
		"utf-16 be":    {utf16be, EncodingUTF16},
		"lf":           {strings.ReplaceAll(text, "\r\n", "\n"), EncodingUTF8},
		"old mac cr":   {strings.ReplaceAll(text, "\r\n", "\r"), EncodingUTF8},
	}
	want := []Row{
		{2, "Zoé", "Délèze", "", "Écoles", "staff", "fr"},
		{3, "Lætitia", "Cœur", "", "« Culture »", "staff", "fr"},
		{4, "Noël", "d’Allèves", "", "Bâtiments", "staff", "fr"},
	}
	for name, tc := range cases {
		s, err := Parse([]byte(tc.data))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if s.Encoding != tc.encoding || !slices.Equal(s.Rows, want) {
			t.Errorf("%s: %s %+v, want %s %+v", name, s.Encoding, s.Rows, tc.encoding, want)
		}
	}
}

func TestParseRoles(t *testing.T) {
	cases := map[string]string{
		"":                       "staff",
		"staff":                  "staff",
		"HEAD_OF_SERVICE":        "head_of_service",
		"Collaborateur·rice":     "staff",
		"collaboratrice":         "staff",
		"Collaborateur":          "staff",
		"Chef·fe de service":     "head_of_service",
		"chef de service":        "head_of_service",
		"Cheffe de Service":      "head_of_service",
		"CHEF.FE DE SERVICE":     "head_of_service",
		"Adjointe":               "deputy_head",
		"adjoint·e":              "deputy_head",
		"membre du conseil":      "council_member",
		"Secretaire municipale":  "municipal_secretary",
		"Secrétaire municipal":   "municipal_secretary",
		"Mitarbeitende":          "staff",
		"abteilungsleitung":      "head_of_service",
		"Stellvertretung":        "deputy_head",
		"RATSMITGLIED":           "council_member",
		"Gemeindeschreiberin":    "municipal_secretary",
		"Gemeindeschreiber":      "municipal_secretary",
		"'=Gemeindeschreiber·in": "municipal_secretary",
		"Chef":                   "",
		"municipal secretary":    "municipal_secretary",
	}
	for in, want := range cases {
		s := mustParse(t, "Nom;Fonction\nX;\""+in+"\"\n")
		switch {
		case want == "" && (len(s.Problems) != 1 || s.Problems[0].Key != "roster.role_unknown"):
			t.Errorf("role %q: problems %+v, want role_unknown", in, s.Problems)
		case want != "" && (len(s.Rows) != 1 || s.Rows[0].Role != want):
			t.Errorf("role %q: rows %+v problems %+v, want %s", in, s.Rows, s.Problems, want)
		}
	}
	// Every label the UI shows, in both languages, reads back as its code.
	tr := i18n.MustLoad()
	for _, lang := range i18n.Languages {
		for _, a := range catalog.Audiences {
			label := tr.T(lang, "role."+string(a))
			s := mustParse(t, "Nom;Fonction\nX;"+label+"\n")
			if len(s.Rows) != 1 || s.Rows[0].Role != string(a) {
				t.Errorf("%s label %q does not read as %s: %+v", lang, label, a, s.Problems)
			}
		}
	}
}

func TestParseLanguages(t *testing.T) {
	cases := map[string]string{
		"": "fr", "fr": "fr", "FR": "fr", "fr-CH": "fr", "F": "fr", "français": "fr", "Francais": "fr",
		"Französisch": "fr", "french": "fr",
		"de": "de", "DE": "de", "de-CH": "de", "D": "de", "deutsch": "de", "Allemand": "de", "German": "de",
		"it": "", "italiano": "", "fr/de": "",
	}
	for in, want := range cases {
		s := mustParse(t, "Nom;Langue\nX;"+in+"\n")
		switch {
		case want == "" && (len(s.Problems) != 1 || s.Problems[0].Key != "roster.language_unknown"):
			t.Errorf("language %q: problems %+v, want language_unknown", in, s.Problems)
		case want != "" && (len(s.Rows) != 1 || s.Rows[0].Language != want):
			t.Errorf("language %q: rows %+v problems %+v, want %s", in, s.Rows, s.Problems, want)
		}
	}
}

func TestParseLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString("Nom;E-mail\n")
	for i := range MaxRows + 1 {
		fmt.Fprintf(&b, "P%d;p%d@x.ch\n", i, i)
	}
	s := mustParse(t, b.String())
	last := s.Problems[len(s.Problems)-1]
	if len(s.Problems) != 1 || last.Key != "roster.too_many_rows" || last.Line != MaxRows+2 {
		t.Errorf("problems %+v, want too_many_rows on line %d", s.Problems, MaxRows+2)
	}

	b.Reset()
	b.WriteString("Nom;E-mail\n")
	for range MaxProblems + 10 {
		b.WriteString("X;not an email\n")
	}
	s = mustParse(t, b.String())
	if n := len(s.Problems); n != MaxProblems+1 || s.Problems[n-1].Key != "roster.too_many_problems" {
		t.Errorf("%d problems, last %+v; want %d then too_many_problems", n, s.Problems[n-1], MaxProblems)
	}
}

func TestGuard(t *testing.T) {
	cases := map[string]string{
		"Délèze":            "Délèze",
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")",
		"+41 27 000":        "'+41 27 000",
		"-2":                "'-2",
		"@SUM(A1)":          "'@SUM(A1)",
		"\tx":               "'\tx",
		"'t Hooft":          "'t Hooft",
		"'=x":               "''=x",
		"''=x":              "'''=x",
		"":                  "",
		"Jean-Marc":         "Jean-Marc",
	}
	for in, want := range cases {
		if got := guard(in); got != want {
			t.Errorf("guard(%q) = %q, want %q", in, got, want)
		}
		if back := unguard(guard(in)); back != in {
			t.Errorf("unguard(guard(%q)) = %q", in, back)
		}
	}
}

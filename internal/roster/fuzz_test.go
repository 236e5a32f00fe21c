package roster

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/clean"
)

// FuzzParse feeds Parse arbitrary bytes: it must not panic, must number
// lines within the file, and every text it returns must be clean one-line
// UTF-8. A file it reads without problems must survive an export and a
// re-import without any change.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.*sv")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"",
		"Nom\n",
		"Nom;Prénom\n\"Dé\nlèze\";Zoé\n",
		"name,email\n\"unterminated,x@y.ch\n",
		"Nom;Prénom\r\n'=1+1;'@x\r\n",
		"\xff\xfeN\x00o\x00m\x00\n\x00X\x00\n\x00",
		"\xef\xbb\xbfNom\t\xff\n\xe9\n",
		"Nom;Service\nA;\u2028\u0085\x00\x7f\n",
		"Nom complet;Fonction;Langue\nROCHAT Jean;adjoint·e;Deutsch\n",
		"Name;Vorname;E-Mail\nÖlz;;OELZ@X.CH\nölz;;oelz@x.ch\n",
		"\"Nom\";\"\"\n\"\"\"\";x\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data)
		if err != nil {
			return
		}
		maxLine := bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) + 1
		for _, p := range s.Problems {
			if p.Line < 1 || p.Line > maxLine {
				t.Errorf("problem %+v: line out of 1..%d", p, maxLine)
			}
		}
		for _, r := range s.Rows {
			if r.Line < 1 || r.Line > maxLine {
				t.Errorf("row %+v: line out of 1..%d", r, maxLine)
			}
			for _, text := range []string{r.GivenName, r.FamilyName, r.Email, r.Department} {
				if !utf8.ValidString(text) || strings.ContainsFunc(text, func(c rune) bool {
					return unicode.IsControl(c) || c == '\u2028' || c == '\u2029'
				}) || text != strings.TrimSpace(text) {
					t.Errorf("row %+v: text %q is not clean", r, text)
				}
			}
			if r.FamilyName == "" {
				t.Errorf("row %+v without family name", r)
			}
			if e, ok := clean.Email(r.Email); r.Email != "" && (!ok || e != r.Email) {
				t.Errorf("row %+v: email not clean", r)
			}
			if !slices.Contains(catalog.Audiences, catalog.Audience(r.Role)) || (r.Language != "fr" && r.Language != "de") {
				t.Errorf("row %+v: role or language unknown", r)
			}
		}
		if len(s.Problems) > 0 || len(s.Rows) == 0 {
			return
		}
		roundTrip(t, s)
	})
}

// roundTrip stores a sheet's rows as people, exports them and plans the
// re-import, which must change nothing.
func roundTrip(t *testing.T, s *Sheet) {
	t.Helper()
	var people []Person
	var deps []Department
	depNames := map[int64]string{}
	depIDs := map[string]int64{}
	for i, r := range s.Rows {
		p := Person{ID: int64(i + 1), GivenName: r.GivenName, FamilyName: r.FamilyName, Email: r.Email, Role: r.Role, Language: r.Language}
		if r.Department != "" {
			id, ok := depIDs[r.Department]
			if !ok {
				id = int64(len(deps) + 1)
				depIDs[r.Department] = id
				depNames[id] = r.Department
				deps = append(deps, Department{id, r.Department})
			}
			p.DepartmentID = id
		}
		people = append(people, p)
	}
	var b bytes.Buffer
	if err := Write(&b, people, depNames, "fr"); err != nil {
		t.Fatal(err)
	}
	back, err := Parse(b.Bytes())
	if err != nil {
		t.Fatalf("export does not parse: %v\n%q", err, b.String())
	}
	res := Plan(people, deps, back)
	if !res.OK() || len(res.Unchanged) != len(people) {
		t.Errorf("re-import changes something: create %+v update %+v problems %+v\nexport %q", res.Create, res.Update, res.Problems, b.String())
	}
}

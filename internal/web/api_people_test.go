package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/roster"
	"github.com/atelier-ch/atelier/internal/tz"
)

type previewJSON struct {
	roster.Preview
	Error *struct{ Code string } `json:"error"`
}

// importCSV posts a file to the import API as text/csv.
func (a *app) importCSV(data []byte, dryRun bool) (*httptest.ResponseRecorder, previewJSON) {
	a.t.Helper()
	path := "/api/v1/people/import"
	if dryRun {
		path += "?dry_run=true"
	}
	req := httptest.NewRequest("POST", path, strings.NewReader(string(data)))
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+a.token(hrAEmail))
	res := httptest.NewRecorder()
	a.h.ServeHTTP(res, req)
	var out previewJSON
	mustJSON(a.t, res, &out)
	return res, out
}

// TestImportExcelFile: the file exactly as Excel saves « CSV (séparateur :
// point-virgule) » on a Swiss PC (Windows-1252, CRLF, no BOM) comes in
// with every accent; a dry run writes nothing; an export re-imported
// changes nothing.
func TestImportExcelFile(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		excel, err := os.ReadFile("../roster/testdata/excel_fr_cp1252.csv")
		if err != nil {
			t.Fatal(err)
		}
		res, pv := a.importCSV(excel, true)
		if res.Code != 200 || pv.Created != 8 || len(pv.Errors) != 0 || !slices.Contains(pv.DepartmentsCreated, "Écoles") {
			t.Fatalf("dry run: %d %+v", res.Code, pv)
		}
		if n := a.count("people"); n != 0 {
			t.Fatalf("the dry run wrote %d people", n)
		}
		if res, pv = a.importCSV(excel, false); res.Code != 200 || pv.Created != 8 {
			t.Fatalf("import: %d %+v", res.Code, pv)
		}
		var people []personJSON
		mustJSON(t, a.as(hrAEmail, "GET", "/api/v1/people?q=zoe", nil), &people)
		if len(people) != 1 || people[0].Name != "Zoé Délèze" || people[0].GivenName != "Zoé" || people[0].FamilyName != "Délèze" {
			t.Errorf("Zoé Délèze: %+v", people)
		}
		// Importing the same file again, and the export, change nothing.
		if _, pv = a.importCSV(excel, true); pv.Created != 0 || pv.Updated != 0 || pv.Unchanged != 8 {
			t.Errorf("the same file again: %+v", pv)
		}
		res = a.as(hrAEmail, "GET", "/api/v1/people/export.csv", nil)
		if res.Code != 200 || !strings.HasPrefix(res.Body.String(), "\ufeffNom;Prénom;E-mail;Service;Fonction;Langue\r\n") {
			t.Fatalf("export: %d %q", res.Code, res.Body.String()[:min(80, res.Body.Len())])
		}
		if _, pv = a.importCSV(res.Body.Bytes(), false); pv.Created != 0 || pv.Updated != 0 || pv.Unchanged != 8 {
			t.Errorf("the export re-imported: %+v", pv)
		}
	})
}

// TestImportRefusedWhole: a file with any error is refused as a whole,
// 422 with each problem's line, field and message, and nothing written.
func TestImportRefusedWhole(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		data, err := os.ReadFile("../roster/testdata/errors.csv")
		if err != nil {
			t.Fatal(err)
		}
		for _, dry := range []bool{true, false} {
			res, pv := a.importCSV(data, dry)
			if res.Code != http.StatusUnprocessableEntity || pv.Error == nil || pv.Error.Code != "validation" || len(pv.Errors) < 5 {
				t.Fatalf("dry=%v: %d %+v", dry, res.Code, pv)
			}
			for _, e := range pv.Errors {
				if e.Line < 2 || e.Message == "" {
					t.Errorf("problem without line or message: %+v", e)
				}
			}
		}
		if n := a.count("people"); n != 0 {
			t.Errorf("a refused import wrote %d people", n)
		}
		if n := a.count("departments"); n != 0 {
			t.Errorf("a refused import wrote %d services", n)
		}
	})
}

// TestSearchAndSortIgnoreAccents: « elodie », « ELODIE » and « Élodie » find
// Élodie on both databases; lists sort by family name with French
// collation.
func TestSearchAndSortIgnoreAccents(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		for _, name := range [][2]string{{"Élodie", "Zufferey"}, {"Christophe", "Crettaz"}, {"Céline", "Crettaz"}, {"Anne", "Écoeur"}, {"Hans", "Eggel"}, {"Paul", "Fournier"}} {
			res := a.as(hrAEmail, "POST", "/api/v1/people", map[string]string{"given_name": name[0], "family_name": name[1], "role": "staff"})
			if res.Code != 201 {
				t.Fatalf("create %v: %d %s", name, res.Code, res.Body)
			}
		}
		for _, q := range []string{"elodie", "ELODIE", "Élodie", "élo", "zuff"} {
			var people []personJSON
			mustJSON(t, a.as(hrAEmail, "GET", "/api/v1/people?q="+urlQuery(q), nil), &people)
			if len(people) != 1 || people[0].GivenName != "Élodie" {
				t.Errorf("search %q: %+v", q, people)
			}
		}
		var people []personJSON
		mustJSON(t, a.as(hrAEmail, "GET", "/api/v1/people", nil), &people)
		var got []string
		for _, p := range people {
			got = append(got, p.FamilyName+" "+p.GivenName)
		}
		want := []string{"Crettaz Céline", "Crettaz Christophe", "Écoeur Anne", "Eggel Hans", "Fournier Paul", "Zufferey Élodie"}
		if !slices.Equal(got, want) {
			t.Errorf("order %v, want %v", got, want)
		}
		// A request with the name alone still works, split sensibly.
		var p personJSON
		mustJSON(t, a.as(hrAEmail, "POST", "/api/v1/people", map[string]string{"name": "Anne de Preux", "role": "staff"}), &p)
		if p.GivenName != "Anne" || p.FamilyName != "de Preux" || p.Name != "Anne de Preux" {
			t.Errorf("name alone: %+v", p)
		}
	})
}

func urlQuery(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

// TestSignInSheetSortsByFamilyName: the sign-in sheet lists people by
// family name, then given name, with French collation.
func TestSignInSheetSortsByFamilyName(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		var ids []int64
		for _, n := range [][2]string{{"Paul", "Fournier"}, {"Christophe", "Crettaz"}, {"Hans", "Eggel"}, {"Céline", "Crettaz"}, {"Anne", "Écoeur"}} {
			var p personJSON
			mustJSON(t, a.as(hrAEmail, "POST", "/api/v1/people", map[string]string{"given_name": n[0], "family_name": n[1], "role": "staff"}), &p)
			ids = append(ids, p.ID)
		}
		s := a.createSession(hrAEmail, sessionBody("ucv-consultation", time.Date(2026, 3, 10, 8, 30, 0, 0, tz.Zurich), 10))
		a.book(hrAEmail, s.ID, map[string]any{"person_ids": ids})
		res := a.as(hrAEmail, "GET", fmt.Sprintf("/api/v1/sessions/%d/signin-sheet.pdf", s.ID), nil)
		if res.Code != 200 {
			t.Fatalf("sheet: %d", res.Code)
		}
		text := pdfText(t, res.Body.Bytes())
		want := []string{"Crettaz Céline", "Crettaz Christophe", "Écoeur Anne", "Eggel Hans", "Fournier Paul"}
		last := -1
		for _, name := range want {
			i := strings.Index(text, name)
			if i < 0 || i < last {
				t.Fatalf("%q missing or out of order in: %s", name, text)
			}
			last = i
		}
	})
}

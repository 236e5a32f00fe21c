package directory

import (
	"context"
	"encoding/csv"
	"strings"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
)

// MaxImport caps the rows of one import.
const MaxImport = 5000

// ImportProblem is a row an import could not take.
type ImportProblem struct {
	Line int
	Err  error
}

// ImportResult says what an import did.
type ImportResult struct {
	Created  int
	Skipped  int
	Problems []ImportProblem
	// TooMany is true when rows beyond MaxImport were left out.
	TooMany bool
}

// Import creates people of the caller's commune from a spreadsheet export:
// columns name, email, role, department (created if new), language; ";" or
// "," between fields; a header row. Rows that fail are listed, the others
// are imported; a person whose email exists is skipped.
func (d *Service) Import(ctx context.Context, caller access.Caller, data []byte) (*ImportResult, error) {
	if err := caller.Commune(access.ManageDirectory, caller.OrgID); err != nil {
		return nil, err
	}
	rows, err := readCSV(data)
	if err != nil || len(rows) < 2 {
		return nil, apperr.Invalid("file", "import.bad_file")
	}
	cols := map[string]int{}
	for i, h := range rows[0] {
		cols[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	if _, ok := cols["name"]; !ok {
		return nil, apperr.Invalid("file", "import.header")
	}
	get := func(row []string, col string) string {
		if i, ok := cols[col]; ok && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	orgID := caller.OrgID
	res := &ImportResult{}
	deps := map[string]int64{}
	existing, err := d.store.Departments(ctx, orgID)
	if err != nil {
		return nil, err
	}
	for _, dep := range existing {
		deps[strings.ToLower(dep.Name)] = dep.ID
	}
	if len(rows)-1 > MaxImport {
		rows = rows[:MaxImport+1]
		res.TooMany = true
	}
	for n, row := range rows[1:] {
		line := n + 2
		name, email, role, depName, lang := get(row, "name"), get(row, "email"), get(row, "role"), get(row, "department"), get(row, "language")
		if role == "" {
			role = "staff"
		}
		if lang == "" {
			lang = "fr"
		}
		in := PersonInput{Name: &name, Email: &email, Role: &role, Language: &lang}
		if depName != "" {
			id, ok := deps[strings.ToLower(depName)]
			if !ok {
				dep, err := d.CreateDepartment(ctx, caller, depName)
				if err != nil {
					res.Problems = append(res.Problems, ImportProblem{line, err})
					continue
				}
				id = dep.ID
				deps[strings.ToLower(dep.Name)] = id
			}
			in.DepartmentID = &id
		}
		if _, err := CreatePerson(ctx, d.store, orgID, in); err != nil {
			if apperr.Is(err, apperr.CodeConflict) {
				res.Skipped++
				continue
			}
			res.Problems = append(res.Problems, ImportProblem{line, err})
			continue
		}
		res.Created++
	}
	return res, nil
}

// readCSV reads a spreadsheet export: UTF-8 (with or without BOM), ";" or ",".
func readCSV(data []byte) ([][]string, error) {
	text := strings.TrimPrefix(string(data), "\ufeff")
	first, _, _ := strings.Cut(text, "\n")
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = ','
	if strings.Count(first, ";") > strings.Count(first, ",") {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	return cr.ReadAll()
}

package roster

import (
	"cmp"
	"slices"
	"strings"

	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/names"
)

// Person is a person the commune already has, as Plan compares it.
type Person struct {
	ID         int64
	GivenName  string
	FamilyName string
	// Email is "" when the person has none.
	Email string
	// DepartmentID is 0 when the person belongs to no service.
	DepartmentID int64
	Role         string
	Language     string
}

// Department is a service the commune already has.
type Department struct {
	ID   int64
	Name string
}

// Change is a person the import creates or updates: the whole person as it
// will be, so the caller can save it without merging anything.
type Change struct {
	// Line is the file's line the person comes from.
	Line int
	// PersonID is the person updated; 0 for a person to create.
	PersonID   int64
	GivenName  string
	FamilyName string
	Email      string
	// DepartmentID is an existing service, or 0 when the person has none
	// or joins a service the import creates (then NewDepartment names it).
	DepartmentID  int64
	NewDepartment string
	Role          string
	Language      string
	// Fields lists what an update changes, as API field names; nil for a
	// creation.
	Fields []string
}

// Match is a line whose person exists and stays as they are.
type Match struct {
	Line     int
	PersonID int64
}

// Result is what importing a sheet would do. It is only to be applied when
// OK: an import with any problem is refused as a whole.
type Result struct {
	Create    []Change
	Update    []Change
	Unchanged []Match
	// NewDepartments are the services to create before the people, as
	// first written in the file.
	NewDepartments []string
	// Ignored lists the file's columns that were not read.
	Ignored  []string
	Problems []Problem
}

// OK reports whether the import may be applied.
func (r *Result) OK() bool { return len(r.Problems) == 0 }

// Plan compares a parsed sheet with the commune's people and services and
// says what importing it would do. It changes nothing.
//
// A row is the person with the same email (case-insensitive). A row whose
// email is empty or unknown is an existing person without email who has
// the same name (folded: case, accents and spacing aside) in the same
// service, if there is one: that is how a file without emails re-imports
// unchanged, and how a later file adds emails to those people. Any other
// row is a new person. Columns the file does not have leave the existing
// people's values as they are; new people get the defaults.
//
// Services match existing ones by folded name (« ecoles » is « Écoles »);
// the others are created.
func Plan(existing []Person, departments []Department, sheet *Sheet) *Result {
	res := &Result{Ignored: sheet.Ignored, Problems: slices.Clone(sheet.Problems)}
	depByFold := map[string]int64{}
	// Lowest id first, so that of two services whose names fold alike the
	// older one wins, unless a row spells one of them exactly.
	deps := slices.SortedFunc(slices.Values(departments), func(a, b Department) int { return cmp.Compare(a.ID, b.ID) })
	depByName := map[string]int64{}
	for _, d := range deps {
		if _, ok := depByFold[names.Fold(d.Name)]; !ok {
			depByFold[names.Fold(d.Name)] = d.ID
		}
		depByName[d.Name] = d.ID
	}
	newDeps := map[string]string{}
	resolveDep := func(name string) (int64, string) {
		if name == "" {
			return 0, ""
		}
		if id, ok := depByName[name]; ok {
			return id, ""
		}
		f := names.Fold(name)
		if id, ok := depByFold[f]; ok {
			return id, ""
		}
		if first, ok := newDeps[f]; ok {
			return 0, first
		}
		newDeps[f] = name
		res.NewDepartments = append(res.NewDepartments, name)
		return 0, name
	}

	people := slices.SortedFunc(slices.Values(existing), func(a, b Person) int { return cmp.Compare(a.ID, b.ID) })
	byEmail := map[string]int{}
	byName := map[string][]int{}
	for i, p := range people {
		if p.Email != "" {
			if _, ok := byEmail[strings.ToLower(p.Email)]; !ok {
				byEmail[strings.ToLower(p.Email)] = i
			}
			continue
		}
		k := names.Fold(names.Join(p.GivenName, p.FamilyName))
		byName[k] = append(byName[k], i)
	}

	// Resolve each row's service first, in file order, so that the new
	// services are listed as the file first writes them.
	type target struct {
		row     Row
		depID   int64
		newDep  string
		matched int // index in people, -1 for a new person
	}
	targets := make([]target, len(sheet.Rows))
	for i, row := range sheet.Rows {
		t := target{row: row, matched: -1}
		if sheet.Has(FieldDepartment) {
			t.depID, t.newDep = resolveDep(row.Department)
		}
		if j, ok := byEmail[row.Email]; ok && row.Email != "" {
			t.matched = j
		}
		targets[i] = t
	}
	// Rows without a known email match people without email by name: those
	// that would not change first, so that namesakes pair up with
	// themselves, then the others in file order.
	taken := map[int]bool{}
	for _, exactOnly := range []bool{true, false} {
		for i := range targets {
			t := &targets[i]
			if t.matched >= 0 {
				continue
			}
			for _, j := range byName[names.Fold(names.Join(t.row.GivenName, t.row.FamilyName))] {
				// Same service: resolved to the same one (nobody is in a
				// service the import creates), unless the file has no
				// service column to tell.
				sameDep := !sheet.Has(FieldDepartment) || t.newDep == "" && people[j].DepartmentID == t.depID
				if taken[j] || !sameDep {
					continue
				}
				if exactOnly && len(changes(people[j], t.row, t.depID, t.newDep, sheet)) > 0 {
					continue
				}
				t.matched = j
				taken[j] = true
				break
			}
		}
	}

	for _, t := range targets {
		if t.matched < 0 {
			c := Change{Line: t.row.Line, GivenName: t.row.GivenName, FamilyName: t.row.FamilyName, Email: t.row.Email,
				DepartmentID: t.depID, NewDepartment: t.newDep, Role: t.row.Role, Language: t.row.Language}
			res.Create = append(res.Create, c)
			continue
		}
		p := people[t.matched]
		fields := changes(p, t.row, t.depID, t.newDep, sheet)
		if len(fields) == 0 {
			res.Unchanged = append(res.Unchanged, Match{Line: t.row.Line, PersonID: p.ID})
			continue
		}
		c := Change{Line: t.row.Line, PersonID: p.ID, GivenName: p.GivenName, FamilyName: p.FamilyName, Email: p.Email,
			DepartmentID: p.DepartmentID, Role: p.Role, Language: p.Language, Fields: fields}
		for _, f := range fields {
			switch f {
			case FieldGivenName:
				c.GivenName = t.row.GivenName
			case FieldFamilyName:
				c.FamilyName = t.row.FamilyName
			case FieldEmail:
				c.Email = t.row.Email
			case FieldDepartment:
				c.DepartmentID, c.NewDepartment = t.depID, t.newDep
			case FieldRole:
				c.Role = t.row.Role
			case FieldLanguage:
				c.Language = t.row.Language
			}
		}
		res.Update = append(res.Update, c)
	}
	return res
}

// changes lists the fields a row would change in person p. Existing values
// are compared cleaned, so that a name stored with a line break by older
// code does not count as a change when the export wrote it with a space.
func changes(p Person, row Row, depID int64, newDep string, sheet *Sheet) []string {
	var out []string
	given, family := cleanCell(p.GivenName), cleanCell(p.FamilyName)
	// A full-name column is split by rule; when it spells the same name,
	// the stored split (« Jean Da Silva Santos ») is right and stays.
	if !sheet.splitNames || names.Join(row.GivenName, row.FamilyName) != names.Join(given, family) {
		if row.GivenName != given {
			out = append(out, FieldGivenName)
		}
		if row.FamilyName != family {
			out = append(out, FieldFamilyName)
		}
	}
	// A row without email never erases a known one: the person was matched
	// by name, or has none.
	if row.Email != "" && row.Email != strings.ToLower(p.Email) {
		out = append(out, FieldEmail)
	}
	if sheet.Has(FieldDepartment) && (newDep != "" || depID != p.DepartmentID) {
		out = append(out, FieldDepartment)
	}
	if sheet.Has(FieldRole) && row.Role != p.Role {
		out = append(out, FieldRole)
	}
	if sheet.Has(FieldLanguage) && row.Language != p.Language {
		out = append(out, FieldLanguage)
	}
	return out
}

// Preview is the JSON answer of a dry run.
type Preview struct {
	Created            int            `json:"created"`
	Updated            int            `json:"updated"`
	Unchanged          int            `json:"unchanged"`
	DepartmentsCreated []string       `json:"departments_created"`
	IgnoredColumns     []string       `json:"ignored_columns,omitempty"`
	Errors             []PreviewError `json:"errors"`
}

// PreviewError is a problem of the preview, in the reader's language.
type PreviewError struct {
	Line    int    `json:"line"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Preview renders the result for the reader, in lang.
func (r *Result) Preview(tr *i18n.Translator, lang string) Preview {
	p := Preview{
		Created: len(r.Create), Updated: len(r.Update), Unchanged: len(r.Unchanged),
		DepartmentsCreated: append([]string{}, r.NewDepartments...),
		IgnoredColumns:     r.Ignored,
		Errors:             []PreviewError{},
	}
	for _, pr := range r.Problems {
		p.Errors = append(p.Errors, PreviewError{Line: pr.Line, Field: pr.Field, Message: tr.T(lang, pr.Key, pr.Args...)})
	}
	return p
}

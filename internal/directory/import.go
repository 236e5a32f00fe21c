package directory

import (
	"bytes"
	"context"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/audit"
	"github.com/atelier-ch/atelier/internal/roster"
	"github.com/atelier-ch/atelier/internal/store"
)

// ErrImportRefused is the refusal of an import with problems: nothing is
// written. Its Result lists them.
type ErrImportRefused struct {
	Result *roster.Result
}

func (e *ErrImportRefused) Error() string { return "directory: import refused" }

// Unwrap makes the refusal a 422 for the error adapters.
func (e *ErrImportRefused) Unwrap() error { return apperr.Invalid("file", "hr.import_refused") }

// Import reads a spreadsheet of people (UTF-8 or Windows-1252, « ; », « , »
// or tab, French, German or English headers) and says what importing it
// does. With dryRun nothing is written; otherwise every row is applied in
// one transaction — services created, people created and updated — or,
// when any row has a problem, nothing at all (ErrImportRefused). People
// match existing ones by email.
func (d *Service) Import(ctx context.Context, caller access.Caller, data []byte, dryRun bool) (*roster.Result, error) {
	if err := caller.Commune(access.ManageDirectory, caller.OrgID); err != nil {
		return nil, err
	}
	sheet, err := roster.Parse(data)
	if err != nil {
		return nil, err
	}
	var res *roster.Result
	err = d.store.Tx(ctx, func(tx *store.Store) error {
		people, err := tx.AllPeople(ctx, caller.OrgID)
		if err != nil {
			return err
		}
		deps, err := tx.Departments(ctx, caller.OrgID)
		if err != nil {
			return err
		}
		res = roster.Plan(rosterPeople(people), rosterDepartments(deps), sheet)
		if !res.OK() {
			return &ErrImportRefused{Result: res}
		}
		if dryRun {
			return nil
		}
		if err := applyImport(ctx, tx, caller.OrgID, res, people); err != nil {
			return err
		}
		return audit.Staff(ctx, tx, caller, caller.OrgID, "people_imported", "",
			map[string]any{"created": len(res.Create), "updated": len(res.Update), "departments_created": len(res.NewDepartments)}, time.Now())
	})
	return res, err
}

// applyImport writes an import's result: new services, then people.
func applyImport(ctx context.Context, tx *store.Store, orgID int64, res *roster.Result, people []store.Person) error {
	newDeps := map[string]int64{}
	for _, name := range res.NewDepartments {
		dep := &store.Department{OrgID: orgID, Name: name}
		if err := tx.CreateDepartment(ctx, dep); err != nil {
			return err
		}
		newDeps[name] = dep.ID
	}
	byID := make(map[int64]*store.Person, len(people))
	for i := range people {
		byID[people[i].ID] = &people[i]
	}
	now := time.Now().UTC()
	for _, ch := range res.Create {
		p := &store.Person{OrgID: orgID, CreatedAt: now, UpdatedAt: now}
		fill(p, ch, newDeps)
		if err := tx.CreatePerson(ctx, p); err != nil {
			return err
		}
	}
	for _, ch := range res.Update {
		p, ok := byID[ch.PersonID]
		if !ok {
			return store.ErrNotFound
		}
		fill(p, ch, newDeps)
		if err := tx.SavePerson(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// fill copies a planned change onto a person.
func fill(p *store.Person, ch roster.Change, newDeps map[string]int64) {
	p.GivenName, p.FamilyName, p.Name = ch.GivenName, ch.FamilyName, ""
	p.Email = nil
	if ch.Email != "" {
		e := ch.Email
		p.Email = &e
	}
	p.DepartmentID = nil
	switch {
	case ch.NewDepartment != "":
		id := newDeps[ch.NewDepartment]
		p.DepartmentID = &id
	case ch.DepartmentID != 0:
		id := ch.DepartmentID
		p.DepartmentID = &id
	}
	p.Role, p.Language = ch.Role, ch.Language
	p.FillKeys()
}

func rosterPeople(people []store.Person) []roster.Person {
	out := make([]roster.Person, len(people))
	for i, p := range people {
		rp := roster.Person{ID: p.ID, GivenName: p.GivenName, FamilyName: p.FamilyName, Role: p.Role, Language: p.Language}
		if p.Email != nil {
			rp.Email = *p.Email
		}
		if p.DepartmentID != nil {
			rp.DepartmentID = *p.DepartmentID
		}
		out[i] = rp
	}
	return out
}

func rosterDepartments(deps []store.Department) []roster.Department {
	out := make([]roster.Department, len(deps))
	for i, d := range deps {
		out[i] = roster.Department{ID: d.ID, Name: d.Name}
	}
	return out
}

// Export writes the caller's commune's people as a spreadsheet in the
// import's format (UTF-8 with BOM, « ; »): importing it changes nothing.
func (d *Service) Export(ctx context.Context, caller access.Caller, lang string) ([]byte, error) {
	if err := caller.Commune(access.ManagePrivacy, caller.OrgID); err != nil {
		return nil, err
	}
	people, err := d.store.AllPeople(ctx, caller.OrgID)
	if err != nil {
		return nil, err
	}
	deps, err := d.store.Departments(ctx, caller.OrgID)
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(deps))
	for _, dep := range deps {
		names[dep.ID] = dep.Name
	}
	var buf bytes.Buffer
	if err := roster.Write(&buf, rosterPeople(people), names, lang); err != nil {
		return nil, err
	}
	if err := audit.Staff(ctx, d.store, caller, caller.OrgID, "people_exported", "", map[string]any{"people": len(people)}, time.Now()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

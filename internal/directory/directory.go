// Package directory manages communes, their departments and their people:
// validation and tenancy rules on top of the store.
package directory

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/clean"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/names"
	"github.com/atelier-ch/atelier/internal/store"
)

// Roles are the valid roles of a person, the catalogue's audiences.
var Roles = func() []string {
	out := make([]string, len(catalog.Audiences))
	for i, a := range catalog.Audiences {
		out[i] = string(a)
	}
	return out
}()

var slugRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$`)

// ValidSlug reports whether s can name a commune or a region in addresses:
// lower-case letters, digits and inner dashes, 2 to 64 characters.
func ValidSlug(s string) bool { return len(s) >= 2 && slugRE.MatchString(s) }

// Store is what the directory needs from the data layer; a transaction's
// *store.Store is one too.
type Store interface {
	CreateOrg(ctx context.Context, o *store.Org) error
	Orgs(ctx context.Context) ([]store.Org, error)
	OrgBySlug(ctx context.Context, slug string) (*store.Org, error)
	CreateDepartment(ctx context.Context, d *store.Department) error
	Departments(ctx context.Context, orgID int64) ([]store.Department, error)
	DepartmentCounts(ctx context.Context, orgID int64) (map[int64]int64, error)
	Department(ctx context.Context, orgID, id int64) (*store.Department, error)
	RenameDepartment(ctx context.Context, orgID, id int64, name string) error
	CreatePerson(ctx context.Context, p *store.Person) error
	SavePerson(ctx context.Context, p *store.Person) error
	Person(ctx context.Context, orgID, id int64) (*store.Person, error)
	People(ctx context.Context, f store.PeopleFilter) ([]store.Person, int64, error)
	AllPeople(ctx context.Context, orgID int64) ([]store.Person, error)
	InsertStaffAction(ctx context.Context, a *store.StaffAction) error
	MoveDepartmentPeople(ctx context.Context, orgID, from, into int64) (int64, error)
	DeleteDepartment(ctx context.Context, orgID, id int64) error
	Tx(ctx context.Context, fn func(tx *store.Store) error) error
}

// Service applies the directory's rules.
type Service struct {
	store Store
}

// New returns a Service.
func New(s Store) *Service { return &Service{store: s} }

// NewOrg is what creating a commune takes.
type NewOrg struct {
	Slug          string
	Name          string
	HRSenderName  string
	HRSenderEmail string
}

// CreateOrg validates and creates a commune (admins).
func (d *Service) CreateOrg(ctx context.Context, caller access.Caller, in NewOrg) (*store.Org, error) {
	if err := caller.Platform(access.ManageOrgs); err != nil {
		return nil, err
	}
	var v apperr.Validation
	slug := strings.TrimSpace(in.Slug)
	if slug == "" {
		v.Add("slug", "err.required")
	} else if !ValidSlug(slug) {
		v.Add("slug", "err.slug_invalid")
	}
	name := requiredLine(&v, "name", in.Name, 200)
	senderName := clean.Line(in.HRSenderName)
	if utf8.RuneCountInString(senderName) > 200 {
		v.Add("hr_sender_name", "err.too_long", 200)
	}
	senderEmail := ""
	if strings.TrimSpace(in.HRSenderEmail) != "" {
		e, ok := clean.Email(in.HRSenderEmail)
		if !ok {
			v.Add("hr_sender_email", "err.email_invalid")
		}
		senderEmail = e
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	o := &store.Org{Slug: slug, Name: name, HRSenderName: senderName, HRSenderEmail: senderEmail}
	if err := d.store.CreateOrg(ctx, o); errors.Is(err, store.ErrDuplicate) {
		return nil, apperr.Conflict("err.slug_taken")
	} else if err != nil {
		return nil, err
	}
	return o, nil
}

// Orgs lists every commune (admins).
func (d *Service) Orgs(ctx context.Context, caller access.Caller) ([]store.Org, error) {
	if err := caller.Platform(access.ManageOrgs); err != nil {
		return nil, err
	}
	return d.store.Orgs(ctx)
}

// OrgBySlug finds a commune by its slug, for an admin who names the commune
// they act in; whether they may act there is the policy's business.
func (d *Service) OrgBySlug(ctx context.Context, slug string) (*store.Org, error) {
	return d.store.OrgBySlug(ctx, slug)
}

// CreateDepartment validates and creates a department of the caller's commune.
func (d *Service) CreateDepartment(ctx context.Context, caller access.Caller, name string) (*store.Department, error) {
	if err := caller.Commune(access.ManageDirectory, caller.OrgID); err != nil {
		return nil, err
	}
	orgID := caller.OrgID
	var v apperr.Validation
	name = requiredLine(&v, "name", name, 200)
	if err := v.Err(); err != nil {
		return nil, err
	}
	dep := &store.Department{OrgID: orgID, Name: name}
	if err := d.store.CreateDepartment(ctx, dep); errors.Is(err, store.ErrDuplicate) {
		return nil, apperr.Conflict("err.department_taken")
	} else if err != nil {
		return nil, err
	}
	return dep, nil
}

// PersonInput is what creating or editing a person takes. Nil fields are
// left unchanged by an edit.
type PersonInput struct {
	// Name is the full name; GivenName and FamilyName, when given, take
	// precedence and Name becomes « given family ».
	Name         *string
	GivenName    *string
	FamilyName   *string
	Email        *string
	Role         *string
	DepartmentID *int64
	// ClearDepartment removes the person from any department (JSON null).
	ClearDepartment bool
	Language        *string
}

// Departments lists the caller's commune's departments by name.
func (d *Service) Departments(ctx context.Context, caller access.Caller) ([]store.Department, error) {
	if err := caller.Commune(access.ReadDirectory, caller.OrgID); err != nil {
		return nil, err
	}
	return d.store.Departments(ctx, caller.OrgID)
}

// DepartmentRow is a department with its number of people.
type DepartmentRow struct {
	store.Department
	People int64
}

// DepartmentsWithCounts lists the caller's commune's departments with
// their number of people, in two queries whatever their number.
func (d *Service) DepartmentsWithCounts(ctx context.Context, caller access.Caller) ([]DepartmentRow, error) {
	if err := caller.Commune(access.ManageDirectory, caller.OrgID); err != nil {
		return nil, err
	}
	deps, err := d.Departments(ctx, caller)
	if err != nil {
		return nil, err
	}
	counts, err := d.store.DepartmentCounts(ctx, caller.OrgID)
	if err != nil {
		return nil, err
	}
	out := make([]DepartmentRow, len(deps))
	for i, dep := range deps {
		out[i] = DepartmentRow{Department: dep, People: counts[dep.ID]}
	}
	return out, nil
}

// Person finds a person of the caller's commune.
func (d *Service) Person(ctx context.Context, caller access.Caller, id int64) (*store.Person, error) {
	if err := caller.Commune(access.ReadDirectory, caller.OrgID); err != nil {
		return nil, err
	}
	return d.store.Person(ctx, caller.OrgID, id)
}

// People lists the caller's commune's people, with the total before paging.
func (d *Service) People(ctx context.Context, caller access.Caller, f store.PeopleFilter) ([]store.Person, int64, error) {
	if err := caller.Commune(access.ReadDirectory, caller.OrgID); err != nil {
		return nil, 0, err
	}
	var v apperr.Validation
	if f.Role != "" && !slices.Contains(Roles, f.Role) {
		v.Add("role", "err.person_role", strings.Join(Roles, ", "))
	}
	if f.DepartmentID != 0 {
		if _, err := d.store.Department(ctx, caller.OrgID, f.DepartmentID); errors.Is(err, store.ErrNotFound) {
			v.Add("department_id", "err.department_unknown")
		} else if err != nil {
			return nil, 0, err
		}
	}
	if err := v.Err(); err != nil {
		return nil, 0, err
	}
	f.OrgID = caller.OrgID
	return d.store.People(ctx, f)
}

// CreatePerson validates and creates a person of the caller's commune.
func (d *Service) CreatePerson(ctx context.Context, caller access.Caller, in PersonInput) (*store.Person, error) {
	if err := caller.Commune(access.ManageDirectory, caller.OrgID); err != nil {
		return nil, err
	}
	return CreatePerson(ctx, d.store, caller.OrgID, in)
}

// CreatePerson validates and creates a person of orgID through st (a
// transaction, for a walk-in): for callers that already checked access.
func CreatePerson(ctx context.Context, st Store, orgID int64, in PersonInput) (*store.Person, error) {
	d := &Service{store: st}
	p := &store.Person{OrgID: orgID, Language: "fr"}
	if in.Name == nil {
		in.Name = new(string)
	}
	if in.Role == nil {
		in.Role = new(string)
	}
	if err := d.apply(ctx, p, in); err != nil {
		return nil, err
	}
	if err := d.store.CreatePerson(ctx, p); errors.Is(err, store.ErrDuplicate) {
		return nil, apperr.Conflict("err.person_email_taken")
	} else if err != nil {
		return nil, err
	}
	return p, nil
}

// UpdatePerson applies an edit to a person of the caller's commune.
func (d *Service) UpdatePerson(ctx context.Context, caller access.Caller, id int64, in PersonInput) (*store.Person, error) {
	if err := caller.Commune(access.ManageDirectory, caller.OrgID); err != nil {
		return nil, err
	}
	p, err := d.store.Person(ctx, caller.OrgID, id)
	if err != nil {
		return nil, err
	}
	if err := d.apply(ctx, p, in); err != nil {
		return nil, err
	}
	if err := d.store.SavePerson(ctx, p); errors.Is(err, store.ErrDuplicate) {
		return nil, apperr.Conflict("err.person_email_taken")
	} else if err != nil {
		return nil, err
	}
	return p, nil
}

func (d *Service) apply(ctx context.Context, p *store.Person, in PersonInput) error {
	var v apperr.Validation
	switch {
	case in.GivenName != nil || in.FamilyName != nil:
		if in.GivenName != nil {
			p.GivenName = optionalLine(&v, "given_name", *in.GivenName, 100)
		}
		if in.FamilyName != nil {
			p.FamilyName = requiredLine(&v, "family_name", *in.FamilyName, 100)
		} else if p.FamilyName == "" {
			v.Add("family_name", "err.required")
		}
		p.Name = names.Join(p.GivenName, p.FamilyName)
	case in.Name != nil:
		p.Name = requiredLine(&v, "name", *in.Name, 200)
		p.GivenName, p.FamilyName = names.Split(p.Name)
	}
	if in.Email != nil {
		if strings.TrimSpace(*in.Email) == "" {
			p.Email = nil
		} else if e, ok := clean.Email(*in.Email); ok {
			p.Email = &e
		} else {
			v.Add("email", "err.email_invalid")
		}
	}
	if in.Role != nil {
		if *in.Role == "" {
			v.Add("role", "err.required")
		} else if !slices.Contains(Roles, *in.Role) {
			v.Add("role", "err.person_role", strings.Join(Roles, ", "))
		}
		p.Role = *in.Role
	}
	if in.Language != nil {
		if !i18n.Valid(*in.Language) {
			v.Add("language", "err.language")
		}
		p.Language = *in.Language
	}
	switch {
	case in.ClearDepartment:
		p.DepartmentID = nil
	case in.DepartmentID != nil:
		if _, err := d.store.Department(ctx, p.OrgID, *in.DepartmentID); errors.Is(err, store.ErrNotFound) {
			v.Add("department_id", "err.department_unknown")
		} else if err != nil {
			return err
		}
		p.DepartmentID = in.DepartmentID
	}
	return v.Err()
}

// optionalLine cleans a one-line value and records a problem if it is too long.
func optionalLine(v *apperr.Validation, field, s string, max int) string {
	s = clean.Line(s)
	if utf8.RuneCountInString(s) > max {
		v.Add(field, "err.too_long", max)
	}
	return s
}

// requiredLine cleans a one-line value and records a problem when it is
// empty or longer than max runes.
func requiredLine(v *apperr.Validation, field, s string, max int) string {
	s = clean.Line(s)
	switch {
	case s == "":
		v.Add(field, "err.required")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "err.too_long", max)
	}
	return s
}

// RenameDepartment renames a department of the caller's commune.
func (d *Service) RenameDepartment(ctx context.Context, caller access.Caller, id int64, name string) (*store.Department, error) {
	if err := caller.Commune(access.ManageDirectory, caller.OrgID); err != nil {
		return nil, err
	}
	orgID := caller.OrgID
	var v apperr.Validation
	name = requiredLine(&v, "name", name, 200)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := d.store.RenameDepartment(ctx, orgID, id, name); errors.Is(err, store.ErrDuplicate) {
		return nil, apperr.Conflict("err.department_taken")
	} else if err != nil {
		return nil, err
	}
	return d.store.Department(ctx, orgID, id)
}

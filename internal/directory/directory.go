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

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/clean"
	"github.com/atelier-ch/atelier/internal/i18n"
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

var orgSlugRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$`)

// Service applies the directory's rules.
type Service struct {
	store *store.Store
}

// New returns a Service.
func New(s *store.Store) *Service { return &Service{store: s} }

// NewOrg is what creating a commune takes.
type NewOrg struct {
	Slug          string
	Name          string
	HRSenderName  string
	HRSenderEmail string
}

// CreateOrg validates and creates a commune.
func (d *Service) CreateOrg(ctx context.Context, in NewOrg) (*store.Org, error) {
	var v apperr.Validation
	slug := strings.TrimSpace(in.Slug)
	if slug == "" {
		v.Add("slug", "err.required")
	} else if len(slug) < 2 || !orgSlugRE.MatchString(slug) {
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

// CreateDepartment validates and creates a department of orgID.
func (d *Service) CreateDepartment(ctx context.Context, orgID int64, name string) (*store.Department, error) {
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
	Name         *string
	Email        *string
	Role         *string
	DepartmentID *int64
	// ClearDepartment removes the person from any department (JSON null).
	ClearDepartment bool
	Language        *string
}

// CreatePerson validates and creates a person of orgID.
func (d *Service) CreatePerson(ctx context.Context, orgID int64, in PersonInput) (*store.Person, error) {
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

// UpdatePerson applies an edit to a person of orgID.
func (d *Service) UpdatePerson(ctx context.Context, orgID, id int64, in PersonInput) (*store.Person, error) {
	p, err := d.store.Person(ctx, orgID, id)
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
	if in.Name != nil {
		p.Name = requiredLine(&v, "name", *in.Name, 200)
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

// RenameDepartment renames a department of orgID.
func (d *Service) RenameDepartment(ctx context.Context, orgID, id int64, name string) (*store.Department, error) {
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

package store

import (
	"gorm.io/gorm"

	"github.com/atelier-ch/atelier/internal/names"
)

// FillKeys completes a person's name parts and derives the keys searches
// and lists use: the parts from the display name when only it is given,
// the display name from the parts otherwise. It is derived data, like an
// index, so the store keeps it right whoever writes a person.
func (p *Person) FillKeys() {
	switch {
	case p.GivenName == "" && p.FamilyName == "":
		p.GivenName, p.FamilyName = names.Split(p.Name)
	case p.Name == "":
		p.Name = names.Join(p.GivenName, p.FamilyName)
	}
	email := ""
	if p.Email != nil {
		email = *p.Email
	}
	p.SearchKey = names.SearchKey(p.Name, email)
	p.SortKey = names.SortText(p.FamilyName, p.GivenName)
}

// BeforeCreate keeps the derived keys of a new person right.
func (p *Person) BeforeCreate(*gorm.DB) error {
	p.FillKeys()
	return nil
}

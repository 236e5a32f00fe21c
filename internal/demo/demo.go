// Package demo fills an empty database with a fictional commune, so that a
// new user can try Atelier at once.
package demo

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/auth"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/directory"
	"github.com/atelier-ch/atelier/internal/store"
)

// OrgSlug is the demo commune's slug.
const OrgSlug = "demo"

// Login is an account of the demo commune, with the password set at this start.
type Login struct {
	Role     string
	Email    string
	Password string
}

// Result says what Seed did.
type Result struct {
	Created bool
	Logins  []Login
}

type member struct {
	name, role string
}

// departments of the demo commune, each with its head, deputy and staff.
var departments = []struct {
	name    string
	members []member
}{
	{"Administration générale", []member{{"Hélène Favre", "municipal_secretary"}, {"Jean-Marc Rochat", "head_of_service"}, {"Céline Dubuis", "deputy_head"}, {"Noémie Pralong", "staff"}}},
	{"Finances", []member{{"François Berthod", "head_of_service"}, {"Sandrine Müller", "deputy_head"}, {"Loïc Mayor", "staff"}, {"Aurélie Carron", "staff"}, {"Nicolas Fumeaux", "staff"}}},
	{"Ressources humaines", []member{{"Isabelle Crettaz", "head_of_service"}, {"Mélanie Bonvin", "staff"}, {"Thierry Gaillard", "staff"}, {"Laetitia Beytrison", "staff"}}},
	{"Travaux publics", []member{{"Stéphane Zufferey", "head_of_service"}, {"Grégoire Luisier", "deputy_head"}, {"Benoît Délèze", "staff"}, {"Yannick Fournier", "staff"}, {"Sébastien Vocat", "staff"}}},
	{"Urbanisme et constructions", []member{{"Anne-Laure Theytaz", "head_of_service"}, {"Raphaël Bender", "deputy_head"}, {"Joëlle Savioz", "staff"}, {"Élodie Jacquier", "staff"}}},
	{"Écoles et jeunesse", []member{{"Christophe Vouilloz", "head_of_service"}, {"Léa Perruchoud", "deputy_head"}, {"Maëlle Rey", "staff"}, {"Kevin Schmid", "staff"}}},
	{"Affaires sociales", []member{{"Sophie Clivaz", "head_of_service"}, {"Pascal Moret", "staff"}, {"Chloé Métrailler", "staff"}, {"Romain Pitteloud", "staff"}}},
	{"Sécurité publique", []member{{"Olivier Salamin", "head_of_service"}, {"Daniel Imboden", "deputy_head"}, {"Julien Bétrisey", "staff"}, {"Valérie Andenmatten", "staff"}}},
}

// council members have no department.
var council = []string{"Marie-Claude Antille", "Pierre-André Glassey", "Nadia Roh", "Bernard Sierro", "Martina Zenklusen", "Édouard Vuignier", "Fabienne Dayer"}

// Seed creates the demo commune unless it exists, with a campaign under
// way: one session held (attendance, feedback) and three to come. Either way it (re)sets
// the demo accounts' passwords to new random ones and returns them, so the
// logins printed at start always work.
func Seed(ctx context.Context, s *store.Store, a *auth.Service, cat *catalog.Catalog, now time.Time) (Result, error) {
	var res Result
	_, err := s.OrgBySlug(ctx, OrgSlug)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if err := create(ctx, s, a); err != nil {
			return res, err
		}
		if err := sessions(ctx, s, cat, now); err != nil {
			return res, fmt.Errorf("demo sessions: %w", err)
		}
		res.Created = true
	case err != nil:
		return res, err
	}
	for _, acc := range accounts {
		pw := strings.ToLower(rand.Text()[:16])
		hash, err := a.HashPassword("password", pw)
		if err != nil {
			return res, err
		}
		if err := s.SetPassword(ctx, acc.email, hash); err != nil {
			return res, err
		}
		res.Logins = append(res.Logins, Login{Role: acc.role, Email: acc.email, Password: pw})
	}
	return res, nil
}

var accounts = []struct{ email, name, role string }{
	{"rh@demo.atelier.example", "Isabelle Crettaz (RH)", store.RoleHR},
	{"formatrice@demo.atelier.example", "Laura Formaz", store.RoleTrainer},
}

func create(ctx context.Context, s *store.Store, a *auth.Service) error {
	return s.Tx(ctx, func(tx *store.Store) error {
		dir := directory.New(tx)
		org, err := dir.CreateOrg(ctx, access.System("demo"), directory.NewOrg{Slug: OrgSlug, Name: "Commune de Démo", HRSenderName: "Service RH – Commune de Démo", HRSenderEmail: "rh@demo.atelier.example"})
		if err != nil {
			return err
		}
		txAuth := auth.New(tx, time.Now, 4)
		for _, acc := range accounts {
			// The real password is set by Seed right after.
			if _, err := txAuth.CreateUser(ctx, nil, auth.NewUser{Email: acc.email, Password: rand.Text(), Role: acc.role, Org: OrgSlug, Name: acc.name}); err != nil {
				return fmt.Errorf("demo account %s: %w", acc.email, err)
			}
		}
		lang := "fr"
		hrUser, err := tx.UserByEmail(ctx, accounts[0].email)
		if err != nil {
			return err
		}
		hr := auth.Caller(hrUser)
		for _, d := range departments {
			dep, err := dir.CreateDepartment(ctx, hr, d.name)
			if err != nil {
				return err
			}
			for _, m := range d.members {
				if err := addPerson(ctx, tx, org.ID, &dep.ID, m.name, m.role, lang); err != nil {
					return err
				}
			}
		}
		for i, name := range council {
			l := lang
			if i%3 == 2 {
				l = "de" // a bilingual council
			}
			if err := addPerson(ctx, tx, org.ID, nil, name, "council_member", l); err != nil {
				return err
			}
		}
		return nil
	})
}

func addPerson(ctx context.Context, st directory.Store, orgID int64, depID *int64, name, role, lang string) error {
	email := emailFor(name)
	_, err := directory.CreatePerson(ctx, st, orgID, directory.PersonInput{Name: &name, Email: &email, Role: &role, DepartmentID: depID, Language: &lang})
	return err
}

// emailFor turns "Hélène Favre" into helene.favre@demo.atelier.example.
func emailFor(name string) string {
	r := strings.NewReplacer("é", "e", "è", "e", "ê", "e", "ë", "e", "É", "e", "à", "a", "â", "a", "ï", "i", "î", "i",
		"ô", "o", "ö", "o", "ü", "u", "û", "u", "ç", "c", "ë", "e", "'", "", " ", ".")
	return strings.ToLower(r.Replace(strings.ToLower(name))) + "@demo.atelier.example"
}

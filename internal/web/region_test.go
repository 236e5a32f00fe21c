package web

import (
	"net/http"

	"github.com/atelier-ch/atelier/internal/store"
)

// regionOf creates a region of the communes orgs through the API, as the
// platform's admin.
func (a *app) regionOf(slug, name string, orgs ...*store.Org) {
	a.t.Helper()
	if res := a.as(adminEmail, "POST", "/api/v1/regions", map[string]string{"slug": slug, "name": name}); res.Code != http.StatusCreated {
		a.t.Fatalf("create region: %d %s", res.Code, res.Body)
	}
	for _, o := range orgs {
		if res := a.as(adminEmail, "POST", "/api/v1/regions/"+slug+"/communes", map[string]string{"org": o.Slug}); res.Code != http.StatusOK {
			a.t.Fatalf("add %s to the region: %d %s", o.Slug, res.Code, res.Body)
		}
	}
}

// coordinator creates the coordinator account of a region.
func (a *app) coordinator(email, region string) {
	a.t.Helper()
	res := a.as(adminEmail, "POST", "/api/v1/users", map[string]string{"email": email, "password": testPassword, "role": "coordinator", "region": region})
	if res.Code != http.StatusCreated {
		a.t.Fatalf("create coordinator: %d %s", res.Code, res.Body)
	}
}

package web

import (
	"context"

	"github.com/atelier-ch/atelier/internal/access"
)

// hrA is HR of commune A as the domain sees them.
func (a *app) hrA() access.Caller {
	a.t.Helper()
	u, err := a.store.UserByEmail(context.Background(), hrAEmail)
	if err != nil {
		a.t.Fatal(err)
	}
	return access.User(u.ID, u.Email, access.RoleHR, a.orgA.ID)
}

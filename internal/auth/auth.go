// Package auth signs users in: bcrypt passwords, bearer tokens and browser
// sessions stored as hashes, and the principal every request acts as.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/audit"
	"github.com/atelier-ch/atelier/internal/clean"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/store"
)

// Lifetimes of the credentials handed out.
const (
	APITokenTTL = 7 * 24 * time.Hour
	WebTTL      = 12 * time.Hour
	minPassword = 10
	maxPassword = 72 // bcrypt ignores what is beyond 72 bytes
)

// Caller describes a signed-in account to the domain's access policy.
func Caller(u *store.User) access.Caller {
	if u.Role == store.RoleCoordinator && u.RegionID != nil {
		return access.Coordinator(u.ID, u.Email, *u.RegionID)
	}
	var org int64
	if u.OrgID != nil {
		org = *u.OrgID
	}
	return access.User(u.ID, u.Email, u.Role, org)
}

// Store is what accounts need from the data layer.
type Store interface {
	UserByEmail(ctx context.Context, email string) (*store.User, error)
	UsersByEmail(ctx context.Context, email string) ([]store.User, error)
	User(ctx context.Context, id int64) (*store.User, error)
	Users(ctx context.Context, orgID int64) ([]store.User, error)
	OrgsByID(ctx context.Context, ids []int64) (map[int64]*store.Org, error)
	OrgBySlug(ctx context.Context, slug string) (*store.Org, error)
	RegionBySlug(ctx context.Context, slug string) (*store.Region, error)
	RegionsByID(ctx context.Context, ids []int64) (map[int64]*store.Region, error)
	CreateUser(ctx context.Context, u *store.User) error
	SetUserRole(ctx context.Context, id int64, role string) error
	CreateAuthToken(ctx context.Context, t *store.AuthToken) error
	UserByTokenHash(ctx context.Context, hash, kind string, now time.Time) (*store.User, *store.AuthToken, error)
	DeleteAuthToken(ctx context.Context, hash string) error
	InsertStaffAction(ctx context.Context, a *store.StaffAction) error
	LoginAttempts(ctx context.Context, keys []string, now time.Time, decide func(rows []*store.LoginAttempt) error) error
	DeleteLoginAttemptsBefore(ctx context.Context, t time.Time) (int64, error)
	AccountStore
}

// Service issues and checks credentials.
type Service struct {
	store        Store
	mailer       ResetMailer
	mailDelivers bool
	now          func() time.Time
	cost         int
	dummy        []byte

	// compare checks a password against its hash (bcrypt's; tests count
	// the calls).
	compare func(hash, password []byte) error

	// No cache of checked tokens: a disabled account or a revoked token
	// must answer 401 at once on every instance; the check is one indexed
	// query.

	mu        sync.Mutex
	lastSweep time.Time // of the sign-in counts (limit.go)
}

// New returns a Service; now is the clock (time.Now in production).
func New(s Store, now func() time.Time, bcryptCost int) *Service {
	if bcryptCost == 0 {
		bcryptCost = bcrypt.DefaultCost
	}
	dummy, _ := bcrypt.GenerateFromPassword([]byte("not a real password"), bcryptCost)
	return &Service{store: s, now: now, cost: bcryptCost, dummy: dummy, compare: bcrypt.CompareHashAndPassword}
}

// HashPassword checks a new password's length and hashes it with bcrypt.
func (a *Service) HashPassword(field, password string) (string, error) {
	if utf8.RuneCountInString(password) < minPassword {
		return "", apperr.Invalid(field, "err.password_short", minPassword)
	}
	if len(password) > maxPassword {
		return "", apperr.Invalid(field, "err.password_long", maxPassword)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), a.cost)
	return string(h), err
}

// Login checks an email and password and returns a new token of kind
// (store.TokenAPI or store.TokenWeb) with its expiry. Wrong credentials are
// a 401 that does not say which part was wrong. Every attempt is counted
// before the password is checked; past the limits of limit.go for the email
// from the client address (addr), or for the address, a 429.
func (a *Service) Login(ctx context.Context, email, password, kind, addr string) (string, time.Time, *store.User, error) {
	now := a.now()
	if err := a.countAttempt(ctx, email, addr, now); err != nil {
		return "", time.Time{}, nil, err
	}
	users, err := a.store.UsersByEmail(ctx, strings.TrimSpace(email))
	if err != nil {
		return "", time.Time{}, nil, err
	}
	if len(users) == 0 {
		// Spend the same time as a real check, so timing does not tell
		// which emails have accounts.
		_ = a.compare(a.dummy, []byte(password))
		return "", time.Time{}, nil, apperr.Unauthorized("err.bad_credentials")
	}
	// Someone working for two communes has an account in each: the
	// password says which one signs in.
	var u *store.User
	for i := range users {
		if a.compare([]byte(users[i].PasswordHash), []byte(password)) == nil && users[i].DisabledAt == nil {
			u = &users[i]
			break
		}
	}
	if u == nil {
		// A disabled account answers like a wrong password.
		return "", time.Time{}, nil, apperr.Unauthorized("err.bad_credentials")
	}
	if err := a.succeeded(ctx, email, addr, now); err != nil {
		return "", time.Time{}, nil, err
	}
	ttl := APITokenTTL
	if kind == store.TokenWeb {
		ttl = WebTTL
	}
	token := rand.Text() + rand.Text() // 260 bits, base32, URL-safe
	expires := a.now().Add(ttl).UTC().Truncate(time.Second)
	if err := a.store.CreateAuthToken(ctx, &store.AuthToken{UserID: u.ID, Hash: Hash(token), Kind: kind, ExpiresAt: expires}); err != nil {
		return "", time.Time{}, nil, err
	}
	return token, expires, u, nil
}

// Authenticate finds the enabled account owning an unexpired token of kind.
func (a *Service) Authenticate(ctx context.Context, token, kind string) (*store.User, error) {
	if token == "" || len(token) > 128 {
		return nil, apperr.Unauthorized("err.unauthenticated")
	}
	u, _, err := a.store.UserByTokenHash(ctx, Hash(token), kind, a.now())
	if errors.Is(err, store.ErrNotFound) {
		return nil, apperr.Unauthorized("err.unauthenticated")
	}
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Logout revokes a token.
func (a *Service) Logout(ctx context.Context, token string) error {
	return a.store.DeleteAuthToken(ctx, Hash(token))
}

// Hash is the stored form of a token: hex SHA-256. Tokens carry 260 random
// bits, so a fast hash is enough; the database never holds a usable token.
func Hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewUser is what creating an account takes.
type NewUser struct {
	Email    string
	Password string
	Role     string
	Org      string
	// Region is a coordinator's region (its slug); only a coordinator has
	// one, and no commune.
	Region   string
	Name     string
	Language string
}

// CreateUser validates and creates an account. An hr user may only create
// hr and trainer accounts of their own commune; an admin may create any,
// and the coordinator of a region (with Region, without Org). The command
// line (no caller) may create any.
func (a *Service) CreateUser(ctx context.Context, caller *access.Caller, in NewUser) (*Account, error) {
	if caller != nil && caller.Platform(access.ManageOrgs) != nil {
		if err := caller.Commune(access.ManageAccounts, caller.OrgID); err != nil {
			return nil, err
		}
	}
	var v apperr.Validation
	email, ok := clean.Email(in.Email)
	if !ok {
		v.Add("email", "err.email_invalid")
	}
	if !slices.Contains(store.UserRoles, in.Role) {
		v.Add("role", "err.user_role", strings.Join(store.UserRoles, ", "))
	}
	name := clean.Line(in.Name)
	if utf8.RuneCountInString(name) > 200 {
		v.Add("name", "err.too_long", 200)
	}
	lang := in.Language
	if lang == "" {
		lang = "fr"
	}
	if !i18n.Valid(lang) {
		v.Add("language", "err.language")
	}
	hash, err := a.HashPassword("password", in.Password)
	if e, ok := apperr.As(err); ok {
		for f, m := range e.Fields {
			v.Add(f, m.Key, m.Args...)
		}
	} else if err != nil {
		return nil, err
	}
	var orgID, regionID *int64
	var orgSlug, regionSlug string
	if in.Role != store.RoleCoordinator && strings.TrimSpace(in.Region) != "" {
		v.Add("region", "region.err.region_not_coordinator")
	}
	switch {
	case in.Role == store.RoleCoordinator:
		if caller != nil {
			if err := caller.Platform(access.ManageRegions); err != nil {
				return nil, err
			}
		}
		if in.Org != "" {
			v.Add("org", "region.err.coordinator_org")
		}
		r, err := a.store.RegionBySlug(ctx, strings.TrimSpace(in.Region))
		switch {
		case strings.TrimSpace(in.Region) == "":
			v.Add("region", "region.err.region_required")
		case errors.Is(err, store.ErrNotFound):
			v.Add("region", "region.err.region_unknown")
		case err != nil:
			return nil, err
		default:
			regionID, regionSlug = &r.ID, r.Slug
		}
	case caller != nil && caller.Role != access.RoleAdmin:
		if in.Role == store.RoleAdmin {
			return nil, apperr.Forbidden("err.forbidden")
		}
		if in.Org != "" {
			o, err := a.store.OrgBySlug(ctx, in.Org)
			if err != nil || o.ID != caller.OrgID {
				v.Add("org", "err.org_unknown")
			}
		}
		id := caller.OrgID
		orgID = &id
		if orgs, err := a.store.OrgsByID(ctx, []int64{id}); err == nil && orgs[id] != nil {
			orgSlug = orgs[id].Slug
		}
	case in.Org != "":
		o, err := a.store.OrgBySlug(ctx, in.Org)
		if errors.Is(err, store.ErrNotFound) {
			v.Add("org", "err.org_unknown")
		} else if err != nil {
			return nil, err
		} else {
			orgID, orgSlug = &o.ID, o.Slug
		}
	case in.Role != store.RoleAdmin:
		v.Add("org", "err.org_required")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	u := &store.User{OrgID: orgID, RegionID: regionID, Email: email, Name: name, PasswordHash: hash, Role: in.Role, Language: lang}
	if err := a.store.CreateUser(ctx, u); errors.Is(err, store.ErrDuplicate) {
		return nil, apperr.Conflict("err.email_taken")
	} else if err != nil {
		return nil, err
	}
	if caller != nil {
		org := int64(0)
		if u.OrgID != nil {
			org = *u.OrgID
		}
		if err := audit.Staff(ctx, a.store, *caller, org, "account_created", userTarget(u), map[string]any{"role": u.Role}, a.now()); err != nil {
			return nil, err
		}
	}
	return &Account{User: *u, OrgSlug: orgSlug, RegionSlug: regionSlug}, nil
}

// BootstrapAdmin creates an admin with email and password unless an account
// with that email exists. It reports whether it created one.
func (a *Service) BootstrapAdmin(ctx context.Context, email, password string) (bool, error) {
	if _, err := a.store.UserByEmail(ctx, email); err == nil {
		return false, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	_, err := a.CreateUser(ctx, nil, NewUser{Email: email, Password: password, Role: store.RoleAdmin, Name: "Administrateur"})
	if apperr.Is(err, apperr.CodeConflict) {
		return false, nil // created by another instance meanwhile
	}
	return err == nil, err
}

// SetRole changes an account's role (admins only): an admin cannot demote
// themself, so that a commune never loses its last way in by accident.
func (a *Service) SetRole(ctx context.Context, caller access.Caller, userID int64, role string) (*Account, error) {
	if err := caller.Platform(access.ManageRoles); err != nil {
		return nil, err
	}
	if !slices.Contains(store.UserRoles, role) {
		return nil, apperr.Invalid("role", "err.user_role", strings.Join(store.UserRoles, ", "))
	}
	u, err := a.store.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	if u.ID == caller.UserID && role != store.RoleAdmin {
		return nil, apperr.Conflict("err.self_demote")
	}
	// A coordinator belongs to a region and to no commune: the role comes
	// with the account, which is made for it.
	if (role == store.RoleCoordinator) != (u.Role == store.RoleCoordinator) {
		return nil, apperr.Invalid("role", "region.err.coordinator_role")
	}
	if role != store.RoleAdmin && role != store.RoleCoordinator && u.OrgID == nil {
		return nil, apperr.Invalid("role", "err.org_required")
	}
	if err := a.store.SetUserRole(ctx, userID, role); err != nil {
		return nil, err
	}
	from := u.Role
	u.Role = role
	if err := audit.Staff(ctx, a.store, caller, orgOf(u), "role_changed", userTarget(u), map[string]any{"from": from, "to": role}, a.now()); err != nil {
		return nil, err
	}
	return a.account(ctx, u), nil
}

// Account is a user as lists show it, with the slug of their commune (or
// a coordinator's region).
type Account struct {
	store.User
	OrgSlug    string
	RegionSlug string
}

// Users lists accounts: an hr user's commune's; for an admin every account,
// or one commune's when the admin acts in it.
func (a *Service) Users(ctx context.Context, caller access.Caller) ([]Account, error) {
	var orgID int64
	if caller.Platform(access.ListAllUsers) != nil || caller.OrgID != 0 {
		if err := caller.Commune(access.ManageAccounts, caller.OrgID); err != nil {
			return nil, err
		}
		orgID = caller.OrgID
	}
	users, err := a.store.Users(ctx, orgID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(users))
	for _, u := range users {
		if u.OrgID != nil {
			ids = append(ids, *u.OrgID)
		}
	}
	orgs, err := a.store.OrgsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	var rids []int64
	for _, u := range users {
		if u.RegionID != nil {
			rids = append(rids, *u.RegionID)
		}
	}
	regions, err := a.store.RegionsByID(ctx, rids)
	if err != nil {
		return nil, err
	}
	out := make([]Account, len(users))
	for i, u := range users {
		out[i] = Account{User: u}
		if u.OrgID != nil {
			if o, ok := orgs[*u.OrgID]; ok {
				out[i].OrgSlug = o.Slug
			}
		}
		if u.RegionID != nil {
			if r, ok := regions[*u.RegionID]; ok {
				out[i].RegionSlug = r.Slug
			}
		}
	}
	return out, nil
}

// Trainers lists the accounts of the caller's commune that can run a
// session: its trainers and HR.
func (a *Service) Trainers(ctx context.Context, caller access.Caller) ([]store.User, error) {
	if err := caller.Commune(access.ScheduleSession, caller.OrgID); err != nil {
		return nil, err
	}
	users, err := a.store.Users(ctx, caller.OrgID)
	if err != nil {
		return nil, err
	}
	out := users[:0]
	for _, u := range users {
		if u.Role == store.RoleTrainer || u.Role == store.RoleHR {
			out = append(out, u)
		}
	}
	return out, nil
}

// userTarget names an account in the staff log.
func userTarget(u *store.User) string { return fmt.Sprintf("user:%d %s", u.ID, u.Email) }

// orgOf is an account's commune, 0 for a platform admin.
func orgOf(u *store.User) int64 {
	if u.OrgID == nil {
		return 0
	}
	return *u.OrgID
}

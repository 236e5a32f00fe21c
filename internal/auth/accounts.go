package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/audit"
	"github.com/atelier-ch/atelier/internal/store"
)

// ResetTTL is how long a password reset link works.
const ResetTTL = 24 * time.Hour

// AccountStore is what managing accounts writes through.
type AccountStore interface {
	SetUserDisabled(ctx context.Context, id int64, at *time.Time) error
	DeleteUserTokens(ctx context.Context, userID int64) error
	CreatePasswordReset(ctx context.Context, r *store.PasswordReset) error
	UsePasswordReset(ctx context.Context, hash string, now time.Time) (*store.PasswordReset, error)
	SetUserPassword(ctx context.Context, id int64, hash string) error
}

// manage checks that the caller may manage account u: an admin any, HR
// their commune's accounts but an admin's.
func (a *Service) manage(ctx context.Context, caller access.Caller, userID int64) (*store.User, error) {
	u, err := a.store.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	if caller.Platform(access.ManageRoles) == nil {
		return u, nil
	}
	if u.OrgID == nil {
		return nil, apperr.NotFound("err.not_found")
	}
	if err := caller.Commune(access.ManageAccounts, *u.OrgID); err != nil {
		return nil, err
	}
	if u.Role == store.RoleAdmin {
		return nil, apperr.Forbidden("err.forbidden")
	}
	return u, nil
}

// SetDisabled disables an account (or enables it again): a disabled account
// cannot sign in, and its bearer tokens and browser sessions stop working
// at once, on every instance. Nobody disables their own account.
func (a *Service) SetDisabled(ctx context.Context, caller access.Caller, userID int64, disabled bool) (*Account, error) {
	u, err := a.manage(ctx, caller, userID)
	if err != nil {
		return nil, err
	}
	if u.ID == caller.UserID && disabled {
		return nil, apperr.Conflict("err.self_disable")
	}
	var at *time.Time
	if disabled {
		now := a.now().UTC()
		at = &now
	}
	if err := a.store.SetUserDisabled(ctx, u.ID, at); err != nil {
		return nil, err
	}
	if disabled {
		if err := a.store.DeleteUserTokens(ctx, u.ID); err != nil {
			return nil, err
		}
	}
	action := "account_enabled"
	if disabled {
		action = "account_disabled"
	}
	if err := audit.Staff(ctx, a.store, caller, orgOf(u), action, userTarget(u), nil, a.now()); err != nil {
		return nil, err
	}
	u.DisabledAt = at
	return a.account(ctx, u), nil
}

// ResetMailer sends a reset link to the account's owner; it reports
// whether a mail was queued.
type ResetMailer interface {
	MailReset(ctx context.Context, u *store.User, token string, expires time.Time) (bool, error)
}

// SetMailer gives the service the way to mail reset links; delivers says
// whether mail actually leaves (SMTP configured): otherwise the link is
// shown once to whoever made it.
func (a *Service) SetMailer(m ResetMailer, delivers bool) {
	a.mailer, a.mailDelivers = m, delivers
}

// Reset is a password reset link just made.
type Reset struct {
	User *store.User
	// Token opens the link; it is shown once, never stored. It is empty
	// when the link went by mail.
	Token   string
	Expires time.Time
	Mailed  bool
}

// CreateReset makes a one-time link, valid ResetTTL, with which the
// account's owner chooses a new password.
func (a *Service) CreateReset(ctx context.Context, caller access.Caller, userID int64) (*Reset, error) {
	u, err := a.manage(ctx, caller, userID)
	if err != nil {
		return nil, err
	}
	token := rand.Text() + rand.Text()
	r := &store.PasswordReset{UserID: u.ID, Hash: Hash(token), ExpiresAt: a.now().Add(ResetTTL).UTC(), CreatedBy: caller.UserRef(), CreatedAt: a.now().UTC()}
	if err := a.store.CreatePasswordReset(ctx, r); err != nil {
		return nil, err
	}
	if err := audit.Staff(ctx, a.store, caller, orgOf(u), "password_reset_link", userTarget(u), nil, a.now()); err != nil {
		return nil, err
	}
	out := &Reset{User: u, Token: token, Expires: r.ExpiresAt}
	if a.mailer != nil {
		if out.Mailed, err = a.mailer.MailReset(ctx, u, token, r.ExpiresAt); err != nil {
			return nil, err
		}
	}
	if out.Mailed && a.mailDelivers {
		out.Token = "" // the owner has it; nobody else needs to see it
	}
	return out, nil
}

// ResetPassword sets a new password with a reset link, once: the link is
// used up, and every other sign-in of the account ends.
func (a *Service) ResetPassword(ctx context.Context, token, password string) (*store.User, error) {
	if len(token) < 16 || len(token) > 128 {
		return nil, apperr.NotFound("err.reset_unknown")
	}
	hash, err := a.HashPassword("password", password)
	if err != nil {
		return nil, err
	}
	r, err := a.store.UsePasswordReset(ctx, Hash(token), a.now())
	if errors.Is(err, store.ErrNotFound) {
		return nil, apperr.NotFound("err.reset_unknown")
	}
	if err != nil {
		return nil, err
	}
	if err := a.store.SetUserPassword(ctx, r.UserID, hash); err != nil {
		return nil, err
	}
	if err := a.store.DeleteUserTokens(ctx, r.UserID); err != nil {
		return nil, err
	}
	return a.store.User(ctx, r.UserID)
}

// ChangePassword changes the caller's own password, given the current one;
// their other sign-ins end, this one goes on.
func (a *Service) ChangePassword(ctx context.Context, caller access.Caller, current, password string) error {
	if caller.UserID == 0 {
		return apperr.Unauthorized("err.unauthenticated")
	}
	u, err := a.store.User(ctx, caller.UserID)
	if err != nil {
		return err
	}
	if a.compare([]byte(u.PasswordHash), []byte(current)) != nil {
		return apperr.Invalid("current_password", "err.current_password")
	}
	hash, err := a.HashPassword("password", password)
	if err != nil {
		return err
	}
	return a.store.SetUserPassword(ctx, u.ID, hash)
}

// account is u with its commune's slug.
func (a *Service) account(ctx context.Context, u *store.User) *Account {
	out := &Account{User: *u}
	if u.OrgID != nil {
		if orgs, err := a.store.OrgsByID(ctx, []int64{*u.OrgID}); err == nil && orgs[*u.OrgID] != nil {
			out.OrgSlug = orgs[*u.OrgID].Slug
		}
	}
	if u.RegionID != nil {
		if rs, err := a.store.RegionsByID(ctx, []int64{*u.RegionID}); err == nil && rs[*u.RegionID] != nil {
			out.RegionSlug = rs[*u.RegionID].Slug
		}
	}
	return out
}

// UserChange is an edit of an account: nil fields stay as they are.
type UserChange struct {
	Role     *string
	Disabled *bool
}

// UpdateUser applies an edit: a role (admins), disabling or enabling
// (admins, HR for their commune's accounts).
func (a *Service) UpdateUser(ctx context.Context, caller access.Caller, userID int64, ch UserChange) (*Account, error) {
	var out *Account
	var err error
	if ch.Role == nil && ch.Disabled == nil {
		return nil, apperr.Invalid("role", "err.nothing_to_change")
	}
	if ch.Role != nil {
		if out, err = a.SetRole(ctx, caller, userID, *ch.Role); err != nil {
			return nil, err
		}
	}
	if ch.Disabled != nil {
		if out, err = a.SetDisabled(ctx, caller, userID, *ch.Disabled); err != nil {
			return nil, err
		}
	}
	return out, nil
}

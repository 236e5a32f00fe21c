package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/atelier-ch/atelier/internal/names"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm/clause"
)

// CreateOrg inserts a commune; a taken slug is ErrDuplicate.
func (s *Store) CreateOrg(ctx context.Context, o *Org) error {
	return translate(s.with(ctx).Create(o).Error)
}

// Orgs lists every commune by name.
func (s *Store) Orgs(ctx context.Context) ([]Org, error) {
	var out []Org
	if err := s.with(ctx).Find(&out).Error; err != nil {
		return nil, translate(err)
	}
	slices.SortStableFunc(out, func(a, b Org) int { return names.Compare(a.Name, b.Name) })
	return out, nil
}

// OrgBySlug finds a commune by its slug.
func (s *Store) OrgBySlug(ctx context.Context, slug string) (*Org, error) {
	var o Org
	return &o, translate(s.with(ctx).Where("slug = ?", slug).Take(&o).Error)
}

// Org finds a commune by id.
func (s *Store) Org(ctx context.Context, id int64) (*Org, error) {
	var o Org
	return &o, translate(s.with(ctx).Take(&o, id).Error)
}

// CreateDepartment inserts a department; a name already used in the commune
// is ErrDuplicate.
func (s *Store) CreateDepartment(ctx context.Context, d *Department) error {
	return translate(s.with(ctx).Create(d).Error)
}

// Departments lists a commune's departments by name.
func (s *Store) Departments(ctx context.Context, orgID int64) ([]Department, error) {
	var out []Department
	if err := s.with(ctx).Where("org_id = ?", orgID).Find(&out).Error; err != nil {
		return nil, translate(err)
	}
	SortDepartments(out)
	return out, nil
}

// Department finds a department of a commune.
func (s *Store) Department(ctx context.Context, orgID, id int64) (*Department, error) {
	var d Department
	return &d, translate(s.with(ctx).Where("org_id = ? AND id = ?", orgID, id).Take(&d).Error)
}

// CreatePerson inserts a person; an email already used in the commune is
// ErrDuplicate.
func (s *Store) CreatePerson(ctx context.Context, p *Person) error {
	return translate(s.with(ctx).Create(p).Error)
}

// SavePerson updates a person's fields. A person erased meanwhile is
// ErrNotFound: never written back (gorm's Save would insert it again).
func (s *Store) SavePerson(ctx context.Context, p *Person) error {
	p.FillKeys()
	res := s.with(ctx).Model(&Person{}).Where("org_id = ? AND id = ?", p.OrgID, p.ID).Updates(map[string]any{
		"name": p.Name, "given_name": p.GivenName, "family_name": p.FamilyName, "search_key": p.SearchKey, "sort_key": p.SortKey,
		"email": p.Email, "role": p.Role, "department_id": p.DepartmentID, "language": p.Language, "updated_at": time.Now().UTC(),
	})
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrNotFound
	}
	return translate(res.Error)
}

// Person finds a person of a commune.
func (s *Store) Person(ctx context.Context, orgID, id int64) (*Person, error) {
	var p Person
	return &p, translate(s.with(ctx).Where("org_id = ? AND id = ?", orgID, id).Take(&p).Error)
}

// PeopleByID returns the people of a commune among ids, keyed by id; ids of
// other communes are simply absent.
func (s *Store) PeopleByID(ctx context.Context, orgID int64, ids []int64) (map[int64]*Person, error) {
	out := make(map[int64]*Person, len(ids))
	for chunk := range slices.Chunk(ids, 500) {
		var ps []Person
		if err := s.with(ctx).Where(s.byIDsOf(orgID, chunk)).Find(&ps).Error; err != nil {
			return nil, translate(err)
		}
		for i := range ps {
			out[ps[i].ID] = &ps[i]
		}
	}
	return out, nil
}

// PeopleFilter selects people of one commune.
type PeopleFilter struct {
	OrgID        int64
	Role         string
	DepartmentID int64
	Query        string
	// Present leaves out the people who left the commune.
	Present bool
	Limit   int
	Offset  int
}

// People lists a commune's people by name, with the total before paging.
func (s *Store) People(ctx context.Context, f PeopleFilter) ([]Person, int64, error) {
	q := s.with(ctx).Model(&Person{}).Where("org_id = ?", f.OrgID)
	if f.Role != "" {
		q = q.Where("role = ?", f.Role)
	}
	if f.DepartmentID != 0 {
		q = q.Where("department_id = ?", f.DepartmentID)
	}
	if f.Present {
		q = q.Where("left_at IS NULL")
	}
	// Every word must appear, in any order: « rochat jean » finds
	// « Jean-Marc Rochat ».
	for _, word := range strings.Fields(names.Fold(f.Query)) {
		q = q.Where("search_key LIKE ? ESCAPE '\\'", names.LikePattern(word))
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	q = q.Order(s.bytewise("sort_key")).Order("id")
	if f.Limit > 0 {
		q = q.Limit(f.Limit).Offset(f.Offset)
	}
	var out []Person
	return out, total, translate(q.Find(&out).Error)
}

// bytewise orders by a column of hex sort keys byte by byte: PostgreSQL
// would otherwise apply the database's collation to the text.
func (s *Store) bytewise(col string) string {
	if s.dialect == Postgres {
		return col + ` COLLATE "C"`
	}
	return col
}

// CreateUser inserts an account; a taken email is ErrDuplicate.
func (s *Store) CreateUser(ctx context.Context, u *User) error {
	u.Email = strings.ToLower(u.Email)
	return translate(s.with(ctx).Create(u).Error)
}

// UsersByEmail lists the accounts with an email, case-insensitively: one
// per commune at most (someone may work for two), and the platform's admin.
func (s *Store) UsersByEmail(ctx context.Context, email string) ([]User, error) {
	var out []User
	return out, translate(s.with(ctx).Where("email = ?", strings.ToLower(email)).Order("id").Find(&out).Error)
}

// UserByEmail finds the first account with an email, case-insensitively.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	var u User
	return &u, translate(s.with(ctx).Where("email = ?", strings.ToLower(email)).Take(&u).Error)
}

// User finds an account by id.
func (s *Store) User(ctx context.Context, id int64) (*User, error) {
	var u User
	return &u, translate(s.with(ctx).Take(&u, id).Error)
}

// Users lists accounts, of one commune when orgID is not zero.
func (s *Store) Users(ctx context.Context, orgID int64) ([]User, error) {
	q := s.with(ctx).Order("email")
	if orgID != 0 {
		q = q.Where("org_id = ?", orgID)
	}
	var out []User
	return out, translate(q.Find(&out).Error)
}

// UsersByID returns the accounts among ids that belong to orgID.
func (s *Store) UsersByID(ctx context.Context, orgID int64, ids []int64) (map[int64]*User, error) {
	var us []User
	if err := s.with(ctx).Where("org_id = ? AND id IN ?", orgID, ids).Find(&us).Error; err != nil {
		return nil, translate(err)
	}
	out := make(map[int64]*User, len(us))
	for i := range us {
		out[us[i].ID] = &us[i]
	}
	return out, nil
}

// CountUsers counts every account.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	return n, translate(s.with(ctx).Model(&User{}).Count(&n).Error)
}

// CreateAuthToken stores a token hash.
func (s *Store) CreateAuthToken(ctx context.Context, t *AuthToken) error {
	return translate(s.with(ctx).Create(t).Error)
}

// UserByTokenHash finds the enabled account owning an unexpired token of
// that kind. Every request runs it: the checks that arrive together are
// answered by one query (tokencheck.go), straight to the driver, without
// gorm's building and reflection, which cost more than the query itself.
func (s *Store) UserByTokenHash(ctx context.Context, hash, kind string, now time.Time) (*User, *AuthToken, error) {
	if s.tokens != nil {
		return s.checkToken(ctx, hash, kind, now)
	}
	// In a transaction: through it.
	q := userByTokenSQL
	if s.dialect == Postgres {
		q = userByTokenPG
	}
	var u User
	t := AuthToken{Hash: hash, Kind: kind}
	err := s.db.Statement.ConnPool.QueryRowContext(ctx, q, hash, kind, now.UTC()).Scan(
		&u.ID, &u.OrgID, &u.RegionID, &u.Email, &u.Name, &u.PasswordHash, &u.Role, &u.Language,
		&u.FeedTokenHash, &u.FeedTokenAt, &u.DisabledAt, &u.CreatedAt, &u.UpdatedAt, &t.ID, &t.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, translate(err)
	}
	t.UserID = u.ID
	return &u, &t, nil
}

const userByTokenSQL = `SELECT u.id, u.org_id, u.region_id, u.email, u.name, u.password_hash, u.role, u.language,
  u.feed_token_hash, u.feed_token_at, u.disabled_at, u.created_at, u.updated_at, t.id, t.expires_at
FROM auth_tokens t JOIN users u ON u.id = t.user_id
WHERE t.hash = ? AND t.kind = ? AND t.expires_at > ? AND u.disabled_at IS NULL`

var userByTokenPG = strings.NewReplacer("t.hash = ?", "t.hash = $1", "t.kind = ?", "t.kind = $2", "t.expires_at > ?", "t.expires_at > $3").Replace(userByTokenSQL)

// DeleteAuthToken revokes a token.
func (s *Store) DeleteAuthToken(ctx context.Context, hash string) error {
	return translate(s.with(ctx).Where("hash = ?", hash).Delete(&AuthToken{}).Error)
}

// DeleteExpiredTokens removes tokens that expired before now.
func (s *Store) DeleteExpiredTokens(ctx context.Context, now time.Time) (int64, error) {
	res := s.with(ctx).Where("expires_at <= ?", now).Delete(&AuthToken{})
	return res.RowsAffected, translate(res.Error)
}

// SetPassword replaces the password hash of the account with that email.
func (s *Store) SetPassword(ctx context.Context, email, hash string) error {
	res := s.with(ctx).Model(&User{}).Where("email = ?", strings.ToLower(email)).Update("password_hash", hash)
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrNotFound
	}
	return translate(res.Error)
}

// UserByFeedTokenHash finds the enabled account whose calendar feed a
// token (by its hash) opens.
func (s *Store) UserByFeedTokenHash(ctx context.Context, hash string) (*User, error) {
	var u User
	return &u, translate(s.with(ctx).Where("feed_token_hash = ? AND disabled_at IS NULL", hash).Take(&u).Error)
}

// SetFeedTokenHash gives an account a new feed token (its hash), replacing
// the old one: the old address stops working at once. With onlyIfNone, an
// account that has one keeps it and false is returned.
func (s *Store) SetFeedTokenHash(ctx context.Context, userID int64, hash string, at time.Time, onlyIfNone bool) (bool, error) {
	q := s.with(ctx).Model(&User{}).Where("id = ?", userID)
	if onlyIfNone {
		q = q.Where("feed_token_hash IS NULL")
	}
	res := q.Updates(map[string]any{"feed_token_hash": hash, "feed_token_at": at.UTC()})
	return res.RowsAffected > 0, translate(res.Error)
}

// ClearFeedToken revokes an account's feed: its address answers 404.
func (s *Store) ClearFeedToken(ctx context.Context, userID int64) error {
	res := s.with(ctx).Model(&User{}).Where("id = ?", userID).Updates(map[string]any{"feed_token_hash": nil, "feed_token_at": nil})
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrNotFound
	}
	return translate(res.Error)
}

// RenameDepartment renames a department of a commune; a name in use is
// ErrDuplicate.
func (s *Store) RenameDepartment(ctx context.Context, orgID, id int64, name string) error {
	res := s.with(ctx).Model(&Department{}).Where("org_id = ? AND id = ?", orgID, id).Update("name", name)
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrNotFound
	}
	return translate(res.Error)
}

// SetUserRole changes an account's role.
func (s *Store) SetUserRole(ctx context.Context, id int64, role string) error {
	res := s.with(ctx).Model(&User{}).Where("id = ?", id).Update("role", role)
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrNotFound
	}
	return translate(res.Error)
}

// LockPerson reads a person of a commune and locks the row until the
// transaction ends (FOR UPDATE on PostgreSQL; SQLite's transaction holds the
// database's write lock already).
func (s *Store) LockPerson(ctx context.Context, orgID, id int64) (*Person, error) {
	q := s.with(ctx)
	if s.dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var p Person
	return &p, translate(q.Where("org_id = ? AND id = ?", orgID, id).Take(&p).Error)
}

// byIDsOf selects rows by id among a commune's. The commune's term is
// written +org_id so that no index is used for it: SQLite, which has no
// statistics, would otherwise walk the commune's index (all its people)
// rather than look up a few ids by primary key. (PostgreSQL plans it the
// same way, by primary key.)
func (s *Store) byIDsOf(orgID int64, ids []int64) clause.Expr {
	in := s.idsIn("id", ids)
	return clause.Expr{SQL: "+org_id = ? AND " + in.SQL, Vars: append([]any{orgID}, in.Vars...)}
}

// SharePeople reads the people of a commune among ids and holds their rows
// shared until the transaction ends, so that none is erased meanwhile.
func (s *Store) SharePeople(ctx context.Context, orgID int64, ids []int64) (map[int64]*Person, error) {
	out := make(map[int64]*Person, len(ids))
	for chunk := range slices.Chunk(ids, 500) {
		q := s.with(ctx)
		if s.dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: "SHARE"})
		}
		var ps []Person
		if err := q.Where(s.byIDsOf(orgID, chunk)).Find(&ps).Error; err != nil {
			return nil, translate(err)
		}
		for i := range ps {
			out[ps[i].ID] = &ps[i]
		}
	}
	return out, nil
}

// OrgsByID returns the communes among ids, keyed by id.
func (s *Store) OrgsByID(ctx context.Context, ids []int64) (map[int64]*Org, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	out := make(map[int64]*Org, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var orgs []Org
	if err := s.with(ctx).Where("id IN ?", ids).Find(&orgs).Error; err != nil {
		return nil, translate(err)
	}
	for i := range orgs {
		out[orgs[i].ID] = &orgs[i]
	}
	return out, nil
}

// DepartmentCounts counts the people of each department of a commune.
func (s *Store) DepartmentCounts(ctx context.Context, orgID int64) (map[int64]int64, error) {
	var rows []struct {
		DepartmentID int64
		N            int64
	}
	err := s.with(ctx).Model(&Person{}).Select("department_id, COUNT(*) AS n").
		Where("org_id = ? AND department_id IS NOT NULL", orgID).Group("department_id").Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make(map[int64]int64, len(rows))
	for _, r := range rows {
		out[r.DepartmentID] = r.N
	}
	return out, nil
}

// SortDepartments orders departments by name as a French reader expects
// (« Écoles » between « E » and « F »).
func SortDepartments(deps []Department) {
	slices.SortStableFunc(deps, func(a, b Department) int { return names.Compare(a.Name, b.Name) })
}

// AllPeople lists every person of a commune in sort order.
func (s *Store) AllPeople(ctx context.Context, orgID int64) ([]Person, error) {
	var out []Person
	return out, translate(s.with(ctx).Where("org_id = ?", orgID).Order(s.bytewise("sort_key")).Order("id").Find(&out).Error)
}

// MoveDepartmentPeople moves every person of department from into another
// of the same commune, with the anonymous counts of erased people; call it
// inside Tx. It returns how many people moved.
func (s *Store) MoveDepartmentPeople(ctx context.Context, orgID, from, into int64) (int64, error) {
	res := s.with(ctx).Model(&Person{}).Where("org_id = ? AND department_id = ?", orgID, from).Update("department_id", into)
	if res.Error != nil {
		return 0, translate(res.Error)
	}
	err := s.with(ctx).Model(&Registration{}).Where("org_id = ? AND anon_department_id = ?", orgID, from).Update("anon_department_id", into).Error
	return res.RowsAffected, translate(err)
}

// DeleteDepartment removes a department of a commune; the schema refuses
// it while people belong to it.
func (s *Store) DeleteDepartment(ctx context.Context, orgID, id int64) error {
	res := s.with(ctx).Where("org_id = ? AND id = ?", orgID, id).Delete(&Department{})
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrNotFound
	}
	return translate(res.Error)
}

// PasswordReset is a one-time link to choose a new password; only its
// token's hash is kept.
type PasswordReset struct {
	ID        int64
	UserID    int64
	Hash      string
	ExpiresAt time.Time
	UsedAt    *time.Time
	CreatedBy *int64
	CreatedAt time.Time
}

// SetUserDisabled disables an account (at set) or enables it (nil).
func (s *Store) SetUserDisabled(ctx context.Context, id int64, at *time.Time) error {
	res := s.with(ctx).Model(&User{}).Where("id = ?", id).Update("disabled_at", at)
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrNotFound
	}
	return translate(res.Error)
}

// DeleteUserTokens revokes every bearer token and browser session of an
// account.
func (s *Store) DeleteUserTokens(ctx context.Context, userID int64) error {
	return translate(s.with(ctx).Where("user_id = ?", userID).Delete(&AuthToken{}).Error)
}

// CreatePasswordReset stores a reset link's hash.
func (s *Store) CreatePasswordReset(ctx context.Context, r *PasswordReset) error {
	return translate(s.with(ctx).Create(r).Error)
}

// UsePasswordReset marks a reset link used, atomically: one link, one use,
// whatever the concurrency. An unknown, used or expired link is ErrNotFound.
func (s *Store) UsePasswordReset(ctx context.Context, hash string, now time.Time) (*PasswordReset, error) {
	res := s.with(ctx).Model(&PasswordReset{}).Where("hash = ? AND used_at IS NULL AND expires_at > ?", hash, now.UTC()).Update("used_at", now.UTC())
	if res.Error != nil {
		return nil, translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return nil, ErrNotFound
	}
	var r PasswordReset
	return &r, translate(s.with(ctx).Where("hash = ?", hash).Take(&r).Error)
}

// SetUserPassword replaces an account's password hash.
func (s *Store) SetUserPassword(ctx context.Context, id int64, hash string) error {
	res := s.with(ctx).Model(&User{}).Where("id = ?", id).Update("password_hash", hash)
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrNotFound
	}
	return translate(res.Error)
}

// StaffAction records a staff action on accounts or personal data: who,
// when, what (migration 0011).
type StaffAction struct {
	ID          int64
	CreatedAt   time.Time
	ActorUserID *int64
	Actor       string
	OrgID       *int64
	Action      string
	Target      string
	Detail      string
}

// InsertStaffAction records a staff action.
func (s *Store) InsertStaffAction(ctx context.Context, a *StaffAction) error {
	return translate(s.with(ctx).Create(a).Error)
}

// StaffActionFilter selects staff actions.
type StaffActionFilter struct {
	// OrgID, when not zero, keeps one commune's.
	OrgID         int64
	Limit, Offset int
}

// StaffActions lists staff actions, newest first, with the total.
func (s *Store) StaffActions(ctx context.Context, f StaffActionFilter) ([]StaffAction, int64, error) {
	q := s.with(ctx).Model(&StaffAction{})
	if f.OrgID != 0 {
		q = q.Where("org_id = ?", f.OrgID)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit).Offset(f.Offset)
	}
	var out []StaffAction
	return out, total, translate(q.Order("created_at DESC").Order("id DESC").Find(&out).Error)
}

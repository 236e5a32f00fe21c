// Package access decides who may do what on what: one caller type for every
// entry point of the domain (a signed-in user with a role and a commune, a
// region's coordinator, a participant holding a personal link, or nobody)
// and one policy over it.
//
// Domain packages describe the resource (which commune owns it, whether a
// session is open to other communes, who trains it) and ask the policy;
// they never compare roles themselves, and the web layer never does.
package access

import (
	"slices"

	"github.com/atelier-ch/atelier/internal/apperr"
)

// Roles a caller can have. The first four are accounts; a participant has
// no account and acts through the token of one registration.
const (
	RoleAdmin       = "admin"
	RoleHR          = "hr"
	RoleTrainer     = "trainer"
	RoleCoordinator = "coordinator"
	RoleParticipant = "participant"
)

// Caller is whoever makes a request.
type Caller struct {
	// UserID is the account, 0 for a participant or nobody.
	UserID int64
	// Label names the caller in audit logs (an email, or "participant").
	Label string
	Role  string
	// OrgID is the commune the caller acts for: an hr or trainer user's
	// own, the commune an admin chose to act in, 0 otherwise.
	OrgID int64
	// RegionID is a coordinator's region, 0 for everyone else: a
	// coordinator acts for a region and never in a commune.
	RegionID int64
	// RegistrationID is the registration a participant's token opens.
	RegistrationID int64
}

// User is the caller of a signed-in account.
func User(id int64, label, role string, orgID int64) Caller {
	return Caller{UserID: id, Label: label, Role: role, OrgID: orgID}
}

// Coordinator is the caller of a region's coordinator account.
func Coordinator(id int64, label string, regionID int64) Caller {
	return Caller{UserID: id, Label: label, Role: RoleCoordinator, RegionID: regionID}
}

// Participant is the caller holding the personal link of a registration.
func Participant(registrationID int64) Caller {
	return Caller{Label: "participant", Role: RoleParticipant, RegistrationID: registrationID}
}

// RoleSystem is the role of work nobody asked for in a request.
const RoleSystem = "system"

// System is the caller of work nobody asked for in a request: the command
// line, the demo, scheduled purges. It is never built from a request. It
// may act on the platform (create a commune), not in a commune's data.
func System(label string) Caller { return Caller{Label: label, Role: RoleSystem} }

// UserRef returns the account id for audit columns, nil when there is none.
func (c Caller) UserRef() *int64 {
	if c.UserID == 0 {
		return nil
	}
	id := c.UserID
	return &id
}

// IsParticipant reports whether the caller acts through a personal link.
func (c Caller) IsParticipant() bool { return c.Role == RoleParticipant }

// Action is something a caller wants to do.
type Action string

// Actions on the platform itself.
const (
	ManageOrgs   Action = "manage_orgs"  // create and list communes
	ManageRoles  Action = "manage_roles" // change any account's role
	ListAllUsers Action = "list_all_users"
	ReadStaffLog Action = "read_staff_log" // who did what to accounts and personal data
	// ManageRegions creates regions, puts communes in them and gives
	// them coordinators.
	ManageRegions Action = "manage_regions"
	// PurgeExpired purges the personal data kept beyond the retention
	// period: the scheduled job and the command line only, never a request.
	PurgeExpired Action = "purge_expired"
)

// Actions on a commune's data.
const (
	ReadDirectory   Action = "read_directory"   // people and services
	ManageDirectory Action = "manage_directory" // add, edit, import people and services
	ManagePrivacy   Action = "manage_privacy"   // export or erase a person
	ReadReports     Action = "read_reports"     // campaign report, attendance export
	ReadOutbox      Action = "read_outbox"      // the mails
	ManageAccounts  Action = "manage_accounts"  // the commune's accounts
	ScheduleSession Action = "schedule_session" // create a session
	BookPeople      Action = "book_people"      // book the commune's people (anywhere they may go)
	ListSessions    Action = "list_sessions"    // the sessions a commune sees
	UseFeed         Action = "use_feed"         // a staff calendar feed
	PlanCampaign    Action = "plan_campaign"    // propose, edit, read and confirm a campaign plan
	// The commune's strategy around the training (guide §3). Survey
	// results hold no person and the memento is for all staff: trainers
	// read them to prepare and present; the roadmap is the council's and
	// HR's.
	LaunchSurvey  Action = "launch_survey"  // ask an audience to answer a survey
	ReadSurveys   Action = "read_surveys"   // the surveys and their anonymous results
	EditMemento   Action = "edit_memento"   // save a new version of the memento
	ReadMemento   Action = "read_memento"   // the memento and its versions
	ManageRoadmap Action = "manage_roadmap" // read and edit the roadmap
	// The commune's own formats (issue 17): staff read them (trainers
	// print their sheets), HR copies, adapts and publishes them.
	ReadFormats  Action = "read_formats"
	AdaptFormats Action = "adapt_formats"
	// Communes together (guide §1, §4): the consent to show the commune's
	// aggregates to its region, and the exchange of experience after the
	// pilot. Both are HR's (or an admin's in the commune) to give.
	ShareWithRegion  Action = "share_with_region"
	RecordExperience Action = "record_experience" // write, read and publish the commune's answers
)

// Actions on a region's shared data: aggregates and published answers,
// never a commune's people.
const (
	ReadRegionReport     Action = "read_region_report"     // the regional view and its PDF: the coordinator's
	ReadRegionExperience Action = "read_region_experience" // the experience published in the region: its coordinator and its communes' HR
)

// Actions on one session.
const (
	ViewSession       Action = "view_session"
	EditSession       Action = "edit_session" // reschedule, resize, cancel
	ViewHistory       Action = "view_history"
	BookInto          Action = "book_into"
	ViewRegistrations Action = "view_registrations"
	TakeAttendance    Action = "take_attendance" // mark, check in
	PrintKit          Action = "print_kit"       // sign-in sheet, programme, sheets, certificates
	// AddWalkIns adds people on the spot: people of the session's commune,
	// so its HR and trainers only, not a trainer of another commune
	// running a pooled session.
	AddWalkIns Action = "add_walk_ins"
)

// Actions on one registration.
const (
	CancelRegistration Action = "cancel_registration"
	SeeToken           Action = "see_token" // the personal link opens the person's page
	ActOnOwnLink       Action = "act_on_own_link"
	// AnswerInvitation is the person's own answer to their invitation
	// (accept, maybe, decline), from their page or their calendar: only
	// the participant of that registration gives it, nobody on their behalf.
	AnswerInvitation Action = "answer_invitation"
)

// Session describes a session to the policy.
type Session struct {
	OrgID int64
	// Open is true when other communes may book their people into it.
	Open bool
	// Trainers are the accounts that run it.
	Trainers []int64
}

// Registration describes a registration to the policy.
type Registration struct {
	ID int64
	// OrgID is the person's commune (not always the session's).
	OrgID   int64
	Session Session
}

func errNotFound() error  { return apperr.NotFound("err.not_found") }
func errForbidden() error { return apperr.Forbidden("err.forbidden") }

// staff is an account that works for a commune: HR (or an admin acting in
// a commune) and trainers.
func (c Caller) staff() bool {
	return c.UserID != 0 && c.OrgID != 0 && (c.Role == RoleHR || c.Role == RoleAdmin || c.Role == RoleTrainer)
}

// manager is HR, or an admin acting in a commune.
func (c Caller) manager() bool {
	return c.UserID != 0 && c.OrgID != 0 && (c.Role == RoleHR || c.Role == RoleAdmin)
}

// Platform decides an action on the platform itself: admins only.
func (c Caller) Platform(a Action) error {
	if c.Role == RoleSystem {
		return nil
	}
	if a == PurgeExpired {
		return errForbidden() // not a person's decision: the retention period's
	}
	if c.UserID == 0 {
		return errNotFound()
	}
	switch a {
	case ManageOrgs, ManageRoles, ListAllUsers, ReadStaffLog, ManageRegions:
		if c.Role == RoleAdmin {
			return nil
		}
	}
	return errForbidden()
}

// Commune decides an action on the data of commune orgID. Another
// commune's data does not exist for the caller (404); their own data they
// may not touch is a 403.
func (c Caller) Commune(a Action, orgID int64) error {
	switch {
	case c.UserID == 0:
		return errNotFound()
	case c.homeless():
		// An admin acts in a commune only when they name it (?org=slug).
		return apperr.Forbidden("err.admin_needs_org")
	case c.OrgID == 0 || orgID != c.OrgID || !c.staff():
		return errNotFound()
	}
	switch a {
	case ReadDirectory, ListSessions, UseFeed:
		return nil // trainers read the people and services they check in
	case ReadSurveys, ReadMemento:
		return nil // anonymous results, and a memento meant for all staff
	case ReadFormats:
		return nil // trainers print the sheets of the formats they run
	case ManageDirectory, ManagePrivacy, ReadReports, ReadOutbox, ManageAccounts, ScheduleSession, BookPeople, PlanCampaign,
		LaunchSurvey, EditMemento, ManageRoadmap, ShareWithRegion, RecordExperience, AdaptFormats:
		if c.manager() {
			return nil
		}
	}
	return errForbidden()
}

// Region describes a region to the policy.
type Region struct {
	ID int64
	// Communes are the communes that belong to it.
	Communes []int64
}

// OnRegion decides an action on what region r's communes share with it.
// A coordinator reads their own region only; HR of a commune of the region
// reads what the communes published, not the aggregates (the coordinator's
// working view); for anyone else the region does not exist (404), but a
// platform admin, who is refused (403).
func (c Caller) OnRegion(a Action, r Region) error {
	switch {
	case c.UserID == 0:
		return errNotFound()
	case c.homeless():
		return errForbidden()
	case r.ID == 0:
		return errNotFound()
	}
	coordinator := c.Role == RoleCoordinator && c.RegionID == r.ID
	member := c.staff() && slices.Contains(r.Communes, c.OrgID)
	switch a {
	case ReadRegionReport:
		if coordinator {
			return nil
		}
	case ReadRegionExperience:
		if coordinator || (member && c.manager()) {
			return nil
		}
	}
	if member {
		return errForbidden()
	}
	return errNotFound()
}

// trains reports whether the caller runs the session.
func (c Caller) trains(s Session) bool {
	return c.UserID != 0 && slices.Contains(s.Trainers, c.UserID)
}

// sees reports whether the session exists for the caller at all: their
// commune's, or another commune's session open to all.
func (c Caller) sees(s Session) bool {
	return c.staff() && (s.OrgID == c.OrgID || s.Open)
}

// homeless is an admin who has not named the commune they act in.
func (c Caller) homeless() bool { return c.UserID != 0 && c.Role == RoleAdmin && c.OrgID == 0 }

// OnSession decides an action on a session.
func (c Caller) OnSession(a Action, s Session) error {
	if c.homeless() {
		return apperr.Forbidden("err.admin_needs_org")
	}
	if !c.sees(s) {
		return errNotFound()
	}
	own := s.OrgID == c.OrgID
	switch a {
	case ViewSession:
		return nil
	case BookInto:
		// Other communes book their own people into open sessions.
		if c.manager() {
			return nil
		}
	case EditSession, ViewHistory:
		if !own {
			return errNotFound()
		}
		if c.manager() {
			return nil
		}
	case ViewRegistrations:
		// HR of another commune sees only their own people (the domain
		// filters the rows); a trainer sees the people of sessions they
		// run, another commune's pooled session included (names only).
		if c.manager() || c.trains(s) {
			return nil
		}
		if own {
			return apperr.Forbidden("err.not_your_session")
		}
		return errNotFound()
	case TakeAttendance, PrintKit:
		// A trainer of another commune may run a pooled session.
		if !own && !c.trains(s) {
			return errNotFound()
		}
		if c.manager() || c.trains(s) {
			return nil
		}
		return apperr.Forbidden("err.not_your_session")
	case AddWalkIns:
		if !own && !c.trains(s) {
			return errNotFound()
		}
		if !own {
			return apperr.Forbidden("pool.err.walkin_host")
		}
		if c.manager() || c.trains(s) {
			return nil
		}
		return apperr.Forbidden("err.not_your_session")
	}
	return errForbidden()
}

// OnRegistration decides an action on a registration.
func (c Caller) OnRegistration(a Action, r Registration) error {
	if c.homeless() && a != SeeToken {
		return apperr.Forbidden("err.admin_needs_org")
	}
	switch a {
	case ActOnOwnLink, AnswerInvitation:
		if c.IsParticipant() && c.RegistrationID == r.ID && r.ID != 0 {
			return nil
		}
		return errNotFound()
	case SeeToken:
		// The token opens the person's page, invite and cancellation: it
		// belongs to the person's own commune, whoever hosts the session.
		if c.manager() && r.OrgID == c.OrgID {
			return nil
		}
		return errForbidden()
	case CancelRegistration:
		if c.manager() && (r.OrgID == c.OrgID || r.Session.OrgID == c.OrgID) {
			return nil
		}
		if c.sees(r.Session) && (r.OrgID == c.OrgID || r.Session.OrgID == c.OrgID) {
			return errForbidden()
		}
		return errNotFound()
	}
	return errForbidden()
}

// CanSeeToken is OnRegistration(SeeToken, r) == nil, for redacting lists.
func (c Caller) CanSeeToken(r Registration) bool { return c.OnRegistration(SeeToken, r) == nil }

// SeesAllRegistrations reports whether the caller sees every registration
// of the session — its commune, or a trainer running it — or only those of
// their own commune's people. Of another commune's people they see no more
// than a trainer needs (SeesPersonDetails).
func (c Caller) SeesAllRegistrations(s Session) bool { return s.OrgID == c.OrgID || c.trains(s) }

// SeesPersonDetails reports whether the caller sees more of a person
// registered than their name (address, service): only for people of their
// own commune. Nothing personal crosses a commune.
func (c Caller) SeesPersonDetails(personOrg int64) bool { return c.OrgID != 0 && personOrg == c.OrgID }

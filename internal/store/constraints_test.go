package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
)

// row is a table row for insertRow: column → value.
type row map[string]any

// execer is a *sql.DB or a *sql.Tx.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

var t0 = time.Date(2026, 3, 2, 8, 30, 0, 0, time.UTC)

// rowDefaults fills the required columns of a table's row, unique values
// drawn from its id.
func rowDefaults(table string, id any) row {
	switch table {
	case "orgs":
		return row{"slug": fmt.Sprintf("org-%v", id), "name": "Commune", "created_at": t0}
	case "departments":
		return row{"org_id": 1, "name": fmt.Sprintf("Service %v", id), "created_at": t0}
	case "people":
		return row{"org_id": 1, "name": "Person", "email": fmt.Sprintf("p%v@example.ch", id), "role": "staff", "language": "fr", "created_at": t0, "updated_at": t0}
	case "users":
		return row{"org_id": 1, "email": fmt.Sprintf("u%v@example.ch", id), "password_hash": "x", "role": "hr", "language": "fr", "created_at": t0}
	case "auth_tokens":
		return row{"user_id": 1, "hash": fmt.Sprintf("hash-%v", id), "kind": "web", "expires_at": t0.Add(24 * time.Hour), "created_at": t0}
	case "sessions":
		return row{"uid": fmt.Sprintf("s%v@test", id), "org_id": 1, "format_slug": "intro", "title": "Intro", "starts_at": t0, "ends_at": t0.Add(2 * time.Hour),
			"capacity": 2, "language": "fr", "status": "scheduled", "created_at": t0, "updated_at": t0}
	case "registrations":
		return row{"session_id": 1, "org_id": 1, "status": "booked", "attendance": "unknown", "token": fmt.Sprintf("token-%v", id), "created_at": t0, "updated_at": t0}
	case "audit_entries":
		return row{"org_id": 1, "actor": "test", "action": "test", "created_at": t0}
	case "outbox_messages":
		return row{"org_id": 1, "session_id": 1, "kind": "booked", "to_email": "p@example.ch", "from_email": "rh@example.ch", "subject": "s",
			"text_body": "t", "html_body": "h", "ics": "", "ics_method": "REQUEST", "message_id": fmt.Sprintf("m%v@test", id), "status": "pending",
			"next_attempt_at": t0, "created_at": t0}
	case "calendar_replies":
		return row{"message_key": fmt.Sprintf("key-%v", id), "registration_id": 1, "answer": "accepted", "sequence": 0, "received_at": t0}
	case "feedback":
		return row{"registration_id": 1, "session_id": 1, "org_id": 1, "overall": 4, "will_use": 4, "confidence_before": 2, "confidence_after": 4, "created_at": t0, "updated_at": t0}
	case "plans":
		return row{"org_id": 1, "format_slug": "intro", "status": "proposed", "request": "{}", "proposal": "{}", "fingerprint": strings.Repeat("f", 64), "created_at": t0, "updated_at": t0}
	case "plan_sessions":
		return row{"plan_id": 1, "position": 0, "session_id": 1}
	case "surveys":
		return row{"org_id": 1, "kind": "etat_des_lieux", "slug": fmt.Sprintf("survey-%v", id), "closes_at": t0.Add(7 * 24 * time.Hour), "created_at": t0}
	case "regions":
		return row{"slug": fmt.Sprintf("region-%v", id), "name": "Région", "created_at": t0}
	case "experiences":
		return row{"org_id": 1, "content": "{}", "updated_at": t0, "created_at": t0}
	case "survey_invitations":
		return row{"survey_id": 9, "org_id": 1, "token": fmt.Sprintf("st-%v", id), "group_key": "staff", "created_at": t0}
	}
	return row{}
}

// insertRow inserts r into table, completed by rowDefaults.
func insertRow(ctx context.Context, db execer, table string, r row) error {
	full := rowDefaults(table, r["id"])
	maps.Copy(full, r)
	cols := slices.Sorted(maps.Keys(full))
	marks := make([]string, len(cols))
	args := make([]any, len(cols))
	for i, c := range cols {
		marks[i] = fmt.Sprintf("$%d", i+1)
		args[i] = full[c]
	}
	_, err := db.ExecContext(ctx, "INSERT INTO "+table+" ("+strings.Join(cols, ", ")+") VALUES ("+strings.Join(marks, ", ")+")", args...)
	return err
}

type tableRow struct {
	table string
	row   row
}

// fixture is one of everything, all linked, and waiting list 1 of session 1.
var fixture = []tableRow{
	{"orgs", row{"id": 1}},
	{"departments", row{"id": 1}},
	{"people", row{"id": 1, "department_id": 1}},
	{"people", row{"id": 2, "department_id": 1}},
	{"users", row{"id": 1}},
	{"auth_tokens", row{"id": 1}},
	{"sessions", row{"id": 1, "created_by": 1}},
	{"session_trainers", row{"session_id": 1, "user_id": 1}},
	{"registrations", row{"id": 1, "person_id": 1, "attendance_by": 1, "anon_department_id": 1}},
	{"registrations", row{"id": 2, "person_id": 2, "status": "waitlisted", "waitlist_position": 1}},
	{"audit_entries", row{"id": 1, "session_id": 1, "person_id": 1, "actor_user_id": 1}},
	{"outbox_messages", row{"id": 1, "registration_id": 1}},
	{"feedback", row{"id": 1}},
	{"plans", row{"id": 1, "created_by": 1, "status": "confirmed", "confirmed_by": 1, "confirmed_at": t0}},
	{"plan_sessions", row{"plan_id": 1, "position": 0, "session_id": 1}},
}

// TestConstraints checks that the database itself refuses what breaks an
// invariant, whatever the Go code does, and applies the ON DELETE actions.
func TestConstraints(t *testing.T) {
	type change struct {
		sql   string     // a statement, or
		table string     // a row to insert
		row   row        //
		err   [2]string  // refused: what the error says on SQLite and on PostgreSQL
		after [][]string // then: query, the value it must give
	}
	fk := func(name string) [2]string { return [2]string{"FOREIGN KEY constraint failed", name} }
	ck := func(name string) [2]string { return [2]string{name, name} }
	waitlistUnique := [2]string{"UNIQUE constraint failed: registrations.session_id, registrations.waitlist_scope, registrations.waitlist_position", "ux_registrations_session_waitlist"}
	cases := map[string][]change{
		"capacity 0":                  {{table: "sessions", row: row{"id": 9, "capacity": 0}, err: ck("ck_sessions_capacity")}},
		"capacity set to 0":           {{sql: "UPDATE sessions SET capacity = 0 WHERE id = 1", err: ck("ck_sessions_capacity")}},
		"ends before starts":          {{table: "sessions", row: row{"id": 9, "ends_at": t0.Add(-time.Minute)}, err: ck("ck_sessions_ends_after_starts")}},
		"ends when it starts":         {{table: "sessions", row: row{"id": 9, "ends_at": t0}, err: ck("ck_sessions_ends_after_starts")}},
		"unknown session status":      {{table: "sessions", row: row{"id": 9, "status": "draft"}, err: ck("ck_sessions_status")}},
		"unknown session language":    {{table: "sessions", row: row{"id": 9, "language": "it"}, err: ck("ck_sessions_language")}},
		"session of no commune":       {{table: "sessions", row: row{"id": 9, "org_id": 99}, err: fk("fk_sessions_org")}},
		"session by no user":          {{table: "sessions", row: row{"id": 9, "created_by": 99}, err: fk("fk_sessions_created_by")}},
		"waitlisted without position": {{table: "registrations", row: row{"id": 9, "person_id": 3, "status": "waitlisted"}, err: ck("ck_registrations_waitlist")}},
		"waitlisted at position 0":    {{table: "registrations", row: row{"id": 9, "status": "waitlisted", "waitlist_position": 0}, err: ck("ck_registrations_waitlist")}},
		"booked with a position":      {{table: "registrations", row: row{"id": 9, "waitlist_position": 2}, err: ck("ck_registrations_waitlist")}},
		"cancelled with a position":   {{table: "registrations", row: row{"id": 9, "status": "cancelled", "waitlist_position": 2}, err: ck("ck_registrations_waitlist")}},
		"promoted keeping a position": {{sql: "UPDATE registrations SET status = 'booked' WHERE id = 2", err: ck("ck_registrations_waitlist")}},
		"duplicate waitlist position": {{table: "registrations", row: row{"id": 9, "status": "waitlisted", "waitlist_position": 1}, err: waitlistUnique}},
		"unknown registration status": {{table: "registrations", row: row{"id": 9, "status": "pending"}, err: ck("ck_registrations_status")}},
		// Migration 0014: one waiting list per commune in a session with
		// quotas, positions unique in each list, a commune on its own list.
		"waiting on another commune's list": {{table: "orgs", row: row{"id": 9}}, {table: "registrations", row: row{"id": 9, "status": "waitlisted", "waitlist_position": 2, "waitlist_scope": 9}, err: ck("ck_registrations_waitlist_scope")}},
		"two communes' lists in one session": {
			{table: "orgs", row: row{"id": 9}},
			{table: "registrations", row: row{"id": 9, "org_id": 9, "status": "waitlisted", "waitlist_position": 1, "waitlist_scope": 9}},
			{table: "registrations", row: row{"id": 10, "org_id": 1, "status": "waitlisted", "waitlist_position": 1, "waitlist_scope": 1}},
			{table: "registrations", row: row{"id": 11, "org_id": 9, "status": "waitlisted", "waitlist_position": 1, "waitlist_scope": 9}, err: waitlistUnique},
		},
		"quota below 0":       {{table: "session_quotas", row: row{"session_id": 1, "org_id": 1, "seats": -1}, err: ck("ck_session_quotas_seats")}},
		"quota of no commune": {{table: "session_quotas", row: row{"session_id": 1, "org_id": 99, "seats": 2}, err: fk("fk_session_quotas_org")}},
		"quota of no session": {{table: "session_quotas", row: row{"session_id": 99, "org_id": 1, "seats": 2}, err: fk("fk_session_quotas_session")}},
		"deleting a session takes its quotas": {{table: "sessions", row: row{"id": 9}}, {table: "session_quotas", row: row{"session_id": 9, "org_id": 1, "seats": 2}}, {sql: "DELETE FROM sessions WHERE id = 9", after: [][]string{
			{"SELECT COUNT(*) FROM session_quotas", "0"},
		}}},
		// Migration 0013: versions of a commune's formats, which sessions keep.
		"session of no format version": {{table: "sessions", row: row{"id": 9, "format_version_id": 99}, err: fk("fk_sessions_format_version")}},
		"format version 0": {
			{table: "formats", row: row{"id": 9, "org_id": 1, "slug": "f9", "based_on": "intro", "version": 1, "created_at": t0, "updated_at": t0}},
			{table: "format_versions", row: row{"id": 9, "format_id": 9, "version": 0, "body": "{}", "created_at": t0}, err: ck("ck_format_versions_version")},
		},
		"a version kept by a session stays": {
			{table: "formats", row: row{"id": 9, "org_id": 1, "slug": "f9", "based_on": "intro", "version": 1, "created_at": t0, "updated_at": t0}},
			{table: "format_versions", row: row{"id": 9, "format_id": 9, "version": 1, "body": "{}", "created_at": t0}},
			{table: "sessions", row: row{"id": 9, "format_version_id": 9}},
			{sql: "DELETE FROM format_versions WHERE id = 9", err: fk("fk_sessions_format_version")},
		},
		"unknown attendance":         {{table: "registrations", row: row{"id": 9, "attendance": "late"}, err: ck("ck_registrations_attendance")}},
		"registration of no session": {{table: "registrations", row: row{"id": 9, "session_id": 99}, err: fk("fk_registrations_session")}},
		"registration of no person":  {{table: "registrations", row: row{"id": 9, "person_id": 99}, err: fk("fk_registrations_person")}},
		"registration of no commune": {{table: "registrations", row: row{"id": 9, "org_id": 99}, err: fk("fk_registrations_org")}},
		"unknown answer":             {{table: "registrations", row: row{"id": 9, "rsvp": "maybe"}, err: ck("ck_registrations_rsvp")}},
		"answer set to nothing":      {{sql: "UPDATE registrations SET rsvp = '' WHERE id = 1", err: ck("ck_registrations_rsvp")}},
		"reply of no registration":   {{table: "calendar_replies", row: row{"message_key": "k9", "registration_id": 99}, err: fk("fk_calendar_replies_registration")}},
		"reply with no answer":       {{table: "calendar_replies", row: row{"message_key": "k9", "answer": "needs_action"}, err: ck("ck_calendar_replies_answer")}},
		"unknown user role":          {{table: "users", row: row{"id": 9, "role": "root"}, err: ck("ck_users_role")}},
		"unknown user language":      {{table: "users", row: row{"id": 9, "language": "en"}, err: ck("ck_users_language")}},
		"unknown person role":        {{table: "people", row: row{"id": 9, "role": "mayor"}, err: ck("ck_people_role")}},
		"person in no department":    {{table: "people", row: row{"id": 9, "department_id": 99}, err: fk("fk_people_department")}},
		"unknown token kind":         {{table: "auth_tokens", row: row{"id": 9, "kind": "cli"}, err: ck("ck_auth_tokens_kind")}},
		"token of no user":           {{table: "auth_tokens", row: row{"id": 9, "user_id": 99}, err: fk("fk_auth_tokens_user")}},
		"unknown outbox status":      {{table: "outbox_messages", row: row{"id": 9, "status": "queued"}, err: ck("ck_outbox_messages_status")}},
		"mail about a session and a survey": {
			{table: "surveys", row: row{"id": 9}},
			{table: "survey_invitations", row: row{"id": 9}},
			{table: "outbox_messages", row: row{"id": 9, "survey_invitation_id": 9}, err: ck("ck_outbox_messages_about")},
		},
		"mail about an account": {{table: "outbox_messages", row: row{"id": 9, "session_id": nil, "kind": "password_reset"}, after: [][]string{
			{"SELECT COUNT(*) FROM outbox_messages WHERE session_id IS NULL", "1"},
		}}},
		"rating 0":                          {{table: "feedback", row: row{"id": 9, "registration_id": 2, "overall": 0}, err: ck("ck_feedback_overall")}},
		"rating 6":                          {{table: "feedback", row: row{"id": 9, "registration_id": 2, "confidence_after": 6}, err: ck("ck_feedback_confidence_after")}},
		"feedback of no registration":       {{table: "feedback", row: row{"id": 9, "registration_id": 99}, err: fk("fk_feedback_registration")}},
		"trainer of no session":             {{table: "session_trainers", row: row{"session_id": 99, "user_id": 1}, err: fk("fk_session_trainers_session")}},
		"deleting a department with people": {{sql: "DELETE FROM departments WHERE id = 1", err: fk("fk_people_department")}},
		"deleting a commune in use":         {{sql: "DELETE FROM orgs WHERE id = 1", err: fk("fk_")}},
		"unknown plan status":               {{table: "plans", row: row{"id": 9, "status": "draft"}, err: ck("ck_plans_status")}},
		"confirmed plan without a time":     {{table: "plans", row: row{"id": 9, "status": "confirmed"}, err: ck("ck_plans_confirmed")}},
		"proposed plan confirmed at a time": {{table: "plans", row: row{"id": 9, "confirmed_at": t0}, err: ck("ck_plans_confirmed")}},
		"plan without its fingerprint":      {{table: "plans", row: row{"id": 9, "fingerprint": "abc"}, err: ck("ck_plans_fingerprint")}},
		"plan of no commune":                {{table: "plans", row: row{"id": 9, "org_id": 99}, err: fk("fk_plans_org")}},
		"plan by no user":                   {{table: "plans", row: row{"id": 9, "created_by": 99}, err: fk("fk_plans_created_by")}},
		"planned session of no plan":        {{table: "sessions", row: row{"id": 9}}, {table: "plan_sessions", row: row{"plan_id": 99, "position": 1, "session_id": 9}, err: fk("fk_plan_sessions_plan")}},
		"planned session that is none":      {{table: "plan_sessions", row: row{"position": 1, "session_id": 99}, err: fk("fk_plan_sessions_session")}},
		"planned position below 0":          {{table: "plans", row: row{"id": 9}}, {table: "plan_sessions", row: row{"plan_id": 9, "position": -1}, err: ck("ck_plan_sessions_position")}},
		"a session of two plans": {
			{table: "plans", row: row{"id": 9}},
			{table: "plan_sessions", row: row{"plan_id": 9, "position": 0, "session_id": 1}, err: [2]string{"UNIQUE constraint failed: plan_sessions.session_id", "ux_plan_sessions_session"}},
		},
		"two sessions at one position": {{table: "sessions", row: row{"id": 9}}, {table: "plan_sessions", row: row{"position": 0, "session_id": 9}, err: [2]string{"UNIQUE constraint failed: plan_sessions.plan_id, plan_sessions.position", "plan_sessions_pkey"}}},
		"deleting a plan takes its record of sessions, not the sessions": {{sql: "DELETE FROM plans WHERE id = 1", after: [][]string{
			{"SELECT COUNT(*) FROM plan_sessions", "0"},
			{"SELECT COUNT(*) FROM sessions", "1"},
		}}},
		// Regions (0012).
		"two regions of one slug":              {{table: "regions", row: row{"id": 8, "slug": "region-9"}}, {table: "regions", row: row{"id": 9}, err: [2]string{"UNIQUE constraint failed: regions.slug", "ux_regions_slug"}}},
		"commune in no region":                 {{sql: "UPDATE orgs SET region_id = 99 WHERE id = 1", err: fk("fk_orgs_region")}},
		"sharing without a region":             {{sql: "UPDATE orgs SET share_with_region = true WHERE id = 1", err: ck("ck_orgs_share_with_region")}},
		"coordinator of no region":             {{table: "users", row: row{"id": 9, "org_id": nil, "role": "coordinator"}, err: ck("ck_users_coordinator")}},
		"coordinator of a missing region":      {{table: "users", row: row{"id": 9, "org_id": nil, "role": "coordinator", "region_id": 99}, err: fk("fk_users_region")}},
		"coordinator in a commune":             {{table: "regions", row: row{"id": 9}}, {table: "users", row: row{"id": 9, "role": "coordinator", "region_id": 9}, err: ck("ck_users_coordinator")}},
		"coordinator with a feed":              {{table: "regions", row: row{"id": 9}}, {table: "users", row: row{"id": 9, "org_id": nil, "role": "coordinator", "region_id": 9, "feed_token_hash": "h"}, err: ck("ck_users_coordinator")}},
		"hr of a region":                       {{table: "regions", row: row{"id": 9}}, {table: "users", row: row{"id": 9, "region_id": 9}, err: ck("ck_users_coordinator")}},
		"deleting a region in use":             {{table: "regions", row: row{"id": 9}}, {sql: "UPDATE orgs SET region_id = 9 WHERE id = 1"}, {sql: "DELETE FROM regions WHERE id = 9", err: fk("fk_orgs_region")}},
		"two experiences of a commune":         {{table: "experiences", row: row{"id": 8}}, {table: "experiences", row: row{"id": 9}, err: [2]string{"UNIQUE constraint failed: experiences.org_id", "ux_experiences_org"}}},
		"experience published to no region":    {{table: "experiences", row: row{"id": 9, "published_at": t0, "published_content": "{}"}, err: ck("ck_experiences_published")}},
		"experience published without content": {{table: "regions", row: row{"id": 9}}, {table: "experiences", row: row{"id": 9, "published_at": t0, "published_region_id": 9}, err: ck("ck_experiences_published")}},
		"experience of no commune":             {{table: "experiences", row: row{"id": 9, "org_id": 99}, err: fk("fk_experiences_org")}},
		"a region, its coordinator and a shared, published experience": {
			{table: "regions", row: row{"id": 9}},
			{sql: "UPDATE orgs SET region_id = 9, share_with_region = true WHERE id = 1"},
			{table: "users", row: row{"id": 9, "org_id": nil, "role": "coordinator", "region_id": 9}},
			{table: "experiences", row: row{"id": 9, "published_at": t0, "published_content": "{}", "published_region_id": 9, "updated_by": 9}},
			{sql: "DELETE FROM users WHERE id = 9", after: [][]string{
				{"SELECT COUNT(*) FROM experiences WHERE updated_by IS NULL", "1"},
			}},
		},
		"valid rows pass": {
			{table: "sessions", row: row{"id": 9, "capacity": 1}},
			{table: "registrations", row: row{"id": 9, "person_id": 3, "status": "waitlisted", "waitlist_position": 2}},
			{table: "registrations", row: row{"id": 10, "status": "cancelled"}},
			{table: "registrations", row: row{"id": 11, "session_id": 9, "status": "waitlisted", "waitlist_position": 1}},
			{table: "feedback", row: row{"id": 9, "registration_id": 2, "overall": 1, "will_use": 5}},
			{table: "registrations", row: row{"id": 12, "person_id": 2, "session_id": 9, "rsvp": "declined", "rsvp_at": t0}},
			{table: "calendar_replies", row: row{"message_key": "k9", "answer": "declined", "stamp": t0}, after: [][]string{
				{"SELECT rsvp FROM registrations WHERE id = 1", "needs_action"},
			}},
		},
		"deleting a person keeps their registrations, anonymous": {{sql: "DELETE FROM people WHERE id = 1", after: [][]string{
			{"SELECT COUNT(*) FROM registrations WHERE id = 1 AND person_id IS NULL", "1"},
			{"SELECT COUNT(*) FROM audit_entries WHERE id = 1 AND person_id IS NULL", "1"},
			{"SELECT COUNT(*) FROM feedback", "1"},
		}}},
		"deleting a department clears the anonymous department": {
			{sql: "UPDATE people SET department_id = NULL"},
			{sql: "DELETE FROM departments WHERE id = 1", after: [][]string{
				{"SELECT COUNT(*) FROM registrations WHERE id = 1 AND anon_department_id IS NULL", "1"},
			}}},
		"deleting a session takes what belongs to it": {{sql: "DELETE FROM sessions WHERE id = 1", after: [][]string{
			{"SELECT COUNT(*) FROM registrations", "0"},
			{"SELECT COUNT(*) FROM session_trainers", "0"},
			{"SELECT COUNT(*) FROM audit_entries", "0"},
			{"SELECT COUNT(*) FROM outbox_messages", "0"},
			{"SELECT COUNT(*) FROM feedback", "0"},
			{"SELECT COUNT(*) FROM plan_sessions", "0"},
			{"SELECT COUNT(*) FROM plans", "1"},
			{"SELECT COUNT(*) FROM people", "3"},
		}}},
		"deleting a registration takes its mail, feedback and replies": {
			{table: "calendar_replies", row: row{"message_key": "k1"}},
			{sql: "DELETE FROM registrations WHERE id = 1", after: [][]string{
				{"SELECT COUNT(*) FROM calendar_replies", "0"},
				{"SELECT COUNT(*) FROM outbox_messages", "0"},
				{"SELECT COUNT(*) FROM feedback", "0"},
				{"SELECT COUNT(*) FROM registrations", "1"},
			}}},
		"deleting a user keeps the history": {{sql: "DELETE FROM users WHERE id = 1", after: [][]string{
			{"SELECT COUNT(*) FROM auth_tokens", "0"},
			{"SELECT COUNT(*) FROM session_trainers", "0"},
			{"SELECT COUNT(*) FROM sessions WHERE created_by IS NULL", "1"},
			{"SELECT COUNT(*) FROM registrations WHERE id = 1 AND attendance_by IS NULL", "1"},
			{"SELECT COUNT(*) FROM audit_entries WHERE id = 1 AND actor_user_id IS NULL", "1"},
			{"SELECT COUNT(*) FROM plans WHERE created_by IS NULL AND confirmed_by IS NULL", "1"},
		}}},
	}
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sqlDB, _ := s.SQL()
		for _, f := range append(fixture, tableRow{"people", row{"id": 3}}) {
			if err := insertRow(ctx, sqlDB, f.table, f.row); err != nil {
				t.Fatalf("fixture %s %v: %v", f.table, f.row, err)
			}
		}
		dialect := 0
		if s.Dialect() == store.Postgres {
			dialect = 1
		}
		for name, changes := range cases {
			t.Run(name, func(t *testing.T) {
				// Each case runs in a transaction rolled back at its end.
				tx, err := sqlDB.BeginTx(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				defer tx.Rollback()
				for _, c := range changes {
					if c.sql != "" {
						_, err = tx.ExecContext(ctx, c.sql)
					} else {
						err = insertRow(ctx, tx, c.table, c.row)
					}
					want := c.err[dialect]
					switch {
					case want == "" && err != nil:
						t.Fatalf("%s%v: %v", c.sql, c.row, err)
					case want != "" && err == nil:
						t.Fatalf("%s%v: accepted, want refused (%s)", c.sql, c.row, want)
					case want != "" && !strings.Contains(err.Error(), want):
						t.Fatalf("%s%v: %v, want an error about %s", c.sql, c.row, err, want)
					}
					for _, q := range c.after {
						var got string
						if err := tx.QueryRowContext(ctx, q[0]).Scan(&got); err != nil {
							t.Fatalf("%s: %v", q[0], err)
						}
						if got != q[1] {
							t.Errorf("%s = %s, want %s", q[0], got, q[1])
						}
					}
				}
			})
		}
	})
}

// TestShiftWaitlist moves waiting lists forward under the unique index,
// with row ids in the opposite order to positions, which is where an UPDATE
// of "position - n" collides row by row.
func TestShiftWaitlist(t *testing.T) {
	ctx := context.Background()
	cases := map[string]struct {
		gone     []int // positions leaving the list (cancelled or promoted)
		after, n int
		want     []int // positions left, by registration id order
	}{
		"cancel the second":  {gone: []int{2}, after: 2, n: 1, want: []int{4, 3, 2, 1}},
		"cancel the last":    {gone: []int{5}, after: 5, n: 1, want: []int{4, 3, 2, 1}},
		"promote the first":  {gone: []int{1}, after: 1, n: 1, want: []int{4, 3, 2, 1}},
		"promote three":      {gone: []int{1, 2, 3}, after: 3, n: 3, want: []int{2, 1}},
		"nothing behind":     {gone: nil, after: 5, n: 1, want: []int{5, 4, 3, 2, 1}},
		"promote everything": {gone: []int{1, 2, 3, 4, 5}, after: 5, n: 5, want: nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				sqlDB, _ := s.SQL()
				for _, f := range fixture[:7] { // a commune, people, a session
					if err := insertRow(ctx, sqlDB, f.table, f.row); err != nil {
						t.Fatal(err)
					}
				}
				for i := range 5 { // ids 11..15 hold positions 5..1
					pos := 5 - i
					r := row{"id": 11 + i, "status": "waitlisted", "waitlist_position": pos}
					if slices.Contains(tc.gone, pos) {
						r = row{"id": 11 + i, "status": "cancelled"}
					}
					if err := insertRow(ctx, sqlDB, "registrations", r); err != nil {
						t.Fatal(err)
					}
				}
				if err := s.Tx(ctx, func(tx *store.Store) error { return tx.ShiftWaitlist(ctx, 1, 0, tc.after, tc.n) }); err != nil {
					t.Fatalf("ShiftWaitlist: %v", err)
				}
				var got []int
				rows, err := sqlDB.QueryContext(ctx, "SELECT waitlist_position FROM registrations WHERE status = 'waitlisted' ORDER BY id")
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				for rows.Next() {
					var p int
					if err := rows.Scan(&p); err != nil {
						t.Fatal(err)
					}
					got = append(got, p)
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("positions %v, want %v", got, tc.want)
				}
			})
		})
	}
}

-- The schema of a sqlite database after every migration, in a canonical
-- form (not the DDL that built it). Written by TestSchema; regenerate with
--   go test ./internal/store -run TestSchema -update   (with ATELIER_TEST_DATABASE_URL set for postgres.sql)

CREATE TABLE atelier_schema_migrations (
  id TEXT,
  PRIMARY KEY (id)
);
CREATE UNIQUE INDEX sqlite_autoindex_atelier_schema_migrations_1 ON atelier_schema_migrations (id); -- automatic, primary key

CREATE TABLE audit_entries (
  id INTEGER,
  org_id INTEGER NOT NULL,
  session_id INTEGER,
  actor_user_id INTEGER,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '',
  created_at datetime NOT NULL,
  person_id INTEGER,
  PRIMARY KEY (id) AUTOINCREMENT,
  CONSTRAINT fk_audit_entries_actor_user FOREIGN KEY (actor_user_id) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE SET NULL,
  CONSTRAINT fk_audit_entries_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON UPDATE NO ACTION ON DELETE RESTRICT,
  CONSTRAINT fk_audit_entries_person FOREIGN KEY (person_id) REFERENCES people (id) ON UPDATE NO ACTION ON DELETE SET NULL,
  CONSTRAINT fk_audit_entries_session FOREIGN KEY (session_id) REFERENCES sessions (id) ON UPDATE NO ACTION ON DELETE CASCADE
);
CREATE INDEX idx_audit_entries_org_id ON audit_entries (org_id);
CREATE INDEX idx_audit_entries_person_id ON audit_entries (person_id);
CREATE INDEX idx_audit_entries_session_id ON audit_entries (session_id);

CREATE TABLE auth_tokens (
  id INTEGER,
  user_id INTEGER NOT NULL,
  hash TEXT NOT NULL,
  kind TEXT NOT NULL,
  expires_at datetime NOT NULL,
  created_at datetime,
  PRIMARY KEY (id) AUTOINCREMENT,
  CONSTRAINT ck_auth_tokens_kind CHECK (kind IN ('api', 'web')),
  CONSTRAINT fk_auth_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE CASCADE
);
CREATE INDEX idx_auth_tokens_expires_at ON auth_tokens (expires_at);
CREATE UNIQUE INDEX idx_auth_tokens_hash ON auth_tokens (hash);
CREATE INDEX idx_auth_tokens_user_id ON auth_tokens (user_id);

CREATE TABLE calendar_replies (
  message_key TEXT NOT NULL,
  registration_id INTEGER NOT NULL,
  answer TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  stamp datetime,
  received_at datetime NOT NULL,
  PRIMARY KEY (message_key),
  CONSTRAINT ck_calendar_replies_answer CHECK (answer IN ('accepted', 'tentative', 'declined')),
  CONSTRAINT fk_calendar_replies_registration FOREIGN KEY (registration_id) REFERENCES registrations (id) ON UPDATE NO ACTION ON DELETE CASCADE
);
CREATE INDEX ix_calendar_replies_registration ON calendar_replies (registration_id, stamp);
CREATE UNIQUE INDEX sqlite_autoindex_calendar_replies_1 ON calendar_replies (message_key); -- automatic, primary key

CREATE TABLE departments (
  id INTEGER,
  org_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  created_at datetime,
  PRIMARY KEY (id) AUTOINCREMENT,
  CONSTRAINT fk_departments_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON UPDATE NO ACTION ON DELETE RESTRICT
);
CREATE UNIQUE INDEX ux_departments_org_name ON departments (org_id, name);

CREATE TABLE experiences (
  id INTEGER,
  org_id INTEGER NOT NULL,
  language TEXT NOT NULL DEFAULT 'fr',
  content TEXT NOT NULL,
  published_content TEXT,
  published_region_id INTEGER,
  published_at datetime,
  updated_by INTEGER,
  updated_at datetime NOT NULL,
  created_at datetime NOT NULL,
  PRIMARY KEY (id) AUTOINCREMENT,
  CONSTRAINT ck_experiences_language CHECK (language IN ('fr', 'de')),
  CONSTRAINT ck_experiences_published CHECK ((published_at IS NULL AND published_content IS NULL AND published_region_id IS NULL) OR (published_at IS NOT NULL AND published_content IS NOT NULL AND published_region_id IS NOT NULL)),
  CONSTRAINT fk_experiences_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON UPDATE NO ACTION ON DELETE RESTRICT,
  CONSTRAINT fk_experiences_published_region FOREIGN KEY (published_region_id) REFERENCES regions (id) ON UPDATE NO ACTION ON DELETE RESTRICT,
  CONSTRAINT fk_experiences_updated_by FOREIGN KEY (updated_by) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE SET NULL
);
CREATE INDEX ix_experiences_published_region ON experiences (published_region_id);
CREATE UNIQUE INDEX ux_experiences_org ON experiences (org_id);

CREATE TABLE feedback (
  id INTEGER,
  registration_id INTEGER NOT NULL,
  session_id INTEGER NOT NULL,
  org_id INTEGER NOT NULL,
  overall INTEGER NOT NULL,
  will_use INTEGER NOT NULL,
  confidence_before INTEGER NOT NULL,
  confidence_after INTEGER NOT NULL,
  use_cases TEXT NOT NULL DEFAULT '',
  worries TEXT NOT NULL DEFAULT '',
  created_at datetime,
  updated_at datetime,
  PRIMARY KEY (id) AUTOINCREMENT,
  CONSTRAINT ck_feedback_confidence_after CHECK (confidence_after BETWEEN 1 AND 5),
  CONSTRAINT ck_feedback_confidence_before CHECK (confidence_before BETWEEN 1 AND 5),
  CONSTRAINT ck_feedback_overall CHECK (overall BETWEEN 1 AND 5),
  CONSTRAINT ck_feedback_will_use CHECK (will_use BETWEEN 1 AND 5),
  CONSTRAINT fk_feedback_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON UPDATE NO ACTION ON DELETE RESTRICT,
  CONSTRAINT fk_feedback_registration FOREIGN KEY (registration_id) REFERENCES registrations (id) ON UPDATE NO ACTION ON DELETE CASCADE,
  CONSTRAINT fk_feedback_session FOREIGN KEY (session_id) REFERENCES sessions (id) ON UPDATE NO ACTION ON DELETE CASCADE
);
CREATE INDEX idx_feedback_org_id ON feedback (org_id);
CREATE UNIQUE INDEX idx_feedback_registration_id ON feedback (registration_id);
CREATE INDEX idx_feedback_session_id ON feedback (session_id);

CREATE TABLE format_versions (
  id INTEGER,
  format_id INTEGER NOT NULL,
  version INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_by INTEGER,
  created_at datetime NOT NULL,
  PRIMARY KEY (id) AUTOINCREMENT,
  CONSTRAINT ck_format_versions_version CHECK (version >= 1),
  CONSTRAINT fk_format_versions_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE SET NULL,
  CONSTRAINT fk_format_versions_format FOREIGN KEY (format_id) REFERENCES formats (id) ON UPDATE NO ACTION ON DELETE RESTRICT
);
CREATE UNIQUE INDEX sqlite_autoindex_format_versions_1 ON format_versions (format_id, version); -- automatic, UNIQUE constraint

CREATE TABLE formats (
  id INTEGER,
  org_id INTEGER NOT NULL,
  slug TEXT NOT NULL,
  based_on TEXT NOT NULL,
  version INTEGER NOT NULL,
  published_at datetime,
  created_by INTEGER,
  created_at datetime NOT NULL,
  updated_at datetime NOT NULL,
  PRIMARY KEY (id) AUTOINCREMENT,
  CONSTRAINT ck_formats_slug CHECK (slug <> '' AND slug <> based_on),
  CONSTRAINT ck_formats_version CHECK (version >= 1),
  CONSTRAINT fk_formats_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE SET NULL,
  CONSTRAINT fk_formats_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON UPDATE NO ACTION ON DELETE RESTRICT
);
CREATE INDEX idx_formats_org_id ON formats (org_id);
CREATE UNIQUE INDEX ux_formats_slug ON formats (slug);

CREATE TABLE login_attempts (
  key_hash TEXT,
  failures INTEGER NOT NULL DEFAULT 0,
  blocked_until datetime NOT NULL,
  window_start datetime NOT NULL,
  last_at datetime NOT NULL,
  PRIMARY KEY (key_hash)
);
CREATE INDEX ix_login_attempts_last_at ON login_attempts (last_at);
CREATE UNIQUE INDEX sqlite_autoindex_login_attempts_1 ON login_attempts (key_hash); -- automatic, primary key

CREATE TABLE memento_reads (
  id INTEGER,
  org_id INTEGER NOT NULL,
  person_id INTEGER NOT NULL,
  version INTEGER NOT NULL,
  read_at datetime NOT NULL,
  PRIMARY KEY (id) AUTOINCREMENT,
  CONSTRAINT fk_memento_reads_memento FOREIGN KEY (org_id, version) REFERENCES mementos (org_id, version) ON UPDATE NO ACTION ON DELETE CASCADE,
  CONSTRAINT fk_memento_reads_person FOREIGN KEY (person_id) REFERENCES people (id) ON UPDATE NO ACTION ON DELETE CASCADE
);
CREATE INDEX idx_memento_reads_org_id ON memento_reads (org_id);
CREATE UNIQUE INDEX ux_memento_reads_person_version ON memento_reads (person_id, version);

CREATE TABLE mementos (
  id INTEGER,
  org_id INTEGER NOT NULL,
  version INTEGER NOT NULL,
  language TEXT NOT NULL DEFAULT 'fr',
  content TEXT NOT NULL,
  created_by INTEGER,
  created_at datetime NOT NULL,
  PRIMARY KEY (id) AUTOINCREMENT,
  CONSTRAINT ck_mementos_language CHECK (language IN ('fr', 'de')),
  CONSTRAINT ck_mementos_version CHECK (version >= 1),
  CONSTRAINT fk_mementos_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE SET NULL,
  CONSTRAINT fk_mementos_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON UPDATE NO ACTION ON DELETE RESTRICT
);
CREATE UNIQUE INDEX sqlite_autoindex_mementos_1 ON mementos (org_id, version); -- automatic, UNIQUE constraint

CREATE TABLE orgs (
  id INTEGER,
  slug TEXT NOT NULL,
  name TEXT NOT NULL,
  hr_sender_name TEXT NOT NULL DEFAULT "",
  hr_sender_email TEXT NOT NULL DEFAULT "",
  created_at datetime,
  region_id INTEGER,
  share_with_region numeric NOT NULL DEFAULT false,
  PRIMARY KEY (id) AUTOINCREMENT,
  CONSTRAINT ck_orgs_share_with_region CHECK (NOT share_with_region OR region_id IS NOT NULL),
  CONSTRAINT fk_orgs_region FOREIGN KEY (region_id) REFERENCES regions (id) ON UPDATE NO ACTION ON DELETE RESTRICT
);
CREATE UNIQUE INDEX idx_orgs_slug ON orgs (slug);
CREATE INDEX ix_orgs_region ON orgs (region_id);

CREATE TABLE outbox_messages (
  id INTEGER,
  org_id INTEGER NOT NULL,
  session_id INTEGER,
  registration_id INTEGER,
  kind TEXT NOT NULL,
  to_email TEXT NOT NULL,
  to_name TEXT NOT NULL DEFAULT '',
  from_email TEXT NOT NULL,
  from_name TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL,
  text_body TEXT NOT NULL,
  html_body TEXT NOT NULL,
  ics TEXT NOT NULL,
  ics_method TEXT NOT NULL,
  message_id TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at datetime NOT NULL,
  claimed_until datetime,
  claimed_by TEXT NOT NULL DEFAULT '',
  last_error TEXT NOT NULL DEFAULT '',
  sent_at datetime,
  created_at datetime NOT NULL,
  page_url TEXT NOT NULL DEFAULT '',
  survey_invitation_id INTEGER,
  event TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (id) AUTOINCREMENT,
  CONSTRAINT ck_outbox_messages_about CHECK (session_id IS NULL OR survey_invitation_id IS NULL),
  CONSTRAINT ck_outbox_messages_status CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  CONSTRAINT fk_outbox_messages_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON UPDATE NO ACTION ON DELETE RESTRICT,
  CONSTRAINT fk_outbox_messages_registration FOREIGN KEY (registration_id) REFERENCES registrations (id) ON UPDATE NO ACTION ON DELETE CASCADE,
  CONSTRAINT fk_outbox_messages_session FOREIGN KEY (session_id) REFERENCES sessions (id) ON UPDATE NO ACTION ON DELETE CASCADE,
  CONSTRAINT fk_outbox_messages_survey_invitation FOREIGN KEY (survey_invitation_id) REFERENCES survey_invitations (id) ON UPDATE NO ACTION ON DELETE CASCADE
);
CREATE UNIQUE INDEX idx_outbox_messages_message_id ON outbox_messages (message_id);
CREATE INDEX idx_outbox_messages_org_id ON outbox_messages (org_id);
CREATE INDEX idx_outbox_messages_registration_id ON outbox_messages (registration_id);
CREATE INDEX idx_outbox_messages_session_id ON outbox_messages (session_id);
CREATE INDEX idx_outbox_messages_survey_invitation_id ON outbox_messages (survey_invitation_id);
CREATE INDEX ix_outbox_due ON outbox_messages (status, next_attempt_at);

CREATE TABLE password_resets (
  id INTEGER,
  user_id bigint NOT NULL,
  hash varchar(64) NOT NULL,
  expires_at datetime NOT NULL,
  used_at datetime,
  created_by bigint,
  created_at datetime NOT NULL,
  PRIMARY KEY (id) AUTOINCREMENT,
  CONSTRAINT fk_password_resets_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE SET NULL,
  CONSTRAINT fk_password_resets_user FOREIGN KEY (user_id) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE CASCADE
);
CREATE INDEX idx_password_resets_user_id ON password_resets (user_id);
CREATE UNIQUE INDEX ux_password_resets_hash ON password_resets (hash);

CREATE TABLE people (
  id INTEGER,
  org_id INTEGER NOT NULL,
  department_id INTEGER,
  name TEXT NOT NULL,
  email TEXT,
  role TEXT NOT NULL,
  language TEXT NOT NULL DEFAULT 'fr',
  created_at datetime,
  updated_at datetime,
  given_name TEXT NOT NULL DEFAULT "",
  family_name TEXT NOT NULL DEFAULT "",
  search_key TEXT NOT NULL DEFAULT "",
  sort_key TEXT NOT NULL DEFAULT "",
  left_at datetime,
  PRIMARY KEY (id) AUTOINCREMENT,
  CONSTRAINT ck_people_language CHECK (language IN ('fr', 'de')),
  CONSTRAINT ck_people_role CHECK (role IN ('staff', 'head_of_service', 'deputy_head', 'council_member', 'municipal_secretary')),
  CONSTRAINT fk_people_department FOREIGN KEY (department_id) REFERENCES departments (id) ON UPDATE NO ACTION ON DELETE RESTRICT,
  CONSTRAINT fk_people_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON UPDATE NO ACTION ON DELETE RESTRICT
);
CREATE INDEX idx_people_department_id ON people (department_id);
CREATE INDEX ix_people_left_at ON people (left_at);
CREATE INDEX ix_people_org_sort ON people (org_id, sort_key);
CREATE UNIQUE INDEX ux_people_org_email ON people (org_id, email);

CREATE TABLE plan_sessions (
  plan_id bigint NOT NULL,
  position INTEGER NOT NULL,
  session_id bigint NOT NULL,
  PRIMARY KEY (plan_id, position),
  CONSTRAINT ck_plan_sessions_position CHECK (position >= 0),
  CONSTRAINT fk_plan_sessions_plan FOREIGN KEY (plan_id) REFERENCES plans (id) ON UPDATE NO ACTION ON DELETE CASCADE,
  CONSTRAINT fk_plan_sessions_session FOREIGN KEY (session_id) REFERENCES sessions (id) ON UPDATE NO ACTION ON DELETE CASCADE
);
CREATE UNIQUE INDEX sqlite_autoindex_plan_sessions_1 ON plan_sessions (plan_id, position); -- automatic, primary key
CREATE UNIQUE INDEX ux_plan_sessions_session ON plan_sessions (session_id);

CREATE TABLE plans (
  id INTEGER,
  org_id bigint NOT NULL,
  format_slug varchar(100) NOT NULL,
  status varchar(16) NOT NULL,
  request TEXT NOT NULL,
  proposal TEXT NOT NULL,
  fingerprint varchar(64) NOT NULL,
  created_by bigint,
  confirmed_by bigint,
  confirmed_at datetime,
  created_at datetime NOT NULL,
  updated_at datetime NOT NULL,
  PRIMARY KEY (id) AUTOINCREMENT,
  CONSTRAINT ck_plans_confirmed CHECK ((status = 'confirmed') = (confirmed_at IS NOT NULL)),
  CONSTRAINT ck_plans_fingerprint CHECK (length(fingerprint) = 64),
  CONSTRAINT ck_plans_status CHECK (status IN ('proposed', 'confirmed')),
  CONSTRAINT fk_plans_confirmed_by FOREIGN KEY (confirmed_by) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE SET NULL,
  CONSTRAINT fk_plans_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE SET NULL,
  CONSTRAINT fk_plans_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON UPDATE NO ACTION ON DELETE RESTRICT
);
CREATE INDEX ix_plans_org ON plans (org_id);

CREATE TABLE regions (
  id INTEGER,
  slug TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at datetime NOT NULL,
  PRIMARY KEY (id) AUTOINCREMENT
);
CREATE UNIQUE INDEX ux_regions_slug ON regions (slug);

CREATE TABLE registrations (
  id INTEGER,
  session_id INTEGER NOT NULL,
  person_id INTEGER,
  org_id INTEGER NOT NULL,
  status TEXT NOT NULL,
  waitlist_position INTEGER,
  attendance TEXT NOT NULL DEFAULT 'unknown',
  attendance_at datetime,
  attendance_by INTEGER,
  token TEXT NOT NULL,
  walk_in numeric NOT NULL DEFAULT false,
  created_at datetime,
  updated_at datetime,
  cancelled_at datetime,
  sequence INTEGER NOT NULL DEFAULT 0,
  anon_department_id INTEGER,
  anon_role TEXT NOT NULL DEFAULT '',
  rsvp TEXT NOT NULL DEFAULT 'needs_action',
  rsvp_at datetime,
  waitlist_scope INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (id) AUTOINCREMENT,
  CONSTRAINT ck_registrations_attendance CHECK (attendance IN ('unknown', 'present', 'absent', 'excused')),
  CONSTRAINT ck_registrations_rsvp CHECK (rsvp IN ('needs_action', 'accepted', 'tentative', 'declined')),
  CONSTRAINT ck_registrations_status CHECK (status IN ('booked', 'waitlisted', 'cancelled')),
  CONSTRAINT ck_registrations_waitlist CHECK ((status = 'waitlisted' AND waitlist_position IS NOT NULL AND waitlist_position >= 1) OR (status <> 'waitlisted' AND waitlist_position IS NULL)),
  CONSTRAINT ck_registrations_waitlist_scope CHECK (waitlist_scope = 0 OR waitlist_scope = org_id),
  CONSTRAINT fk_registrations_anon_department FOREIGN KEY (anon_department_id) REFERENCES departments (id) ON UPDATE NO ACTION ON DELETE SET NULL,
  CONSTRAINT fk_registrations_attendance_by FOREIGN KEY (attendance_by) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE SET NULL,
  CONSTRAINT fk_registrations_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON UPDATE NO ACTION ON DELETE RESTRICT,
  CONSTRAINT fk_registrations_person FOREIGN KEY (person_id) REFERENCES people (id) ON UPDATE NO ACTION ON DELETE SET NULL,
  CONSTRAINT fk_registrations_session FOREIGN KEY (session_id) REFERENCES sessions (id) ON UPDATE NO ACTION ON DELETE CASCADE
);
CREATE INDEX idx_registrations_org_id ON registrations (org_id);
CREATE INDEX idx_registrations_person_id ON registrations (person_id);
CREATE UNIQUE INDEX idx_registrations_token ON registrations (token);
CREATE INDEX ix_registrations_session_status ON registrations (session_id, status);
CREATE UNIQUE INDEX ux_registrations_session_person ON registrations (session_id, person_id);
CREATE UNIQUE INDEX ux_registrations_session_waitlist ON registrations (session_id, waitlist_scope, waitlist_position);

CREATE TABLE roadmaps (
  id INTEGER,
  org_id INTEGER NOT NULL,
  content TEXT NOT NULL,
  updated_by INTEGER,
  updated_at datetime NOT NULL,
  PRIMARY KEY (id) AUTOINCREMENT,
  CONSTRAINT fk_roadmaps_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON UPDATE NO ACTION ON DELETE RESTRICT,
  CONSTRAINT fk_roadmaps_updated_by FOREIGN KEY (updated_by) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE SET NULL
);
CREATE UNIQUE INDEX ux_roadmaps_org ON roadmaps (org_id);

CREATE TABLE session_quotas (
  session_id INTEGER NOT NULL,
  org_id INTEGER NOT NULL,
  seats INTEGER NOT NULL,
  PRIMARY KEY (session_id, org_id),
  CONSTRAINT ck_session_quotas_seats CHECK (seats >= 0 AND seats <= 500),
  CONSTRAINT fk_session_quotas_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON UPDATE NO ACTION ON DELETE RESTRICT,
  CONSTRAINT fk_session_quotas_session FOREIGN KEY (session_id) REFERENCES sessions (id) ON UPDATE NO ACTION ON DELETE CASCADE
);
CREATE INDEX idx_session_quotas_org_id ON session_quotas (org_id);
CREATE UNIQUE INDEX sqlite_autoindex_session_quotas_1 ON session_quotas (session_id, org_id); -- automatic, primary key

CREATE TABLE session_trainers (
  session_id INTEGER,
  user_id INTEGER,
  PRIMARY KEY (session_id, user_id),
  CONSTRAINT fk_session_trainers_session FOREIGN KEY (session_id) REFERENCES sessions (id) ON UPDATE NO ACTION ON DELETE CASCADE,
  CONSTRAINT fk_session_trainers_user FOREIGN KEY (user_id) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE CASCADE
);
CREATE INDEX idx_session_trainers_user_id ON session_trainers (user_id);
CREATE UNIQUE INDEX sqlite_autoindex_session_trainers_1 ON session_trainers (session_id, user_id); -- automatic, primary key

CREATE TABLE sessions (
  id INTEGER,
  uid TEXT NOT NULL,
  org_id INTEGER NOT NULL,
  format_slug TEXT NOT NULL,
  title TEXT NOT NULL,
  starts_at datetime NOT NULL,
  ends_at datetime NOT NULL,
  location_name TEXT NOT NULL DEFAULT '',
  location_address TEXT NOT NULL DEFAULT '',
  location_room TEXT NOT NULL DEFAULT '',
  capacity INTEGER NOT NULL,
  registration_deadline datetime,
  language TEXT NOT NULL DEFAULT 'fr',
  open_to_other_communes numeric NOT NULL DEFAULT false,
  status TEXT NOT NULL DEFAULT 'scheduled',
  sequence INTEGER NOT NULL DEFAULT 0,
  created_by INTEGER,
  created_at datetime,
  updated_at datetime,
  record_past numeric NOT NULL DEFAULT false,
  format_version_id INTEGER,
  PRIMARY KEY (id) AUTOINCREMENT,
  CONSTRAINT ck_sessions_capacity CHECK (capacity > 0),
  CONSTRAINT ck_sessions_ends_after_starts CHECK (julianday(ends_at) > julianday(starts_at)),
  CONSTRAINT ck_sessions_language CHECK (language IN ('fr', 'de')),
  CONSTRAINT ck_sessions_status CHECK (status IN ('scheduled', 'cancelled')),
  CONSTRAINT fk_sessions_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE SET NULL,
  CONSTRAINT fk_sessions_format_version FOREIGN KEY (format_version_id) REFERENCES format_versions (id) ON UPDATE NO ACTION ON DELETE RESTRICT,
  CONSTRAINT fk_sessions_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON UPDATE NO ACTION ON DELETE RESTRICT
);
CREATE INDEX idx_sessions_org_id ON sessions (org_id);
CREATE INDEX idx_sessions_starts_at ON sessions (starts_at);
CREATE UNIQUE INDEX idx_sessions_uid ON sessions (uid);
CREATE INDEX ix_sessions_format_version ON sessions (format_version_id);

CREATE TABLE staff_actions (
  id INTEGER,
  created_at datetime NOT NULL,
  actor_user_id bigint,
  actor varchar(254) NOT NULL,
  org_id bigint,
  action varchar(64) NOT NULL,
  target varchar(200) NOT NULL DEFAULT '',
  detail varchar(2000) NOT NULL DEFAULT '',
  PRIMARY KEY (id) AUTOINCREMENT,
  CONSTRAINT fk_staff_actions_actor FOREIGN KEY (actor_user_id) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE SET NULL,
  CONSTRAINT fk_staff_actions_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON UPDATE NO ACTION ON DELETE RESTRICT
);
CREATE INDEX ix_staff_actions_created_at ON staff_actions (created_at);
CREATE INDEX ix_staff_actions_org ON staff_actions (org_id);

CREATE TABLE survey_invitations (
  id INTEGER,
  survey_id INTEGER NOT NULL,
  org_id INTEGER NOT NULL,
  person_id INTEGER,
  token TEXT,
  group_key TEXT NOT NULL,
  department_id INTEGER,
  language TEXT NOT NULL DEFAULT 'fr',
  answered numeric NOT NULL DEFAULT false,
  created_at datetime NOT NULL,
  PRIMARY KEY (id) AUTOINCREMENT,
  CONSTRAINT ck_survey_invitations_group_key CHECK (group_key IN ('council', 'heads_of_service', 'staff')),
  CONSTRAINT ck_survey_invitations_language CHECK (language IN ('fr', 'de')),
  CONSTRAINT fk_survey_invitations_department FOREIGN KEY (department_id) REFERENCES departments (id) ON UPDATE NO ACTION ON DELETE SET NULL,
  CONSTRAINT fk_survey_invitations_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON UPDATE NO ACTION ON DELETE RESTRICT,
  CONSTRAINT fk_survey_invitations_person FOREIGN KEY (person_id) REFERENCES people (id) ON UPDATE NO ACTION ON DELETE SET NULL,
  CONSTRAINT fk_survey_invitations_survey FOREIGN KEY (survey_id) REFERENCES surveys (id) ON UPDATE NO ACTION ON DELETE CASCADE
);
CREATE INDEX idx_survey_invitations_person_id ON survey_invitations (person_id);
CREATE UNIQUE INDEX ux_survey_invitations_survey_person ON survey_invitations (survey_id, person_id);
CREATE UNIQUE INDEX ux_survey_invitations_token ON survey_invitations (token);

CREATE TABLE survey_responses (
  id INTEGER,
  survey_id INTEGER NOT NULL,
  org_id INTEGER NOT NULL,
  department_id INTEGER,
  group_key TEXT NOT NULL,
  respondent_key TEXT,
  answers TEXT NOT NULL,
  PRIMARY KEY (id) AUTOINCREMENT,
  CONSTRAINT ck_survey_responses_group_key CHECK (group_key IN ('council', 'heads_of_service', 'staff')),
  CONSTRAINT fk_survey_responses_department FOREIGN KEY (department_id) REFERENCES departments (id) ON UPDATE NO ACTION ON DELETE SET NULL,
  CONSTRAINT fk_survey_responses_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON UPDATE NO ACTION ON DELETE RESTRICT,
  CONSTRAINT fk_survey_responses_survey FOREIGN KEY (survey_id) REFERENCES surveys (id) ON UPDATE NO ACTION ON DELETE CASCADE
);
CREATE UNIQUE INDEX ux_survey_responses_survey_respondent ON survey_responses (survey_id, respondent_key);

CREATE TABLE surveys (
  id INTEGER,
  org_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  slug TEXT NOT NULL,
  audience TEXT NOT NULL DEFAULT '',
  closes_at datetime NOT NULL,
  reminder_at datetime,
  reminded_at datetime,
  sealed_at datetime,
  created_by INTEGER,
  created_at datetime NOT NULL,
  PRIMARY KEY (id) AUTOINCREMENT,
  CONSTRAINT ck_surveys_kind CHECK (kind IN ('etat_des_lieux')),
  CONSTRAINT ck_surveys_reminder CHECK (reminder_at IS NULL OR julianday(reminder_at) < julianday(closes_at)),
  CONSTRAINT fk_surveys_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE SET NULL,
  CONSTRAINT fk_surveys_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON UPDATE NO ACTION ON DELETE RESTRICT
);
CREATE INDEX idx_surveys_org_id ON surveys (org_id);
CREATE INDEX ix_surveys_reminder_due ON surveys (reminded_at, reminder_at);
CREATE INDEX ix_surveys_seal_due ON surveys (sealed_at, closes_at);

CREATE TABLE users (
  id INTEGER,
  org_id INTEGER,
  email TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  language TEXT NOT NULL DEFAULT 'fr',
  created_at datetime,
  disabled_at datetime,
  feed_token_hash TEXT,
  feed_token_at datetime,
  region_id INTEGER,
  updated_at datetime,
  PRIMARY KEY (id) AUTOINCREMENT,
  CONSTRAINT ck_users_coordinator CHECK ((role = 'coordinator' AND region_id IS NOT NULL AND org_id IS NULL AND feed_token_hash IS NULL) OR (role <> 'coordinator' AND region_id IS NULL)),
  CONSTRAINT ck_users_language CHECK (language IN ('fr', 'de')),
  CONSTRAINT ck_users_role CHECK (role IN ('admin', 'hr', 'trainer', 'coordinator')),
  CONSTRAINT fk_users_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON UPDATE NO ACTION ON DELETE RESTRICT,
  CONSTRAINT fk_users_region FOREIGN KEY (region_id) REFERENCES regions (id) ON UPDATE NO ACTION ON DELETE RESTRICT
);
CREATE INDEX idx_users_org_id ON users (org_id);
CREATE INDEX ix_users_email ON users (email);
CREATE INDEX ix_users_region ON users (region_id);
CREATE UNIQUE INDEX ux_users_admin_email ON users (email); -- partial
CREATE UNIQUE INDEX ux_users_feed_token_hash ON users (feed_token_hash);
CREATE UNIQUE INDEX ux_users_org_email ON users (org_id, email);

-- The schema of a postgres database after every migration, in a canonical
-- form (not the DDL that built it). Written by TestSchema; regenerate with
--   go test ./internal/store -run TestSchema -update   (with ATELIER_TEST_DATABASE_URL set for postgres.sql)

CREATE TABLE atelier_schema_migrations (
  id character varying(255) NOT NULL,
  CONSTRAINT atelier_schema_migrations_pkey PRIMARY KEY (id)
);
CREATE UNIQUE INDEX atelier_schema_migrations_pkey ON atelier_schema_migrations USING btree (id);

CREATE TABLE audit_entries (
  id bigint NOT NULL DEFAULT nextval('audit_entries_id_seq'::regclass),
  org_id bigint NOT NULL,
  session_id bigint,
  actor_user_id bigint,
  actor character varying(254) NOT NULL,
  action character varying(64) NOT NULL,
  detail character varying(2000) NOT NULL DEFAULT ''::character varying,
  created_at timestamp with time zone NOT NULL,
  person_id bigint,
  CONSTRAINT audit_entries_pkey PRIMARY KEY (id),
  CONSTRAINT fk_audit_entries_actor_user FOREIGN KEY (actor_user_id) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT fk_audit_entries_org FOREIGN KEY (org_id) REFERENCES orgs(id) ON DELETE RESTRICT,
  CONSTRAINT fk_audit_entries_person FOREIGN KEY (person_id) REFERENCES people(id) ON DELETE SET NULL,
  CONSTRAINT fk_audit_entries_session FOREIGN KEY (session_id) REFERENCES sessions(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX audit_entries_pkey ON audit_entries USING btree (id);
CREATE INDEX idx_audit_entries_org_id ON audit_entries USING btree (org_id);
CREATE INDEX idx_audit_entries_person_id ON audit_entries USING btree (person_id);
CREATE INDEX idx_audit_entries_session_id ON audit_entries USING btree (session_id);

CREATE TABLE auth_tokens (
  id bigint NOT NULL DEFAULT nextval('auth_tokens_id_seq'::regclass),
  user_id bigint NOT NULL,
  hash character varying(64) NOT NULL,
  kind character varying(8) NOT NULL,
  expires_at timestamp with time zone NOT NULL,
  created_at timestamp with time zone,
  CONSTRAINT auth_tokens_pkey PRIMARY KEY (id),
  CONSTRAINT ck_auth_tokens_kind CHECK (((kind)::text = ANY ((ARRAY['api'::character varying, 'web'::character varying])::text[]))),
  CONSTRAINT fk_auth_tokens_user FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX auth_tokens_pkey ON auth_tokens USING btree (id);
CREATE INDEX idx_auth_tokens_expires_at ON auth_tokens USING btree (expires_at);
CREATE UNIQUE INDEX idx_auth_tokens_hash ON auth_tokens USING btree (hash);
CREATE INDEX idx_auth_tokens_user_id ON auth_tokens USING btree (user_id);

CREATE TABLE calendar_replies (
  message_key character varying(64) NOT NULL,
  registration_id bigint NOT NULL,
  answer character varying(16) NOT NULL,
  sequence bigint NOT NULL,
  stamp timestamp with time zone,
  received_at timestamp with time zone NOT NULL,
  CONSTRAINT calendar_replies_pkey PRIMARY KEY (message_key),
  CONSTRAINT ck_calendar_replies_answer CHECK (((answer)::text = ANY ((ARRAY['accepted'::character varying, 'tentative'::character varying, 'declined'::character varying])::text[]))),
  CONSTRAINT fk_calendar_replies_registration FOREIGN KEY (registration_id) REFERENCES registrations(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX calendar_replies_pkey ON calendar_replies USING btree (message_key);
CREATE INDEX ix_calendar_replies_registration ON calendar_replies USING btree (registration_id, stamp);

CREATE TABLE departments (
  id bigint NOT NULL DEFAULT nextval('departments_id_seq'::regclass),
  org_id bigint NOT NULL,
  name character varying(200) NOT NULL,
  created_at timestamp with time zone,
  CONSTRAINT departments_pkey PRIMARY KEY (id),
  CONSTRAINT fk_departments_org FOREIGN KEY (org_id) REFERENCES orgs(id) ON DELETE RESTRICT
);
CREATE UNIQUE INDEX departments_pkey ON departments USING btree (id);
CREATE UNIQUE INDEX ux_departments_org_name ON departments USING btree (org_id, name);

CREATE TABLE experiences (
  id bigint NOT NULL DEFAULT nextval('experiences_id_seq'::regclass),
  org_id bigint NOT NULL,
  language character varying(2) NOT NULL DEFAULT 'fr'::character varying,
  content text NOT NULL,
  published_content text,
  published_region_id bigint,
  published_at timestamp with time zone,
  updated_by bigint,
  updated_at timestamp with time zone NOT NULL,
  created_at timestamp with time zone NOT NULL,
  CONSTRAINT experiences_pkey PRIMARY KEY (id),
  CONSTRAINT ck_experiences_language CHECK (((language)::text = ANY ((ARRAY['fr'::character varying, 'de'::character varying])::text[]))),
  CONSTRAINT ck_experiences_published CHECK ((((published_at IS NULL) AND (published_content IS NULL) AND (published_region_id IS NULL)) OR ((published_at IS NOT NULL) AND (published_content IS NOT NULL) AND (published_region_id IS NOT NULL)))),
  CONSTRAINT fk_experiences_org FOREIGN KEY (org_id) REFERENCES orgs(id) ON DELETE RESTRICT,
  CONSTRAINT fk_experiences_published_region FOREIGN KEY (published_region_id) REFERENCES regions(id) ON DELETE RESTRICT,
  CONSTRAINT fk_experiences_updated_by FOREIGN KEY (updated_by) REFERENCES users(id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX experiences_pkey ON experiences USING btree (id);
CREATE INDEX ix_experiences_published_region ON experiences USING btree (published_region_id);
CREATE UNIQUE INDEX ux_experiences_org ON experiences USING btree (org_id);

CREATE TABLE feedback (
  id bigint NOT NULL DEFAULT nextval('feedback_id_seq'::regclass),
  registration_id bigint NOT NULL,
  session_id bigint NOT NULL,
  org_id bigint NOT NULL,
  overall bigint NOT NULL,
  will_use bigint NOT NULL,
  confidence_before bigint NOT NULL,
  confidence_after bigint NOT NULL,
  use_cases character varying(2000) NOT NULL DEFAULT ''::character varying,
  worries character varying(2000) NOT NULL DEFAULT ''::character varying,
  created_at timestamp with time zone,
  updated_at timestamp with time zone,
  CONSTRAINT feedback_pkey PRIMARY KEY (id),
  CONSTRAINT ck_feedback_confidence_after CHECK (((confidence_after >= 1) AND (confidence_after <= 5))),
  CONSTRAINT ck_feedback_confidence_before CHECK (((confidence_before >= 1) AND (confidence_before <= 5))),
  CONSTRAINT ck_feedback_overall CHECK (((overall >= 1) AND (overall <= 5))),
  CONSTRAINT ck_feedback_will_use CHECK (((will_use >= 1) AND (will_use <= 5))),
  CONSTRAINT fk_feedback_org FOREIGN KEY (org_id) REFERENCES orgs(id) ON DELETE RESTRICT,
  CONSTRAINT fk_feedback_registration FOREIGN KEY (registration_id) REFERENCES registrations(id) ON DELETE CASCADE,
  CONSTRAINT fk_feedback_session FOREIGN KEY (session_id) REFERENCES sessions(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX feedback_pkey ON feedback USING btree (id);
CREATE INDEX idx_feedback_org_id ON feedback USING btree (org_id);
CREATE UNIQUE INDEX idx_feedback_registration_id ON feedback USING btree (registration_id);
CREATE INDEX idx_feedback_session_id ON feedback USING btree (session_id);

CREATE TABLE format_versions (
  id bigint NOT NULL DEFAULT nextval('format_versions_id_seq'::regclass),
  format_id bigint NOT NULL,
  version integer NOT NULL,
  body text NOT NULL,
  created_by bigint,
  created_at timestamp with time zone NOT NULL,
  CONSTRAINT format_versions_pkey PRIMARY KEY (id),
  CONSTRAINT ck_format_versions_version CHECK ((version >= 1)),
  CONSTRAINT fk_format_versions_created_by FOREIGN KEY (created_by) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT fk_format_versions_format FOREIGN KEY (format_id) REFERENCES formats(id) ON DELETE RESTRICT,
  CONSTRAINT ux_format_versions_format_version UNIQUE (format_id, version)
);
CREATE UNIQUE INDEX format_versions_pkey ON format_versions USING btree (id);
CREATE UNIQUE INDEX ux_format_versions_format_version ON format_versions USING btree (format_id, version);

CREATE TABLE formats (
  id bigint NOT NULL DEFAULT nextval('formats_id_seq'::regclass),
  org_id bigint NOT NULL,
  slug character varying(64) NOT NULL,
  based_on character varying(64) NOT NULL,
  version integer NOT NULL,
  published_at timestamp with time zone,
  created_by bigint,
  created_at timestamp with time zone NOT NULL,
  updated_at timestamp with time zone NOT NULL,
  CONSTRAINT formats_pkey PRIMARY KEY (id),
  CONSTRAINT ck_formats_slug CHECK ((((slug)::text <> ''::text) AND ((slug)::text <> (based_on)::text))),
  CONSTRAINT ck_formats_version CHECK ((version >= 1)),
  CONSTRAINT fk_formats_created_by FOREIGN KEY (created_by) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT fk_formats_org FOREIGN KEY (org_id) REFERENCES orgs(id) ON DELETE RESTRICT
);
CREATE UNIQUE INDEX formats_pkey ON formats USING btree (id);
CREATE INDEX idx_formats_org_id ON formats USING btree (org_id);
CREATE UNIQUE INDEX ux_formats_slug ON formats USING btree (slug);

CREATE TABLE login_attempts (
  key_hash character varying(64) NOT NULL,
  failures bigint NOT NULL DEFAULT 0,
  blocked_until timestamp with time zone NOT NULL,
  window_start timestamp with time zone NOT NULL,
  last_at timestamp with time zone NOT NULL,
  CONSTRAINT login_attempts_pkey PRIMARY KEY (key_hash)
);
CREATE INDEX ix_login_attempts_last_at ON login_attempts USING btree (last_at);
CREATE UNIQUE INDEX login_attempts_pkey ON login_attempts USING btree (key_hash);

CREATE TABLE memento_reads (
  id bigint NOT NULL DEFAULT nextval('memento_reads_id_seq'::regclass),
  org_id bigint NOT NULL,
  person_id bigint NOT NULL,
  version integer NOT NULL,
  read_at timestamp with time zone NOT NULL,
  CONSTRAINT memento_reads_pkey PRIMARY KEY (id),
  CONSTRAINT fk_memento_reads_memento FOREIGN KEY (org_id, version) REFERENCES mementos(org_id, version) ON DELETE CASCADE,
  CONSTRAINT fk_memento_reads_person FOREIGN KEY (person_id) REFERENCES people(id) ON DELETE CASCADE
);
CREATE INDEX idx_memento_reads_org_id ON memento_reads USING btree (org_id);
CREATE UNIQUE INDEX memento_reads_pkey ON memento_reads USING btree (id);
CREATE UNIQUE INDEX ux_memento_reads_person_version ON memento_reads USING btree (person_id, version);

CREATE TABLE mementos (
  id bigint NOT NULL DEFAULT nextval('mementos_id_seq'::regclass),
  org_id bigint NOT NULL,
  version integer NOT NULL,
  language character varying(2) NOT NULL DEFAULT 'fr'::character varying,
  content text NOT NULL,
  created_by bigint,
  created_at timestamp with time zone NOT NULL,
  CONSTRAINT mementos_pkey PRIMARY KEY (id),
  CONSTRAINT ck_mementos_language CHECK (((language)::text = ANY ((ARRAY['fr'::character varying, 'de'::character varying])::text[]))),
  CONSTRAINT ck_mementos_version CHECK ((version >= 1)),
  CONSTRAINT fk_mementos_created_by FOREIGN KEY (created_by) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT fk_mementos_org FOREIGN KEY (org_id) REFERENCES orgs(id) ON DELETE RESTRICT,
  CONSTRAINT ux_mementos_org_version UNIQUE (org_id, version)
);
CREATE UNIQUE INDEX mementos_pkey ON mementos USING btree (id);
CREATE UNIQUE INDEX ux_mementos_org_version ON mementos USING btree (org_id, version);

CREATE TABLE orgs (
  id bigint NOT NULL DEFAULT nextval('orgs_id_seq'::regclass),
  slug character varying(64) NOT NULL,
  name character varying(200) NOT NULL,
  hr_sender_name character varying(200) NOT NULL DEFAULT ''::character varying,
  hr_sender_email character varying(254) NOT NULL DEFAULT ''::character varying,
  created_at timestamp with time zone,
  region_id bigint,
  share_with_region boolean NOT NULL DEFAULT false,
  CONSTRAINT orgs_pkey PRIMARY KEY (id),
  CONSTRAINT ck_orgs_share_with_region CHECK (((NOT share_with_region) OR (region_id IS NOT NULL))),
  CONSTRAINT fk_orgs_region FOREIGN KEY (region_id) REFERENCES regions(id) ON DELETE RESTRICT
);
CREATE UNIQUE INDEX idx_orgs_slug ON orgs USING btree (slug);
CREATE INDEX ix_orgs_region ON orgs USING btree (region_id);
CREATE UNIQUE INDEX orgs_pkey ON orgs USING btree (id);

CREATE TABLE outbox_messages (
  id bigint NOT NULL DEFAULT nextval('outbox_messages_id_seq'::regclass),
  org_id bigint NOT NULL,
  session_id bigint,
  registration_id bigint,
  kind character varying(32) NOT NULL,
  to_email character varying(254) NOT NULL,
  to_name character varying(200) NOT NULL DEFAULT ''::character varying,
  from_email character varying(254) NOT NULL,
  from_name character varying(200) NOT NULL DEFAULT ''::character varying,
  subject character varying(300) NOT NULL,
  text_body text NOT NULL,
  html_body text NOT NULL,
  ics text NOT NULL,
  ics_method character varying(16) NOT NULL,
  message_id character varying(200) NOT NULL,
  status character varying(16) NOT NULL,
  attempts bigint NOT NULL DEFAULT 0,
  next_attempt_at timestamp with time zone NOT NULL,
  claimed_until timestamp with time zone,
  claimed_by character varying(64) NOT NULL DEFAULT ''::character varying,
  last_error character varying(1000) NOT NULL DEFAULT ''::character varying,
  sent_at timestamp with time zone,
  created_at timestamp with time zone NOT NULL,
  page_url character varying(300) NOT NULL DEFAULT ''::character varying,
  survey_invitation_id bigint,
  event text NOT NULL DEFAULT ''::text,
  CONSTRAINT outbox_messages_pkey PRIMARY KEY (id),
  CONSTRAINT ck_outbox_messages_about CHECK (((session_id IS NULL) OR (survey_invitation_id IS NULL))),
  CONSTRAINT ck_outbox_messages_status CHECK (((status)::text = ANY ((ARRAY['pending'::character varying, 'sending'::character varying, 'sent'::character varying, 'failed'::character varying])::text[]))),
  CONSTRAINT fk_outbox_messages_org FOREIGN KEY (org_id) REFERENCES orgs(id) ON DELETE RESTRICT,
  CONSTRAINT fk_outbox_messages_registration FOREIGN KEY (registration_id) REFERENCES registrations(id) ON DELETE CASCADE,
  CONSTRAINT fk_outbox_messages_session FOREIGN KEY (session_id) REFERENCES sessions(id) ON DELETE CASCADE,
  CONSTRAINT fk_outbox_messages_survey_invitation FOREIGN KEY (survey_invitation_id) REFERENCES survey_invitations(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX idx_outbox_messages_message_id ON outbox_messages USING btree (message_id);
CREATE INDEX idx_outbox_messages_org_id ON outbox_messages USING btree (org_id);
CREATE INDEX idx_outbox_messages_registration_id ON outbox_messages USING btree (registration_id);
CREATE INDEX idx_outbox_messages_session_id ON outbox_messages USING btree (session_id);
CREATE INDEX idx_outbox_messages_survey_invitation_id ON outbox_messages USING btree (survey_invitation_id);
CREATE INDEX ix_outbox_due ON outbox_messages USING btree (status, next_attempt_at);
CREATE UNIQUE INDEX outbox_messages_pkey ON outbox_messages USING btree (id);

CREATE TABLE password_resets (
  id bigint NOT NULL DEFAULT nextval('password_resets_id_seq'::regclass),
  user_id bigint NOT NULL,
  hash character varying(64) NOT NULL,
  expires_at timestamp with time zone NOT NULL,
  used_at timestamp with time zone,
  created_by bigint,
  created_at timestamp with time zone NOT NULL,
  CONSTRAINT password_resets_pkey PRIMARY KEY (id),
  CONSTRAINT fk_password_resets_created_by FOREIGN KEY (created_by) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT fk_password_resets_user FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
);
CREATE INDEX idx_password_resets_user_id ON password_resets USING btree (user_id);
CREATE UNIQUE INDEX password_resets_pkey ON password_resets USING btree (id);
CREATE UNIQUE INDEX ux_password_resets_hash ON password_resets USING btree (hash);

CREATE TABLE people (
  id bigint NOT NULL DEFAULT nextval('people_id_seq'::regclass),
  org_id bigint NOT NULL,
  department_id bigint,
  name character varying(200) NOT NULL,
  email character varying(254),
  role character varying(32) NOT NULL,
  language character varying(2) NOT NULL DEFAULT 'fr'::character varying,
  created_at timestamp with time zone,
  updated_at timestamp with time zone,
  given_name character varying(200) NOT NULL DEFAULT ''::character varying,
  family_name character varying(200) NOT NULL DEFAULT ''::character varying,
  search_key character varying(800) NOT NULL DEFAULT ''::character varying,
  sort_key text NOT NULL DEFAULT ''::text,
  left_at timestamp with time zone,
  CONSTRAINT people_pkey PRIMARY KEY (id),
  CONSTRAINT ck_people_language CHECK (((language)::text = ANY ((ARRAY['fr'::character varying, 'de'::character varying])::text[]))),
  CONSTRAINT ck_people_role CHECK (((role)::text = ANY ((ARRAY['staff'::character varying, 'head_of_service'::character varying, 'deputy_head'::character varying, 'council_member'::character varying, 'municipal_secretary'::character varying])::text[]))),
  CONSTRAINT fk_people_department FOREIGN KEY (department_id) REFERENCES departments(id) ON DELETE RESTRICT,
  CONSTRAINT fk_people_org FOREIGN KEY (org_id) REFERENCES orgs(id) ON DELETE RESTRICT
);
CREATE INDEX idx_people_department_id ON people USING btree (department_id);
CREATE INDEX ix_people_left_at ON people USING btree (left_at);
CREATE INDEX ix_people_org_sort ON people USING btree (org_id, sort_key);
CREATE UNIQUE INDEX people_pkey ON people USING btree (id);
CREATE UNIQUE INDEX ux_people_org_email ON people USING btree (org_id, email);

CREATE TABLE plan_sessions (
  plan_id bigint NOT NULL,
  position integer NOT NULL,
  session_id bigint NOT NULL,
  CONSTRAINT plan_sessions_pkey PRIMARY KEY (plan_id, "position"),
  CONSTRAINT ck_plan_sessions_position CHECK (("position" >= 0)),
  CONSTRAINT fk_plan_sessions_plan FOREIGN KEY (plan_id) REFERENCES plans(id) ON DELETE CASCADE,
  CONSTRAINT fk_plan_sessions_session FOREIGN KEY (session_id) REFERENCES sessions(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX plan_sessions_pkey ON plan_sessions USING btree (plan_id, "position");
CREATE UNIQUE INDEX ux_plan_sessions_session ON plan_sessions USING btree (session_id);

CREATE TABLE plans (
  id bigint NOT NULL DEFAULT nextval('plans_id_seq'::regclass),
  org_id bigint NOT NULL,
  format_slug character varying(100) NOT NULL,
  status character varying(16) NOT NULL,
  request text NOT NULL,
  proposal text NOT NULL,
  fingerprint character varying(64) NOT NULL,
  created_by bigint,
  confirmed_by bigint,
  confirmed_at timestamp with time zone,
  created_at timestamp with time zone NOT NULL,
  updated_at timestamp with time zone NOT NULL,
  CONSTRAINT plans_pkey PRIMARY KEY (id),
  CONSTRAINT ck_plans_confirmed CHECK ((((status)::text = 'confirmed'::text) = (confirmed_at IS NOT NULL))),
  CONSTRAINT ck_plans_fingerprint CHECK ((length((fingerprint)::text) = 64)),
  CONSTRAINT ck_plans_status CHECK (((status)::text = ANY ((ARRAY['proposed'::character varying, 'confirmed'::character varying])::text[]))),
  CONSTRAINT fk_plans_confirmed_by FOREIGN KEY (confirmed_by) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT fk_plans_created_by FOREIGN KEY (created_by) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT fk_plans_org FOREIGN KEY (org_id) REFERENCES orgs(id) ON DELETE RESTRICT
);
CREATE INDEX ix_plans_org ON plans USING btree (org_id);
CREATE UNIQUE INDEX plans_pkey ON plans USING btree (id);

CREATE TABLE regions (
  id bigint NOT NULL DEFAULT nextval('regions_id_seq'::regclass),
  slug character varying(64) NOT NULL,
  name character varying(200) NOT NULL,
  created_at timestamp with time zone NOT NULL,
  CONSTRAINT regions_pkey PRIMARY KEY (id)
);
CREATE UNIQUE INDEX regions_pkey ON regions USING btree (id);
CREATE UNIQUE INDEX ux_regions_slug ON regions USING btree (slug);

CREATE TABLE registrations (
  id bigint NOT NULL DEFAULT nextval('registrations_id_seq'::regclass),
  session_id bigint NOT NULL,
  person_id bigint,
  org_id bigint NOT NULL,
  status character varying(16) NOT NULL,
  waitlist_position bigint,
  attendance character varying(16) NOT NULL DEFAULT 'unknown'::character varying,
  attendance_at timestamp with time zone,
  attendance_by bigint,
  token character varying(64) NOT NULL,
  walk_in boolean NOT NULL DEFAULT false,
  created_at timestamp with time zone,
  updated_at timestamp with time zone,
  cancelled_at timestamp with time zone,
  sequence bigint NOT NULL DEFAULT 0,
  anon_department_id bigint,
  anon_role character varying(32) NOT NULL DEFAULT ''::character varying,
  rsvp character varying(16) NOT NULL DEFAULT 'needs_action'::character varying,
  rsvp_at timestamp with time zone,
  waitlist_scope bigint NOT NULL DEFAULT 0,
  CONSTRAINT registrations_pkey PRIMARY KEY (id),
  CONSTRAINT ck_registrations_attendance CHECK (((attendance)::text = ANY ((ARRAY['unknown'::character varying, 'present'::character varying, 'absent'::character varying, 'excused'::character varying])::text[]))),
  CONSTRAINT ck_registrations_rsvp CHECK (((rsvp)::text = ANY ((ARRAY['needs_action'::character varying, 'accepted'::character varying, 'tentative'::character varying, 'declined'::character varying])::text[]))),
  CONSTRAINT ck_registrations_status CHECK (((status)::text = ANY ((ARRAY['booked'::character varying, 'waitlisted'::character varying, 'cancelled'::character varying])::text[]))),
  CONSTRAINT ck_registrations_waitlist CHECK (((((status)::text = 'waitlisted'::text) AND (waitlist_position IS NOT NULL) AND (waitlist_position >= 1)) OR (((status)::text <> 'waitlisted'::text) AND (waitlist_position IS NULL)))),
  CONSTRAINT ck_registrations_waitlist_scope CHECK (((waitlist_scope = 0) OR (waitlist_scope = org_id))),
  CONSTRAINT fk_registrations_anon_department FOREIGN KEY (anon_department_id) REFERENCES departments(id) ON DELETE SET NULL,
  CONSTRAINT fk_registrations_attendance_by FOREIGN KEY (attendance_by) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT fk_registrations_org FOREIGN KEY (org_id) REFERENCES orgs(id) ON DELETE RESTRICT,
  CONSTRAINT fk_registrations_person FOREIGN KEY (person_id) REFERENCES people(id) ON DELETE SET NULL,
  CONSTRAINT fk_registrations_session FOREIGN KEY (session_id) REFERENCES sessions(id) ON DELETE CASCADE
);
CREATE INDEX idx_registrations_org_id ON registrations USING btree (org_id);
CREATE INDEX idx_registrations_person_id ON registrations USING btree (person_id);
CREATE UNIQUE INDEX idx_registrations_token ON registrations USING btree (token);
CREATE INDEX ix_registrations_session_status ON registrations USING btree (session_id, status);
CREATE UNIQUE INDEX registrations_pkey ON registrations USING btree (id);
CREATE UNIQUE INDEX ux_registrations_session_person ON registrations USING btree (session_id, person_id);
CREATE UNIQUE INDEX ux_registrations_session_waitlist ON registrations USING btree (session_id, waitlist_scope, waitlist_position);

CREATE TABLE roadmaps (
  id bigint NOT NULL DEFAULT nextval('roadmaps_id_seq'::regclass),
  org_id bigint NOT NULL,
  content text NOT NULL,
  updated_by bigint,
  updated_at timestamp with time zone NOT NULL,
  CONSTRAINT roadmaps_pkey PRIMARY KEY (id),
  CONSTRAINT fk_roadmaps_org FOREIGN KEY (org_id) REFERENCES orgs(id) ON DELETE RESTRICT,
  CONSTRAINT fk_roadmaps_updated_by FOREIGN KEY (updated_by) REFERENCES users(id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX roadmaps_pkey ON roadmaps USING btree (id);
CREATE UNIQUE INDEX ux_roadmaps_org ON roadmaps USING btree (org_id);

CREATE TABLE session_quotas (
  session_id bigint NOT NULL,
  org_id bigint NOT NULL,
  seats integer NOT NULL,
  CONSTRAINT session_quotas_pkey PRIMARY KEY (session_id, org_id),
  CONSTRAINT ck_session_quotas_seats CHECK (((seats >= 0) AND (seats <= 500))),
  CONSTRAINT fk_session_quotas_org FOREIGN KEY (org_id) REFERENCES orgs(id) ON DELETE RESTRICT,
  CONSTRAINT fk_session_quotas_session FOREIGN KEY (session_id) REFERENCES sessions(id) ON DELETE CASCADE
);
CREATE INDEX idx_session_quotas_org_id ON session_quotas USING btree (org_id);
CREATE UNIQUE INDEX session_quotas_pkey ON session_quotas USING btree (session_id, org_id);

CREATE TABLE session_trainers (
  session_id bigint NOT NULL,
  user_id bigint NOT NULL,
  CONSTRAINT session_trainers_pkey PRIMARY KEY (session_id, user_id),
  CONSTRAINT fk_session_trainers_session FOREIGN KEY (session_id) REFERENCES sessions(id) ON DELETE CASCADE,
  CONSTRAINT fk_session_trainers_user FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
);
CREATE INDEX idx_session_trainers_user_id ON session_trainers USING btree (user_id);
CREATE UNIQUE INDEX session_trainers_pkey ON session_trainers USING btree (session_id, user_id);

CREATE TABLE sessions (
  id bigint NOT NULL DEFAULT nextval('sessions_id_seq'::regclass),
  uid character varying(128) NOT NULL,
  org_id bigint NOT NULL,
  format_slug character varying(64) NOT NULL,
  title character varying(200) NOT NULL,
  starts_at timestamp with time zone NOT NULL,
  ends_at timestamp with time zone NOT NULL,
  location_name character varying(200) NOT NULL DEFAULT ''::character varying,
  location_address character varying(300) NOT NULL DEFAULT ''::character varying,
  location_room character varying(100) NOT NULL DEFAULT ''::character varying,
  capacity bigint NOT NULL,
  registration_deadline timestamp with time zone,
  language character varying(2) NOT NULL DEFAULT 'fr'::character varying,
  open_to_other_communes boolean NOT NULL DEFAULT false,
  status character varying(16) NOT NULL DEFAULT 'scheduled'::character varying,
  sequence bigint NOT NULL DEFAULT 0,
  created_by bigint,
  created_at timestamp with time zone,
  updated_at timestamp with time zone,
  record_past boolean NOT NULL DEFAULT false,
  format_version_id bigint,
  CONSTRAINT sessions_pkey PRIMARY KEY (id),
  CONSTRAINT ck_sessions_capacity CHECK ((capacity > 0)),
  CONSTRAINT ck_sessions_ends_after_starts CHECK ((ends_at > starts_at)),
  CONSTRAINT ck_sessions_language CHECK (((language)::text = ANY ((ARRAY['fr'::character varying, 'de'::character varying])::text[]))),
  CONSTRAINT ck_sessions_status CHECK (((status)::text = ANY ((ARRAY['scheduled'::character varying, 'cancelled'::character varying])::text[]))),
  CONSTRAINT fk_sessions_created_by FOREIGN KEY (created_by) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT fk_sessions_format_version FOREIGN KEY (format_version_id) REFERENCES format_versions(id) ON DELETE RESTRICT,
  CONSTRAINT fk_sessions_org FOREIGN KEY (org_id) REFERENCES orgs(id) ON DELETE RESTRICT
);
CREATE INDEX idx_sessions_org_id ON sessions USING btree (org_id);
CREATE INDEX idx_sessions_starts_at ON sessions USING btree (starts_at);
CREATE UNIQUE INDEX idx_sessions_uid ON sessions USING btree (uid);
CREATE INDEX ix_sessions_format_version ON sessions USING btree (format_version_id);
CREATE UNIQUE INDEX sessions_pkey ON sessions USING btree (id);

CREATE TABLE staff_actions (
  id bigint NOT NULL DEFAULT nextval('staff_actions_id_seq'::regclass),
  created_at timestamp with time zone NOT NULL,
  actor_user_id bigint,
  actor character varying(254) NOT NULL,
  org_id bigint,
  action character varying(64) NOT NULL,
  target character varying(200) NOT NULL DEFAULT ''::character varying,
  detail character varying(2000) NOT NULL DEFAULT ''::character varying,
  CONSTRAINT staff_actions_pkey PRIMARY KEY (id),
  CONSTRAINT fk_staff_actions_actor FOREIGN KEY (actor_user_id) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT fk_staff_actions_org FOREIGN KEY (org_id) REFERENCES orgs(id) ON DELETE RESTRICT
);
CREATE INDEX ix_staff_actions_created_at ON staff_actions USING btree (created_at);
CREATE INDEX ix_staff_actions_org ON staff_actions USING btree (org_id);
CREATE UNIQUE INDEX staff_actions_pkey ON staff_actions USING btree (id);

CREATE TABLE survey_invitations (
  id bigint NOT NULL DEFAULT nextval('survey_invitations_id_seq'::regclass),
  survey_id bigint NOT NULL,
  org_id bigint NOT NULL,
  person_id bigint,
  token character varying(64),
  group_key character varying(32) NOT NULL,
  department_id bigint,
  language character varying(2) NOT NULL DEFAULT 'fr'::character varying,
  answered boolean NOT NULL DEFAULT false,
  created_at timestamp with time zone NOT NULL,
  CONSTRAINT survey_invitations_pkey PRIMARY KEY (id),
  CONSTRAINT ck_survey_invitations_group_key CHECK (((group_key)::text = ANY ((ARRAY['council'::character varying, 'heads_of_service'::character varying, 'staff'::character varying])::text[]))),
  CONSTRAINT ck_survey_invitations_language CHECK (((language)::text = ANY ((ARRAY['fr'::character varying, 'de'::character varying])::text[]))),
  CONSTRAINT fk_survey_invitations_department FOREIGN KEY (department_id) REFERENCES departments(id) ON DELETE SET NULL,
  CONSTRAINT fk_survey_invitations_org FOREIGN KEY (org_id) REFERENCES orgs(id) ON DELETE RESTRICT,
  CONSTRAINT fk_survey_invitations_person FOREIGN KEY (person_id) REFERENCES people(id) ON DELETE SET NULL,
  CONSTRAINT fk_survey_invitations_survey FOREIGN KEY (survey_id) REFERENCES surveys(id) ON DELETE CASCADE
);
CREATE INDEX idx_survey_invitations_person_id ON survey_invitations USING btree (person_id);
CREATE UNIQUE INDEX survey_invitations_pkey ON survey_invitations USING btree (id);
CREATE UNIQUE INDEX ux_survey_invitations_survey_person ON survey_invitations USING btree (survey_id, person_id);
CREATE UNIQUE INDEX ux_survey_invitations_token ON survey_invitations USING btree (token);

CREATE TABLE survey_responses (
  id bigint NOT NULL DEFAULT nextval('survey_responses_id_seq'::regclass),
  survey_id bigint NOT NULL,
  org_id bigint NOT NULL,
  department_id bigint,
  group_key character varying(32) NOT NULL,
  respondent_key character varying(64),
  answers text NOT NULL,
  CONSTRAINT survey_responses_pkey PRIMARY KEY (id),
  CONSTRAINT ck_survey_responses_group_key CHECK (((group_key)::text = ANY ((ARRAY['council'::character varying, 'heads_of_service'::character varying, 'staff'::character varying])::text[]))),
  CONSTRAINT fk_survey_responses_department FOREIGN KEY (department_id) REFERENCES departments(id) ON DELETE SET NULL,
  CONSTRAINT fk_survey_responses_org FOREIGN KEY (org_id) REFERENCES orgs(id) ON DELETE RESTRICT,
  CONSTRAINT fk_survey_responses_survey FOREIGN KEY (survey_id) REFERENCES surveys(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX survey_responses_pkey ON survey_responses USING btree (id);
CREATE UNIQUE INDEX ux_survey_responses_survey_respondent ON survey_responses USING btree (survey_id, respondent_key);

CREATE TABLE surveys (
  id bigint NOT NULL DEFAULT nextval('surveys_id_seq'::regclass),
  org_id bigint NOT NULL,
  kind character varying(32) NOT NULL,
  slug character varying(64) NOT NULL,
  audience character varying(300) NOT NULL DEFAULT ''::character varying,
  closes_at timestamp with time zone NOT NULL,
  reminder_at timestamp with time zone,
  reminded_at timestamp with time zone,
  sealed_at timestamp with time zone,
  created_by bigint,
  created_at timestamp with time zone NOT NULL,
  CONSTRAINT surveys_pkey PRIMARY KEY (id),
  CONSTRAINT ck_surveys_kind CHECK (((kind)::text = 'etat_des_lieux'::text)),
  CONSTRAINT ck_surveys_reminder CHECK (((reminder_at IS NULL) OR (reminder_at < closes_at))),
  CONSTRAINT fk_surveys_created_by FOREIGN KEY (created_by) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT fk_surveys_org FOREIGN KEY (org_id) REFERENCES orgs(id) ON DELETE RESTRICT
);
CREATE INDEX idx_surveys_org_id ON surveys USING btree (org_id);
CREATE INDEX ix_surveys_reminder_due ON surveys USING btree (reminded_at, reminder_at);
CREATE INDEX ix_surveys_seal_due ON surveys USING btree (sealed_at, closes_at);
CREATE UNIQUE INDEX surveys_pkey ON surveys USING btree (id);

CREATE TABLE users (
  id bigint NOT NULL DEFAULT nextval('users_id_seq'::regclass),
  org_id bigint,
  email character varying(254) NOT NULL,
  name character varying(200) NOT NULL DEFAULT ''::character varying,
  password_hash character varying(100) NOT NULL,
  role character varying(16) NOT NULL,
  language character varying(2) NOT NULL DEFAULT 'fr'::character varying,
  created_at timestamp with time zone,
  disabled_at timestamp with time zone,
  feed_token_hash character varying(64),
  feed_token_at timestamp with time zone,
  region_id bigint,
  updated_at timestamp with time zone,
  CONSTRAINT users_pkey PRIMARY KEY (id),
  CONSTRAINT ck_users_coordinator CHECK (((((role)::text = 'coordinator'::text) AND (region_id IS NOT NULL) AND (org_id IS NULL) AND (feed_token_hash IS NULL)) OR (((role)::text <> 'coordinator'::text) AND (region_id IS NULL)))),
  CONSTRAINT ck_users_language CHECK (((language)::text = ANY ((ARRAY['fr'::character varying, 'de'::character varying])::text[]))),
  CONSTRAINT ck_users_role CHECK (((role)::text = ANY ((ARRAY['admin'::character varying, 'hr'::character varying, 'trainer'::character varying, 'coordinator'::character varying])::text[]))),
  CONSTRAINT fk_users_org FOREIGN KEY (org_id) REFERENCES orgs(id) ON DELETE RESTRICT,
  CONSTRAINT fk_users_region FOREIGN KEY (region_id) REFERENCES regions(id) ON DELETE RESTRICT
);
CREATE INDEX idx_users_org_id ON users USING btree (org_id);
CREATE INDEX ix_users_email ON users USING btree (email);
CREATE INDEX ix_users_region ON users USING btree (region_id);
CREATE UNIQUE INDEX users_pkey ON users USING btree (id);
CREATE UNIQUE INDEX ux_users_admin_email ON users USING btree (email) WHERE (org_id IS NULL);
CREATE UNIQUE INDEX ux_users_feed_token_hash ON users USING btree (feed_token_hash);
CREATE UNIQUE INDEX ux_users_org_email ON users USING btree (org_id, email);

package db

import (
	"fmt"
	"strings"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Migration 0010 holds what Atelier keeps around the training (the guide's
// roadmap, §3): the surveys a commune launches (the état des lieux), who
// was invited and the answers, which are stored apart from the people;
// the commune's memento, every saved version, and who confirmed reading
// it; the commune's roadmap. The outbox learns to carry a survey's mail:
// such a mail is about an invitation, not a session, so session_id becomes
// optional and a CHECK says a mail is about exactly one of them.
//
// Everything is explicit SQL, frozen here, in each dialect's spelling.

// m0010Dialect spells the column types of one engine.
type m0010Dialect struct {
	id, ref, time, boolean string
	// vc returns a bounded text type.
	vc func(n int) string
	// before compares two time columns as instants.
	before func(a, b string) string
}

var (
	m0010Postgres = m0010Dialect{
		id: "bigserial PRIMARY KEY", ref: "bigint", time: "timestamp with time zone", boolean: "boolean",
		vc:     func(n int) string { return fmt.Sprintf("varchar(%d)", n) },
		before: func(a, b string) string { return a + " < " + b },
	}
	// SQLite: the types gorm gives these columns elsewhere in the schema.
	m0010SQLite = m0010Dialect{
		id: "integer PRIMARY KEY AUTOINCREMENT", ref: "integer", time: "datetime", boolean: "numeric",
		vc: func(int) string { return "text" },
		// Times are stored as text: compare instants, not strings.
		before: func(a, b string) string { return "julianday(" + a + ") < julianday(" + b + ")" },
	}
)

// m0010Groups are the groups a survey's respondents belong to.
const m0010Groups = "('council', 'heads_of_service', 'staff')"

// m0010Tables returns the CREATE statements of the new tables, parents
// before children, and their indexes.
func m0010Tables(d m0010Dialect) []string {
	return []string{
		// A survey launched on an audience. reminder_at is when the
		// reminder is due (NULL: none), reminded_at when an instance
		// claimed it; sealed_at when the answers were cut from the people
		// after closes_at.
		`CREATE TABLE surveys (
  id ` + d.id + `,
  org_id ` + d.ref + ` NOT NULL,
  kind ` + d.vc(32) + ` NOT NULL,
  slug ` + d.vc(64) + ` NOT NULL,
  audience ` + d.vc(300) + ` NOT NULL DEFAULT '',
  closes_at ` + d.time + ` NOT NULL,
  reminder_at ` + d.time + `,
  reminded_at ` + d.time + `,
  sealed_at ` + d.time + `,
  created_by ` + d.ref + `,
  created_at ` + d.time + ` NOT NULL,
  CONSTRAINT fk_surveys_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE RESTRICT,
  CONSTRAINT fk_surveys_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL,
  CONSTRAINT ck_surveys_kind CHECK (kind IN ('etat_des_lieux')),
  CONSTRAINT ck_surveys_reminder CHECK (reminder_at IS NULL OR ` + d.before("reminder_at", "closes_at") + `)
)`,
		"CREATE INDEX idx_surveys_org_id ON surveys (org_id)",
		"CREATE INDEX ix_surveys_reminder_due ON surveys (reminded_at, reminder_at)",
		"CREATE INDEX ix_surveys_seal_due ON surveys (sealed_at, closes_at)",
		// Who was invited, with the group and service the results count
		// them in (taken at launch). token opens the person's form; it and
		// person_id become NULL when the person is erased.
		`CREATE TABLE survey_invitations (
  id ` + d.id + `,
  survey_id ` + d.ref + ` NOT NULL,
  org_id ` + d.ref + ` NOT NULL,
  person_id ` + d.ref + `,
  token ` + d.vc(64) + `,
  group_key ` + d.vc(32) + ` NOT NULL,
  department_id ` + d.ref + `,
  language ` + d.vc(2) + ` NOT NULL DEFAULT 'fr',
  answered ` + d.boolean + ` NOT NULL DEFAULT false,
  created_at ` + d.time + ` NOT NULL,
  CONSTRAINT fk_survey_invitations_survey FOREIGN KEY (survey_id) REFERENCES surveys (id) ON DELETE CASCADE,
  CONSTRAINT fk_survey_invitations_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE RESTRICT,
  CONSTRAINT fk_survey_invitations_person FOREIGN KEY (person_id) REFERENCES people (id) ON DELETE SET NULL,
  CONSTRAINT fk_survey_invitations_department FOREIGN KEY (department_id) REFERENCES departments (id) ON DELETE SET NULL,
  CONSTRAINT ck_survey_invitations_group_key CHECK (group_key IN ` + m0010Groups + `),
  CONSTRAINT ck_survey_invitations_language CHECK (language IN ('fr', 'de'))
)`,
		"CREATE UNIQUE INDEX ux_survey_invitations_token ON survey_invitations (token)",
		"CREATE UNIQUE INDEX ux_survey_invitations_survey_person ON survey_invitations (survey_id, person_id)",
		"CREATE INDEX idx_survey_invitations_person_id ON survey_invitations (person_id)",
		// The answers. Nothing in a row points to an invitation or a
		// person: respondent_key is a hash of the person's token, the only
		// way back from a link to its answers while the survey is open, and
		// it is cleared when the survey is sealed. No timestamp either,
		// which could be matched with anything else.
		`CREATE TABLE survey_responses (
  id ` + d.id + `,
  survey_id ` + d.ref + ` NOT NULL,
  org_id ` + d.ref + ` NOT NULL,
  department_id ` + d.ref + `,
  group_key ` + d.vc(32) + ` NOT NULL,
  respondent_key ` + d.vc(64) + `,
  answers text NOT NULL,
  CONSTRAINT fk_survey_responses_survey FOREIGN KEY (survey_id) REFERENCES surveys (id) ON DELETE CASCADE,
  CONSTRAINT fk_survey_responses_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE RESTRICT,
  CONSTRAINT fk_survey_responses_department FOREIGN KEY (department_id) REFERENCES departments (id) ON DELETE SET NULL,
  CONSTRAINT ck_survey_responses_group_key CHECK (group_key IN ` + m0010Groups + `)
)`,
		"CREATE UNIQUE INDEX ux_survey_responses_survey_respondent ON survey_responses (survey_id, respondent_key)",
		// Every saved version of a commune's memento, numbered from 1.
		`CREATE TABLE mementos (
  id ` + d.id + `,
  org_id ` + d.ref + ` NOT NULL,
  version integer NOT NULL,
  language ` + d.vc(2) + ` NOT NULL DEFAULT 'fr',
  content text NOT NULL,
  created_by ` + d.ref + `,
  created_at ` + d.time + ` NOT NULL,
  CONSTRAINT ux_mementos_org_version UNIQUE (org_id, version),
  CONSTRAINT fk_mementos_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE RESTRICT,
  CONSTRAINT fk_mementos_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL,
  CONSTRAINT ck_mementos_version CHECK (version >= 1),
  CONSTRAINT ck_mementos_language CHECK (language IN ('fr', 'de'))
)`,
		// A person's confirmation of having read a version of the memento.
		`CREATE TABLE memento_reads (
  id ` + d.id + `,
  org_id ` + d.ref + ` NOT NULL,
  person_id ` + d.ref + ` NOT NULL,
  version integer NOT NULL,
  read_at ` + d.time + ` NOT NULL,
  CONSTRAINT fk_memento_reads_person FOREIGN KEY (person_id) REFERENCES people (id) ON DELETE CASCADE,
  CONSTRAINT fk_memento_reads_memento FOREIGN KEY (org_id, version) REFERENCES mementos (org_id, version) ON DELETE CASCADE
)`,
		"CREATE UNIQUE INDEX ux_memento_reads_person_version ON memento_reads (person_id, version)",
		"CREATE INDEX idx_memento_reads_org_id ON memento_reads (org_id)",
		// The commune's roadmap: one, edited in place.
		`CREATE TABLE roadmaps (
  id ` + d.id + `,
  org_id ` + d.ref + ` NOT NULL,
  content text NOT NULL,
  updated_by ` + d.ref + `,
  updated_at ` + d.time + ` NOT NULL,
  CONSTRAINT fk_roadmaps_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE RESTRICT,
  CONSTRAINT fk_roadmaps_updated_by FOREIGN KEY (updated_by) REFERENCES users (id) ON DELETE SET NULL
)`,
		"CREATE UNIQUE INDEX ux_roadmaps_org ON roadmaps (org_id)",
	}
}

// m0010NewTables lists the new tables, children before parents (the order
// to drop them in).
var m0010NewTables = []string{"roadmaps", "memento_reads", "mementos", "survey_responses", "survey_invitations", "surveys"}

// The outbox's new column and its rules.
const (
	m0010OutboxFK = "CONSTRAINT fk_outbox_messages_survey_invitation FOREIGN KEY (survey_invitation_id) REFERENCES survey_invitations (id) ON DELETE CASCADE"
	// A mail is about a session, a survey, or neither (an account's mail,
	// 0007), never both.
	m0010OutboxCheck = "CONSTRAINT ck_outbox_messages_about CHECK (session_id IS NULL OR survey_invitation_id IS NULL)"
	m0010OutboxIndex = "CREATE INDEX idx_outbox_messages_survey_invitation_id ON outbox_messages (survey_invitation_id)"
	// On SQLite, the pieces of the table's CREATE statement (0005 wrote
	// it, 0007 made the session optional): the session column, the new
	// column, inserted before the first table constraint, and the new
	// constraints, added after the last.
	m0010SessionOptional = "session_id integer,"
	m0010FirstConstraint = ",\n  CONSTRAINT "
	m0010Column          = ",\n  survey_invitation_id integer"
	m0010Constraints     = ",\n  " + m0010OutboxFK + ",\n  " + m0010OutboxCheck
)

func m0010Strategy() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0010_strategy",
		Migrate: func(tx *gorm.DB) error {
			postgres := tx.Dialector.Name() == "postgres"
			d := m0010SQLite
			if postgres {
				d = m0010Postgres
			}
			for _, stmt := range m0010Tables(d) {
				if err := tx.Exec(stmt).Error; err != nil {
					return fmt.Errorf("%.60s: %w", stmt, err)
				}
			}
			if postgres {
				return m0010PostgresOutboxUp(tx)
			}
			return m0010SQLiteOutboxUp(tx)
		},
		Rollback: func(tx *gorm.DB) error {
			// A survey's mail cannot stay in an outbox without surveys.
			if err := tx.Exec("DELETE FROM outbox_messages WHERE survey_invitation_id IS NOT NULL").Error; err != nil {
				return err
			}
			var err error
			if tx.Dialector.Name() == "postgres" {
				err = m0010PostgresOutboxDown(tx)
			} else {
				err = m0010SQLiteOutboxDown(tx)
			}
			if err != nil {
				return err
			}
			for _, t := range m0010NewTables {
				if err := tx.Exec("DROP TABLE " + t).Error; err != nil {
					return err
				}
			}
			return nil
		},
	}
}

func m0010PostgresOutboxUp(tx *gorm.DB) error {
	for _, stmt := range []string{
		"ALTER TABLE outbox_messages ADD COLUMN survey_invitation_id bigint, ADD " + m0010OutboxFK + ", ADD " + m0010OutboxCheck,
		m0010OutboxIndex,
	} {
		if err := tx.Exec(stmt).Error; err != nil {
			return err
		}
	}
	return nil
}

func m0010PostgresOutboxDown(tx *gorm.DB) error {
	for _, stmt := range []string{
		"ALTER TABLE outbox_messages DROP CONSTRAINT ck_outbox_messages_about, DROP CONSTRAINT fk_outbox_messages_survey_invitation",
		"DROP INDEX idx_outbox_messages_survey_invitation_id",
		"ALTER TABLE outbox_messages DROP COLUMN survey_invitation_id",
	} {
		if err := tx.Exec(stmt).Error; err != nil {
			return err
		}
	}
	return nil
}

// m0010SQLiteOutboxUp adds the column and its rules by rebuilding the
// table: SQLite cannot add them in place (a column added
// in place would carry its rules as column constraints, unnamed). The new
// CREATE statement is the table's own, edited, rather than a frozen copy:
// migrations of other branches may have added columns since 0005, and a
// copy would drop them. If the statement does not read as expected the
// migration stops rather than guess.
func m0010SQLiteOutboxUp(tx *gorm.DB) error {
	ddl, cols, err := m0010SQLiteTable(tx, "outbox_messages")
	if err != nil {
		return err
	}
	at := strings.Index(ddl, m0010FirstConstraint)
	end := strings.LastIndex(ddl, "\n)")
	if strings.Count(ddl, m0010SessionOptional) != 1 || at < 0 || end < at {
		return fmt.Errorf("outbox_messages: its CREATE statement is not as 0007 left it:\n%s", ddl)
	}
	ddl = ddl[:at] + m0010Column + ddl[at:end] + m0010Constraints + ddl[end:]
	if err := m0010SQLiteRebuild(tx, "outbox_messages", ddl, cols); err != nil {
		return err
	}
	if err := tx.Exec(m0010OutboxIndex).Error; err != nil {
		return err
	}
	return m0010ForeignKeyCheck(tx)
}

// m0010SQLiteOutboxDown undoes m0010SQLiteOutboxUp by the reverse edit.
func m0010SQLiteOutboxDown(tx *gorm.DB) error {
	if err := tx.Exec("DROP INDEX idx_outbox_messages_survey_invitation_id").Error; err != nil {
		return err
	}
	ddl, cols, err := m0010SQLiteTable(tx, "outbox_messages")
	if err != nil {
		return err
	}
	for _, piece := range []string{m0010Column, m0010Constraints, m0010SessionOptional} {
		if strings.Count(ddl, piece) != 1 {
			return fmt.Errorf("outbox_messages: its CREATE statement is not as 0010 left it:\n%s", ddl)
		}
	}
	ddl = strings.Replace(ddl, m0010Column, "", 1)
	ddl = strings.Replace(ddl, m0010Constraints, "", 1)
	kept := cols[:0:0]
	for _, c := range cols {
		if c != "survey_invitation_id" {
			kept = append(kept, c)
		}
	}
	if err := m0010SQLiteRebuild(tx, "outbox_messages", ddl, kept); err != nil {
		return err
	}
	return m0010ForeignKeyCheck(tx)
}

// m0010SQLiteTable returns a table's CREATE statement and its columns.
func m0010SQLiteTable(tx *gorm.DB, table string) (string, []string, error) {
	var ddl string
	if err := tx.Raw("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", table).Scan(&ddl).Error; err != nil {
		return "", nil, err
	}
	var cols []struct{ Name string }
	if err := tx.Raw("SELECT name FROM pragma_table_info(?) ORDER BY cid", table).Scan(&cols).Error; err != nil {
		return "", nil, err
	}
	if ddl == "" || len(cols) == 0 {
		return "", nil, fmt.Errorf("table %s not found", table)
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return ddl, names, nil
}

// m0010SQLiteRebuild replaces table by one built from ddl (its CREATE
// statement, any name), copying cols, keeping its indexes under their
// names and its AUTOINCREMENT counter. Only for a table no other table
// references: dropping it must not reach another table (see 0005).
func m0010SQLiteRebuild(tx *gorm.DB, table, ddl string, cols []string) error {
	var indexes []struct {
		Name string
		SQL  *string
	}
	if err := tx.Raw("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? ORDER BY name", table).Scan(&indexes).Error; err != nil {
		return err
	}
	var seq []int64
	if err := tx.Raw("SELECT seq FROM sqlite_sequence WHERE name = ?", table).Scan(&seq).Error; err != nil {
		return err
	}
	var rows int64
	if err := tx.Raw("SELECT COUNT(*) FROM " + table).Scan(&rows).Error; err != nil {
		return err
	}
	head, rest, ok := strings.Cut(ddl, "(")
	if !ok || !strings.HasPrefix(strings.TrimSpace(head), "CREATE TABLE") {
		return fmt.Errorf("rebuild of %s: unexpected CREATE statement", table)
	}
	if err := tx.Exec("CREATE TABLE " + table + "_new (" + rest).Error; err != nil {
		return fmt.Errorf("create %s_new: %w", table, err)
	}
	list := strings.Join(cols, ", ")
	res := tx.Exec("INSERT INTO " + table + "_new (" + list + ") SELECT " + list + " FROM " + table)
	if res.Error != nil {
		return fmt.Errorf("copy %s: %w", table, res.Error)
	}
	if res.RowsAffected != rows {
		return fmt.Errorf("copy %s: %d of %d rows copied", table, res.RowsAffected, rows)
	}
	for _, stmt := range []string{"DROP TABLE " + table, "ALTER TABLE " + table + "_new RENAME TO " + table} {
		if err := tx.Exec(stmt).Error; err != nil {
			return fmt.Errorf("%s: %w", stmt, err)
		}
	}
	for _, idx := range indexes {
		if idx.SQL != nil { // NULL: an automatic index, recreated with the table
			if err := tx.Exec(*idx.SQL).Error; err != nil {
				return fmt.Errorf("recreate index %s: %w", idx.Name, err)
			}
		}
	}
	// AUTOINCREMENT never reuses an id, even of a deleted row.
	if len(seq) == 1 {
		if err := tx.Exec("DELETE FROM sqlite_sequence WHERE name = ?", table).Error; err != nil {
			return err
		}
		if err := tx.Exec("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", table, seq[0]).Error; err != nil {
			return err
		}
	}
	return nil
}

func m0010ForeignKeyCheck(tx *gorm.DB) error {
	var problems []struct {
		Table  string
		Parent string
	}
	if err := tx.Raw("PRAGMA foreign_key_check(outbox_messages)").Scan(&problems).Error; err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("foreign_key_check after the rebuild of outbox_messages: %d rows break a foreign key (→ %s)", len(problems), problems[0].Parent)
	}
	return nil
}

package web

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/store"
)

// communeShape is how large a commune fillCommune builds.
type communeShape struct {
	Departments   int
	People        int
	Sessions      int
	Registrations int
	// Big is the number of people booked in the first coming session
	// (communeWorld.Big), the session page measured.
	Big int
	// Trainers are accounts added to the commune (the accounts list).
	Trainers int
}

// largeCommune is the commune of issue 13: 5,000 people in 40 services,
// 500 sessions, 20,000 registrations, a session of 200.
var largeCommune = communeShape{Departments: 40, People: 5000, Sessions: 500, Registrations: 20000, Big: 200, Trainers: 40}

// div is the shape scaled down n times.
func (s communeShape) div(n int) communeShape {
	return communeShape{Departments: s.Departments / n, People: s.People / n, Sessions: s.Sessions / n,
		Registrations: s.Registrations / n, Big: s.Big / n, Trainers: s.Trainers / n}
}

func (s communeShape) String() string {
	return fmt.Sprintf("%dpeople-%dsessions-%dregs", s.People, s.Sessions, s.Registrations)
}

// communeWorld names rows of the commune fillCommune built.
type communeWorld struct {
	// Big is a coming session with shape.Big people booked, a history and
	// its mails.
	Big int64
	// Past is a session held, with attendance and feedback, that the
	// trainer of commune a ran.
	Past int64
	// Search is a word of some people's names (for the people page).
	Search string
	// Token is a registration token of a person booked in several
	// sessions (their feed).
	Token string
}

var (
	givenNames     = []string{"Anne", "Marc", "Sophie", "Luca", "Claire", "Jean-Marc", "Nadia", "Pierre", "Elena", "Thomas", "Marie", "Yves", "Sara", "Noé", "Julie", "Daniel", "Léa", "Hans", "Chloé", "Reto"}
	familyNames    = []string{"Rochat", "Favre", "Müller", "Bonvin", "Dubois", "Crettenand", "Pittet", "Zufferey", "Schmid", "Gay", "Perrin", "Rey", "Berthod", "Monnet", "Fournier", "Imhof", "Carron", "Morand", "Gillioz", "Délèze", "Roux", "Blanc", "Jaquier", "Cherix", "Moret"}
	fixtureFormats = []string{"aubonne", "ecublens-collaborateurs", "equipe-service", "ucv-consultation", "ecublens-chefs"}
)

// fixtureID is where the fixture's ids start: clear of the rows the app
// itself creates (PostgreSQL's sequences are not moved).
const fixtureID = 1_000_000

// fillCommune fills commune a of app a with shape's departments, people,
// sessions (half held, half to come, every 25th cancelled; the trainer
// of commune a runs every other), registrations (with attendance and
// feedback in the sessions held, one audit entry and one mail each) and
// trainer accounts. Rows go in with multi-row INSERTs in one transaction.
func fillCommune(tb testing.TB, a *app, shape communeShape) communeWorld {
	tb.Helper()
	ctx := context.Background()
	db, err := a.store.SQL()
	if err != nil {
		tb.Fatal(err)
	}
	org := a.orgA.ID
	now := a.clock().UTC()
	t0 := now.AddDate(0, -6, 0)
	trainer, err := a.store.UserByEmail(ctx, trainerAEmail)
	if err != nil {
		tb.Fatal(err)
	}
	hr, err := a.store.UserByEmail(ctx, hrAEmail)
	if err != nil {
		tb.Fatal(err)
	}
	// Not a query on the store from here to the commit: SQLite has one
	// connection, and the transaction holds it.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	ins := &bulk{tb: tb, tx: tx, numbered: a.store.Dialect() == store.Postgres}

	deps := make([]int64, shape.Departments)
	for i := range deps {
		deps[i] = fixtureID + int64(i)
		ins.row("departments", "id, org_id, name, created_at", deps[i], org, fmt.Sprintf("Service %02d", i), t0)
	}
	ins.flush()

	people := make([]int64, shape.People)
	council := max(1, shape.People/300)
	for i := range people {
		people[i] = fixtureID + int64(i)
		p := store.Person{
			GivenName:  givenNames[i%len(givenNames)],
			FamilyName: familyNames[(i/len(givenNames)+i)%len(familyNames)],
			Role:       "staff",
			Language:   "fr",
		}
		email := fmt.Sprintf("p%d@grande.example", i)
		p.Email = &email
		var dep *int64
		switch {
		case i < council:
			p.Role = "council_member"
		case len(deps) > 0:
			d := (i - council) % len(deps)
			dep = &deps[d]
			switch (i - council) / len(deps) {
			case 0:
				p.Role = "head_of_service"
			case 1:
				p.Role = "deputy_head"
			}
		}
		if i%5 == 4 {
			p.Language = "de"
		}
		p.FillKeys()
		ins.row("people", "id, org_id, department_id, name, given_name, family_name, email, role, language, search_key, sort_key, created_at, updated_at",
			people[i], org, dep, p.Name, p.GivenName, p.FamilyName, email, p.Role, p.Language, p.SearchKey, p.SortKey, t0, t0)
	}
	ins.flush()

	// Sessions: the first half held (the last six months), the second to
	// come (the next six); the first coming one is the big one, with
	// shape.Big people. The others share the rest of the registrations.
	half := shape.Sessions / 2
	count := make([]int, shape.Sessions)
	rest, others := shape.Registrations, shape.Sessions
	if half < shape.Sessions && shape.Big > 0 {
		count[half] = shape.Big
		rest, others = rest-shape.Big, others-1
	}
	for i := range count {
		if i == half && shape.Big > 0 {
			continue
		}
		count[i] = rest / max(1, others)
		if i < rest%max(1, others) {
			count[i]++
		}
		count[i] = min(count[i], len(people))
	}
	type sess struct {
		id       int64
		start    time.Time
		capacity int
		held     bool
	}
	sessions := make([]sess, shape.Sessions)
	world := communeWorld{Search: "rochat"}
	span := 180 * 24 * time.Hour
	for i := range sessions {
		s := &sessions[i]
		s.id = fixtureID + int64(i)
		if i < half {
			s.start = now.Add(-span + time.Duration(i)*span/time.Duration(max(1, half))).Truncate(time.Hour)
			s.held = true
		} else {
			s.start = now.Add(48*time.Hour + time.Duration(i-half)*span/time.Duration(max(1, shape.Sessions-half))).Truncate(time.Hour)
		}
		// A coming session has a waiting list of a twentieth.
		s.capacity = count[i]
		if !s.held && i != half && count[i] > 4 {
			s.capacity = count[i] - count[i]/20
		}
		status := store.SessionScheduled
		if i%25 == 24 {
			status = store.SessionCancelled
		}
		ins.row("sessions", "id, uid, org_id, format_slug, title, starts_at, ends_at, location_name, location_address, location_room, capacity, language, status, sequence, created_by, created_at, updated_at",
			s.id, fmt.Sprintf("fixture-%d@atelier.example", s.id), org, fixtureFormats[i%len(fixtureFormats)], fmt.Sprintf("Atelier IA n° %d", i+1),
			s.start, s.start.Add(3*time.Hour), "Salle du Conseil", "Place du Marché 1", fmt.Sprintf("Salle %d", i%7), max(1, s.capacity), "fr", status, i%3, hr.ID, t0, t0)
		if i%2 == 0 {
			ins.row("session_trainers", "session_id, user_id", s.id, trainer.ID)
		}
	}
	if half < len(sessions) {
		world.Big = sessions[half].id
	}
	if half > 0 {
		world.Past = sessions[(half-1)&^1].id // the trainer's
	}

	next := 0
	regID := int64(fixtureID)
	for i, s := range sessions {
		n, capacity := count[i], s.capacity
		for k := range n {
			person := people[(next+k)%len(people)]
			regID++
			status, attendance := store.RegBooked, store.AttendUnknown
			var position *int
			switch {
			case k >= capacity:
				status = store.RegWaitlisted
				p := k - capacity + 1
				position = &p
			case k%15 == 14:
				status = store.RegCancelled
			case s.held && k%6 == 5:
				attendance = store.AttendAbsent
			case s.held:
				attendance = store.AttendPresent
			}
			token := fmt.Sprintf("fixture%016d%08d", regID, k)
			if world.Token == "" && !s.held && status == store.RegBooked {
				world.Token = token
			}
			created := s.start.Add(-30 * 24 * time.Hour)
			ins.row("registrations", "id, session_id, person_id, org_id, status, waitlist_position, attendance, token, rsvp, created_at, updated_at",
				regID, s.id, person, org, status, position, attendance, token, store.RsvpNeedsAction, created, created)
			ins.row("audit_entries", "org_id, session_id, person_id, actor_user_id, actor, action, detail, created_at",
				org, s.id, person, hr.ID, hrAEmail, "booked", `{"status":"`+status+`"}`, created)
			ins.row("outbox_messages", "org_id, session_id, registration_id, kind, to_email, to_name, from_email, from_name, subject, text_body, html_body, ics, ics_method, message_id, status, attempts, next_attempt_at, sent_at, created_at",
				org, s.id, regID, "invite", fmt.Sprintf("p%d@grande.example", person-fixtureID), "", "rh@commune-a.example", "RH", "Invitation", "Bonjour", "<p>Bonjour</p>", "", "REQUEST",
				fmt.Sprintf("<fixture-%d@atelier.example>", regID), store.OutboxSent, 1, created, created, created)
			if s.held && attendance == store.AttendPresent && k%3 == 0 {
				ins.row("feedback", "registration_id, session_id, org_id, overall, will_use, confidence_before, confidence_after, use_cases, worries, created_at, updated_at",
					regID, s.id, org, 1+k%5, 1+(k/2)%5, 1+k%3, 3+k%3, "Résumer les procès-verbaux du conseil", "Confidentialité des données des citoyens", s.start, s.start)
			}
		}
		next = (next + n) % max(1, len(people))
	}
	ins.flush()

	for i := range shape.Trainers {
		ins.row("users", "org_id, email, name, password_hash, role, language, created_at",
			org, fmt.Sprintf("formateur%d@commune-a.example", i), fmt.Sprintf("Formateur %d", i), "x", store.RoleTrainer, "fr", t0)
	}
	ins.flush()
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	if a.store.Dialect() == store.Postgres {
		// Fresh statistics, as autovacuum gives tables this size. SQLite
		// gets none: Atelier never runs ANALYZE there.
		if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
			tb.Fatal(err)
		}
	}
	return world
}

// bulk inserts rows with multi-row INSERTs. Rows wait per table; when a
// table has 200 waiting, every table is written, in the order they first
// appeared (parents before children).
type bulk struct {
	tb testing.TB
	tx *sql.Tx
	// numbered writes $1, $2… (PostgreSQL); else ? (SQLite's driver
	// looks numbered parameters up one by one, in quadratic time).
	numbered bool
	order    []string
	pending  map[string]*insert
}

type insert struct {
	columns string
	rows    int
	args    []any
	sql     strings.Builder
}

// row adds a row to table (columns as in an INSERT, the same for every
// row of a table).
func (b *bulk) row(table, columns string, values ...any) {
	if b.pending == nil {
		b.pending = map[string]*insert{}
	}
	in := b.pending[table]
	if in == nil {
		in = &insert{columns: columns}
		b.pending[table] = in
		b.order = append(b.order, table)
	}
	if in.columns != columns {
		b.tb.Fatalf("bulk: %s: columns %q, then %q", table, in.columns, columns)
	}
	if in.rows == 0 {
		in.sql.WriteString("INSERT INTO " + table + " (" + columns + ") VALUES ")
	} else {
		in.sql.WriteString(", ")
	}
	in.sql.WriteString("(")
	for i, v := range values {
		if i > 0 {
			in.sql.WriteString(", ")
		}
		if t, ok := v.(time.Time); ok {
			v = t.UTC()
		}
		in.args = append(in.args, v)
		if b.numbered {
			fmt.Fprintf(&in.sql, "$%d", len(in.args))
		} else {
			in.sql.WriteString("?")
		}
	}
	in.sql.WriteString(")")
	in.rows++
	if in.rows == 200 {
		b.flush()
	}
}

// flush writes every waiting row.
func (b *bulk) flush() {
	for _, table := range b.order {
		in := b.pending[table]
		if in.rows == 0 {
			continue
		}
		if _, err := b.tx.Exec(in.sql.String(), in.args...); err != nil {
			b.tb.Fatalf("insert into %s: %v", table, err)
		}
		b.pending[table] = &insert{columns: in.columns}
	}
}

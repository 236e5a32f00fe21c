package store_test

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/atelier-ch/atelier/db"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
)

var update = flag.Bool("update", false, "rewrite db/schema/*.sql from the migrated schema")

const regenerate = "go test ./internal/store -run TestSchema -update   (with " + storetest.EnvURL + " set for postgres.sql)"

// TestSchema compares the migrated schema of each database with its golden
// file, so that a model or migration change cannot change the schema
// unnoticed; and checks that taking the migrations down and up again
// gives the same schema.
func TestSchema(t *testing.T) {
	ctx := context.Background()
	for _, d := range storetest.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			s := storetest.Open(t, d)
			got := dumpSchema(t, s)
			golden := filepath.Join("..", "..", "db", "schema", d.Name+".sql")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v\nto create it: %s", err, regenerate)
			}
			if d := diffLines(string(want), got); d != "" {
				t.Errorf("the migrated schema differs from db/schema/%s.sql (- file, + database):\n%s\nif the change is intended: %s", s.Dialect(), d, regenerate)
			}
			for range db.Migrations()[1:] {
				if err := s.RollbackLast(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if d := diffLines(got, dumpSchema(t, s)); d != "" {
				t.Errorf("after the migrations went down and up again, the schema differs (- before, + after):\n%s", d)
			}
		})
	}
}

// dumpSchema renders the schema canonically: tables by name, columns in
// order, then primary key, constraints and indexes by name, one per line.
func dumpSchema(t *testing.T, s *store.Store) string {
	t.Helper()
	sqlDB, _ := s.SQL()
	var b strings.Builder
	fmt.Fprintf(&b, "-- The schema of a %s database after every migration, in a canonical\n", s.Dialect())
	fmt.Fprintf(&b, "-- form (not the DDL that built it). Written by TestSchema; regenerate with\n--   %s\n", regenerate)
	if s.Dialect() == store.Postgres {
		dumpPostgres(t, sqlDB, &b)
	} else {
		dumpSQLite(t, sqlDB, &b)
	}
	return b.String()
}

func dumpSQLite(t *testing.T, sqlDB *sql.DB, b *strings.Builder) {
	type table struct{ name, ddl string }
	var tables []table
	query(t, sqlDB, func(r *sql.Rows) error {
		var tb table
		err := r.Scan(&tb.name, &tb.ddl)
		tables = append(tables, tb)
		return err
	}, "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
	for _, tb := range tables {
		fmt.Fprintf(b, "\nCREATE TABLE %s (\n", tb.name)
		var lines []string
		var pk []string
		query(t, sqlDB, func(r *sql.Rows) error {
			var name, typ string
			var notNull, pkPos int
			var dflt *string
			if err := r.Scan(&name, &typ, &notNull, &dflt, &pkPos); err != nil {
				return err
			}
			line := name + " " + typ
			if notNull == 1 {
				line += " NOT NULL"
			}
			if dflt != nil {
				line += " DEFAULT " + *dflt
			}
			lines = append(lines, line)
			if pkPos > 0 {
				pk = append(pk, fmt.Sprintf("%d:%s", pkPos, name))
			}
			return nil
		}, "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info($1) ORDER BY cid", tb.name)
		if len(pk) > 0 {
			slices.Sort(pk)
			for i := range pk {
				_, pk[i], _ = strings.Cut(pk[i], ":")
			}
			line := "PRIMARY KEY (" + strings.Join(pk, ", ") + ")"
			if strings.Contains(strings.ToUpper(tb.ddl), "AUTOINCREMENT") {
				line += " AUTOINCREMENT"
			}
			lines = append(lines, line)
		}
		named := tableConstraints(tb.ddl)
		var constraints []string
		// Foreign keys as SQLite understands them; their names from the DDL.
		fks := map[int]*[4]string{} // id → from, parent, to, actions
		var order []int
		query(t, sqlDB, func(r *sql.Rows) error {
			var id, seq int
			var parent, from, onUpdate, onDelete string
			var to *string
			if err := r.Scan(&id, &seq, &parent, &from, &to, &onUpdate, &onDelete); err != nil {
				return err
			}
			fk, ok := fks[id]
			if !ok {
				fk = &[4]string{}
				fks[id] = fk
				order = append(order, id)
			}
			sep := ""
			if seq > 0 {
				sep = ", "
			}
			fk[0] += sep + from
			fk[1] = parent
			if to != nil {
				fk[2] += sep + *to
			}
			fk[3] = "ON UPDATE " + onUpdate + " ON DELETE " + onDelete
			return nil
		}, "SELECT id, seq, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list($1) ORDER BY id, seq", tb.name)
		for _, id := range order {
			fk := fks[id]
			name := "(unnamed)"
			for n, def := range named {
				if strings.HasPrefix(strings.ToUpper(def), "FOREIGN KEY") && columnsOf(def) == fk[0] {
					name = n
				}
			}
			constraints = append(constraints, fmt.Sprintf("CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s (%s) %s", name, fk[0], fk[1], fk[2], fk[3]))
		}
		for n, def := range named {
			if strings.HasPrefix(strings.ToUpper(def), "CHECK") {
				constraints = append(constraints, "CONSTRAINT "+n+" "+def)
			}
		}
		slices.Sort(constraints)
		lines = append(lines, constraints...)
		b.WriteString("  " + strings.Join(lines, ",\n  ") + "\n);\n")

		// Listed first, read after: SQLite has one connection, a query
		// inside another's rows would wait for it forever.
		type index struct {
			name, origin    string
			unique, partial int
		}
		var list []index
		query(t, sqlDB, func(r *sql.Rows) error {
			var ix index
			err := r.Scan(&ix.name, &ix.unique, &ix.origin, &ix.partial)
			list = append(list, ix)
			return err
		}, "SELECT name, \"unique\", origin, partial FROM pragma_index_list($1)", tb.name)
		slices.SortFunc(list, func(a, b index) int { return strings.Compare(a.name, b.name) })
		for _, ix := range list {
			var cols []string
			query(t, sqlDB, func(r *sql.Rows) error {
				var c string
				err := r.Scan(&c)
				cols = append(cols, c)
				return err
			}, "SELECT COALESCE(name, '<expr>') FROM pragma_index_info($1) ORDER BY seqno", ix.name)
			line := "CREATE INDEX "
			if ix.unique == 1 {
				line = "CREATE UNIQUE INDEX "
			}
			line += ix.name + " ON " + tb.name + " (" + strings.Join(cols, ", ") + ");"
			switch {
			case ix.origin == "pk":
				line += " -- automatic, primary key"
			case ix.origin == "u":
				line += " -- automatic, UNIQUE constraint"
			case ix.partial == 1:
				line += " -- partial"
			}
			b.WriteString(line + "\n")
		}
	}
}

func dumpPostgres(t *testing.T, sqlDB *sql.DB, b *strings.Builder) {
	var schema string
	if err := sqlDB.QueryRow("SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	// Definitions name objects of other schemas in full; ours never are,
	// but strip our (random) schema's name in case.
	local := func(s string) string { return strings.ReplaceAll(s, schema+".", "") }
	var tables []string
	query(t, sqlDB, func(r *sql.Rows) error {
		var name string
		err := r.Scan(&name)
		tables = append(tables, name)
		return err
	}, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")
	const rel = "(SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname = $1)"
	for _, tb := range tables {
		fmt.Fprintf(b, "\nCREATE TABLE %s (\n", tb)
		var lines []string
		query(t, sqlDB, func(r *sql.Rows) error {
			var name, typ string
			var notNull bool
			var dflt *string
			if err := r.Scan(&name, &typ, &notNull, &dflt); err != nil {
				return err
			}
			line := name + " " + typ
			if notNull {
				line += " NOT NULL"
			}
			if dflt != nil {
				line += " DEFAULT " + local(*dflt)
			}
			lines = append(lines, line)
			return nil
		}, `SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid)
FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = `+rel+` AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`, tb)
		var constraints []string
		query(t, sqlDB, func(r *sql.Rows) error {
			var name, def string
			if err := r.Scan(&name, &def); err != nil {
				return err
			}
			constraints = append(constraints, "CONSTRAINT "+name+" "+local(def))
			return nil
		}, "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = "+rel+" ORDER BY contype = 'p' DESC, conname", tb)
		lines = append(lines, constraints...)
		b.WriteString("  " + strings.Join(lines, ",\n  ") + "\n);\n")
		query(t, sqlDB, func(r *sql.Rows) error {
			var def string
			if err := r.Scan(&def); err != nil {
				return err
			}
			b.WriteString(local(def) + ";\n")
			return nil
		}, "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = "+rel+" ORDER BY c.relname", tb)
	}
}

// tableConstraints returns the named table constraints of a CREATE TABLE
// statement (SQLite keeps no catalogue of CHECKs): name → definition.
func tableConstraints(ddl string) map[string]string {
	out := map[string]string{}
	open := strings.Index(ddl, "(")
	end := strings.LastIndex(ddl, ")")
	if open < 0 || end < open {
		return out
	}
	body := ddl[open+1 : end]
	var parts []string
	depth, start := 0, 0
	var quote rune
	for i, r := range body {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"' || r == '`':
			quote = r
		case r == '(':
			depth++
		case r == ')':
			depth--
		case r == ',' && depth == 0:
			parts = append(parts, body[start:i])
			start = i + 1
		}
	}
	parts = append(parts, body[start:])
	named := regexp.MustCompile(`(?is)^CONSTRAINT\s+(\S+)\s+(.*)$`)
	// A named CHECK written on a column (what ALTER TABLE ADD COLUMN can
	// add) is listed with the table's own.
	column := regexp.MustCompile(`(?is)\sCONSTRAINT\s+(\S+)\s+(CHECK\s*\(.*\))\s*$`)
	// So is a named foreign key written on a column, as the table's own
	// FOREIGN KEY (column) would be.
	columnFK := regexp.MustCompile(`(?is)^(\S+)\s.*?\sCONSTRAINT\s+(\S+)\s+(REFERENCES\s+\S+\s*\([^)]*\))`)
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if m := columnFK.FindStringSubmatch(p); m != nil && named.FindStringSubmatch(p) == nil {
			out[strings.Trim(m[2], "`\"")] = "FOREIGN KEY (" + strings.Trim(m[1], "`\"") + ") " + strings.Join(strings.Fields(m[3]), " ")
		}
		m := named.FindStringSubmatch(p)
		if m == nil {
			m = column.FindStringSubmatch(p)
		}
		if m != nil {
			out[strings.Trim(m[1], "`\"")] = strings.Join(strings.Fields(m[2]), " ")
		}
	}
	return out
}

// columnsOf returns the column list of "FOREIGN KEY (a, b) …".
func columnsOf(def string) string {
	open, end := strings.Index(def, "("), strings.Index(def, ")")
	if open < 0 || end < open {
		return ""
	}
	cols := strings.Split(def[open+1:end], ",")
	for i := range cols {
		cols[i] = strings.Trim(strings.TrimSpace(cols[i]), "`\"")
	}
	return strings.Join(cols, ", ")
}

func query(t *testing.T, sqlDB *sql.DB, row func(*sql.Rows) error, q string, args ...any) {
	t.Helper()
	rows, err := sqlDB.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// diffLines is a small line diff (longest common subsequence): "" when a
// and b are equal, else the differing lines with a line of context.
func diffLines(a, b string) string {
	if a == b {
		return ""
	}
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	// lcs[i][j] is the length of the LCS of x[i:] and y[j:].
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type line struct {
		op   byte
		text string
	}
	var ops []line
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			ops = append(ops, line{' ', x[i]})
			i++
			j++
		case j < len(y) && (i == len(x) || lcs[i][j+1] >= lcs[i+1][j]):
			ops = append(ops, line{'+', y[j]})
			j++
		default:
			ops = append(ops, line{'-', x[i]})
			i++
		}
	}
	var out strings.Builder
	for k, l := range ops {
		near := l.op != ' ' || (k > 0 && ops[k-1].op != ' ') || (k+1 < len(ops) && ops[k+1].op != ' ')
		if near {
			fmt.Fprintf(&out, "%c %s\n", l.op, l.text)
		}
	}
	return out.String()
}

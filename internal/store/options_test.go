package store_test

import (
	"context"
	"testing"

	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
)

// TestSQLiteOptions checks that the options Atelier sets on its SQLite
// connection take effect (a misspelt option is silently ignored by the
// driver).
func TestSQLiteOptions(t *testing.T) {
	s := storetest.Open(t, storetest.Fresh(t, "sqlite"))
	sqlDB, err := s.SQL()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		pragma, want string
	}{
		{"journal_mode", "wal"},
		{"busy_timeout", "5000"},
		{"foreign_keys", "1"},
		{"synchronous", "1"}, // NORMAL
		{"temp_store", "2"},  // MEMORY: statement journals of the booking lane's inserts stay in memory
	} {
		var got string
		if err := sqlDB.QueryRowContext(context.Background(), "PRAGMA "+tc.pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", tc.pragma, err)
		}
		if got != tc.want {
			t.Errorf("PRAGMA %s = %s, want %s", tc.pragma, got, tc.want)
		}
	}
}

// TestShrinkMemoryKeepsData checks that giving back the memory of the
// start (the writer's connection closed and opened again on a file) keeps
// what was written, on a file and in memory, where closing the connection
// would lose the database.
func TestShrinkMemoryKeepsData(t *testing.T) {
	ctx := context.Background()
	for name, url := range map[string]string{
		"file":   storetest.Fresh(t, "sqlite").URL,
		"memory": "sqlite::memory:",
	} {
		t.Run(name, func(t *testing.T) {
			s := storetest.Open(t, storetest.DB{Name: name, URL: url})
			if err := s.CreateOrg(ctx, &store.Org{Slug: "a", Name: "A"}); err != nil {
				t.Fatal(err)
			}
			s.ShrinkMemory(ctx)
			if err := s.CreateOrg(ctx, &store.Org{Slug: "b", Name: "B"}); err != nil {
				t.Fatalf("after shrinking: %v", err)
			}
			s.ShrinkMemory(ctx)
			orgs, err := s.Orgs(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(orgs) != 2 {
				t.Fatalf("%d communes after shrinking, want 2", len(orgs))
			}
			// The connection opened again has Atelier's options.
			sqlDB, _ := s.SQL()
			var fk, temp string
			if err := sqlDB.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
				t.Fatal(err)
			}
			if err := sqlDB.QueryRowContext(ctx, "PRAGMA temp_store").Scan(&temp); err != nil {
				t.Fatal(err)
			}
			if fk != "1" || temp != "2" {
				t.Errorf("after shrinking: foreign_keys %s, temp_store %s", fk, temp)
			}
		})
	}
}

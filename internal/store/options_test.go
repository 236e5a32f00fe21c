package store_test

import (
	"context"
	"testing"

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

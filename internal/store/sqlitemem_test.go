// The race detector's own memory faults pages in as the program runs
// (11 faults per INSERT with the allocator pinned, 30 without): the
// count measures the detector there, not SQLite.

//go:build !race

package store_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/atelier-ch/atelier/internal/store/storetest"
)

// minorFaults is the process's count of minor page faults so far.
func minorFaults(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		t.Skip("no /proc/self/stat:", err)
	}
	// The fields after the command's closing parenthesis; minflt is the 10th field of the line.
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	n, err := strconv.ParseInt(fields[7], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSQLiteStatementsReuseMemory checks that SQLite's statements, which
// take and free large blocks of the driver's allocator every time (the
// program of a many-row INSERT, a B-tree's rebalancing space, a statement
// journal), reuse memory instead of having the system map fresh pages for
// each (store.PinSQLiteAllocator): page faults per INSERT of 200 rows stay
// near none once warm (0.6-1.2), where fresh pages cost 18 or more.
func TestSQLiteStatementsReuseMemory(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, storetest.Fresh(t, "sqlite"))
	sqlDB, _ := s.SQL()
	if _, err := sqlDB.ExecContext(ctx, "CREATE TABLE mem_t (id integer PRIMARY KEY AUTOINCREMENT, a integer NOT NULL, b text NOT NULL UNIQUE, c text)"); err != nil {
		t.Fatal(err)
	}
	const rows = 200
	insert := "INSERT INTO mem_t (a, b, c) VALUES " + strings.TrimSuffix(strings.Repeat("(?, ?, ?),", rows), ",")
	n := 0
	batch := func() {
		tx, err := sqlDB.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		args := make([]any, 0, 3*rows)
		for range rows {
			n++
			args = append(args, n, fmt.Sprintf("token-%08d-%x", n, n*7919), strings.Repeat("x", 200))
		}
		if _, err := tx.ExecContext(ctx, insert, args...); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	for range 50 {
		batch() // warm: the caches, the heap
	}
	before := minorFaults(t)
	const batches = 200
	for range batches {
		batch()
	}
	per := float64(minorFaults(t)-before) / batches
	t.Logf("%.1f page faults per INSERT of %d rows", per, rows)
	// Measured: 1.2 with the allocator pinned, 18.4-18.8 without.
	if per > 6 {
		t.Errorf("%.1f page faults per INSERT of %d rows, want fewer than 6: SQLite's blocks come from fresh pages (is store.PinSQLiteAllocator called?)", per, rows)
	}
}

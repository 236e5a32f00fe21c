package main

import (
	"context"
	"path/filepath"
	"testing"
)

// BenchmarkSQLiteBareBooking is the SQLite reference of the booking
// figures: the bare transaction through Atelier's driver and options.
func BenchmarkSQLiteBareBooking(b *testing.B) {
	ctx := context.Background()
	db, err := sqliteRef(ctx, filepath.Join(b.TempDir(), "ref.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := bareBooking(ctx, db); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "bookings/s")
}

// TestBareBookingWaitlists: the reference books up to the capacity, then
// waitlists at 1..n, like the real thing.
func TestBareBookingWaitlists(t *testing.T) {
	ctx := context.Background()
	db, err := sqliteRef(ctx, filepath.Join(t.TempDir(), "ref.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for range 15 {
		if err := bareBooking(ctx, db); err != nil {
			t.Fatal(err)
		}
	}
	var booked, maxPos int
	if err := db.QueryRow("SELECT count(*) FROM lt_regs WHERE status = 'booked'").Scan(&booked); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("SELECT max(position) FROM lt_regs").Scan(&maxPos); err != nil {
		t.Fatal(err)
	}
	if booked != 12 || maxPos != 3 {
		t.Errorf("booked %d, last position %d; want 12 and 3", booked, maxPos)
	}
}

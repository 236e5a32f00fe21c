package store_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/db"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
)

// TestBackupWhileBooking backs up a database while registrations are being
// written, restores the copy into a new place and opens it: every
// registration committed before the backup started is there, and the
// restored database migrates and opens.
func TestBackupWhileBooking(t *testing.T) {
	ctx := context.Background()
	live := storetest.Fresh(t, "sqlite")
	s := storetest.Open(t, live)
	org := &store.Org{Slug: "commune", Name: "Commune"}
	if err := s.CreateOrg(ctx, org); err != nil {
		t.Fatal(err)
	}
	sess := &store.Session{UID: "s1@test", OrgID: org.ID, FormatSlug: "f", Title: "T", StartsAt: time.Now(), EndsAt: time.Now().Add(time.Hour), Capacity: 1000, Language: "fr", Status: store.SessionScheduled}
	if err := s.CreateSession(ctx, sess, nil); err != nil {
		t.Fatal(err)
	}
	const people = 400
	ids := make([]int64, people)
	for i := range ids {
		p := &store.Person{OrgID: org.ID, Name: fmt.Sprintf("P %d", i), Role: "staff", Language: "fr"}
		if err := s.CreatePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
		ids[i] = p.ID
	}
	// The writer books one person after another; committed counts those
	// whose transaction has returned.
	var committed atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i, id := range ids {
			select {
			case <-stop:
				return
			default:
			}
			r := &store.Registration{SessionID: sess.ID, PersonID: &id, OrgID: org.ID, Status: store.RegBooked, Attendance: "unknown", Token: rand.Text()}
			if err := s.InsertRegistrations(ctx, []*store.Registration{r}); err != nil {
				t.Error(err)
				return
			}
			committed.Store(int64(i + 1))
		}
	})
	for committed.Load() < 50 {
		time.Sleep(time.Millisecond)
	}
	// The backup runs from another connection, as `atelier backup` does
	// next to the running server.
	cli, err := store.Open(ctx, live.URL, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	backup := filepath.Join(t.TempDir(), "atelier-backup.db")
	before := committed.Load()
	if err := cli.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	during := committed.Load()
	wg.Wait() // the writer carries on to the end
	close(stop)
	t.Logf("registrations committed: %d when the backup started, %d when it ended, %d in all", before, during, committed.Load())
	// Refuses to overwrite.
	if err := cli.Backup(ctx, backup); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second backup to the same file: %v", err)
	}

	// Restore into a new place, over a stale -wal left there.
	target := filepath.Join(t.TempDir(), "restored.db")
	old, err := store.Open(ctx, "sqlite:"+target, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	old.Close()
	if err := os.WriteFile(target+"-wal", []byte("stale write-ahead log of another database"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := store.Restore(ctx, backup, "sqlite:"+target); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(target + "-wal"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale -wal left: %v", err)
	}
	restored := storetest.Open(t, storetest.DB{Name: "restored", URL: "sqlite:" + target})
	rows, err := restored.RegistrationsOf(ctx, sess.ID, ids)
	if err != nil {
		t.Fatal(err)
	}
	for i := range before {
		if _, ok := rows[ids[i]]; !ok {
			t.Errorf("registration %d, committed before the backup, is missing", i+1)
		}
	}
	if int64(len(rows)) < before || int64(len(rows)) > during {
		t.Errorf("%d registrations restored; %d committed before the backup, %d when it ended", len(rows), before, during)
	}
	if ids, err := restored.MigrationsApplied(ctx); err != nil || len(ids) != len(db.Migrations()) {
		t.Errorf("restored migrations: %v %v", ids, err)
	}
}

// TestRestoreRefuses: what restore will not do, and why.
func TestRestoreRefuses(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	good := storetest.Fresh(t, "sqlite")
	s := storetest.Open(t, good)
	backup := filepath.Join(dir, "good.db")
	if err := s.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	// A database of a newer Atelier.
	newer := filepath.Join(dir, "newer.db")
	if err := s.Backup(ctx, newer); err != nil {
		t.Fatal(err)
	}
	ns, err := store.Open(ctx, "sqlite:"+newer, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := ns.SQL()
	if _, err := sqlDB.Exec("INSERT INTO " + db.TableName + " (id) VALUES ('9999_from_the_future')"); err != nil {
		t.Fatal(err)
	}
	ns.Close()
	// A SQLite database that Atelier never migrated.
	foreign := filepath.Join(dir, "foreign.db")
	fs, err := store.Open(ctx, "sqlite:"+foreign, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fs.Close()
	notSQLite := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notSQLite, []byte("SQLite? no."), 0o600); err != nil {
		t.Fatal(err)
	}
	// A target in use by a running Atelier.
	inUse := storetest.Fresh(t, "sqlite")
	storetest.Open(t, inUse)

	target := "sqlite:" + filepath.Join(dir, "target.db")
	cases := map[string]struct {
		file, url string
		want      string
	}{
		"not sqlite":     {notSQLite, target, "is not a SQLite database"},
		"missing":        {filepath.Join(dir, "missing.db"), target, "no such file"},
		"not atelier":    {foreign, target, "not an Atelier database"},
		"newer schema":   {newer, target, "newer than this version"},
		"target in use":  {backup, inUse.URL, "in use"},
		"target no db":   {backup, "sqlite:" + notSQLite, "Move that file away"},
		"postgres":       {backup, "postgres://localhost/atelier", "pg_restore --clean --if-exists"},
		"sqlite options": {backup, target + "?mode=ro", "must not carry options"},
	}
	for name, tc := range cases {
		err := store.Restore(ctx, tc.file, tc.url)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error saying %q", name, err, tc.want)
		}
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".target.db.restore-*")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	if _, err := os.Stat(filepath.Join(dir, "target.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused restore created the target: %v", err)
	}
	// Once the server is stopped, the same restore goes through.
	if err := store.Restore(ctx, backup, target); err != nil {
		t.Errorf("restore of a good backup: %v", err)
	}
}

// TestBackupPostgres: on PostgreSQL, backup points to pg_dump.
func TestBackupPostgres(t *testing.T) {
	for _, d := range storetest.Databases(t) {
		if d.Name != "postgres" {
			continue
		}
		s := storetest.Open(t, d)
		if err := s.Backup(context.Background(), filepath.Join(t.TempDir(), "x")); !errors.Is(err, store.ErrBackupPostgres) || !strings.Contains(err.Error(), "pg_dump -Fc") {
			t.Errorf("backup on PostgreSQL: %v", err)
		}
	}
}

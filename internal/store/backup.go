package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	_ "github.com/glebarez/go-sqlite" // database/sql driver "sqlite", for the lock probe

	"github.com/atelier-ch/atelier/db"
)

// ErrBackupPostgres is returned by Backup and Restore on PostgreSQL, whose
// own tools do the job.
var ErrBackupPostgres = errors.New(`atelier backup and restore work on SQLite; on PostgreSQL use its own tools:
  pg_dump -Fc -f atelier.dump "$DATABASE_URL"
  pg_restore --clean --if-exists -d "$DATABASE_URL" atelier.dump`)

// ErrDatabaseInUse is returned by Restore when a process (a running
// Atelier) has the target database open.
var ErrDatabaseInUse = errors.New("the database is in use: stop every atelier using it, then restore")

// sqliteHeader starts every SQLite database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// SQLitePath returns the file of a SQLite DATABASE_URL.
func SQLitePath(url string) (string, error) {
	dialect, dsn, err := ParseURL(url)
	if err != nil {
		return "", err
	}
	if dialect != SQLite {
		return "", ErrBackupPostgres
	}
	path, _, _ := strings.Cut(dsn, "?")
	return path, nil
}

// Backup writes a consistent copy of the SQLite database to file, while
// the database stays in use (VACUUM INTO reads one snapshot; writers go
// on). It refuses to overwrite an existing file.
func (s *Store) Backup(ctx context.Context, file string) error {
	if s.dialect != SQLite {
		return ErrBackupPostgres
	}
	if _, err := os.Lstat(file); err == nil {
		return fmt.Errorf("%s already exists: choose a new file", file)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	// VACUUM INTO also refuses an existing, non-empty file itself, should
	// one appear meanwhile.
	if err := s.with(ctx).Exec("VACUUM INTO ?", file).Error; err != nil {
		return fmt.Errorf("backup to %s: %w", file, err)
	}
	return nil
}

// Restore puts the backup in file in place of the SQLite database of url,
// which no process may have open. It checks that file is a sound SQLite
// database migrated by Atelier with no migration this binary does not know,
// copies it next to the target, then renames the copy over the target
// after removing the target's stale -wal and -shm files: the target is
// either the old database or the whole backup, never a mix.
func Restore(ctx context.Context, file, url string) error {
	target, err := SQLitePath(url)
	if err != nil {
		return err
	}
	if err := checkHeader(file); err != nil {
		return err
	}
	dir := filepath.Dir(target)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(target)+".restore-*")
	if err != nil {
		return err
	}
	tmpPath := tmp.Name()
	defer removeDB(tmpPath) // nothing left behind, unless renamed into place
	if err := copyFile(tmp, file); err != nil {
		return err
	}
	if err := checkBackup(ctx, tmpPath); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if err := removeSidecars(tmpPath); err != nil {
		return err
	}
	if err := checkUnused(ctx, target); err != nil {
		return err
	}
	if err := removeSidecars(target); err != nil {
		return err
	}
	if err := os.Rename(tmpPath, target); err != nil {
		return err
	}
	return syncDir(dir)
}

// checkHeader refuses a file that is not a SQLite database.
func checkHeader(file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, len(sqliteHeader))
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head, sqliteHeader) {
		return fmt.Errorf("%s is not a SQLite database", file)
	}
	return nil
}

// copyFile copies src into dst, flushed to disk, and closes dst.
func copyFile(dst *os.File, src string) error {
	in, err := os.Open(src)
	if err != nil {
		dst.Close()
		return err
	}
	defer in.Close()
	if _, err := io.Copy(dst, in); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// checkBackup opens the copy of a backup and checks it: intact, migrated by
// Atelier, and with only migrations this binary knows (an older schema is
// brought up to date at the next start).
func checkBackup(ctx context.Context, path string) error {
	s, err := Open(ctx, "sqlite:"+path, Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	var result string
	if err := s.with(ctx).Raw("PRAGMA integrity_check").Scan(&result).Error; err != nil {
		return err
	}
	if result != "ok" {
		return fmt.Errorf("damaged SQLite database: %s", result)
	}
	if !s.db.Migrator().HasTable(db.TableName) {
		return errors.New("not an Atelier database (no migrations recorded)")
	}
	ids, err := s.MigrationsApplied(ctx)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return errors.New("not an Atelier database (no migrations recorded)")
	}
	known := make([]string, 0, len(db.Migrations()))
	for _, m := range db.Migrations() {
		known = append(known, m.ID)
	}
	for _, id := range ids {
		if !slices.Contains(known, id) {
			return fmt.Errorf("%w (migration %s)", ErrSchemaTooNew, id)
		}
	}
	return nil
}

// checkUnused refuses a target database that a process has open: taking an
// exclusive lock without waiting fails then (in WAL mode every open
// connection holds a shared lock on the file). A missing target is unused;
// a file that is not a SQLite database is refused, not replaced.
func checkUnused(ctx context.Context, target string) error {
	if st, err := os.Stat(target); errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	} else if st.Size() > 0 && checkHeader(target) != nil {
		return fmt.Errorf("%s is not a SQLite database: is DATABASE_URL right? Move that file away to restore there", target)
	}
	probe, err := sql.Open("sqlite", target+"?_pragma=busy_timeout(0)&_pragma=locking_mode(EXCLUSIVE)")
	if err != nil {
		return err
	}
	defer probe.Close()
	conn, err := probe.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		if strings.Contains(err.Error(), "locked") || strings.Contains(err.Error(), "busy") {
			return ErrDatabaseInUse
		}
		return err
	}
	_, err = conn.ExecContext(ctx, "ROLLBACK")
	return err
}

// removeSidecars removes the -wal and -shm files of a database: left from
// another database, a -wal would be replayed into the restored one.
func removeSidecars(path string) error {
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// removeDB removes a database file and its sidecars, if present.
func removeDB(path string) {
	_ = os.Remove(path)
	_ = removeSidecars(path)
}

// syncDir flushes a rename in dir to disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

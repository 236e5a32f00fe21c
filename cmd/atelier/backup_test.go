package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestBackupRestoreCommands: the commands as an operator types them.
func TestBackupRestoreCommands(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(dir, "atelier.db")}
	backup := filepath.Join(dir, "backup.db")
	if code, out, errOut := cli(t, env, "", "backup", backup); code != 1 || !strings.Contains(errOut, "no database at") {
		t.Errorf("backup before any database: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := cli(t, env, "", "migrate"); code != 0 {
		t.Fatalf("migrate: %s", errOut)
	}
	cases := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"backup", env, []string{"backup", backup}, 0, "written to " + backup},
		{"backup again", env, []string{"backup", backup}, 1, "already exists"},
		{"backup without file", env, []string{"backup"}, 1, "usage: atelier backup FILE"},
		{"restore", env, []string{"restore", backup}, 0, "restored from " + backup},
		{"restore not sqlite", env, []string{"restore", filepath.Join(dir, "missing")}, 1, "no such file"},
		{"backup postgres", map[string]string{"DATABASE_URL": "postgres://db/atelier"}, []string{"backup", backup + "2"}, 1, "pg_dump -Fc"},
		{"restore postgres", map[string]string{"DATABASE_URL": "postgres://db/atelier"}, []string{"restore", backup}, 1, "pg_restore --clean --if-exists"},
	}
	for _, tc := range cases {
		code, out, errOut := cli(t, tc.env, "", tc.args...)
		if code != tc.code || !strings.Contains(out+errOut, tc.want) {
			t.Errorf("%s: exit %d, output %q %q; want exit %d saying %q", tc.name, code, out, errOut, tc.code, tc.want)
		}
	}
	if code, out, _ := cli(t, env, "", "migrate"); code != 0 || !strings.Contains(out, "database up to date") {
		t.Errorf("migrate after restore: %d %q", code, out)
	}
	if code, out, _ := cli(t, nil, "", "help"); code != 0 || !strings.Contains(out, "atelier backup FILE") || !strings.Contains(out, "atelier restore FILE") {
		t.Errorf("usage lacks the commands: %q", out)
	}
}

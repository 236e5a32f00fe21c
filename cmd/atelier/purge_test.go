package main

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/config"
	"github.com/atelier-ch/atelier/internal/store"
)

// TestPurgeCommand: atelier purge counts with --dry-run, then erases the
// people who left longer ago than ATELIER_RETENTION_MONTHS.
func TestPurgeCommand(t *testing.T) {
	dir := t.TempDir()
	url := "sqlite:" + filepath.Join(dir, "atelier.db")
	env := map[string]string{"DATABASE_URL": url}
	if code, _, errOut := cli(t, env, "", "migrate"); code != 0 {
		t.Fatalf("migrate: %s", errOut)
	}
	ctx := context.Background()
	s, err := store.Open(ctx, url, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	org := &store.Org{Slug: "aubonne", Name: "Aubonne"}
	if err := s.CreateOrg(ctx, org); err != nil {
		t.Fatal(err)
	}
	left := time.Now().AddDate(-3, 0, 0)
	gone := &store.Person{OrgID: org.ID, Name: "Ancienne Employée", FamilyName: "Employée", Role: "staff", Language: "fr", LeftAt: &left}
	if err := s.CreatePerson(ctx, gone); err != nil {
		t.Fatal(err)
	}
	s.Close()

	cases := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"bad period", map[string]string{"DATABASE_URL": url, "ATELIER_RETENTION_MONTHS": "deux ans"}, []string{"purge"}, 1, "ATELIER_RETENTION_MONTHS"},
		{"longer period", map[string]string{"DATABASE_URL": url, "ATELIER_RETENTION_MONTHS": "48"}, []string{"purge"}, 0, "people who left:       0"},
		{"dry run", env, []string{"purge", "--dry-run"}, 0, "people who left:       1"},
		{"argument", env, []string{"purge", "now"}, 1, "unexpected argument"},
		{"purge", env, []string{"purge"}, 0, "people who left:       1"},
		{"again", env, []string{"purge"}, 0, "people who left:       0"},
	}
	for _, tc := range cases {
		code, out, errOut := cli(t, tc.env, "", tc.args...)
		if code != tc.code || !strings.Contains(out+errOut, tc.want) {
			t.Errorf("%s: exit %d, output %q %q; want exit %d saying %q", tc.name, code, out, errOut, tc.code, tc.want)
		}
		if tc.name == "dry run" || tc.name == "purge" {
			s, err := store.Open(ctx, url, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Person(ctx, org.ID, gone.ID)
			s.Close()
			if kept := err == nil; kept != (tc.name == "dry run") {
				t.Errorf("after %s: person kept %v (%v)", tc.name, kept, err)
			} else if err != nil && !errors.Is(err, store.ErrNotFound) {
				t.Error(err)
			}
		}
	}
	if code, out, _ := cli(t, nil, "", "help"); code != 0 || !strings.Contains(out, "atelier purge") {
		t.Errorf("usage lacks purge: %q", out)
	}
}

// TestPurgeDaily: the server's job purges once its first delay has passed,
// and stops with its context.
func TestPurgeDaily(t *testing.T) {
	ctx := context.Background()
	url := "sqlite:" + filepath.Join(t.TempDir(), "atelier.db")
	s, err := store.Open(ctx, url, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	org := &store.Org{Slug: "ecublens", Name: "Ecublens"}
	if err := s.CreateOrg(ctx, org); err != nil {
		t.Fatal(err)
	}
	left := time.Now().AddDate(-3, 0, 0)
	gone := &store.Person{OrgID: org.ID, Name: "Parti", FamilyName: "Parti", Role: "staff", Language: "fr", LeftAt: &left}
	if err := s.CreatePerson(ctx, gone); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.FromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	svc, err := services(cfg, s, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	jobCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		purgeDaily(jobCtx, svc.Privacy, slog.New(slog.DiscardHandler), time.Millisecond)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := s.Person(ctx, org.ID, gone.ID); errors.Is(err, store.ErrNotFound) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the daily job did not purge")
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	<-done
}

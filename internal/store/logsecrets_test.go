package store_test

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atelier-ch/atelier/internal/store"
)

// TestLogsCarryNoValues: a failing statement is logged with its SQL, never
// with its values (addresses, names, personal tokens).
func TestLogsCarryNoValues(t *testing.T) {
	var buf bytes.Buffer
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "log.db"), store.Options{Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	email := "secret-person@commune.example"
	// No such commune: the foreign key refuses the row, and gorm logs it.
	err = s.CreatePerson(ctx, &store.Person{OrgID: 424242, Name: "Zoé Secret", Email: &email, Role: "staff", Language: "fr"})
	if err == nil {
		t.Fatal("a person of no commune was created")
	}
	log := buf.String()
	if !strings.Contains(log, "INSERT INTO") {
		t.Fatalf("the failure was not logged: %q", log)
	}
	for _, secret := range []string{email, "Zoé Secret", "424242"} {
		if strings.Contains(log, secret) {
			t.Errorf("the log shows %q:\n%s", secret, log)
		}
	}
}

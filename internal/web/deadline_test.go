package web

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	_ "github.com/glebarez/go-sqlite" // a second connection to the SQLite file
	_ "github.com/jackc/pgx/v5/stdlib"

	appsvc "github.com/atelier-ch/atelier/internal/app"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/store/storetest"
	"github.com/atelier-ch/atelier/internal/tz"
)

// TestDatabaseHangsAnswer503: when the database does not answer (here: a
// row or a table locked by someone else), a request gives up at its
// deadline with a clear 503 — not a connection hanging for a minute — and
// a participant's link says "temporarily unavailable", not "not found".
func TestDatabaseHangsAnswer503(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			a := newApp(t, db)
			svc, err := appsvc.Build(appsvc.Config{Store: a.store, Catalog: loadCatalog(t), BaseURL: "https://atelier.example", Now: a.clock, BcryptCost: 4})
			if err != nil {
				t.Fatal(err)
			}
			srv, err := New(Deps{Services: svc, BaseURL: "https://atelier.example", Now: a.clock, RequestTimeout: 400 * time.Millisecond, Log: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			f := pickFormat(t, a, catalog.Voluntary)
			s := a.createSession(hrAEmail, sessionBody(f.Slug, time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich), 5))
			reg := a.book(hrAEmail, s.ID, map[string]any{"person_ids": a.addPeople(a.orgA, 1, "staff", nil)}).Registrations[0]
			other := a.addPeople(a.orgA, 1, "staff", nil)[0]
			token := a.token(hrAEmail)

			// Someone else holds the lock for a while.
			driver, dsn := "pgx", db.URL
			if db.Name == "sqlite" {
				driver, dsn = "sqlite", strings.TrimPrefix(db.URL, "sqlite:")+"?_pragma=busy_timeout(10000)&_txlock=immediate"
			}
			hold, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer hold.Close()
			ctx := context.Background()
			tx, err := hold.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			lock := "LOCK TABLE registrations IN ACCESS EXCLUSIVE MODE"
			if db.Name == "sqlite" {
				lock = "UPDATE orgs SET name = name" // BEGIN IMMEDIATE already holds the write lock
			}
			if _, err := tx.ExecContext(ctx, lock); err != nil {
				t.Fatal(err)
			}

			started := time.Now()
			req := httptest.NewRequest("POST", fmt.Sprintf("/api/v1/sessions/%d/registrations", s.ID), strings.NewReader(fmt.Sprintf(`{"person_id": %d}`, other)))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			res := httptest.NewRecorder()
			srv.Handler().ServeHTTP(res, req)
			// PostgreSQL gives up at the request's deadline; SQLite, whose
			// lock waits do not watch the context, at its busy_timeout (5 s).
			if took := time.Since(started); res.Code != 503 || !strings.Contains(res.Body.String(), `"unavailable"`) || took > 7*time.Second {
				t.Errorf("booking while the database hangs: %d after %s: %s", res.Code, took, res.Body)
			}
			if db.Name == "postgres" {
				// Reads block too behind an exclusive table lock.
				res = httptest.NewRecorder()
				srv.Handler().ServeHTTP(res, httptest.NewRequest("GET", "/r/"+reg.Token, nil))
				if res.Code != 503 || !strings.Contains(res.Body.String(), "Momentanément indisponible") {
					t.Errorf("participant page while the database hangs: %d", res.Code)
				}
			}
			tx.Rollback()
			// Once the lock is gone, everything works again.
			res = httptest.NewRecorder()
			srv.Handler().ServeHTTP(res, httptest.NewRequest("GET", "/r/"+reg.Token, nil))
			if res.Code != 200 {
				t.Errorf("participant page afterwards: %d", res.Code)
			}
		})
	}
}

package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	catalogdata "github.com/atelier-ch/atelier/catalog"
	appsvc "github.com/atelier-ch/atelier/internal/app"
	"github.com/atelier-ch/atelier/internal/auth"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
	"github.com/atelier-ch/atelier/internal/tz"
)

// testPassword is every test account's password.
const testPassword = "correct horse battery"

// app is a whole Atelier under test: the real router on a real database,
// with a clock the test controls.
type app struct {
	t     testing.TB
	store *store.Store
	srv   *Server
	h     http.Handler

	mu  sync.Mutex
	now time.Time

	tokens map[string]string // email → bearer token
	orgA   *store.Org
	orgB   *store.Org
	seq    int // people created so far, for unique names
}

// Accounts every app starts with.
const (
	adminEmail    = "admin@atelier.example"
	hrAEmail      = "rh@commune-a.example"
	hrBEmail      = "rh@commune-b.example"
	trainerAEmail = "formateur@commune-a.example"
)

func loadCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Load(catalogdata.FS)
	if err != nil {
		t.Fatalf("catalogue: %v", err)
	}
	return c
}

// newApp builds an app on db with two communes (a and b), an admin, an hr
// user for each commune and a trainer of commune a.
func newApp(t testing.TB, db storetest.DB) *app { return newAppReplying(t, db, "") }

// newAppReplying is newApp with calendar replies read at replyAddress
// (ATELIER_REPLY_ADDRESS), none when it is "".
func newAppReplying(t testing.TB, db storetest.DB, replyAddress string) *app {
	t.Helper()
	s := storetest.Open(t, db)
	a := &app{t: t, store: s, now: time.Date(2026, 3, 2, 9, 0, 0, 0, tz.Zurich), tokens: map[string]string{}}
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	svc, err := appsvc.Build(appsvc.Config{Store: s, Catalog: loadCatalog(t), BaseURL: "https://atelier.example", ReplyAddress: replyAddress, Now: a.clock, BcryptCost: 4, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Deps{Services: svc, BaseURL: "https://atelier.example", Now: a.clock, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	a.srv, a.h = srv, srv.Handler()
	ctx := context.Background()
	for _, o := range []*store.Org{{Slug: "commune-a", Name: "Commune A"}, {Slug: "commune-b", Name: "Commune B"}} {
		if err := s.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	a.orgA, _ = s.OrgBySlug(ctx, "commune-a")
	a.orgB, _ = s.OrgBySlug(ctx, "commune-b")
	for _, u := range []auth.NewUser{
		{Email: adminEmail, Role: store.RoleAdmin},
		{Email: hrAEmail, Role: store.RoleHR, Org: "commune-a"},
		{Email: hrBEmail, Role: store.RoleHR, Org: "commune-b"},
		{Email: trainerAEmail, Role: store.RoleTrainer, Org: "commune-a", Name: "Laura Formaz"},
	} {
		u.Password = testPassword
		if _, err := svc.Auth.CreateUser(ctx, nil, u); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

// eachDB runs fn on a fresh app on SQLite and, when configured, PostgreSQL.
func eachDB(t *testing.T, fn func(t *testing.T, a *app)) {
	t.Helper()
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) { fn(t, newApp(t, db)) })
	}
}

func (a *app) clock() time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.now
}

// setNow moves the app's clock; users sign in again when next needed (a
// jump of days would otherwise expire their tokens).
func (a *app) setNow(t time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.now = t
	clear(a.tokens)
}

// token signs in as email (once) and returns the bearer token.
func (a *app) token(email string) string {
	a.t.Helper()
	if tok, ok := a.tokens[email]; ok {
		return tok
	}
	res := a.do("POST", "/api/v1/auth/token", "", map[string]string{"email": email, "password": testPassword})
	if res.Code != http.StatusCreated {
		a.t.Fatalf("login %s: %d %s", email, res.Code, res.Body)
	}
	var out struct{ Token string }
	mustJSON(a.t, res, &out)
	a.tokens[email] = out.Token
	return out.Token
}

// do sends a request through the real router. body may be nil, a string
// (sent as is) or a value sent as JSON.
func (a *app) do(method, path, token string, body any, headers ...string) *httptest.ResponseRecorder {
	a.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res := httptest.NewRecorder()
	a.h.ServeHTTP(res, req)
	return res
}

// as sends a request as the user with email.
func (a *app) as(email, method, path string, body any, headers ...string) *httptest.ResponseRecorder {
	a.t.Helper()
	return a.do(method, path, a.token(email), body, headers...)
}

func mustJSON(t testing.TB, res *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.Unmarshal(res.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %q: %v", res.Body.String(), err)
	}
}

// apiError is the contract's error body.
type apiError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

// expectError checks status, code and that each field in fields is named.
func expectError(t testing.TB, res *httptest.ResponseRecorder, status int, code string, fields ...string) apiError {
	t.Helper()
	var e apiError
	if res.Code != status {
		t.Fatalf("status %d, want %d: %s", res.Code, status, res.Body)
	}
	mustJSON(t, res, &e)
	if e.Error.Code != code || e.Error.Message == "" {
		t.Errorf("error %+v, want code %s with a message", e.Error, code)
	}
	for _, f := range fields {
		if e.Error.Fields[f] == "" {
			t.Errorf("error does not name field %q: %s", f, res.Body)
		}
	}
	return e
}

// count returns the number of rows in table.
func (a *app) count(table string) int64 {
	a.t.Helper()
	db, err := a.store.SQL()
	if err != nil {
		a.t.Fatal(err)
	}
	var n int64
	if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		a.t.Fatal(err)
	}
	return n
}

// doConcurrent is do without t.Helper/Fatal, safe from goroutines.
func (a *app) doConcurrent(method, path, token string, body any) *httptest.ResponseRecorder {
	data, _ := json.Marshal(body)
	req := httptest.NewRequest(method, path, bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res := httptest.NewRecorder()
	a.h.ServeHTTP(res, req)
	return res
}

type storetestDB = storetest.DB

func freshSQLite(t *testing.T) storetest.DB { return storetest.Fresh(t, "sqlite") }

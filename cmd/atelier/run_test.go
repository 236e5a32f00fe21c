package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	catalogdata "github.com/atelier-ch/atelier/catalog"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
)

// TestMain lets the test binary act as the atelier command when asked, so
// that tests can start real server processes without building anything.
func TestMain(m *testing.M) {
	if os.Getenv("ATELIER_TEST_BE_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// cli runs a command in-process and returns its exit code and output.
func cli(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCatalogValidate(t *testing.T) {
	code, out, _ := cli(t, nil, "", "catalog", "validate")
	if code != 0 || !strings.Contains(out, "catalogue valid: 8 formats") {
		t.Fatalf("embedded: %d %q", code, out)
	}
	dir := t.TempDir()
	write := func(name, data string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("exercises/ex.yaml", "slug: ex\nminutes: 0\ntitle: T\nfoo: bar\n")
	write("formats/f.yaml", "slug: f\ntitle: F\nsummary: S\nsource: nowhere\nduration_minutes: 60\nparticipation: voluntary\ngrouping: mixed\naudiences: [staff]\ntrainer: internal\nthemes: []\nagenda: []\nexercises: [ex]\n")
	code, out, _ = cli(t, nil, "", "catalog", "validate", dir)
	if code != 1 {
		t.Fatalf("invalid catalogue: exit %d\n%s", code, out)
	}
	for _, want := range []string{
		dir + `/exercises/ex.yaml:4: clé inconnue "foo"`,
		dir + `/formats/f.yaml:4: source : valeur "nowhere" inconnue`,
		dir + `/formats/f.yaml:11: agenda vide`,
		dir + `/formats/f.yaml:12: exercice inconnu "ex"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.HasPrefix(line, dir+"/") || strings.Count(line, ":") < 2 {
			t.Errorf("line not file:line: message: %q", line)
		}
	}
	if code, _, _ := cli(t, nil, "", "catalog", "validate", filepath.Join(dir, "missing")); code != 1 {
		t.Errorf("missing folder: exit %d", code)
	}
}

// TestCatalogValidateSurvey checks what the author of a survey sees: a
// problem in the questionnaire located by file and line, exit 1; and a
// catalogue folder without surveys/ (written before they existed) still valid.
func TestCatalogValidateSurvey(t *testing.T) {
	if code, out, _ := cli(t, nil, "", "catalog", "validate"); code != 0 || !strings.Contains(out, ", 1 survey\n") {
		t.Fatalf("embedded: %d %q", code, out)
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, catalogdata.FS); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, "surveys", "etat-des-lieux.yaml")
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	lineOf := func(s string) int {
		i := strings.Index(string(data), s)
		if i < 0 {
			t.Fatalf("%q not in the survey", s)
		}
		return strings.Count(string(data[:i]), "\n") + 1
	}
	tooLong, deepl := lineOf("max_length: 1000"), lineOf("- key: deepl")
	broken := strings.Replace(string(data), "max_length: 1000", "max_length: 5000", 1)
	broken = strings.Replace(broken, `label: {fr: "DeepL", de: "DeepL"}`, `label: {fr: "DeepL"}`, 1)
	if err := os.WriteFile(name, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := cli(t, nil, "", "catalog", "validate", dir)
	if code != 1 {
		t.Fatalf("broken survey: exit %d\n%s", code, out)
	}
	for _, want := range []string{
		fmt.Sprintf("%s/surveys/etat-des-lieux.yaml:%d: questions[0].options[4].label.de vide", dir, deepl+1),
		fmt.Sprintf("%s/surveys/etat-des-lieux.yaml:%d: max_length : entre 1 et 2000 caractères (5000)", dir, tooLong),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if err := os.RemoveAll(filepath.Join(dir, "surveys")); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := cli(t, nil, "", "catalog", "validate", dir); code != 0 || !strings.Contains(out, ", 0 surveys\n") {
		t.Errorf("folder without surveys: exit %d\n%s", code, out)
	}
}

func TestUserAddMigrateDemo(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			env := map[string]string{"DATABASE_URL": db.URL}
			if code, out, errOut := cli(t, env, "", "migrate"); code != 0 || !strings.Contains(out, "database up to date") {
				t.Fatalf("migrate: %d %s %s", code, out, errOut)
			}
			code, out, errOut := cli(t, env, "", "demo")
			if code != 0 || !strings.Contains(out, "Commune de Démo") || !strings.Contains(out, "rh@demo.atelier.example  password: ") {
				t.Fatalf("demo: %d %s %s", code, out, errOut)
			}
			// A second run does not duplicate the commune but gives fresh passwords.
			if code, out, _ := cli(t, env, "", "demo"); code != 0 || strings.Contains(out, "created") || !strings.Contains(out, "password: ") {
				t.Fatalf("demo again: %d %s", code, out)
			}
			s := storetest.Open(t, db)
			ctx := context.Background()
			org, err := s.OrgBySlug(ctx, "demo")
			if err != nil {
				t.Fatal(err)
			}
			people, total, err := s.People(ctx, store.PeopleFilter{OrgID: org.ID})
			if err != nil {
				t.Fatal(err)
			}
			roles := map[string]int{}
			for _, p := range people {
				roles[p.Role]++
			}
			deps, _ := s.Departments(ctx, org.ID)
			if total < 35 || len(deps) != 8 || roles["head_of_service"] != 8 || roles["deputy_head"] < 4 || roles["staff"] < 10 || roles["council_member"] < 5 || roles["municipal_secretary"] != 1 {
				t.Errorf("demo commune: %d people %v, %d departments", total, roles, len(deps))
			}

			sessions, _, err := s.Sessions(ctx, store.SessionFilter{OrgID: org.ID})
			if err != nil || len(sessions) != 4 {
				t.Fatalf("demo sessions: %d %v", len(sessions), err)
			}
			counts, _ := s.CountsBySession(ctx, []int64{sessions[0].ID, sessions[1].ID})
			present, _ := s.RegistrationRows(ctx, store.RegistrationFilter{SessionID: sessions[0].ID, Status: []string{store.RegBooked}})
			nPresent := 0
			for _, r := range present {
				if r.Attendance == store.AttendPresent {
					nPresent++
				}
			}
			if counts[sessions[0].ID].Booked < 10 || nPresent < 5 || counts[sessions[1].ID].Waitlisted == 0 {
				t.Errorf("demo campaign: %+v, %d present", counts, nPresent)
			}
			code, out, errOut = cli(t, env, "a long enough password\n", "user", "add", "--email", "Nouvelle.RH@demo.atelier.example", "--role", "hr", "--org", "demo", "--name", "Nouvelle RH")
			if code != 0 || !strings.Contains(out, "nouvelle.rh@demo.atelier.example") {
				t.Fatalf("user add: %d %s %s", code, out, errOut)
			}
			u, err := s.UserByEmail(ctx, "nouvelle.rh@demo.atelier.example")
			if err != nil || u.Role != "hr" || u.OrgID == nil || *u.OrgID != org.ID || !strings.HasPrefix(u.PasswordHash, "$2a$") {
				t.Errorf("user: %+v %v", u, err)
			}
			cases := map[string]struct {
				stdin string
				args  []string
				want  string
			}{
				"duplicate":    {"a long enough password\n", []string{"--email", "nouvelle.rh@demo.atelier.example", "--role", "hr", "--org", "demo"}, "déjà utilisée"},
				"bad role":     {"a long enough password\n", []string{"--email", "x@demo.atelier.example", "--role", "boss", "--org", "demo"}, "role: Rôle inconnu"},
				"short pw":     {"short\n", []string{"--email", "y@demo.atelier.example", "--role", "trainer", "--org", "demo"}, "password: Le mot de passe doit compter au moins 10"},
				"unknown org":  {"a long enough password\n", []string{"--email", "z@demo.atelier.example", "--role", "trainer", "--org", "nope"}, "org: Commune inconnue"},
				"org required": {"a long enough password\n", []string{"--email", "w@demo.atelier.example", "--role", "hr"}, "org: Indiquez la commune"},
			}
			for name, tc := range cases {
				code, _, errOut := cli(t, env, tc.stdin, append([]string{"user", "add"}, tc.args...)...)
				if code != 1 || !strings.Contains(errOut, tc.want) {
					t.Errorf("%s: exit %d, %q", name, code, errOut)
				}
			}
		})
	}
}

func TestUnknownCommand(t *testing.T) {
	if code, _, errOut := cli(t, nil, "", "frobnicate"); code != 2 || !strings.Contains(errOut, "Usage") {
		t.Errorf("exit %d %q", code, errOut)
	}
	if code, out, _ := cli(t, nil, "", "help"); code != 0 || !strings.Contains(out, "catalog validate") {
		t.Errorf("help: %d", code)
	}
	if code, _, errOut := cli(t, map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "x.db"), "ATELIER_BASE_URL": "ftp://nope"}, "", "serve"); code != 1 || !strings.Contains(errOut, "ATELIER_BASE_URL") {
		t.Errorf("bad config: %d %q", code, errOut)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func waitHealthy(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never became healthy", base)
}

// TestServeGracefully starts the server in-process, bootstraps an admin
// from the environment, then stops it as SIGTERM would.
func TestServeGracefully(t *testing.T) {
	addr := freeAddr(t)
	env := map[string]string{
		"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "atelier.db"), "ATELIER_ADDR": addr,
		"ATELIER_ADMIN_EMAIL": "admin@x.example", "ATELIER_ADMIN_PASSWORD": "a long enough password",
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var out, errOut bytes.Buffer
	go func() {
		done <- run(ctx, nil, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	}()
	waitHealthy(t, "http://"+addr)
	c := client{base: "http://" + addr}
	if tok := c.login(t, "admin@x.example", "a long enough password"); tok == "" {
		t.Fatal("bootstrapped admin cannot sign in")
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d: %s", code, errOut.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop")
	}
}

// client talks to a running server over HTTP.
type client struct {
	base  string
	token string
}

func (c client) do(t *testing.T, method, path string, body any) (int, []byte) {
	t.Helper()
	data, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, c.base+path, bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

func (c client) login(t *testing.T, email, pw string) string {
	t.Helper()
	code, body := c.do(t, "POST", "/api/v1/auth/token", map[string]string{"email": email, "password": pw})
	if code != 201 {
		t.Fatalf("login %s: %d %s", email, code, body)
	}
	var out struct{ Token string }
	_ = json.Unmarshal(body, &out)
	return out.Token
}

// TestTwoServersOnePostgres runs two real atelier processes on one
// PostgreSQL database and splits 100 concurrent bookings for a 12-seat
// session between them: exactly 12 booked, 88 waiting at 1..88.
func TestTwoServersOnePostgres(t *testing.T) {
	base := os.Getenv(storetest.EnvURL)
	if base == "" {
		t.Skip(storetest.EnvURL + " not set: this test needs PostgreSQL")
	}
	dbURL := storetest.NewPostgresSchema(t, base)
	var servers []client
	for i := range 2 {
		addr := freeAddr(t)
		cmd := exec.Command(os.Args[0], "serve")
		cmd.Env = append(os.Environ(), "ATELIER_TEST_BE_MAIN=1", "DATABASE_URL="+dbURL, "ATELIER_ADDR="+addr,
			"ATELIER_ADMIN_EMAIL=admin@x.example", "ATELIER_ADMIN_PASSWORD=a long enough password", "LOG_LEVEL=warn")
		var logs bytes.Buffer
		cmd.Stderr = &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = cmd.Process.Signal(os.Interrupt)
			_ = cmd.Wait()
			if t.Failed() {
				t.Logf("server %d logs:\n%s", i, logs.String())
			}
		})
		servers = append(servers, client{base: "http://" + addr})
	}
	for _, s := range servers {
		waitHealthy(t, s.base)
	}
	admin := servers[0]
	admin.token = admin.login(t, "admin@x.example", "a long enough password")
	if code, body := admin.do(t, "POST", "/api/v1/orgs", map[string]string{"slug": "ecublens", "name": "Ecublens"}); code != 201 {
		t.Fatalf("org: %d %s", code, body)
	}
	if code, body := admin.do(t, "POST", "/api/v1/users", map[string]string{"email": "rh@ecublens.example", "password": "a long enough password", "role": "hr", "org": "ecublens"}); code != 201 {
		t.Fatalf("user: %d %s", code, body)
	}
	for i := range servers {
		servers[i].token = servers[i].login(t, "rh@ecublens.example", "a long enough password")
	}
	var ids []int64
	for i := range 100 {
		code, body := servers[i%2].do(t, "POST", "/api/v1/people", map[string]string{"name": fmt.Sprintf("Collaborateur %03d", i), "email": fmt.Sprintf("c%d@ecublens.example", i), "role": "staff"})
		if code != 201 {
			t.Fatalf("person: %d %s", code, body)
		}
		var p struct{ ID int64 }
		_ = json.Unmarshal(body, &p)
		ids = append(ids, p.ID)
	}
	code, body := servers[0].do(t, "POST", "/api/v1/sessions", map[string]any{"format": "ecublens-collaborateurs", "starts_at": time.Now().AddDate(0, 1, 0).Format(time.RFC3339), "capacity": 12, "location": map[string]string{"name": "Salle"}})
	if code != 201 {
		t.Fatalf("session: %d %s", code, body)
	}
	var sess struct{ ID int64 }
	_ = json.Unmarshal(body, &sess)

	var wg sync.WaitGroup
	start := make(chan struct{})
	failures := make(chan string, len(ids))
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			c := servers[i%2]
			data, _ := json.Marshal(map[string]any{"person_id": id})
			req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/sessions/%d/registrations", c.base, sess.ID), bytes.NewReader(data))
			req.Header.Set("Authorization", "Bearer "+c.token)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				failures <- err.Error()
				return
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 201 {
				failures <- fmt.Sprintf("%d %s", res.StatusCode, b)
			}
		}()
	}
	close(start)
	wg.Wait()
	close(failures)
	for f := range failures {
		t.Errorf("booking failed: %s", f)
	}
	code, body = servers[1].do(t, "GET", fmt.Sprintf("/api/v1/sessions/%d/registrations", sess.ID), nil)
	if code != 200 {
		t.Fatalf("registrations: %d", code)
	}
	var regs []struct {
		Status           string
		PersonID         int64 `json:"person_id"`
		WaitlistPosition *int  `json:"waitlist_position"`
	}
	_ = json.Unmarshal(body, &regs)
	booked, seen, positions := 0, map[int64]bool{}, map[int]bool{}
	for _, r := range regs {
		if seen[r.PersonID] {
			t.Errorf("person %d registered twice", r.PersonID)
		}
		seen[r.PersonID] = true
		switch r.Status {
		case "booked":
			booked++
		case "waitlisted":
			if positions[*r.WaitlistPosition] {
				t.Errorf("position %d given twice", *r.WaitlistPosition)
			}
			positions[*r.WaitlistPosition] = true
		}
	}
	for p := 1; p <= 88; p++ {
		if !positions[p] {
			t.Errorf("position %d missing", p)
		}
	}
	if booked != 12 || len(positions) != 88 || len(regs) != 100 {
		t.Errorf("booked %d, waiting %d, rows %d; want 12, 88, 100", booked, len(positions), len(regs))
	}
}

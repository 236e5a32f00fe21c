package web

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/tz"
)

// browserSession signs in through the form and returns the cookie.
func (a *app) browserSession(email string) *http.Cookie {
	a.t.Helper()
	form := url.Values{"email": {email}, "password": {testPassword}, "next": {"/app"}}
	res := a.do("POST", "/login", "", form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
	if res.Code != http.StatusSeeOther {
		a.t.Fatalf("login form: %d %s", res.Code, res.Body)
	}
	for _, c := range res.Result().Cookies() {
		if c.Name == sessionCookie {
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || !c.Secure {
				a.t.Errorf("cookie flags: %+v (base URL is https: Secure expected)", c)
			}
			return c
		}
	}
	a.t.Fatal("no session cookie")
	return nil
}

// page requests a page with the browser cookie; form, when set, is posted.
func (a *app) page(cookie *http.Cookie, method, path string, form url.Values, headers ...string) *httptest.ResponseRecorder {
	a.t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res := httptest.NewRecorder()
	a.h.ServeHTTP(res, req)
	return res
}

func TestPagesNeedSignIn(t *testing.T) {
	a := newApp(t, storetestSQLite(t))
	res := a.page(nil, "GET", "/app/sessions", nil)
	if res.Code != http.StatusSeeOther || res.Header().Get("Location") != "/login?next=%2Fapp%2Fsessions" {
		t.Errorf("anonymous: %d %v", res.Code, res.Header())
	}
	res = a.page(nil, "POST", "/login", url.Values{"email": {hrAEmail}, "password": {"wrong password"}})
	if res.Code != 401 || !strings.Contains(res.Body.String(), "E-mail ou mot de passe incorrect") || !strings.Contains(res.Body.String(), `value="`+hrAEmail+`"`) {
		t.Errorf("wrong password: %d", res.Code)
	}
	// The next parameter never leaves the site.
	res = a.page(nil, "POST", "/login", url.Values{"email": {hrAEmail}, "password": {testPassword}, "next": {"//evil.example/x"}})
	if res.Header().Get("Location") != "/app" {
		t.Errorf("open redirect: %s", res.Header().Get("Location"))
	}
	trainer := a.browserSession(trainerAEmail)
	if res := a.page(trainer, "GET", "/app/people", nil); res.Code != 403 {
		t.Errorf("trainer on HR page: %d", res.Code)
	}
	if res := a.page(trainer, "GET", "/app/admin", nil); res.Code != 403 {
		t.Errorf("trainer on admin page: %d", res.Code)
	}
	hr := a.browserSession(hrAEmail)
	for _, path := range []string{"/app", "/app/catalog", "/app/catalog/ucv-consultation", "/app/sessions", "/app/sessions/new", "/app/people", "/app/people/new", "/app/departments", "/app/reports"} {
		res := a.page(hr, "GET", path, nil)
		if res.Code != 200 {
			t.Errorf("%s: %d", path, res.Code)
			continue
		}
		csp := res.Header().Get("Content-Security-Policy")
		if strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") || res.Header().Get("X-Content-Type-Options") != "nosniff" || res.Header().Get("Referrer-Policy") == "" {
			t.Errorf("%s: security headers %v", path, res.Header())
		}
		if strings.Contains(res.Body.String(), "<script>") && !strings.Contains(res.Body.String(), `<script src="/static/js/`) {
			t.Errorf("%s: inline script", path)
		}
	}
	// German by the switch, kept in a cookie.
	res = a.page(hr, "GET", "/app?lang=de", nil)
	if !strings.Contains(res.Body.String(), "Übersicht") {
		t.Error("German dashboard")
	}
	// Sign out revokes the cookie.
	a.page(hr, "POST", "/logout", url.Values{})
	if res := a.page(hr, "GET", "/app", nil); res.Code != http.StatusSeeOther {
		t.Errorf("after sign-out: %d", res.Code)
	}
}

func storetestSQLite(t *testing.T) storetestDB { return freshSQLite(t) }

func TestSessionForms(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		hr := a.browserSession(hrAEmail)
		// A wrong form comes back with what was typed and a message by each field.
		res := a.page(hr, "POST", "/app/sessions", url.Values{"format": {"ucv-consultation"}, "starts_at": {"2026-03-10T08:30"}, "capacity": {"0"}, "location_name": {"Salle <b>du</b> Conseil"}})
		body := res.Body.String()
		if res.Code != 422 || !strings.Contains(body, "La capacité doit être comprise entre 1 et 500 places.") || !strings.Contains(body, `value="Salle &lt;b&gt;du&lt;/b&gt; Conseil"`) || !strings.Contains(body, `value="2026-03-10T08:30"`) {
			t.Fatalf("form errors: %d\n%s", res.Code, body)
		}
		if n := a.count("sessions"); n != 0 {
			t.Fatalf("%d sessions after a refused form", n)
		}
		// A cross-site form post is refused.
		res = a.page(hr, "POST", "/app/sessions", url.Values{"format": {"ucv-consultation"}, "starts_at": {"2026-03-10T08:30"}, "capacity": {"5"}, "location_name": {"Salle"}}, "Sec-Fetch-Site", "cross-site")
		if res.Code != 403 || a.count("sessions") != 0 {
			t.Fatalf("cross-site: %d", res.Code)
		}
		res = a.page(hr, "POST", "/app/sessions", url.Values{"format": {"ucv-consultation"}, "starts_at": {"2026-03-10T08:30"}, "capacity": {"2"}, "location_name": {"Salle du Conseil"}})
		if res.Code != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.Code, res.Body)
		}
		loc := res.Header().Get("Location")
		var id int64
		fmt.Sscanf(loc, "/app/sessions/%d", &id)
		s := a.session(hrAEmail, id)
		if !s.StartsAt.Equal(time.Date(2026, 3, 10, 8, 30, 0, 0, tz.Zurich)) {
			t.Errorf("local time from the picker: %s", s.StartsAt)
		}
		ids := a.addPeople(a.orgA, 3, "head_of_service", nil)
		// Booking an audience first says who gets a seat and who waits.
		res = a.page(hr, "POST", fmt.Sprintf("/app/sessions/%d/book", id), url.Values{"mode": {"audience"}, "role": {"head_of_service"}})
		if res.Code != 200 || !strings.Contains(res.Body.String(), "2 personne(s) obtiennent une place, 1 iront sur la liste d’attente") {
			t.Fatalf("book preview: %d %s", res.Code, res.Body)
		}
		if n := a.count("registrations"); n != 0 {
			t.Fatalf("the preview booked %d", n)
		}
		res = a.page(hr, "POST", fmt.Sprintf("/app/sessions/%d/book", id), url.Values{"mode": {"audience"}, "role": {"head_of_service"}, "confirmed": {"1"}})
		if res.Code != http.StatusSeeOther {
			t.Fatalf("book: %d %s", res.Code, res.Body)
		}
		page := a.page(hr, "GET", res.Header().Get("Location"), nil).Body.String()
		if !strings.Contains(page, "3 inscription(s) traitée(s).") || !strings.Contains(page, "Liste d’attente (1)") {
			t.Errorf("session page after booking")
		}
		// Search then book ticked people.
		page = a.page(hr, "GET", fmt.Sprintf("/app/sessions/%d?q=Personne+001", id), nil).Body.String()
		if !strings.Contains(page, fmt.Sprintf(`name="person_ids" value="%d"`, ids[1])) {
			t.Error("search results")
		}
		// Lowering the capacity under the booked count: the form says why.
		res = a.page(hr, "POST", fmt.Sprintf("/app/sessions/%d/edit", id), url.Values{"starts_at": {"2026-03-10T08:30"}, "ends_at": {"2026-03-10T13:30"}, "location_name": {"Salle du Conseil"}, "capacity": {"1"}})
		if res.Code != 409 || !strings.Contains(res.Body.String(), "2 personnes sont déjà inscrites") {
			t.Errorf("capacity refusal: %d", res.Code)
		}
		// Reschedule: the sequence rises, the invites will update.
		res = a.page(hr, "POST", fmt.Sprintf("/app/sessions/%d/edit", id), url.Values{"starts_at": {"2026-03-11T08:30"}, "ends_at": {"2026-03-11T13:30"}, "location_name": {"Aula"}, "capacity": {"3"}})
		if res.Code != http.StatusSeeOther {
			t.Fatalf("reschedule: %d %s", res.Code, res.Body)
		}
		if s := a.session(hrAEmail, id); s.Sequence != 1 || s.Booked != 3 || s.Location.Name != "Aula" {
			t.Errorf("after edit: %+v", s)
		}
	})
}

func TestPeopleImport(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		hr := a.browserSession(hrAEmail)
		upload := func(csv string) *httptest.ResponseRecorder {
			var buf bytes.Buffer
			w := multipart.NewWriter(&buf)
			fw, _ := w.CreateFormFile("file", "personnes.csv")
			fw.Write([]byte(csv))
			w.Close()
			req := httptest.NewRequest("POST", "/app/people/import", &buf)
			req.Header.Set("Content-Type", w.FormDataContentType())
			req.AddCookie(hr)
			res := httptest.NewRecorder()
			a.h.ServeHTTP(res, req)
			return res
		}
		// A file with errors: the preview lists them and nothing is written.
		bad := "\ufeffNom;Prénom;E-mail;Fonction;Service;Langue\r\nDélèze;Anne;anne@commune-a.example;Chef·fe de service;Finances;fr\r\nMüller;Hans;hans@commune-a.example;staff;Finances;de\r\nBad;X;not-an-email;staff;;\r\nDélèze;Anne bis;ANNE@commune-a.example;staff;;\r\n"
		res := upload(bad)
		body := res.Body.String()
		if res.Code != 422 || !strings.Contains(body, "Ligne 4 · email") || !strings.Contains(body, "Ligne 5 · email") || strings.Contains(body, `name="confirm"`) {
			t.Fatalf("import with errors: %d %s", res.Code, body)
		}
		if n := a.count("people"); n != 0 {
			t.Fatalf("a refused import wrote %d people", n)
		}
		// A good file: a preview first, then the import on confirmation.
		good := "\ufeffNom;Prénom;E-mail;Fonction;Service;Langue\r\nDélèze;Anne;anne@commune-a.example;Chef·fe de service;Finances;fr\r\nMüller;Hans;hans@commune-a.example;staff;Finances;de\r\n"
		res = upload(good)
		body = res.Body.String()
		if res.Code != 200 || !strings.Contains(body, "2 personne(s) à créer") || !strings.Contains(body, "« Finances »") || !strings.Contains(body, `name="confirm"`) {
			t.Fatalf("preview: %d %s", res.Code, body)
		}
		if n := a.count("people"); n != 0 {
			t.Fatalf("the preview wrote %d people", n)
		}
		data := body[strings.Index(body, `name="data" value="`)+len(`name="data" value="`):]
		data = data[:strings.Index(data, `"`)]
		res = a.page(hr, "POST", "/app/people/import", url.Values{"confirm": {"1"}, "data": {data}})
		if res.Code != 303 || !strings.Contains(res.Header().Get("Location"), "done=imported") {
			t.Fatalf("confirm: %d %s", res.Code, res.Body)
		}
		var people []personJSON
		mustJSON(t, a.as(hrAEmail, "GET", "/api/v1/people", nil), &people)
		if len(people) != 2 || people[0].Name != "Anne Délèze" || people[0].Role != "head_of_service" || people[1].Language != "de" || people[0].DepartmentID == nil {
			t.Errorf("imported: %+v", people)
		}
		// The person form re-displays errors.
		res = a.page(hr, "POST", "/app/people", url.Values{"family_name": {""}, "email": {"x@"}, "role": {"staff"}, "language": {"fr"}})
		if res.Code != 422 || !strings.Contains(res.Body.String(), "Adresse e-mail invalide.") || !strings.Contains(res.Body.String(), "Champ obligatoire.") {
			t.Errorf("person form: %d", res.Code)
		}
	})
}

package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/catalog"
)

// calendarWorld is commune a with two coming sessions (the trainer of
// commune a runs the first, of one seat), two people booked in the first
// (the second waits) and the first also in the second session, and the
// calendar files that show them.
type calendarWorld struct {
	first, second sessionJSON
	people        []int64
	trainerID     int64
	tokens        []string // first session: the booked, then the waiting
	files         map[string]string
}

// The calendar files of a calendarWorld.
const (
	fileInvite        = "invite"
	fileWaitingInvite = "waiting invite"
	fileFeed          = "person feed"
	fileCommuneFeed   = "commune feed"
	fileTrainerFeed   = "trainer feed"
)

var calendarFiles = []string{fileInvite, fileWaitingInvite, fileFeed, fileCommuneFeed, fileTrainerFeed}

// tick sets the app's clock to the real time: the database stamps edits
// with it (updated_at), and creations with the app's clock.
func (a *app) tick() { a.setNow(time.Now()) }

func newCalendarWorld(t *testing.T, a *app) *calendarWorld {
	t.Helper()
	a.tick()
	w := &calendarWorld{files: map[string]string{}}
	f := pickFormat(t, a, catalog.Voluntary)
	start := a.clock().AddDate(0, 1, 0).Truncate(time.Hour)
	for _, u := range a.users(hrAEmail) {
		if u.Email == trainerAEmail {
			w.trainerID = u.ID
		}
	}
	body := sessionBody(f.Slug, start, 1)
	body["trainers"] = []int64{w.trainerID}
	w.first = a.createSession(hrAEmail, body)
	w.second = a.createSession(hrAEmail, sessionBody(f.Slug, start.AddDate(0, 0, 7), 5))
	w.people = a.addPeople(a.orgA, 3, "staff", nil)
	for _, r := range a.book(hrAEmail, w.first.ID, map[string]any{"person_ids": w.people}).Registrations {
		w.tokens = append(w.tokens, r.Token)
	}
	a.book(hrAEmail, w.second.ID, map[string]any{"person_id": w.people[0]})
	w.files[fileInvite] = "/r/" + w.tokens[0] + "/invite.ics"
	w.files[fileWaitingInvite] = "/r/" + w.tokens[1] + "/invite.ics"
	w.files[fileFeed] = "/r/" + w.tokens[0] + "/feed.ics"
	for name, email := range map[string]string{fileCommuneFeed: hrAEmail, fileTrainerFeed: trainerAEmail} {
		var feed feedJSON
		mustJSON(t, a.as(email, "GET", "/api/v1/feed", nil), &feed)
		w.files[name] = strings.TrimPrefix(feed.URL, "https://atelier.example")
	}
	return w
}

// nextSecond waits for the next second. HTTP dates count whole seconds:
// a file changed during the current one is dated a second early
// (lastModified), and a client echoing that date gets the file again —
// which would hide a Last-Modified that did not move.
func nextSecond() { time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second))) }

// get reads path with headers (name, value…).
func (a *app) get(path string, headers ...string) *httptest.ResponseRecorder {
	a.t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res := httptest.NewRecorder()
	a.h.ServeHTTP(res, req)
	return res
}

// validators reads a file and returns its ETag and Last-Modified, checking
// both are there, the tag strong.
func (a *app) validators(t *testing.T, path string) (etag, modified string) {
	t.Helper()
	res := a.get(path)
	etag, modified = res.Header().Get("ETag"), res.Header().Get("Last-Modified")
	if res.Code != http.StatusOK || !strings.HasPrefix(res.Header().Get("Content-Type"), "text/calendar") {
		t.Fatalf("%s: %d %s", path, res.Code, res.Body)
	}
	if !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) || len(etag) < 10 {
		t.Fatalf("%s: ETag %q is not a strong tag", path, etag)
	}
	if _, err := http.ParseTime(modified); err != nil {
		t.Fatalf("%s: Last-Modified %q: %v", path, modified, err)
	}
	return etag, modified
}

// TestCalendarConditional: every calendar file answers with a strong ETag
// and Last-Modified; If-None-Match naming it (strongly, weakly, or its
// gzip variant), or If-Modified-Since at or after it, gets 304 without a
// body; a tag that is not its own, a date before it, or a date that does
// not parse get the file; If-None-Match decides when both are there.
func TestCalendarConditional(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		w := newCalendarWorld(t, a)
		nextSecond()
		for _, name := range calendarFiles {
			t.Run(name, func(t *testing.T) {
				path := w.files[name]
				etag, modified := a.validators(t, path)
				if res := a.get(path); res.Header().Get("ETag") != etag || res.Header().Get("Cache-Control") != "private, no-cache" {
					t.Errorf("read again: %v", res.Header())
				}
				lm, _ := http.ParseTime(modified)
				cases := []struct {
					name    string
					headers []string
					want    int
				}{
					{"its tag", []string{"If-None-Match", etag}, 304},
					{"its tag, weak", []string{"If-None-Match", "W/" + etag}, 304},
					{"its tag among others", []string{"If-None-Match", `"other", ` + etag}, 304},
					{"its gzip variant", []string{"If-None-Match", gzipETag(etag)}, 304},
					{"any", []string{"If-None-Match", "*"}, 304},
					{"another tag", []string{"If-None-Match", `"0123456789abcdef"`}, 200},
					{"garbage tag", []string{"If-None-Match", "garbage"}, 200},
					{"its tag unquoted", []string{"If-None-Match", strings.Trim(etag, `"`)}, 200},
					{"since its date", []string{"If-Modified-Since", modified}, 304},
					{"since later", []string{"If-Modified-Since", lm.Add(time.Second).Format(http.TimeFormat)}, 304},
					{"since earlier", []string{"If-Modified-Since", lm.Add(-time.Second).Format(http.TimeFormat)}, 200},
					{"since the future", []string{"If-Modified-Since", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)}, 200},
					{"since garbage", []string{"If-Modified-Since", "yesterday"}, 200},
					{"another tag, since its date", []string{"If-None-Match", `"0123456789abcdef"`, "If-Modified-Since", modified}, 200},
					{"its tag, since earlier", []string{"If-None-Match", etag, "If-Modified-Since", lm.Add(-time.Hour).Format(http.TimeFormat)}, 304},
				}
				for _, tc := range cases {
					res := a.get(path, tc.headers...)
					if res.Code != tc.want {
						t.Errorf("%s: %d, want %d", tc.name, res.Code, tc.want)
						continue
					}
					if tc.want == 304 {
						if res.Body.Len() != 0 || res.Header().Get("Last-Modified") != modified || !strings.HasPrefix(res.Header().Get("ETag"), strings.TrimSuffix(etag, `"`)) {
							t.Errorf("%s: 304 with %v and %d bytes", tc.name, res.Header(), res.Body.Len())
						}
					} else if res.Body.Len() == 0 || res.Header().Get("ETag") != etag {
						t.Errorf("%s: 200 with ETag %q and %d bytes", tc.name, res.Header().Get("ETag"), res.Body.Len())
					}
				}
			})
		}
		// Compressed, a file has the gzip variant's tag; either tag tells
		// the client holds it, and the 304 names the one it sent.
		path := w.files[fileCommuneFeed]
		etag, _ := a.validators(t, path)
		res := a.get(path, "Accept-Encoding", "gzip")
		if res.Header().Get("Content-Encoding") != "gzip" || res.Header().Get("ETag") != gzipETag(etag) {
			t.Fatalf("gzipped feed: %v", res.Header())
		}
		for _, tag := range []string{etag, gzipETag(etag)} {
			res := a.get(path, "Accept-Encoding", "gzip", "If-None-Match", tag)
			if res.Code != 304 || res.Header().Get("ETag") != tag || res.Header().Get("Content-Encoding") != "" || res.Body.Len() != 0 {
				t.Errorf("If-None-Match %s: %d %v", tag, res.Code, res.Header())
			}
		}
		// The same tag, the same bytes.
		once, twice := a.get(path), a.get(path)
		if once.Body.String() != twice.Body.String() || once.Header().Get("ETag") != twice.Header().Get("ETag") {
			t.Error("a file read twice differs")
		}
	})
}

// TestCalendarValidatorsChange: after each kind of change, the files that
// show it are sent again — a new ETag, and If-Modified-Since at the old
// Last-Modified no longer gets 304 — and the others still get 304.
func TestCalendarValidatorsChange(t *testing.T) {
	participant := []string{fileInvite, fileFeed}
	staff := []string{fileCommuneFeed, fileTrainerFeed}
	all := calendarFiles
	cases := []struct {
		name    string
		change  func(t *testing.T, a *app, w *calendarWorld)
		changed []string
		same    []string
	}{
		{"title", func(t *testing.T, a *app, w *calendarWorld) {
			a.patchSession(t, w.first.ID, map[string]any{"title": "Nouveau titre"})
		}, all, nil},
		{"place of the second session", func(t *testing.T, a *app, w *calendarWorld) {
			a.patchSession(t, w.second.ID, map[string]any{"location": map[string]string{"name": "Aula", "room": "B12"}})
		}, []string{fileFeed, fileCommuneFeed}, []string{fileInvite, fileWaitingInvite, fileTrainerFeed}},
		{"time", func(t *testing.T, a *app, w *calendarWorld) {
			start := w.first.StartsAt.Add(2 * time.Hour)
			a.patchSession(t, w.first.ID, map[string]any{"starts_at": start.Format(time.RFC3339)})
		}, all, nil},
		{"trainer removed", func(t *testing.T, a *app, w *calendarWorld) {
			a.patchSession(t, w.first.ID, map[string]any{"trainers": []int64{}})
		}, []string{fileTrainerFeed}, nil},
		{"trainer added to the second session", func(t *testing.T, a *app, w *calendarWorld) {
			a.patchSession(t, w.second.ID, map[string]any{"trainers": []int64{w.trainerID}})
		}, []string{fileTrainerFeed}, []string{fileInvite, fileWaitingInvite}},
		{"new session", func(t *testing.T, a *app, w *calendarWorld) {
			f := pickFormat(t, a, catalog.Voluntary)
			body := inRoom(sessionBody(f.Slug, w.second.StartsAt.AddDate(0, 0, 7), 5), "Annexe")
			body["trainers"] = []int64{w.trainerID}
			a.createSession(hrAEmail, body)
		}, staff, []string{fileInvite, fileWaitingInvite, fileFeed}},
		{"registration cancelled, the waiting person promoted", func(t *testing.T, a *app, w *calendarWorld) {
			if res := a.do("POST", "/r/"+w.tokens[0]+"/cancel", "", map[string]any{}); res.Code != 200 {
				t.Fatalf("cancel: %d %s", res.Code, res.Body)
			}
		}, []string{fileInvite, fileFeed, fileWaitingInvite}, staff},
		{"answer to the invitation", func(t *testing.T, a *app, w *calendarWorld) {
			if res := a.do("POST", "/r/"+w.tokens[0]+"/rsvp", "", map[string]any{"answer": "tentative"}); res.Code >= 300 {
				t.Fatalf("rsvp: %d %s", res.Code, res.Body)
			}
		}, participant, append([]string{fileWaitingInvite}, staff...)},
		{"name", func(t *testing.T, a *app, w *calendarWorld) {
			a.patchPerson(t, w.people[0], map[string]any{"name": "Anne-Marie Rochat"})
		}, participant, append([]string{fileWaitingInvite}, staff...)},
		{"language", func(t *testing.T, a *app, w *calendarWorld) {
			a.patchPerson(t, w.people[0], map[string]any{"language": "de"})
		}, participant, append([]string{fileWaitingInvite}, staff...)},
		{"the other person's name", func(t *testing.T, a *app, w *calendarWorld) {
			a.patchPerson(t, w.people[1], map[string]any{"name": "Jean Favre"})
		}, []string{fileWaitingInvite}, append(participant, staff...)},
		{"session cancelled", func(t *testing.T, a *app, w *calendarWorld) {
			if res := a.as(hrAEmail, "POST", fmt.Sprintf("/api/v1/sessions/%d/cancel", w.second.ID), nil); res.Code != 200 {
				t.Fatalf("cancel session: %d %s", res.Code, res.Body)
			}
		}, []string{fileFeed, fileCommuneFeed}, []string{fileInvite, fileWaitingInvite, fileTrainerFeed}},
		{"the trainer becomes HR", func(t *testing.T, a *app, w *calendarWorld) {
			if res := a.as(adminEmail, "PATCH", fmt.Sprintf("/api/v1/users/%d", w.trainerID), map[string]any{"role": "hr"}); res.Code != 200 {
				t.Fatalf("role: %d %s", res.Code, res.Body)
			}
		}, []string{fileTrainerFeed}, []string{fileInvite, fileWaitingInvite, fileFeed, fileCommuneFeed}},
		{"person erased", func(t *testing.T, a *app, w *calendarWorld) {
			if res := a.as(hrAEmail, "DELETE", fmt.Sprintf("/api/v1/people/%d", w.people[0]), nil); res.Code >= 300 {
				t.Fatalf("erase: %d %s", res.Code, res.Body)
			}
		}, []string{fileInvite, fileFeed, fileWaitingInvite}, staff}, // the seat goes to the waiting person
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // each waits for a second to pass
			eachDB(t, func(t *testing.T, a *app) {
				w := newCalendarWorld(t, a)
				nextSecond()
				type seen struct{ etag, modified string }
				before := map[string]seen{}
				for _, name := range calendarFiles {
					etag, modified := a.validators(t, w.files[name])
					before[name] = seen{etag, modified}
				}
				a.tick()
				tc.change(t, a, w)
				for _, name := range tc.changed {
					path, old := w.files[name], before[name]
					res := a.get(path, "If-None-Match", old.etag)
					if res.Code == 404 && tc.name == "person erased" {
						continue // the links may die with the person
					}
					if res.Code != 200 || res.Header().Get("ETag") == old.etag || res.Body.Len() == 0 {
						t.Errorf("%s: If-None-Match the old tag: %d, ETag %s", name, res.Code, res.Header().Get("ETag"))
					}
					if res := a.get(path, "If-Modified-Since", old.modified); res.Code != 200 {
						t.Errorf("%s: If-Modified-Since %s: %d, Last-Modified %s", name, old.modified, res.Code, res.Header().Get("Last-Modified"))
					}
				}
				for _, name := range tc.same {
					if res := a.get(w.files[name], "If-None-Match", before[name].etag); res.Code != 304 {
						t.Errorf("%s changed: %d, ETag %s (was %s)", name, res.Code, res.Header().Get("ETag"), before[name].etag)
					}
				}
			})
		})
	}
}

func (a *app) patchSession(t *testing.T, id int64, body map[string]any) {
	t.Helper()
	if res := a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/sessions/%d", id), body); res.Code != 200 {
		t.Fatalf("patch session: %d %s", res.Code, res.Body)
	}
}

func (a *app) patchPerson(t *testing.T, id int64, body map[string]any) {
	t.Helper()
	if res := a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/people/%d", id), body); res.Code != 200 {
		t.Fatalf("patch person: %d %s", res.Code, res.Body)
	}
}

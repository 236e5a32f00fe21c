package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	staticdata "github.com/atelier-ch/atelier/static"
)

// TestTemplatesHaveNoInlineStyleOrScript scans every embedded template: the
// CSP (style-src 'self', script-src 'self') would block an inline style, an
// inline script or an event-handler attribute, and a static file must be
// named through `asset` so that its URL changes with its content.
func TestTemplatesHaveNoInlineStyleOrScript(t *testing.T) {
	as, err := loadAssets(staticdata.FS)
	if err != nil {
		t.Fatal(err)
	}
	forbidden := map[string]*regexp.Regexp{
		"style attribute":       regexp.MustCompile(`(?i)\sstyle\s*=`),
		"style element":         regexp.MustCompile(`(?i)<style[\s>]`),
		"inline script":         regexp.MustCompile(`(?i)<script[^>]*>\s*[^<\s]`),
		"event handler":         regexp.MustCompile(`(?i)<[^>]*\son[a-z]+\s*=`),
		"javascript: URL":       regexp.MustCompile(`(?i)javascript:`),
		"static URL not hashed": regexp.MustCompile(`["'(]/static/`),
	}
	assetRef := regexp.MustCompile(`asset "([^"]+)"`)
	scriptTag := regexp.MustCompile(`(?i)<script[^>]*>`)
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil || len(names) < 10 {
		t.Fatalf("templates: %v %v", names, err)
	}
	for _, name := range names {
		data, err := fs.ReadFile(templateFS, name)
		if err != nil {
			t.Fatal(err)
		}
		for what, re := range forbidden {
			if loc := re.FindIndex(data); loc != nil {
				line := 1 + bytes.Count(data[:loc[0]], []byte("\n"))
				t.Errorf("%s:%d: %s: %s", name, line, what, data[loc[0]:min(len(data), loc[1]+40)])
			}
		}
		for _, tag := range scriptTag.FindAll(data, -1) {
			if !bytes.Contains(tag, []byte(" src=")) {
				t.Errorf("%s: a script without src: %s", name, tag)
			}
		}
		for _, m := range assetRef.FindAllSubmatch(data, -1) {
			if _, err := as.url(string(m[1])); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
}

// staticClient asks a real server, without Go's transparent gzip, so that
// the test sees the bytes and headers as sent.
func staticClient(t *testing.T, h http.Handler) (string, *http.Client) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL, &http.Client{Transport: &http.Transport{DisableCompression: true}}
}

func fetch(t *testing.T, client *http.Client, method, url string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

func gunzip(t *testing.T, data []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	return out
}

// TestStaticFiles checks the static files' answers: a hashed name is cached
// for a year, gzipped when asked, revalidated with its ETag; the plain name
// keeps working with a short cache; HEAD tells the same lengths as GET.
func TestStaticFiles(t *testing.T) {
	a := newApp(t, freshSQLite(t))
	base, client := staticClient(t, a.h)
	css, err := fs.ReadFile(staticdata.FS, "css/atelier.css")
	if err != nil {
		t.Fatal(err)
	}
	hashed, err := a.srv.assets.url("css/atelier.css")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^/static/css/atelier\.[0-9a-f]{8}\.css$`).MatchString(hashed) {
		t.Fatalf("hashed URL %q", hashed)
	}
	// The page links the hashed names.
	if _, body := fetch(t, client, "GET", base+"/login"); !bytes.Contains(body, []byte(`href="`+hashed+`"`)) || !bytes.Contains(body, []byte(`rel="icon"`)) {
		t.Errorf("the layout does not link %s and the icon:\n%s", hashed, body)
	}

	res, plain := fetch(t, client, "GET", base+hashed)
	if res.StatusCode != 200 || !bytes.Equal(plain, css) || res.Header.Get("Content-Encoding") != "" {
		t.Fatalf("plain GET: %d %v", res.StatusCode, res.Header)
	}
	etag := res.Header.Get("ETag")
	for k, want := range map[string]string{
		"Cache-Control":  cacheImmutable,
		"Content-Type":   "text/css; charset=utf-8",
		"Vary":           "Accept-Encoding",
		"Content-Length": strconv.Itoa(len(css)),
	} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("plain GET %s = %q, want %q", k, got, want)
		}
	}
	if !regexp.MustCompile(`^"[0-9a-f]{16}"$`).MatchString(etag) {
		t.Errorf("ETag %q", etag)
	}

	res, zipped := fetch(t, client, "GET", base+hashed, "Accept-Encoding", "br;q=1.0, gzip;q=0.8")
	if res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("Cache-Control") != cacheImmutable ||
		res.Header.Get("Content-Length") != strconv.Itoa(len(zipped)) || len(zipped) >= len(css) {
		t.Errorf("gzip GET: %v (%d bytes)", res.Header, len(zipped))
	}
	if !bytes.Equal(gunzip(t, zipped), css) {
		t.Error("gzip GET: not the file")
	}
	gzETag := res.Header.Get("ETag")
	if gzETag == etag || gzETag == "" {
		t.Errorf("the gzip variant's ETag %q should differ from %q", gzETag, etag)
	}

	// Revalidation: either variant's tag gives a 304 without a body.
	for _, tag := range []string{etag, gzETag, `"other", ` + etag, `W/` + etag} {
		res, body := fetch(t, client, "GET", base+hashed, "If-None-Match", tag, "Accept-Encoding", "gzip")
		if res.StatusCode != http.StatusNotModified || len(body) != 0 || res.Header.Get("ETag") == "" || res.Header.Get("Content-Encoding") != "" {
			t.Errorf("If-None-Match %s: %d %v %q", tag, res.StatusCode, res.Header, body)
		}
	}
	if res, _ := fetch(t, client, "GET", base+hashed, "If-None-Match", `"0000000000000000"`); res.StatusCode != 200 {
		t.Errorf("stale ETag: %d", res.StatusCode)
	}

	// HEAD: the headers of GET, no body.
	for _, enc := range []string{"", "gzip"} {
		res, body := fetch(t, client, "HEAD", base+hashed, "Accept-Encoding", enc)
		want := len(css)
		if enc == "gzip" {
			want = len(zipped)
		}
		if res.StatusCode != 200 || len(body) != 0 || res.Header.Get("Content-Length") != strconv.Itoa(want) || res.Header.Get("Content-Encoding") != enc {
			t.Errorf("HEAD (%q): %d %v", enc, res.StatusCode, res.Header)
		}
	}

	// The plain name, for old links: same file, short cache.
	res, body := fetch(t, client, "GET", base+"/static/css/atelier.css", "Accept-Encoding", "gzip")
	if res.StatusCode != 200 || res.Header.Get("Cache-Control") != cacheShort || !bytes.Equal(gunzip(t, body), css) {
		t.Errorf("plain name: %d %v", res.StatusCode, res.Header)
	}
	// A client that refuses gzip gets the plain bytes.
	if res, body := fetch(t, client, "GET", base+hashed, "Accept-Encoding", "gzip;q=0, identity"); res.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, css) {
		t.Errorf("gzip;q=0: %v", res.Header)
	}
	// An old hash or an unknown file is a 404.
	for _, path := range []string{"/static/css/atelier.00000000.css", "/static/css/nope.css", "/static/../static.go"} {
		if res, _ := fetch(t, client, "GET", base+path); res.StatusCode != 404 {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
	// The favicon, linked and at the address browsers try on their own.
	svg, _ := fs.ReadFile(staticdata.FS, "favicon.svg")
	for _, path := range []string{"/favicon.ico", "/static/favicon.svg"} {
		res, body := fetch(t, client, "GET", base+path)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/svg+xml" || !bytes.Equal(body, svg) {
			t.Errorf("%s: %d %v", path, res.StatusCode, res.Header)
		}
	}
}

// TestCompressedAnswers sends pages, JSON and calendar files through the
// real router with and without Accept-Encoding: gzip, and compares the
// decompressed answer with the plain one. PDFs and PNGs, compressed
// already, and small answers go plain.
func TestCompressedAnswers(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		base, client := staticClient(t, a.h)
		s := a.createSession(hrAEmail, sessionBody("ucv-consultation", a.clock().AddDate(0, 0, 8), 12))
		reg := a.book(hrAEmail, s.ID, map[string]any{"person_id": a.addPeople(a.orgA, 1, "staff", nil)[0]}).Registrations[0]
		cookie := a.browserSession(hrAEmail)

		cases := map[string]struct {
			path, ctype string
			gzip        bool
		}{
			"html page":        {"/r/" + reg.Token, "text/html; charset=utf-8", true},
			"staff page":       {"/app/sessions", "text/html; charset=utf-8", true},
			"json":             {"/api/v1/formats", "application/json; charset=utf-8", true},
			"ics":              {"/r/" + reg.Token + "/invite.ics", "text/calendar; charset=utf-8; method=REQUEST", true},
			"small json":       {"/healthz", "application/json; charset=utf-8", false},
			"pdf":              {"/api/v1/formats/ucv-consultation/sheets.pdf", "application/pdf", false},
			"png":              {"/r/" + reg.Token + "/qr.png", "image/png", false},
			"not found (json)": {"/api/v1/nothing-here", "application/json; charset=utf-8", false},
		}
		for name, tc := range cases {
			t.Run(name, func(t *testing.T) {
				get := func(enc string) (*http.Response, []byte) {
					return fetch(t, client, "GET", base+tc.path, "Accept-Encoding", enc, "Cookie", cookie.Name+"="+cookie.Value)
				}
				res, plain := get("")
				if res.Header.Get("Content-Encoding") != "" || !strings.HasPrefix(res.Header.Get("Content-Type"), strings.Split(tc.ctype, ";")[0]) {
					t.Fatalf("plain: %d %v", res.StatusCode, res.Header)
				}
				zres, zipped := get("gzip, deflate, br")
				if zres.StatusCode != res.StatusCode {
					t.Fatalf("status %d with gzip, %d without", zres.StatusCode, res.StatusCode)
				}
				if !tc.gzip {
					// (A PDF differs from one request to the next: its creation date.)
					if zres.Header.Get("Content-Encoding") != "" || len(zipped) != len(plain) {
						t.Errorf("compressed when it should not: %v", zres.Header)
					}
					if cl := zres.Header.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(zipped)) {
						t.Errorf("Content-Length %s for %d bytes", cl, len(zipped))
					}
					return
				}
				if zres.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(zres.Header.Get("Vary"), "Accept-Encoding") ||
					!strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") || zres.Header.Get("Content-Type") != res.Header.Get("Content-Type") {
					t.Fatalf("gzip: %v (plain: %v)", zres.Header, res.Header)
				}
				if cl := zres.Header.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(zipped)) {
					t.Errorf("Content-Length %s for %d bytes", cl, len(zipped))
				}
				if got := gunzip(t, zipped); !bytes.Equal(got, plain) {
					t.Errorf("decompressed answer differs from the plain one:\n%s\n---\n%s", got, plain)
				}
				if len(zipped) >= len(plain) {
					t.Errorf("gzip made %d bytes of %d", len(zipped), len(plain))
				}
			})
		}
	})
}

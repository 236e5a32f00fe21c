package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// hostileNext are sign-in targets that a browser could follow off-site
// (or that are not a plain path on this site): each must send to /app.
var hostileNext = map[string]string{
	"scheme":                     "https://evil.example/x",
	"scheme relative":            "//evil.example/x",
	"javascript":                 "javascript:alert(1)",
	"data":                       "data:text/html,<script>alert(1)</script>",
	"backslash":                  `/\evil.example/x`,
	"two backslashes":            `\\evil.example/x`,
	"encoded backslash":          "/%5Cevil.example/x",
	"encoded backslash lower":    "/%5cevil.example/x",
	"double-encoded backslash":   "/%255Cevil.example/x",
	"triple-encoded backslash":   "/%25255Cevil.example/x",
	"encoded slash":              "/%2Fevil.example/x",
	"double-encoded slash":       "/%252Fevil.example/x",
	"encoded slash inside":       "/app/%2F%2Fevil.example",
	"encoded scheme relative":    "%2F%2Fevil.example",
	"relative":                   "evil.example/x",
	"tab":                        "/\t/evil.example",
	"encoded tab":                "/%09/evil.example",
	"newline":                    "/\n/evil.example",
	"encoded crlf":               "/app%0D%0ALocation:%20https://evil.example",
	"space":                      "/ /evil.example",
	"encoded nul":                "/%00/evil.example",
	"leading space":              " //evil.example",
	"user info":                  "//user@evil.example",
	"at sign after scheme":       "https:evil.example",
	"too many encodings":         "/%2525252541",
	"broken escape":              "/app/%zz",
	"lone percent":               "/app/%",
	"fragment":                   "/app#//evil.example",
	"encoded question mark":      "/%3F/evil.example",
	"encoded hash":               "/%23/evil.example",
	"non ascii":                  "/app/é",
	"encoded rlo":                "/app/%E2%80%AEfdp.exe",
	"encoded line separator":     "/app/%E2%80%A8x",
	"encoded nbsp":               "/%C2%A0/evil.example",
	"fullwidth solidus encoded":  "/%EF%BC%8F%EF%BC%8Fevil.example",
	"backslash in query":         `/app?x=\evil`,
	"empty":                      "",
	"only slash and backslash":   `/\`,
	"encoded backslash in query": "/%5C?x=1",
	"too long":                   "/" + strings.Repeat("a", 2001),
}

// fineNext are targets that stay on the site, and where they lead.
var fineNext = map[string]struct{ in, want string }{
	"dashboard":      {"/app", "/app"},
	"session":        {"/app/sessions/12", "/app/sessions/12"},
	"with query":     {"/app/people?q=Dupont&role=staff", "/app/people?q=Dupont&role=staff"},
	"encoded query":  {"/app/people?q=Jos%C3%A9%20M%C3%BCller", "/app/people?q=Jos%C3%A9%20M%C3%BCller"},
	"query slashes":  {"/app/people?next=//evil.example", "/app/people?next=//evil.example"},
	"dot segments":   {"/app/sessions/../people", "/app/people"},
	"root":           {"/", "/"},
	"dot then slash": {"/.//app", "/app"},
	"encoded letter": {"/app/%73essions", "/app/sessions"},
}

func TestSafeNext(t *testing.T) {
	for name, in := range hostileNext {
		if got := safeNext(in); got != "/app" {
			t.Errorf("%s: safeNext(%q) = %q, want /app", name, in, got)
		}
	}
	for name, tc := range fineNext {
		if got := safeNext(tc.in); got != tc.want {
			t.Errorf("%s: safeNext(%q) = %q, want %q", name, tc.in, got, tc.want)
		}
	}
}

// TestSignInRedirectStaysOnSite: the target after signing in (POST /login)
// and for someone already signed in (GET /login?next=) never leaves the
// site, through the real router as a browser would use it.
func TestSignInRedirectStaysOnSite(t *testing.T) {
	a := newApp(t, freshSQLite(t))
	cases := map[string]struct{ next, want string }{}
	for name, in := range hostileNext {
		cases[name] = struct{ next, want string }{in, "/app"}
	}
	for name, tc := range fineNext {
		cases[name] = struct{ next, want string }{tc.in, tc.want}
	}
	signedIn := a.browserSession(hrAEmail)
	for name, tc := range cases {
		res := a.page(nil, "POST", "/login", url.Values{"email": {hrAEmail}, "password": {testPassword}, "next": {tc.next}})
		if res.Code != http.StatusSeeOther || res.Header().Get("Location") != tc.want {
			t.Errorf("%s: POST /login next=%q: %d Location %q, want %q", name, tc.next, res.Code, res.Header().Get("Location"), tc.want)
		}
		res = a.page(signedIn, "GET", "/login?next="+url.QueryEscape(tc.next), nil)
		if res.Code != http.StatusSeeOther || res.Header().Get("Location") != tc.want {
			t.Errorf("%s: GET /login?next=%q: %d Location %q, want %q", name, tc.next, res.Code, res.Header().Get("Location"), tc.want)
		}
	}
	// The raw query as an attacker's link carries it, decoded once by the server.
	for _, raw := range []string{"/%255Cevil.example/x", "/%5Cevil.example/x", "%2F%2Fevil.example", "/%2F%2Fevil.example"} {
		res := a.page(signedIn, "GET", "/login?next="+raw, nil)
		if res.Header().Get("Location") != "/app" {
			t.Errorf("GET /login?next=%s: Location %q", raw, res.Header().Get("Location"))
		}
	}
	// The sign-in form carries the cleaned target, not the hostile one.
	res := a.page(nil, "GET", "/login?next="+url.QueryEscape("/%5Cevil.example/x"), nil)
	if body := res.Body.String(); res.Code != 200 || strings.Contains(body, "evil.example") || !strings.Contains(body, `value="/app"`) {
		t.Errorf("login form: %d, next field not cleaned", res.Code)
	}
}

// FuzzSafeNext: whatever the input, the target starts with one slash, never
// with // or /\, and url.Parse finds no host in it.
func FuzzSafeNext(f *testing.F) {
	for _, s := range hostileNext {
		f.Add(s)
	}
	for _, tc := range fineNext {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := safeNext(in)
		if !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") || strings.HasPrefix(out, `/\`) {
			t.Fatalf("safeNext(%q) = %q", in, out)
		}
		u, err := url.Parse(out)
		if err != nil || u.Host != "" || u.Scheme != "" || u.User != nil {
			t.Fatalf("safeNext(%q) = %q parses as %#v (%v)", in, out, u, err)
		}
		// A second decoding by a browser or proxy does not change that.
		if dec, err := url.PathUnescape(u.EscapedPath()); err == nil && (strings.HasPrefix(dec, "//") || strings.ContainsRune(dec, '\\')) {
			t.Fatalf("safeNext(%q) = %q decodes to %q", in, out, dec)
		}
	})
}

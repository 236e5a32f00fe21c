package rsvp_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/atelier-ch/atelier/internal/itip"
)

// The replies of these tests are the fixtures of internal/itip (the shapes
// Outlook, Outlook on the web, Apple Calendar, Gmail and Thunderbird send),
// rewritten for a registration of the test: UID, SEQUENCE, attendee,
// sender, Message-ID and, when asked, DTSTAMP are substituted inside the
// message as it is, so that everything else keeps the client's shape:
// MIME layout, transfer encoding (quoted-printable re-encoded, base64 at
// the original line length), folded lines, X- properties, COMMENT, the
// whole VEVENT echoed, and the same calendar twice where the client sends
// it twice.

// reply describes the reply to write.
type reply struct {
	fixture string // file name in internal/itip/testdata, without .eml
	uid     string
	seq     int
	// attendee replaces the fixture's attendee address; "" keeps it.
	attendee string
	// from is the sender; "" is the attendee.
	from string
	// messageID is the Message-ID header; "" removes it.
	messageID string
	// stamp replaces DTSTAMP when set.
	stamp time.Time
}

var fixtureDir = filepath.Join("..", "itip", "testdata")

// build writes the reply.
func (rp reply) build(t testing.TB) []byte {
	t.Helper()
	raw := readFixture(t, rp.fixture)
	orig, err := itip.ParseReply(raw)
	if err != nil {
		t.Fatalf("fixture %s: %v", rp.fixture, err)
	}
	attendee := rp.attendee
	if attendee == "" {
		attendee = orig.Attendee
	}
	from := rp.from
	if from == "" {
		from = attendee
	}
	cal := func(data []byte) []byte { return rp.rewriteCalendar(data, orig.Attendee, attendee) }
	out := rewriteMIME(raw, cal)
	out = rewriteHeader(out, "From", func(v string) (string, bool) { return replaceFold(v, orig.From, from), true })
	out = rewriteHeader(out, "Message-Id", func(string) (string, bool) { return " " + rp.messageID, rp.messageID != "" })
	return out
}

// rewriteCalendar substitutes the properties of one calendar, leaving every
// line it does not change as the client folded it.
func (rp reply) rewriteCalendar(data []byte, oldAttendee, attendee string) []byte {
	nl := "\n"
	if bytes.Contains(data, []byte("\r\n")) {
		nl = "\r\n"
	}
	lines := strings.Split(string(data), nl)
	var out []string
	for i := 0; i < len(lines); {
		j := i + 1
		for j < len(lines) && lines[j] != "" && (lines[j][0] == ' ' || lines[j][0] == '\t') {
			j++
		}
		logical := lines[i]
		for _, l := range lines[i+1 : j] {
			logical += l[1:]
		}
		if changed := rp.rewriteLine(logical, oldAttendee, attendee); changed != logical {
			out = append(out, fold(changed)...)
		} else {
			out = append(out, lines[i:j]...)
		}
		i = j
	}
	return []byte(strings.Join(out, nl))
}

func (rp reply) rewriteLine(line, oldAttendee, attendee string) string {
	end := strings.IndexAny(line, ";:")
	if end < 0 {
		return line
	}
	colon := valueStart(line)
	switch strings.ToUpper(line[:end]) {
	case "UID":
		return line[:colon] + rp.uid
	case "SEQUENCE", "X-MOZ-RECEIVED-SEQUENCE":
		return line[:colon] + strconv.Itoa(rp.seq)
	case "DTSTAMP":
		if !rp.stamp.IsZero() {
			return line[:colon] + rp.stamp.UTC().Format("20060102T150405Z")
		}
	}
	return replaceFold(line, oldAttendee, attendee)
}

// valueStart is the index just past the colon that ends a content line's
// name and parameters (a quoted parameter may hold a colon).
func valueStart(line string) int {
	quoted := false
	for i, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case r == ':' && !quoted:
			return i + 1
		}
	}
	return len(line)
}

// fold cuts a content line at 75 octets, never inside a UTF-8 sequence.
func fold(line string) []string {
	var out []string
	for len(line) > 75 {
		cut := 75
		for cut > 1 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		out = append(out, line[:cut])
		line = " " + line[cut:]
	}
	return append(out, line)
}

// replaceFold replaces old by repl in s, ignoring case (clients write
// addresses in any case).
func replaceFold(s, old, repl string) string {
	if old == "" || old == repl {
		return s
	}
	return regexp.MustCompile(`(?i)`+regexp.QuoteMeta(old)).ReplaceAllLiteralString(s, repl)
}

// splitHead splits a message or part into its header block, the blank
// line and the body.
func splitHead(raw []byte) (head, sep, body []byte) {
	for _, s := range [][]byte{[]byte("\r\n\r\n"), []byte("\n\n")} {
		if i := bytes.Index(raw, s); i >= 0 {
			return raw[:i], s, raw[i+len(s):]
		}
	}
	return raw, nil, nil
}

// headerValue is the unfolded value of a header, "" when absent.
func headerValue(head []byte, name string) string {
	var val string
	in := false
	for _, l := range strings.Split(strings.ReplaceAll(string(head), "\r\n", "\n"), "\n") {
		switch {
		case l != "" && (l[0] == ' ' || l[0] == '\t'):
			if in {
				val += " " + strings.TrimSpace(l)
			}
		case in:
			return strings.TrimSpace(val)
		default:
			if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(strings.TrimSpace(k), name) {
				in, val = true, v
			}
		}
	}
	return strings.TrimSpace(val)
}

// rewriteHeader replaces the value of the top-level header name (with its
// continuation lines) by what f returns, or drops it when f says false.
func rewriteHeader(raw []byte, name string, f func(v string) (string, bool)) []byte {
	head, sep, body := splitHead(raw)
	nl := "\n"
	if bytes.Contains(head, []byte("\r\n")) {
		nl = "\r\n"
	}
	lines := strings.Split(string(head), nl)
	var out []string
	for i := 0; i < len(lines); {
		j := i + 1
		for j < len(lines) && lines[j] != "" && (lines[j][0] == ' ' || lines[j][0] == '\t') {
			j++
		}
		k, _, _ := strings.Cut(lines[i], ":")
		if !strings.EqualFold(k, name) {
			out = append(out, lines[i:j]...)
			i = j
			continue
		}
		v, keep := f(strings.Join(lines[i:j], nl)[len(k)+1:])
		if keep {
			out = append(out, k+":"+v)
		}
		i = j
	}
	return append(append([]byte(strings.Join(out, nl)), sep...), body...)
}

// rewriteMIME applies cal to every calendar part of a message or part.
func rewriteMIME(raw []byte, cal func([]byte) []byte) []byte {
	head, sep, body := splitHead(raw)
	if sep == nil {
		return raw
	}
	ct := headerValue(head, "Content-Type")
	if ct == "" {
		ct = "text/plain"
	}
	media, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return raw
	}
	rebuilt := body
	switch {
	case strings.HasPrefix(media, "multipart/"):
		rebuilt = rewriteMultipart(body, params["boundary"], cal)
	case media == "text/calendar" || media == "application/ics" ||
		media == "application/octet-stream" && strings.HasSuffix(strings.ToLower(params["name"]+headerValue(head, "Content-Disposition")), ".ics"):
		rebuilt = recode(body, strings.ToLower(headerValue(head, "Content-Transfer-Encoding")), cal)
	}
	return append(append(append([]byte{}, head...), sep...), rebuilt...)
}

// rewriteMultipart rewrites each part between the boundary's delimiters,
// keeping preamble, delimiters and epilogue as they are.
func rewriteMultipart(body []byte, boundary string, cal func([]byte) []byte) []byte {
	delim := "--" + boundary
	var lines []string
	for rest := string(body); rest != ""; {
		i := strings.Index(rest, "\n")
		if i < 0 {
			lines, rest = append(lines, rest), ""
			continue
		}
		lines, rest = append(lines, rest[:i+1]), rest[i+1:]
	}
	var segs [][]string
	var delims []string
	cur := []string{}
	for _, l := range lines {
		if t := strings.TrimRight(l, "\r\n \t"); t == delim || t == delim+"--" {
			segs, delims, cur = append(segs, cur), append(delims, l), []string{}
			continue
		}
		cur = append(cur, l)
	}
	segs = append(segs, cur)
	var out strings.Builder
	out.WriteString(strings.Join(segs[0], ""))
	for i, d := range delims {
		out.WriteString(d)
		content := strings.Join(segs[i+1], "")
		if strings.HasPrefix(strings.TrimSpace(d), delim+"--") {
			out.WriteString(content) // the epilogue
			continue
		}
		// The line break before the next delimiter belongs to it.
		trail := ""
		for _, e := range []string{"\r\n", "\n"} {
			if strings.HasSuffix(content, e) {
				content, trail = strings.TrimSuffix(content, e), e
				break
			}
		}
		out.Write(rewriteMIME([]byte(content), cal))
		out.WriteString(trail)
	}
	return []byte(out.String())
}

// recode decodes a part's body by its transfer encoding, rewrites it and
// encodes it back the same way.
func recode(body []byte, cte string, cal func([]byte) []byte) []byte {
	nl := "\n"
	if bytes.Contains(body, []byte("\r\n")) {
		nl = "\r\n"
	}
	switch cte {
	case "base64":
		first, _, _ := strings.Cut(strings.TrimLeft(string(body), "\r\n"), "\n")
		width := len(strings.TrimRight(first, "\r"))
		data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(body)), ""))
		if err != nil {
			panic(fmt.Sprintf("fixture base64: %v", err))
		}
		enc := base64.StdEncoding.EncodeToString(cal(data))
		var out strings.Builder
		for len(enc) > width {
			out.WriteString(enc[:width] + nl)
			enc = enc[width:]
		}
		out.WriteString(enc + nl)
		return []byte(out.String())
	case "quoted-printable":
		data, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
		if err != nil {
			panic(fmt.Sprintf("fixture quoted-printable: %v", err))
		}
		var out bytes.Buffer
		w := quotedprintable.NewWriter(&out)
		_, _ = w.Write(cal(data))
		_ = w.Close()
		if bytes.HasSuffix(body, []byte(nl)) && !bytes.HasSuffix(out.Bytes(), []byte(nl)) {
			out.WriteString(nl)
		}
		return out.Bytes()
	}
	return cal(body)
}

// readFixture reads a fixture as it is.
func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(fixtureDir, name+".eml"))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// parse reads a reply as the service does.
func parse(raw []byte) (*itip.Reply, error) { return itip.ParseReply(raw) }

package calendar

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"
)

// parsed is what a parser understood of a file; every parser fills it the
// same way so that the tests compare like with like.
type parsed struct {
	Method    string        `json:"method"`
	Name      string        `json:"name"`
	Timezones int           `json:"timezones"`
	Events    []parsedEvent `json:"events"`
}

type parsedEvent struct {
	UID         string        `json:"uid"`
	Sequence    int           `json:"sequence"`
	Status      string        `json:"status"`
	Summary     string        `json:"summary"`
	Location    string        `json:"location"`
	Description string        `json:"description"`
	URL         string        `json:"url"`
	Start       string        `json:"start"`
	End         string        `json:"end"`
	Organizer   *parsedParty  `json:"organizer"`
	Attendees   []parsedParty `json:"attendees"`
	Alarms      int           `json:"alarms"`
}

type parsedParty struct {
	CN       string `json:"cn"`
	Address  string `json:"address"`
	Role     string `json:"role"`
	PartStat string `json:"partstat"`
	RSVP     string `json:"rsvp"`
}

// parser is one independent reader of iCalendar files.
type parser struct {
	name  string
	parse func(t testing.TB, data []byte) (*parsed, error)
}

// parsers returns the parsers available: always go-ical; ical.js
// (Thunderbird's) when node and the npm package are installed;
// python-icalendar when installed. Under CI a missing one fails the test.
func parsers(t testing.TB) []parser {
	t.Helper()
	ps := []parser{{"go-ical", parseGoICal}}
	script := filepath.Join("testdata", "parsers", "icaljs.mjs")
	if _, err := exec.LookPath("node"); err == nil && exists(filepath.Join("testdata", "parsers", "node_modules", "ical.js")) {
		ps = append(ps, parser{"ical.js", func(t testing.TB, data []byte) (*parsed, error) { return runParser(t, data, "node", script) }})
	} else {
		missing(t, "ical.js (run: npm ci --prefix internal/calendar/testdata/parsers)")
	}
	if err := exec.Command("/usr/bin/python3", "-c", "import icalendar").Run(); err == nil {
		ps = append(ps, parser{"python-icalendar", func(t testing.TB, data []byte) (*parsed, error) {
			return runParser(t, data, "/usr/bin/python3", filepath.Join("testdata", "parsers", "pyical.py"))
		}})
	} else {
		missing(t, "python3-icalendar (apt-get install python3-icalendar)")
	}
	return ps
}

func missing(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set but %s is missing", what)
	}
	t.Logf("skipping parser %s: not installed", what)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func runParser(t testing.TB, data []byte, prog string, args ...string) (*parsed, error) {
	t.Helper()
	cmd := exec.Command(prog, args...)
	cmd.Stdin = bytes.NewReader(data)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%v: %s", err, errOut.String())
	}
	var p parsed
	if err := json.Unmarshal(out.Bytes(), &p); err != nil {
		return nil, fmt.Errorf("decode %q: %v", out.String(), err)
	}
	return &p, nil
}

// parseGoICal reads with github.com/emersion/go-ical, which can panic on
// broken input: a panic is a parse failure.
func parseGoICal(_ testing.TB, data []byte) (p *parsed, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("go-ical panicked: %v", r)
		}
	}()
	cal, err := goical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		return nil, err
	}
	p = &parsed{}
	if prop := cal.Props.Get("METHOD"); prop != nil {
		p.Method = prop.Value
	}
	if prop := cal.Props.Get("X-WR-CALNAME"); prop != nil {
		p.Name, _ = prop.Text()
	}
	for _, child := range cal.Children {
		if child.Name == goical.CompTimezone {
			p.Timezones++
		}
	}
	for _, ev := range cal.Events() {
		var pe parsedEvent
		pe.UID, _ = ev.Props.Text(goical.PropUID)
		if prop := ev.Props.Get(goical.PropSequence); prop != nil {
			pe.Sequence, _ = prop.Int()
		}
		pe.Status, _ = ev.Props.Text(goical.PropStatus)
		pe.Summary, _ = ev.Props.Text(goical.PropSummary)
		pe.Location, _ = ev.Props.Text(goical.PropLocation)
		pe.Description, _ = ev.Props.Text(goical.PropDescription)
		if prop := ev.Props.Get(goical.PropURL); prop != nil {
			pe.URL = prop.Value
		}
		start, err := ev.DateTimeStart(time.UTC)
		if err != nil {
			return nil, err
		}
		end, err := ev.DateTimeEnd(time.UTC)
		if err != nil {
			return nil, err
		}
		pe.Start = start.UTC().Format("2006-01-02T15:04:05.000Z")
		pe.End = end.UTC().Format("2006-01-02T15:04:05.000Z")
		if prop := ev.Props.Get(goical.PropOrganizer); prop != nil {
			pe.Organizer = &parsedParty{CN: prop.Params.Get(goical.ParamCommonName), Address: prop.Value}
		}
		for _, a := range ev.Props.Values(goical.PropAttendee) {
			pe.Attendees = append(pe.Attendees, parsedParty{
				CN: a.Params.Get(goical.ParamCommonName), Address: a.Value, Role: a.Params.Get(goical.ParamRole),
				PartStat: a.Params.Get(goical.ParamParticipationStatus), RSVP: a.Params.Get(goical.ParamRSVP),
			})
		}
		for _, c := range ev.Children {
			if c.Name == goical.CompAlarm {
				pe.Alarms++
			}
		}
		p.Events = append(p.Events, pe)
	}
	return p, nil
}

// checkBytes asserts the byte-level rules no parser checks: CRLF line ends,
// no bare CR or LF, lines of at most 75 octets, and the VTIMEZONE.
func checkBytes(t testing.TB, data []byte) {
	t.Helper()
	s := string(data)
	if !strings.HasSuffix(s, "\r\n") {
		t.Error("file does not end with CRLF")
	}
	lines := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	for i, l := range lines {
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d holds a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Errorf("line %d is %d octets: %q", i+1, len(l), l)
		}
	}
	for _, want := range []string{"BEGIN:VTIMEZONE\r\nTZID:Europe/Zurich\r\n", "BEGIN:STANDARD\r\n", "BEGIN:DAYLIGHT\r\n", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"} {
		if !strings.Contains(s, want) {
			t.Errorf("file lacks %q", want)
		}
	}
	if strings.Count(s, "BEGIN:STANDARD") != 1 || strings.Count(s, "BEGIN:DAYLIGHT") != 1 {
		t.Error("the VTIMEZONE must have exactly one STANDARD and one DAYLIGHT")
	}
	if strings.Index(s, "BEGIN:VTIMEZONE") > strings.Index(s, "BEGIN:VEVENT") && strings.Contains(s, "BEGIN:VEVENT") {
		t.Error("VTIMEZONE must come before the events")
	}
	if strings.Contains(s, "TZID=Europe/Zurich:") && strings.Contains(s, "TZID=Europe/Zurich:2") {
		for _, l := range lines {
			if strings.Contains(l, "TZID=Europe/Zurich:") && strings.HasSuffix(l, "Z") {
				t.Errorf("local time with a Z: %q", l)
			}
		}
	}
}

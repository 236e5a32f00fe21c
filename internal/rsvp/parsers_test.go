package rsvp_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	goical "github.com/emersion/go-ical"
)

// invite is what a parser reads of an invitation's single event.
type invite struct {
	Method    string
	Organizer string // the address, mailto: included
	OrgCN     string
	Attendee  string
	RSVP      string
}

// icsParser reads an .ics the way a calendar client would.
type icsParser struct {
	name  string
	parse func(data []byte) (invite, error)
}

// icsParsers are the real parsers internal/calendar's tests use: go-ical,
// ical.js (Thunderbird's) and python-icalendar, the last two when installed
// (required under CI).
func icsParsers(t testing.TB) []icsParser {
	t.Helper()
	ps := []icsParser{{"go-ical", parseGoICal}}
	dir := filepath.Join("..", "calendar", "testdata", "parsers")
	if _, err := exec.LookPath("node"); err == nil && exists(filepath.Join(dir, "node_modules", "ical.js")) {
		ps = append(ps, icsParser{"ical.js", func(data []byte) (invite, error) { return runScript(data, "node", filepath.Join(dir, "icaljs.mjs")) }})
	} else {
		missing(t, "ical.js (npm ci --prefix internal/calendar/testdata/parsers)")
	}
	if exec.Command("/usr/bin/python3", "-c", "import icalendar").Run() == nil {
		ps = append(ps, icsParser{"python-icalendar", func(data []byte) (invite, error) {
			return runScript(data, "/usr/bin/python3", filepath.Join(dir, "pyical.py"))
		}})
	} else {
		missing(t, "python3-icalendar")
	}
	return ps
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func missing(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set but %s is missing", what)
	}
	t.Logf("skipping parser %s: not installed", what)
}

// runScript runs one of internal/calendar's parser scripts, which print
// what they read as JSON.
func runScript(data []byte, prog, script string) (invite, error) {
	cmd := exec.Command(prog, script)
	cmd.Stdin = bytes.NewReader(data)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return invite{}, fmt.Errorf("%v: %s", err, errOut.String())
	}
	var p struct {
		Method string `json:"method"`
		Events []struct {
			Organizer *struct{ CN, Address string }    `json:"organizer"`
			Attendees []struct{ Address, RSVP string } `json:"attendees"`
		} `json:"events"`
	}
	if err := json.Unmarshal(out.Bytes(), &p); err != nil {
		return invite{}, err
	}
	if len(p.Events) != 1 || p.Events[0].Organizer == nil || len(p.Events[0].Attendees) != 1 {
		return invite{}, fmt.Errorf("not one event with an organizer and one attendee: %s", out.String())
	}
	ev := p.Events[0]
	return invite{Method: p.Method, Organizer: ev.Organizer.Address, OrgCN: ev.Organizer.CN, Attendee: ev.Attendees[0].Address, RSVP: strings.ToUpper(ev.Attendees[0].RSVP)}, nil
}

func parseGoICal(data []byte) (inv invite, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("go-ical panicked: %v", r)
		}
	}()
	cal, err := goical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		return inv, err
	}
	if p := cal.Props.Get("METHOD"); p != nil {
		inv.Method = p.Value
	}
	evs := cal.Events()
	if len(evs) != 1 {
		return inv, fmt.Errorf("%d events", len(evs))
	}
	if p := evs[0].Props.Get(goical.PropOrganizer); p != nil {
		inv.Organizer, inv.OrgCN = p.Value, p.Params.Get(goical.ParamCommonName)
	}
	atts := evs[0].Props.Values(goical.PropAttendee)
	if len(atts) != 1 {
		return inv, fmt.Errorf("%d attendees", len(atts))
	}
	inv.Attendee, inv.RSVP = atts[0].Value, strings.ToUpper(atts[0].Params.Get(goical.ParamRSVP))
	return inv, nil
}

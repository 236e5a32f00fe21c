package itip

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParseReply feeds mutated replies to parseReply, without ParseReply's
// recover, so that a panic anywhere in the MIME walk or in golang-ical
// fails the test. Each input must also finish quickly: the limits bound
// the work, whatever the bytes.
func FuzzParseReply(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.eml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		f.Add(readFixture(f, filepath.Base(name)))
	}
	f.Add(reply("METHOD:REPLY", event("ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.example")))
	f.Add(nested(12))
	f.Fuzz(func(t *testing.T, raw []byte) {
		start := time.Now()
		rep, err := parseReply(raw)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("took %v on %d bytes", d, len(raw))
		}
		if err != nil {
			if rep != nil {
				t.Fatal("a reply and an error")
			}
			return
		}
		switch {
		case !partStats[rep.PartStat]:
			t.Fatalf("PARTSTAT %q", rep.PartStat)
		case rep.UID == "" || strings.ContainsFunc(rep.UID, isControl) || !utf8.ValidString(rep.UID):
			t.Fatalf("UID %q", rep.UID)
		case rep.Attendee == "" || rep.Attendee != strings.ToLower(rep.Attendee) || strings.ContainsFunc(rep.Attendee, isControl):
			t.Fatalf("attendee %q", rep.Attendee)
		case rep.From == "" || strings.ContainsFunc(rep.From, isControl):
			t.Fatalf("From %q", rep.From)
		case utf8.RuneCountInString(rep.Comment) > MaxCommentRunes || !utf8.ValidString(rep.Comment):
			t.Fatalf("comment of %d runes", utf8.RuneCountInString(rep.Comment))
		case strings.ContainsFunc(rep.Comment, func(r rune) bool { return r != '\n' && r != '\t' && isControl(r) }):
			t.Fatalf("control character in comment %q", rep.Comment)
		case rep.Sequence < 0:
			t.Fatalf("SEQUENCE %d", rep.Sequence)
		}
	})
}

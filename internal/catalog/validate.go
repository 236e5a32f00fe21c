package catalog

import (
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/atelier-ch/atelier/internal/i18n"
)

// Issue is one thing wrong with a format: where (the path of map keys and
// list indexes, the same in a YAML file and in a JSON body) and what, as a
// message of the translation files (formats.check.*), so that a catalogue
// file and a commune's own format are refused with the same words, in
// French or German.
type Issue struct {
	Path []any
	Msg  i18n.Msg
}

// Field names the issue's place as the API's error fields do:
// "agenda[2].minutes".
func (i Issue) Field() string { return pathName(i.Path) }

// Limits of a format's texts and lists: the catalogue's own formats stay
// well within them; a format typed into a form is held to them too.
const (
	MaxTitle       = 200
	MaxSummary     = 4000
	MaxAgendaItems = 40
	MaxExercises   = 20
	MaxBring       = 20
	maxBringItem   = 300
	maxFocus       = 1000
)

// ValidateFormat checks a format against the catalogue's rules: required
// texts, known values, the three themes of the guide, an agenda that adds
// up to the duration, known exercises that fit in its hands-on time. It is
// the one check of a format, for the YAML catalogue (Load) and for the
// formats communes adapt and store (internal/formats). exercise finds an
// exercise of the catalogue by slug.
func ValidateFormat(f *Format, exercise func(slug string) (*Exercise, bool)) []Issue {
	var c checker
	switch {
	case f.Slug == "":
		c.add([]any{"slug"}, "formats.check.slug_empty")
	case !ValidSlug(f.Slug):
		c.add([]any{"slug"}, "formats.check.slug_invalid", f.Slug)
	}
	c.text(f.Title, MaxTitle, true, "title")
	c.text(f.Summary, MaxSummary, true, "summary")
	c.text(f.EditorNote, MaxSummary, false, "editor_note")
	c.bring(f.Bring, "bring")
	if f.DE != nil {
		c.text(f.DE.Title, MaxTitle, false, "de", "title")
		c.text(f.DE.Summary, MaxSummary, false, "de", "summary")
		c.text(f.DE.EditorNote, MaxSummary, false, "de", "editor_note")
		c.bring(f.DE.Bring, "de", "bring")
	}
	checkOneOf(&c, f.Source, Sources, "source")
	checkOneOf(&c, f.Participation, []Participation{Voluntary, Mandatory}, "participation")
	checkOneOf(&c, f.Grouping, []Grouping{GroupTeam, GroupDepartment, GroupMixed}, "grouping")
	checkOneOf(&c, f.Trainer, []TrainerKind{TrainerInternal, TrainerExternal, TrainerPeerCommune}, "trainer")
	if f.DurationMinutes <= 0 {
		c.add([]any{"duration_minutes"}, "formats.check.duration_positive")
	} else if f.DurationMinutes > maxDuration {
		c.add([]any{"duration_minutes"}, "formats.check.duration_max", f.DurationMinutes, maxDuration)
	}
	if len(f.Audiences) == 0 {
		c.add([]any{"audiences"}, "formats.check.audiences_empty")
	}
	seenAudience := map[Audience]bool{}
	for i, a := range f.Audiences {
		checkOneOf(&c, a, Audiences, "audiences", i)
		if seenAudience[a] {
			c.add([]any{"audiences", i}, "formats.check.repeated", pathName([]any{"audiences", i}), string(a))
		}
		seenAudience[a] = true
	}
	c.themes(f.Themes)
	c.agenda(f)
	c.exercises(f, exercise)
	return c.issues
}

// ValidSlug reports whether s is a slug: lower-case letters and digits in
// words joined by dashes.
func ValidSlug(s string) bool { return len(s) <= 64 && slugRE.MatchString(s) }

// checker collects the issues of one format.
type checker struct {
	issues []Issue
}

func (c *checker) add(path []any, key string, args ...any) {
	c.issues = append(c.issues, Issue{Path: path, Msg: i18n.M(key, args...)})
}

// text checks a text: present when required, never only blanks, not too long.
func (c *checker) text(s string, max int, required bool, path ...any) {
	switch {
	case strings.TrimSpace(s) == "" && (required || s != ""):
		c.add(path, "formats.check.empty", pathName(path))
	case utf8.RuneCountInString(s) > max:
		c.add(path, "formats.check.too_long", pathName(path), max)
	}
}

func (c *checker) bring(items []string, path ...any) {
	if len(items) > MaxBring {
		c.add(path, "formats.check.too_many", pathName(path), MaxBring)
	}
	for i, s := range items {
		c.text(s, maxBringItem, true, slices.Concat(path, []any{i})...)
	}
}

// checkOneOf records an issue unless got is one of allowed.
func checkOneOf[T ~string](c *checker, got T, allowed []T, path ...any) {
	if slices.Contains(allowed, got) {
		return
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	c.add(path, "formats.check.unknown_value", pathName(path), string(got), strings.Join(names, ", "))
}

func (c *checker) themes(themes []Theme) {
	seen := map[ThemeKey]bool{}
	for i, t := range themes {
		checkOneOf(c, t.Key, ThemeKeys, "themes", i, "key")
		if seen[t.Key] {
			c.add([]any{"themes", i, "key"}, "formats.check.theme_repeated", string(t.Key))
		}
		seen[t.Key] = true
		c.text(t.Focus, maxFocus, true, "themes", i, "focus")
		c.text(t.FocusDE, maxFocus, false, "themes", i, "focus_de")
	}
	for _, k := range ThemeKeys {
		if !seen[k] {
			c.add([]any{"themes"}, "formats.check.theme_missing", string(k))
		}
	}
}

func (c *checker) agenda(f *Format) {
	if len(f.Agenda) == 0 {
		c.add([]any{"agenda"}, "formats.check.agenda_empty")
		return
	}
	if len(f.Agenda) > MaxAgendaItems {
		c.add([]any{"agenda"}, "formats.check.too_many", "agenda", MaxAgendaItems)
	}
	sum := 0
	for i, it := range f.Agenda {
		if it.Minutes <= 0 {
			c.add([]any{"agenda", i, "minutes"}, "formats.check.positive", pathName([]any{"agenda", i, "minutes"}), it.Minutes)
		}
		c.text(it.Title, MaxTitle, true, "agenda", i, "title")
		c.text(it.TitleDE, MaxTitle, false, "agenda", i, "title_de")
		checkOneOf(c, it.Kind, AgendaKinds, "agenda", i, "kind")
		sum += it.Minutes
	}
	if f.DurationMinutes > 0 && sum != f.DurationMinutes {
		c.add([]any{"agenda"}, "formats.check.agenda_total", sum, f.DurationMinutes)
	}
}

func (c *checker) exercises(f *Format, exercise func(string) (*Exercise, bool)) {
	if len(f.Exercises) == 0 {
		c.add([]any{"exercises"}, "formats.check.exercises_empty")
		return
	}
	if len(f.Exercises) > MaxExercises {
		c.add([]any{"exercises"}, "formats.check.too_many", "exercises", MaxExercises)
	}
	seen := map[string]bool{}
	exMinutes := 0
	for i, s := range f.Exercises {
		e, ok := exercise(s)
		switch {
		case !ok:
			c.add([]any{"exercises", i}, "formats.check.exercise_unknown", s)
		case seen[s]:
			c.add([]any{"exercises", i}, "formats.check.exercise_repeated", s)
		default:
			exMinutes += e.Minutes
		}
		seen[s] = true
	}
	handsOn := 0
	for _, it := range f.Agenda {
		if it.Kind == KindHandsOn {
			handsOn += it.Minutes
		}
	}
	if exMinutes > handsOn {
		c.add([]any{"exercises"}, "formats.check.exercises_too_long", exMinutes, handsOn)
	}
}

// translations are read once, when a catalogue file's issues are first
// written out (the loader writes them in French, as `atelier catalog
// validate` prints them).
var translations = sync.OnceValue(i18n.MustLoad)

// Text renders the issue's message in lang.
func (i Issue) Text(lang string) string { return translations().Msg(lang, i.Msg) }

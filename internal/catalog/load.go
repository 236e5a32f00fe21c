package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Catalog is a validated, read-only set of formats, exercises and surveys.
type Catalog struct {
	formats    []*Format
	bySlug     map[string]*Format
	exercises  map[string]*Exercise
	surveys    map[string]*Survey
	surveyList []*Survey
}

// Problem is one thing wrong with a catalogue folder, located in a file.
type Problem struct {
	File    string
	Line    int
	Message string
}

// String formats the problem as file:line: message.
func (p Problem) String() string {
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
}

// Problems is the error returned when a catalogue is invalid.
type Problems []Problem

// Error lists every problem, one per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Formats returns every format, ordered by slug.
func (c *Catalog) Formats() []*Format { return c.formats }

// Format returns the format with that slug.
func (c *Catalog) Format(slug string) (*Format, bool) {
	f, ok := c.bySlug[slug]
	return f, ok
}

// Exercise returns the exercise with that slug.
func (c *Catalog) Exercise(slug string) (*Exercise, bool) {
	e, ok := c.exercises[slug]
	return e, ok
}

// ExercisesOf returns a format's exercises in the format's order.
func (c *Catalog) ExercisesOf(f *Format) []*Exercise {
	out := make([]*Exercise, 0, len(f.Exercises))
	for _, s := range f.Exercises {
		if e, ok := c.exercises[s]; ok {
			out = append(out, e)
		}
	}
	return out
}

// Exercises returns every exercise, ordered by slug.
func (c *Catalog) Exercises() []*Exercise {
	out := make([]*Exercise, 0, len(c.exercises))
	for _, e := range c.exercises {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Slug < out[j].Slug })
	return out
}

// ExerciseCount returns how many distinct exercises the catalogue holds.
func (c *Catalog) ExerciseCount() int { return len(c.exercises) }

const (
	formatsDir   = "formats"
	exercisesDir = "exercises"
	maxDuration  = 12 * 60
)

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Load reads and validates the catalogue in fsys (folders formats/ and
// exercises/ of .yaml files, and surveys/ when there is one). It returns
// every problem found, not just the first.
func Load(fsys fs.FS) (*Catalog, error) {
	l := loader{fsys: fsys, exercises: map[string]*Exercise{}, exFiles: map[string]string{}, lines: map[string]int{}}
	c := &Catalog{bySlug: map[string]*Format{}, exercises: l.exercises, surveys: map[string]*Survey{}}

	exFiles, err := yamlFiles(fsys, exercisesDir)
	if err != nil {
		return nil, err
	}
	for _, name := range exFiles {
		l.loadExercise(name)
	}
	fmFiles, err := yamlFiles(fsys, formatsDir)
	if err != nil {
		return nil, err
	}
	if len(fmFiles) == 0 {
		l.add(formatsDir, 0, "aucun format dans ce dossier")
	}
	fmFileOf := map[string]string{}
	for _, name := range fmFiles {
		f, doc := l.loadFormat(name)
		if f == nil {
			continue
		}
		if prev, dup := fmFileOf[f.Slug]; dup {
			l.add(name, lineOf(doc, "slug"), fmt.Sprintf("slug %q déjà utilisé par %s", f.Slug, prev))
			continue
		}
		fmFileOf[f.Slug] = name
		c.bySlug[f.Slug] = f
		c.formats = append(c.formats, f)
	}
	// surveys/ is optional: a catalogue folder written before surveys
	// existed stays valid (CheckShipped holds the embedded one to more).
	svFiles, err := yamlFiles(fsys, surveysDir)
	var missing Problems
	if errors.As(err, &missing) {
		svFiles, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	svFileOf := map[string]string{}
	for _, name := range svFiles {
		s := l.loadSurvey(name)
		if s == nil {
			continue
		}
		if prev, dup := svFileOf[s.Slug]; dup {
			l.add(name, 1, fmt.Sprintf("slug %q déjà utilisé par %s", s.Slug, prev))
			continue
		}
		svFileOf[s.Slug] = name
		c.surveys[s.Slug] = s
		c.surveyList = append(c.surveyList, s)
	}
	if len(l.problems) > 0 {
		sort.SliceStable(l.problems, func(i, j int) bool {
			a, b := l.problems[i], l.problems[j]
			if a.File != b.File {
				return a.File < b.File
			}
			return a.Line < b.Line
		})
		return nil, l.problems
	}
	sort.Slice(c.formats, func(i, j int) bool { return c.formats[i].Slug < c.formats[j].Slug })
	sort.Slice(c.surveyList, func(i, j int) bool { return c.surveyList[i].Slug < c.surveyList[j].Slug })
	return c, nil
}

func yamlFiles(fsys fs.FS, dir string) ([]string, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, Problems{{File: dir, Line: 0, Message: "dossier manquant"}}
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && (strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
			names = append(names, path.Join(dir, e.Name()))
		}
	}
	sort.Strings(names)
	return names, nil
}

type loader struct {
	fsys      fs.FS
	problems  Problems
	exercises map[string]*Exercise
	exFiles   map[string]string
	lines     map[string]int // of each file read, as YAML counts them
}

func (l *loader) add(file string, line int, msg string) {
	// The YAML parser can place a problem past the last line (at the end
	// of the input); say the last line then.
	if n, ok := l.lines[file]; ok {
		line = max(1, min(line, n))
	}
	l.problems = append(l.problems, Problem{File: file, Line: line, Message: msg})
}

// decode reads one YAML document strictly into v and also returns its node
// tree, used to locate validation problems. It reports false on any problem.
func (l *loader) decode(name string, v any) (*yaml.Node, bool) {
	data, err := fs.ReadFile(l.fsys, name)
	if err != nil {
		l.add(name, 0, err.Error())
		return nil, false
	}
	l.lines[name] = lineCount(data)
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		l.addYAMLError(name, err)
		return nil, false
	}
	if len(doc.Content) == 0 || doc.Content[0].Tag == "!!null" {
		l.add(name, 1, "fichier vide")
		return nil, false
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		l.addYAMLError(name, err)
		return nil, false
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		// What follows the first document does not parse: the node is
		// empty, so the error is what locates the problem.
		l.addYAMLError(name, err)
		return nil, false
	default:
		l.add(name, extra.Line, "un seul document YAML par fichier")
		return nil, false
	}
	return doc.Content[0], true
}

var lineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

func (l *loader) addYAMLError(name string, err error) {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	for _, m := range msgs {
		if sub := lineRE.FindStringSubmatch(m); sub != nil {
			n, _ := strconv.Atoi(sub[1])
			if parserContextProblems[sub[2]] {
				n++ // yaml.v3 reports these from a 0-based mark
			}
			l.add(name, n, translateYAML(sub[2]))
			continue
		}
		l.add(name, 1, "YAML invalide : "+strings.TrimPrefix(m, "yaml: "))
	}
}

// lineCount is how many lines YAML sees in data: it breaks lines at CR LF,
// CR, LF, NEL, and the Unicode line and paragraph separators.
func lineCount(data []byte) int {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	n := 1
	for _, r := range s {
		switch r {
		case '\r', '\n', '\u0085', '\u2028', '\u2029':
			n++
		}
	}
	return n
}

// parserContextProblems are the parser errors yaml.v3 locates by the
// 0-based line of the enclosing construct; the others are 1-based.
var parserContextProblems = map[string]bool{
	"did not find expected node content":  true,
	"did not find expected '-' indicator": true,
	"did not find expected key":           true,
	"did not find expected ',' or ']'":    true,
	"did not find expected ',' or '}'":    true,
	"found undefined tag handle":          true,
}

var unknownFieldRE = regexp.MustCompile(`^field (\S+) not found in type \S+$`)

func translateYAML(msg string) string {
	if sub := unknownFieldRE.FindStringSubmatch(msg); sub != nil {
		return fmt.Sprintf("clé inconnue %q", sub[1])
	}
	return "YAML invalide : " + msg
}

func (l *loader) loadExercise(name string) {
	var e Exercise
	doc, ok := l.decode(name, &e)
	if !ok {
		return
	}
	v := validator{l: l, file: name, doc: doc}
	v.slug(e.Slug, name)
	if prev, dup := l.exFiles[e.Slug]; dup && e.Slug != "" {
		v.at("slug").fail(fmt.Sprintf("slug %q déjà utilisé par %s", e.Slug, prev))
		return
	}
	v.positive(e.Minutes, "minutes")
	v.exerciseText(&e.ExerciseText, e.Minutes)
	if e.DE != nil {
		v.optionalText(e.DE.Title, "de", "title")
	}
	if len(l.problems) == v.before {
		l.exFiles[e.Slug] = name
		l.exercises[e.Slug] = &e
	}
}

func (l *loader) loadFormat(name string) (*Format, *yaml.Node) {
	var f Format
	doc, ok := l.decode(name, &f)
	if !ok {
		return nil, nil
	}
	v := validator{l: l, file: name, doc: doc, before: len(l.problems)}
	if ValidSlug(f.Slug) {
		v.fileName(f.Slug, name)
	}
	for _, is := range ValidateFormat(&f, func(s string) (*Exercise, bool) {
		e, ok := l.exercises[s]
		return e, ok
	}) {
		v.at(is.Path...).fail(is.Text("fr"))
	}
	if len(l.problems) > v.before {
		return nil, doc
	}
	return &f, doc
}

// validator checks one decoded file and records problems with their lines.
type validator struct {
	l      *loader
	file   string
	doc    *yaml.Node
	before int
	line   int
}

func (v *validator) at(path ...any) *validator {
	v.line = lineOf(v.doc, path...)
	return v
}

func (v *validator) fail(msg string) {
	v.l.add(v.file, v.line, msg)
}

func (v *validator) slug(slug, name string) {
	v.before = len(v.l.problems)
	switch {
	case slug == "":
		v.at("slug").fail("slug vide")
	case !slugRE.MatchString(slug):
		v.at("slug").fail(fmt.Sprintf("slug %q invalide : minuscules, chiffres et tirets", slug))
	default:
		v.fileName(slug, name)
	}
}

// fileName checks that a file is named after its slug.
func (v *validator) fileName(slug, name string) {
	if strings.TrimSuffix(strings.TrimSuffix(path.Base(name), ".yaml"), ".yml") != slug {
		v.at("slug").fail(fmt.Sprintf("le fichier doit s'appeler %s.yaml", slug))
	}
}

func (v *validator) required(s string, path ...any) {
	if strings.TrimSpace(s) == "" {
		v.at(path...).fail(fmt.Sprintf("%s vide", pathName(path)))
	}
}

func (v *validator) optionalText(s string, path ...any) {
	if s != "" && strings.TrimSpace(s) == "" {
		v.at(path...).fail(fmt.Sprintf("%s vide", pathName(path)))
	}
}

func (v *validator) positive(n int, path ...any) {
	if n <= 0 {
		v.at(path...).fail(fmt.Sprintf("%s doit être positif (%d)", pathName(path), n))
	}
}

// oneOf records a problem unless got is one of allowed.
func oneOf[T ~string](v *validator, got T, allowed []T, path ...any) {
	if slices.Contains(allowed, got) {
		return
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	v.at(path...).fail(fmt.Sprintf("%s : valeur %q inconnue (attendu : %s)", pathName(path), got, strings.Join(names, ", ")))
}

func (v *validator) exerciseText(t *ExerciseText, minutes int) {
	v.required(t.Title, "title")
	v.required(t.Objective, "objective")
	v.required(t.Scenario, "scenario")
	lists := []struct {
		key string
		n   int
	}{{"steps", len(t.Steps)}, {"prompts", len(t.Prompts)}, {"questions", len(t.Questions)}, {"rules", len(t.Rules)}, {"trainer_notes", len(t.TrainerNotes)}, {"material", len(t.Material)}}
	for _, l := range lists {
		if l.n == 0 {
			v.at(l.key).fail(fmt.Sprintf("%s : au moins un élément est requis", l.key))
		}
	}
	stepMinutes := 0
	for i, s := range t.Steps {
		v.required(s.Text, "steps", i, "text")
		if s.Minutes < 0 {
			v.at("steps", i, "minutes").fail("minutes négatives")
		}
		stepMinutes += s.Minutes
	}
	if minutes > 0 && stepMinutes > minutes {
		v.at("steps").fail(fmt.Sprintf("les étapes totalisent %d minutes, l'exercice en dure %d", stepMinutes, minutes))
	}
	for i, p := range t.Prompts {
		v.required(p.Label, "prompts", i, "label")
		v.required(p.Text, "prompts", i, "text")
	}
	for _, key := range []string{"questions", "rules", "trainer_notes", "pitfalls", "material"} {
		var items []string
		switch key {
		case "questions":
			items = t.Questions
		case "rules":
			items = t.Rules
		case "trainer_notes":
			items = t.TrainerNotes
		case "pitfalls":
			items = t.Pitfalls
		case "material":
			items = t.Material
		}
		for i, s := range items {
			v.required(s, key, i)
		}
	}
}

// lineOf finds the line of the node at path (map keys and sequence indexes)
// in a YAML mapping; it falls back to the deepest node found.
func lineOf(n *yaml.Node, path ...any) int {
	if n == nil {
		return 1
	}
	line := n.Line
	for _, p := range path {
		switch key := p.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return line
			}
			found := false
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == key {
					line = n.Content[i].Line
					n = n.Content[i+1]
					found = true
					break
				}
			}
			if !found {
				return line
			}
		case int:
			if n.Kind != yaml.SequenceNode || key >= len(n.Content) {
				return line
			}
			n = n.Content[key]
			line = n.Line
		}
	}
	return line
}

func pathName(path []any) string {
	parts := make([]string, len(path))
	for i, p := range path {
		switch x := p.(type) {
		case int:
			parts[i] = fmt.Sprintf("[%d]", x)
		default:
			parts[i] = fmt.Sprint(x)
		}
	}
	return strings.ReplaceAll(strings.Join(parts, "."), ".[", "[")
}

package catalog

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// SurveyKind says what a survey is for; the reports of a kind rely on the
// questions that kind requires (see ReportQuestions).
type SurveyKind string

// Survey kinds.
const (
	// SurveyEtatDesLieux is the guide's step 1 of the roadmap (§3): who uses
	// generative AI today, for what, how well, and what they want and fear.
	SurveyEtatDesLieux SurveyKind = "etat_des_lieux"
)

// SurveyKinds lists every valid survey kind.
var SurveyKinds = []SurveyKind{SurveyEtatDesLieux}

// EtatDesLieux is the slug of the état des lieux survey the shipped
// catalogue must hold.
const EtatDesLieux = "etat-des-lieux"

// QuestionType is how a question is answered.
type QuestionType string

// Question types.
const (
	QuestionSingle   QuestionType = "single"   // one option (radio buttons)
	QuestionMultiple QuestionType = "multiple" // several options (check boxes)
	QuestionScale    QuestionType = "scale"    // a whole number from min to max
	QuestionText     QuestionType = "text"     // free text up to max_length
)

// QuestionTypes lists every valid question type.
var QuestionTypes = []QuestionType{QuestionSingle, QuestionMultiple, QuestionScale, QuestionText}

// The « autre » choice of a question with other: true. It is not written in
// the file's options: the key is reserved and its label is a translation
// (survey.other), so that every survey says « autre » the same way.
const (
	OtherKey = "other"
	// OtherSuffix makes the field of the « autre » text: tools → tools_other.
	OtherSuffix = "_other"
	// MaxOtherLength bounds an « autre » text: a few words, not an essay.
	MaxOtherLength = 200
)

// Limits of a survey file.
const (
	MaxTextLength = 2000 // the largest max_length of a text question
	maxQuestions  = 50
	maxOptions    = 30
	maxScaleSpan  = 10 // 0–10 at most: a wider scale is no longer a scale
	maxKeyLength  = 40
)

// Option keys the état des lieux reports read: a respondent whose tools are
// only "none", or who uses them "never", does not use generative AI today.
const (
	OptionNone  = "none"
	OptionNever = "never"
)

// ReportQuestion is a question a survey kind's reports rely on.
type ReportQuestion struct {
	Key  string
	Type QuestionType
}

// ReportQuestions lists, per kind, the questions its reports read. A survey
// of that kind may ask more, never fewer.
var ReportQuestions = map[SurveyKind][]ReportQuestion{
	SurveyEtatDesLieux: {
		{"tools", QuestionMultiple},
		{"tasks", QuestionMultiple},
		{"frequency", QuestionSingle},
		{"competence", QuestionScale},
		{"wishes", QuestionText},
		{"worries", QuestionMultiple},
		{"interest", QuestionScale},
		{"preferred_length", QuestionSingle},
		{"preferred_grouping", QuestionSingle},
	},
}

// Bilingual is a text in French and German; surveys need both, because a
// respondent answers in their own language.
type Bilingual struct {
	FR string `yaml:"fr" json:"fr"`
	DE string `yaml:"de" json:"de"`
}

// In returns the text in lang (fr or de), French otherwise.
func (b Bilingual) In(lang string) string {
	if lang == "de" && b.DE != "" {
		return b.DE
	}
	return b.FR
}

// Option is one answer of a choice question.
type Option struct {
	Key   string    `yaml:"key" json:"key"`
	Label Bilingual `yaml:"label" json:"label"`
	// Exclusive options (« aucun ») cannot be ticked with another one.
	Exclusive bool `yaml:"exclusive,omitempty" json:"exclusive,omitempty"`
}

// Question is one question of a survey. Which fields apply depends on Type.
type Question struct {
	Key      string       `yaml:"key" json:"key"`
	Type     QuestionType `yaml:"type" json:"type"`
	Required bool         `yaml:"required" json:"required"`
	Text     Bilingual    `yaml:"text" json:"text"`
	Help     *Bilingual   `yaml:"help,omitempty" json:"help,omitempty"`
	// single and multiple
	Options []Option `yaml:"options,omitempty" json:"options,omitempty"`
	Other   bool     `yaml:"other,omitempty" json:"other,omitempty"`
	// scale
	Min      int        `yaml:"min,omitempty" json:"min"`
	Max      int        `yaml:"max,omitempty" json:"max"`
	MinLabel *Bilingual `yaml:"min_label,omitempty" json:"min_label,omitempty"`
	MaxLabel *Bilingual `yaml:"max_label,omitempty" json:"max_label,omitempty"`
	// text
	MaxLength int `yaml:"max_length,omitempty" json:"max_length,omitempty"`
}

// Survey is a questionnaire of the catalogue.
type Survey struct {
	Slug      string     `yaml:"slug" json:"slug"`
	Kind      SurveyKind `yaml:"kind" json:"kind"`
	Title     Bilingual  `yaml:"title" json:"title"`
	Intro     Bilingual  `yaml:"intro" json:"intro"`
	Questions []Question `yaml:"questions" json:"questions"`
}

// Question returns the question with that key.
func (s *Survey) Question(key string) (*Question, bool) {
	for i := range s.Questions {
		if s.Questions[i].Key == key {
			return &s.Questions[i], true
		}
	}
	return nil, false
}

// Option returns the option with that key; the « autre » choice is not one.
func (q *Question) Option(key string) (*Option, bool) {
	for i := range q.Options {
		if q.Options[i].Key == key {
			return &q.Options[i], true
		}
	}
	return nil, false
}

// IsChoice reports whether the question is answered by picking options.
func (q *Question) IsChoice() bool {
	return q.Type == QuestionSingle || q.Type == QuestionMultiple
}

// Survey returns the survey with that slug.
func (c *Catalog) Survey(slug string) (*Survey, bool) {
	s, ok := c.surveys[slug]
	return s, ok
}

// Surveys returns every survey, ordered by slug.
func (c *Catalog) Surveys() []*Survey { return c.surveyList }

// CheckShipped reports what the catalogue embedded in the binary must hold
// beyond any valid folder: a custom folder may have no survey, but the
// product's own reports need the état des lieux.
func (c *Catalog) CheckShipped() error {
	if _, ok := c.surveys[EtatDesLieux]; ok {
		return nil
	}
	return Problems{{File: surveysDir + "/" + EtatDesLieux + ".yaml", Line: 0, Message: "questionnaire manquant : le catalogue livré doit contenir l’état des lieux"}}
}

const surveysDir = "surveys"

var keyRE = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

func (l *loader) loadSurvey(name string) *Survey {
	var s Survey
	doc, ok := l.decode(name, &s)
	if !ok {
		return nil
	}
	v := validator{l: l, file: name, doc: doc}
	v.slug(s.Slug, name)
	oneOf(&v, s.Kind, SurveyKinds, "kind")
	v.bilingual(s.Title, "title")
	v.bilingual(s.Intro, "intro")
	switch {
	case len(s.Questions) == 0:
		v.at("questions").fail("au moins une question est requise")
	case len(s.Questions) > maxQuestions:
		v.at("questions").fail(fmt.Sprintf("%d questions : au plus %d", len(s.Questions), maxQuestions))
	}
	seen := map[string]int{}
	for i := range s.Questions {
		q := &s.Questions[i]
		if v.key(q.Key, "question", "questions", i, "key") {
			if first, dup := seen[q.Key]; dup {
				v.at("questions", i, "key").fail(fmt.Sprintf("clé %q déjà utilisée par la question %d", q.Key, first+1))
			} else {
				seen[q.Key] = i
			}
		}
		v.question(q, i)
	}
	v.reportQuestions(&s)
	if len(l.problems) > v.before {
		return nil
	}
	return &s
}

// key checks a question or option key: stable snake_case, because answers
// are stored under it and reports read it.
func (v *validator) key(key, what string, path ...any) bool {
	switch {
	case key == "":
		v.at(path...).fail(fmt.Sprintf("%s vide", pathName(path)))
	case len(key) > maxKeyLength || !keyRE.MatchString(key):
		v.at(path...).fail(fmt.Sprintf("clé %q invalide : minuscules, chiffres et soulignés (snake_case), %d caractères au plus", key, maxKeyLength))
	case what == "question" && strings.HasSuffix(key, OtherSuffix):
		v.at(path...).fail(fmt.Sprintf("clé %q réservée : le suffixe %s désigne le texte « autre » d’une question", key, OtherSuffix))
	case what == "option" && key == OtherKey:
		v.at(path...).fail(fmt.Sprintf("option %q réservée : écrivez other: true dans la question", OtherKey))
	default:
		return true
	}
	return false
}

// bilingual requires both languages: a German-speaking respondent must not
// meet a French question.
func (v *validator) bilingual(b Bilingual, path ...any) {
	v.required(b.FR, slices.Concat(path, []any{"fr"})...)
	v.required(b.DE, slices.Concat(path, []any{"de"})...)
}

func (v *validator) question(q *Question, i int) {
	at := func(rest ...any) []any { return append([]any{"questions", i}, rest...) }
	oneOf(v, q.Type, QuestionTypes, at("type")...)
	v.bilingual(q.Text, at("text")...)
	if q.Help != nil {
		v.bilingual(*q.Help, at("help")...)
	}
	// Fields of another type are refused rather than ignored: a max_length on
	// a scale is a mistake the author wants to hear about.
	notFor := func(field string, types string) {
		v.at(at(field)...).fail(fmt.Sprintf("%s : seulement pour les questions %s", field, types))
	}
	if !q.IsChoice() {
		if len(q.Options) > 0 {
			notFor("options", "single et multiple")
		}
		if q.Other {
			notFor("other", "single et multiple")
		}
	}
	if q.Type != QuestionScale {
		for _, f := range []string{"min", "max", "min_label", "max_label"} {
			if nodeAt(v.doc, at(f)...) != nil {
				notFor(f, "scale")
			}
		}
	}
	if q.Type != QuestionText && q.MaxLength != 0 {
		notFor("max_length", "text")
	}
	switch q.Type {
	case QuestionSingle, QuestionMultiple:
		v.options(q, i)
	case QuestionScale:
		v.scale(q, i)
	case QuestionText:
		if q.MaxLength < 1 || q.MaxLength > MaxTextLength {
			v.at(at("max_length")...).fail(fmt.Sprintf("max_length : entre 1 et %d caractères (%d)", MaxTextLength, q.MaxLength))
		}
	}
}

func (v *validator) options(q *Question, i int) {
	at := func(rest ...any) []any { return append([]any{"questions", i, "options"}, rest...) }
	switch {
	case len(q.Options) < 2:
		v.at(at()...).fail("au moins deux options sont requises")
	case len(q.Options) > maxOptions:
		v.at(at()...).fail(fmt.Sprintf("%d options : au plus %d", len(q.Options), maxOptions))
	}
	seen := map[string]bool{}
	for j, o := range q.Options {
		if v.key(o.Key, "option", at(j, "key")...) {
			if seen[o.Key] {
				v.at(at(j, "key")...).fail(fmt.Sprintf("option %q répétée", o.Key))
			}
			seen[o.Key] = true
		}
		v.bilingual(o.Label, at(j, "label")...)
		if o.Exclusive && q.Type != QuestionMultiple {
			v.at(at(j, "exclusive")...).fail("exclusive : seulement pour les questions multiple")
		}
	}
}

func (v *validator) scale(q *Question, i int) {
	at := func(rest ...any) []any { return append([]any{"questions", i}, rest...) }
	if nodeAt(v.doc, at("min")...) == nil || nodeAt(v.doc, at("max")...) == nil {
		v.at(at()...).fail("une échelle a besoin de min et de max")
	} else if q.Min < 0 || q.Min >= q.Max || q.Max-q.Min > maxScaleSpan {
		v.at(at("max")...).fail(fmt.Sprintf("échelle de %d à %d : min doit être positif ou nul, plus petit que max, et l’écart de %d au plus", q.Min, q.Max, maxScaleSpan))
	}
	for _, l := range []struct {
		name  string
		label *Bilingual
	}{{"min_label", q.MinLabel}, {"max_label", q.MaxLabel}} {
		if l.label == nil {
			v.at(at()...).fail(fmt.Sprintf("%s requis : le sens des extrémités de l’échelle", l.name))
			continue
		}
		v.bilingual(*l.label, at(l.name)...)
	}
}

// reportQuestions checks that the survey asks what its kind's reports read.
func (v *validator) reportQuestions(s *Survey) {
	for _, rq := range ReportQuestions[s.Kind] {
		q, ok := s.Question(rq.Key)
		if !ok {
			v.at("questions").fail(fmt.Sprintf("question %q manquante : les rapports %s la lisent (type %s)", rq.Key, s.Kind, rq.Type))
			continue
		}
		if q.Type != rq.Type {
			v.at(v.questionPath(s, rq.Key, "type")...).fail(fmt.Sprintf("question %q : type %s attendu, les rapports %s en dépendent", rq.Key, rq.Type, s.Kind))
		}
	}
	if s.Kind != SurveyEtatDesLieux {
		return
	}
	if q, ok := s.Question("tools"); ok && q.Type == QuestionMultiple {
		if o, ok := q.Option(OptionNone); !ok || !o.Exclusive {
			v.at(v.questionPath(s, "tools", "options")...).fail(fmt.Sprintf("question \"tools\" : une option %q exclusive est requise (« aucun outil »), les rapports comptent qui utilise l’IA", OptionNone))
		}
	}
	if q, ok := s.Question("frequency"); ok && q.Type == QuestionSingle {
		if _, ok := q.Option(OptionNever); !ok {
			v.at(v.questionPath(s, "frequency", "options")...).fail(fmt.Sprintf("question \"frequency\" : une option %q est requise, les rapports comptent qui utilise l’IA", OptionNever))
		}
	}
}

func (v *validator) questionPath(s *Survey, key string, rest ...any) []any {
	for i := range s.Questions {
		if s.Questions[i].Key == key {
			return append([]any{"questions", i}, rest...)
		}
	}
	return []any{"questions"}
}

// nodeAt returns the node at path (map keys and sequence indexes), or nil
// when it is absent; it tells "min: 0" from no min at all.
func nodeAt(n *yaml.Node, path ...any) *yaml.Node {
	for _, p := range path {
		if n == nil {
			return nil
		}
		switch key := p.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return nil
			}
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == key {
					next = n.Content[i+1]
					break
				}
			}
			n = next
		case int:
			if n.Kind != yaml.SequenceNode || key >= len(n.Content) {
				return nil
			}
			n = n.Content[key]
		}
	}
	return n
}

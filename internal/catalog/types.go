// Package catalog loads, validates and serves the training formats,
// exercises and surveys kept as YAML files in the top-level catalog folder.
package catalog

// Source is the commune (or body) a format is modelled on.
type Source string

// Sources a format can come from.
const (
	SourceYverdon  Source = "yverdon"
	SourceEcublens Source = "ecublens"
	SourceAubonne  Source = "aubonne"
	SourceUCV      Source = "ucv"
	SourceCustom   Source = "custom"
)

// Sources lists every valid source.
var Sources = []Source{SourceYverdon, SourceEcublens, SourceAubonne, SourceUCV, SourceCustom}

// Participation says whether attending is voluntary or mandatory.
type Participation string

// Participation values.
const (
	Voluntary Participation = "voluntary"
	Mandatory Participation = "mandatory"
)

// Grouping says how participants are grouped.
type Grouping string

// Grouping values.
const (
	GroupTeam       Grouping = "team"
	GroupDepartment Grouping = "department"
	GroupMixed      Grouping = "mixed"
)

// Audience is a role of a person in the commune that a format targets.
type Audience string

// Audiences, the person roles of the contract.
const (
	AudienceStaff              Audience = "staff"
	AudienceHeadOfService      Audience = "head_of_service"
	AudienceDeputyHead         Audience = "deputy_head"
	AudienceCouncilMember      Audience = "council_member"
	AudienceMunicipalSecretary Audience = "municipal_secretary"
)

// Audiences lists every valid audience, which are also the valid person roles.
var Audiences = []Audience{AudienceStaff, AudienceHeadOfService, AudienceDeputyHead, AudienceCouncilMember, AudienceMunicipalSecretary}

// TrainerKind says who trains.
type TrainerKind string

// Trainer kinds.
const (
	TrainerInternal    TrainerKind = "internal"
	TrainerExternal    TrainerKind = "external"
	TrainerPeerCommune TrainerKind = "peer_commune"
)

// ThemeKey names one of the guide's three content themes.
type ThemeKey string

// The guide's three themes (section 2).
const (
	ThemeHowItWorks ThemeKey = "how_it_works"
	ThemeRules      ThemeKey = "rules_security_ethics"
	ThemeUseCases   ThemeKey = "use_cases"
)

// ThemeKeys lists the three themes in the guide's order.
var ThemeKeys = []ThemeKey{ThemeHowItWorks, ThemeRules, ThemeUseCases}

// AgendaKind is the kind of an agenda item.
type AgendaKind string

// Agenda kinds.
const (
	KindTalk       AgendaKind = "talk"
	KindDemo       AgendaKind = "demo"
	KindHandsOn    AgendaKind = "hands_on"
	KindDiscussion AgendaKind = "discussion"
	KindBreak      AgendaKind = "break"
)

// AgendaKinds lists every valid agenda kind.
var AgendaKinds = []AgendaKind{KindTalk, KindDemo, KindHandsOn, KindDiscussion, KindBreak}

// Theme is one of the guide's themes as a format covers it.
type Theme struct {
	Key     ThemeKey `yaml:"key" json:"key"`
	Focus   string   `yaml:"focus" json:"focus"`
	FocusDE string   `yaml:"focus_de,omitempty" json:"focus_de,omitempty"`
}

// AgendaItem is one block of a format's agenda.
type AgendaItem struct {
	Minutes int        `yaml:"minutes" json:"minutes"`
	Title   string     `yaml:"title" json:"title"`
	TitleDE string     `yaml:"title_de,omitempty" json:"title_de,omitempty"`
	Kind    AgendaKind `yaml:"kind" json:"kind"`
}

// FormatText holds the translatable texts of a format.
type FormatText struct {
	Title   string `yaml:"title" json:"title"`
	Summary string `yaml:"summary" json:"summary"`
	// EditorNote tells HR how the format was adapted from the guide and what
	// the guide leaves open. It is for staff: never on a participant's page,
	// in an invitation or in a mail.
	EditorNote string   `yaml:"editor_note,omitempty" json:"editor_note,omitempty"`
	Bring      []string `yaml:"bring,omitempty" json:"bring"`
}

// Format is a training format of the catalogue.
type Format struct {
	Slug            string `yaml:"slug" json:"slug"`
	FormatText      `yaml:",inline"`
	DE              *FormatText   `yaml:"de,omitempty" json:"de,omitempty"`
	Source          Source        `yaml:"source" json:"source"`
	DurationMinutes int           `yaml:"duration_minutes" json:"duration_minutes"`
	Participation   Participation `yaml:"participation" json:"participation"`
	Grouping        Grouping      `yaml:"grouping" json:"grouping"`
	Audiences       []Audience    `yaml:"audiences" json:"audiences"`
	Trainer         TrainerKind   `yaml:"trainer" json:"trainer"`
	OrganisedBy     string        `yaml:"organised_by,omitempty" json:"organised_by,omitempty"`
	Themes          []Theme       `yaml:"themes" json:"themes"`
	Agenda          []AgendaItem  `yaml:"agenda" json:"agenda"`
	Exercises       []string      `yaml:"exercises" json:"exercises"`
}

// Step is one numbered step of an exercise.
type Step struct {
	Text    string `yaml:"text" json:"text"`
	Minutes int    `yaml:"minutes" json:"minutes"`
}

// Prompt is a prompt template participants complete; blanks are written [ … ].
type Prompt struct {
	Label string `yaml:"label" json:"label"`
	Text  string `yaml:"text" json:"text"`
}

// ExerciseText holds the translatable texts of an exercise.
type ExerciseText struct {
	Title        string   `yaml:"title" json:"title"`
	Objective    string   `yaml:"objective" json:"objective"`
	Scenario     string   `yaml:"scenario" json:"scenario"`
	Steps        []Step   `yaml:"steps" json:"steps"`
	Prompts      []Prompt `yaml:"prompts" json:"prompts"`
	Questions    []string `yaml:"questions" json:"questions"`
	Rules        []string `yaml:"rules" json:"rules"`
	TrainerNotes []string `yaml:"trainer_notes" json:"trainer_notes"`
	Pitfalls     []string `yaml:"pitfalls" json:"pitfalls"`
	Material     []string `yaml:"material" json:"material"`
}

// Exercise is a hands-on exercise used by one or more formats.
type Exercise struct {
	Slug         string `yaml:"slug" json:"slug"`
	Minutes      int    `yaml:"minutes" json:"minutes"`
	ExerciseText `yaml:",inline"`
	DE           *ExerciseText `yaml:"de,omitempty" json:"de,omitempty"`
}

// Localized returns the format's texts in lang, falling back to French
// field by field.
func (f *Format) Localized(lang string) FormatText {
	t := f.FormatText
	if lang != "de" || f.DE == nil {
		return t
	}
	if f.DE.Title != "" {
		t.Title = f.DE.Title
	}
	if f.DE.Summary != "" {
		t.Summary = f.DE.Summary
	}
	if f.DE.EditorNote != "" {
		t.EditorNote = f.DE.EditorNote
	}
	if len(f.DE.Bring) > 0 {
		t.Bring = f.DE.Bring
	}
	return t
}

// Localized returns the exercise's texts in lang, falling back to French
// field by field.
func (e *Exercise) Localized(lang string) ExerciseText {
	t := e.ExerciseText
	if lang != "de" || e.DE == nil {
		return t
	}
	d := e.DE
	if d.Title != "" {
		t.Title = d.Title
	}
	if d.Objective != "" {
		t.Objective = d.Objective
	}
	if d.Scenario != "" {
		t.Scenario = d.Scenario
	}
	if len(d.Steps) > 0 {
		t.Steps = d.Steps
	}
	if len(d.Prompts) > 0 {
		t.Prompts = d.Prompts
	}
	if len(d.Questions) > 0 {
		t.Questions = d.Questions
	}
	if len(d.Rules) > 0 {
		t.Rules = d.Rules
	}
	if len(d.TrainerNotes) > 0 {
		t.TrainerNotes = d.TrainerNotes
	}
	if len(d.Pitfalls) > 0 {
		t.Pitfalls = d.Pitfalls
	}
	if len(d.Material) > 0 {
		t.Material = d.Material
	}
	return t
}

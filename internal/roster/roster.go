// Package roster reads and writes the commune's list of people as a
// spreadsheet (CSV), the way HR keeps it in Excel, LibreOffice or Google
// Sheets, and works out what importing it would change.
//
// Parse reads a file in any of the encodings, separators and header
// languages those programs produce; Plan compares the parsed sheet with the
// people already known, without touching any database; Write produces the
// export, which Parse reads back without any change.
package roster

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/names"
)

// Limits of one import.
const (
	// MaxBytes is the largest file Parse reads.
	MaxBytes = 5 << 20
	// MaxRows is the most people one file may hold.
	MaxRows = 5000
	// MaxLineRunes is the longest record; longer ones are not a person.
	MaxLineRunes = 2000
	// MaxProblems is how many problems Parse lists before it stops.
	MaxProblems = 500
	// maxName bounds the display name « given family », as the directory does.
	maxName = 200
	// maxDepartment bounds a service name, as the directory does.
	maxDepartment = 200
)

// The fields of a person, named as the API names them; a Problem's Field
// is one of these, or "" for a problem with the whole line.
const (
	FieldGivenName  = "given_name"
	FieldFamilyName = "family_name"
	// FieldName is the full name, when the file has one column for it.
	FieldName       = "name"
	FieldEmail      = "email"
	FieldDepartment = "department"
	FieldRole       = "role"
	FieldLanguage   = "language"
)

// DefaultRole and DefaultLanguage fill an empty cell, and a missing column
// for people the import creates.
const (
	DefaultRole     = string(catalog.AudienceStaff)
	DefaultLanguage = "fr"
)

// Problem is something wrong with a line of the file, as a translation key
// and its arguments, so that it can be shown in the reader's language.
type Problem struct {
	// Line is the file's line number (from 1) where the record starts.
	Line  int    `json:"line"`
	Field string `json:"field"`
	Key   string `json:"key"`
	Args  []any  `json:"args,omitempty"`
}

// column is what a header cell says its column holds.
type column int

const (
	colNone column = iota
	colFamily
	colGiven
	// colNom is « Nom » / « Name »: the family name beside a given-name
	// column, the full name otherwise.
	colNom
	colFull
	colEmail
	colDepartment
	colRole
	colLanguage
)

// headerAliases are the header texts, compacted (see compact), that name
// each column in French, German and English and as the API's fields.
// The export's own headers (translations roster.col.*) are added at load.
var headerAliases = map[column][]string{
	colFamily:     {"familyname", "nomdefamille", "nomfamille", "nachname", "familienname", "lastname", "surname"},
	colGiven:      {"givenname", "prenom", "prenoms", "vorname", "vornamen", "firstname"},
	colNom:        {"nom", "name"},
	colFull:       {"nomcomplet", "nometprenom", "prenometnom", "nomprenom", "prenomnom", "fullname", "displayname", "vollername", "vollstandigername", "namevorname", "vornamename", "nameundvorname", "vornameundname"},
	colEmail:      {"email", "mail", "courriel", "adresseemail", "adressemail", "adresseelectronique", "emailadresse", "mailadresse", "emailaddress"},
	colDepartment: {"department", "departement", "service", "abteilung", "dienststelle"},
	colRole:       {"role", "rolle", "fonction", "funktion"},
	colLanguage:   {"language", "langue", "sprache", "lang", "languedecorrespondance", "korrespondenzsprache"},
}

// languageWords are the ways people write a language in a cell, compacted.
var languageWords = map[string]string{
	"fr": "fr", "f": "fr", "frch": "fr", "fra": "fr", "fre": "fr", "francais": "fr", "francaise": "fr",
	"french": "fr", "franzosisch": "fr",
	"de": "de", "d": "de", "dech": "de", "deu": "de", "ger": "de", "deutsch": "de", "allemand": "de",
	"allemande": "de", "german": "de", "schweizerdeutsch": "de",
}

// compact is the form in which header cells, role labels and language
// words are compared: folded (no case, no accents) and reduced to letters
// and digits, so that « E-mail », « e_mail » and « EMAIL » agree, and so do
// « Chef·fe de service » and « chef.fe de service ».
func compact(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, names.Fold(s))
}

// vocabulary is what Parse and Write take from the translation files: the
// role labels the UI shows and the export's headers, so that what the UI
// says, what the export writes and what the import reads never disagree.
type vocabulary struct {
	tr *i18n.Translator
	// roles maps a compacted label, feminine or masculine form, or code
	// to the role code.
	roles map[string]string
	// roleList is the labels a reader may use, per language, for messages.
	roleList map[string]string
	headers  map[string]column
}

// vocab loads the vocabulary once; it is read-only afterwards.
var vocab = sync.OnceValues(loadVocabulary)

// inclusive matches a word written in the inclusive form « Chef·fe »,
// « Collaborateur·rice », « Gemeindeschreiber·in ».
var inclusive = regexp.MustCompile(`(\p{L}+)·(\p{L}+)`)

func loadVocabulary() (*vocabulary, error) {
	tr, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	v := &vocabulary{tr: tr, roles: map[string]string{}, roleList: map[string]string{}, headers: map[string]column{}}
	add := func(form, code string) error {
		k := compact(form)
		if prev, ok := v.roles[k]; ok && prev != code {
			return fmt.Errorf("roster: role label %q means both %s and %s", form, prev, code)
		}
		v.roles[k] = code
		return nil
	}
	for _, lang := range i18n.Languages {
		var labels []string
		for _, a := range catalog.Audiences {
			code := string(a)
			label := tr.T(lang, "role."+code)
			labels = append(labels, label)
			// The UI writes roles in the inclusive form; a file may have
			// either gender: « Chef de service », « Cheffe de service ».
			masculine := inclusive.ReplaceAllString(label, "$1")
			feminine := inclusive.ReplaceAllStringFunc(label, feminineForm)
			for _, form := range []string{code, label, masculine, feminine} {
				if err := add(form, code); err != nil {
					return nil, err
				}
			}
		}
		v.roleList[lang] = strings.Join(labels, ", ")
	}
	for col, aliases := range headerAliases {
		for _, a := range aliases {
			v.headers[a] = col
		}
	}
	exported := map[string]column{
		FieldFamilyName: colFamily, FieldGivenName: colGiven, FieldEmail: colEmail,
		FieldDepartment: colDepartment, FieldRole: colRole, FieldLanguage: colLanguage,
	}
	for _, lang := range i18n.Languages {
		for field, col := range exported {
			k := compact(tr.T(lang, "roster.col."+field))
			if _, known := v.headers[k]; !known {
				v.headers[k] = col
			}
		}
	}
	return v, nil
}

// feminineForm spells out the feminine of an inclusive word:
// « Chef·fe » → « Cheffe », « Collaborateur·rice » → « Collaboratrice ».
func feminineForm(word string) string {
	stem, suffix, _ := strings.Cut(word, "·")
	if suffix == "rice" && strings.HasSuffix(stem, "teur") {
		return strings.TrimSuffix(stem, "eur") + suffix
	}
	return stem + suffix
}

// formulaStart are the first characters that make a spreadsheet read a
// cell as a formula (CSV injection).
const formulaStart = "=+-@\t\r"

// needsGuard reports whether a cell must be written with a leading
// apostrophe: it starts with a formula character, possibly after
// apostrophes (which Write must then protect too, so that the import's
// stripping of one apostrophe gives the value back).
func needsGuard(s string) bool {
	s = strings.TrimLeft(s, "'")
	return s != "" && strings.ContainsRune(formulaStart, rune(s[0]))
}

// guard protects a cell against formula injection.
func guard(s string) string {
	if needsGuard(s) {
		return "'" + s
	}
	return s
}

// unguard removes the apostrophe guard added.
func unguard(s string) string {
	if strings.HasPrefix(s, "'") && needsGuard(s[1:]) {
		return s[1:]
	}
	return s
}

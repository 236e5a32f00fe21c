// Package names handles people's names the way a Swiss commune's HR writes
// them: splitting a full name into given and family names, folding text
// for accent- and case-insensitive search, and sorting by family name with
// French collation.
package names

import (
	"bytes"
	"encoding/hex"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"

	"github.com/atelier-ch/atelier/internal/clean"
)

// Fold returns the search form of s: lower case, accents removed, ligatures
// and special letters spelled out (œ→oe, æ→ae, ß→ss, ø→o, ﬁ→fi), every
// apostrophe written ' and every dash -, invisible characters dropped,
// spaces collapsed and trimmed.
//
// Both databases store Fold(name) in a search column and compare it with
// LIKE against LikePattern(query): the folding happens here, once, rather
// than in two SQL dialects. Because the result is stored, changing Fold
// means recomputing that column in a migration.
func Fold(s string) string {
	// Apostrophe look-alikes go first: NFKD would decompose the acute
	// accent ´ into a space and a combining mark, losing it.
	s = strings.Map(unifyPunct, s)
	s = norm.NFKD.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r), unicode.Is(unicode.Cf, r):
			// Combining accents, soft hyphens, zero-width spaces, BOMs.
			continue
		case unicode.IsSpace(r), unicode.IsControl(r), r == '\u2028', r == '\u2029':
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		r = unicode.ToLower(r)
		if s, ok := spelled[r]; ok {
			b.WriteString(s)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// spelled are the letters NFKD leaves whole although a reader sees them as
// two letters or as a plain letter with a stroke.
var spelled = map[rune]string{
	'œ': "oe", 'æ': "ae", 'ß': "ss", 'ø': "o", 'ł': "l", 'đ': "d",
	'ð': "d", 'þ': "th", 'ı': "i", 'ĳ': "ij",
}

// unifyPunct writes the apostrophes and dashes that word processors and
// keyboards produce as ' and -, so that « d’Allèves » finds « d'Allèves ».
func unifyPunct(r rune) rune {
	switch r {
	case '\u2019', '\u2018', '\u201b', '\u02bc', '\u02bb', '\u0060', '\u00b4', '\u2032', '\uff07':
		return '\''
	case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\ufe63', '\uff0d':
		return '-'
	}
	return r
}

// LikePattern returns the pattern that finds query anywhere in a Fold-ed
// column: folded, with LIKE's wildcards escaped by a backslash, between %.
// Use it with `LIKE ? ESCAPE '\'`, which SQLite and PostgreSQL both accept.
func LikePattern(query string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(Fold(query)) + "%"
}

// particles are the words (folded) that belong to the family name when they
// precede its last word: « Anne de Preux », « Hans von Arx », « Marie de la
// Fontaine », « Jan van der Berg », « Luca di Stefano ».
var particles = map[string]bool{
	"de": true, "du": true, "des": true, "d'": true, "la": true, "le": true,
	"les": true, "l'": true, "von": true, "vom": true, "zu": true, "zum": true,
	"zur": true, "van": true, "der": true, "den": true, "ter": true, "ten": true,
	"di": true, "da": true, "del": true, "della": true, "dos": true, "das": true,
	"do": true, "dal": true, "dalla": true,
}

// Split reads a full name written as one text into given and family names.
//
//   - « Family, Given » (one comma) is read in that order.
//   - A leading run of words in capitals followed by words that are not is
//     the family name, as payroll exports write it: « ROCHAT Jean-Marc »,
//     « DE PREUX Anne ».
//   - Otherwise the family name is the last word together with the
//     particles before it (de, du, des, de la, d', von, van der, di, da, le,
//     la…): « Jean-Marc Rochat » → Jean-Marc / Rochat, « Anne de Preux » →
//     Anne / de Preux. Hyphenated words stay whole.
//   - A single word, or particles followed by one word (« Da Silva »), is a
//     family name only.
//
// Both results are cleaned one-line text, words separated by single plain
// spaces.
func Split(full string) (given, family string) {
	if g, f, ok := strings.Cut(full, ","); ok && !strings.Contains(f, ",") {
		g, f = spaced(f), spaced(g)
		if f != "" {
			return g, f
		}
		full = g
	}
	words := strings.Fields(clean.Line(full))
	if len(words) == 0 {
		return "", ""
	}
	if n := leadingCapitals(words); n > 0 {
		return strings.Join(words[n:], " "), strings.Join(words[:n], " ")
	}
	start := len(words) - 1
	for start > 0 && particles[Fold(words[start-1])] {
		start--
	}
	return strings.Join(words[:start], " "), strings.Join(words[start:], " ")
}

// spaced cleans s to words separated by single spaces; non-breaking
// spaces, which mean nothing in a name, become plain ones.
func spaced(s string) string {
	return strings.Join(strings.Fields(clean.Line(s)), " ")
}

// leadingCapitals returns how many leading words are written in capitals
// (two letters at least, no dot, so that initials like « J.-C. » do not
// count) when some later word is not; 0 otherwise.
func leadingCapitals(words []string) int {
	n := 0
	for n < len(words) && isCapitals(words[n]) {
		n++
	}
	if n == len(words) {
		return 0
	}
	return n
}

func isCapitals(w string) bool {
	letters := 0
	for _, r := range w {
		switch {
		case r == '.' || unicode.IsLower(r):
			return false
		case unicode.IsLetter(r):
			letters++
		}
	}
	return letters >= 2
}

// Join writes the display form of a name, « given family », as lists and
// mails show it; either part may be empty.
func Join(given, family string) string {
	given, family = clean.Line(given), clean.Line(family)
	switch {
	case given == "":
		return family
	case family == "":
		return given
	}
	return given + " " + family
}

// collators hands out French collators: a collate.Collator keeps its
// iteration state inside, so each goroutine needs its own. The pool is the
// only shared state of the package and is safe for concurrent use.
var collators = sync.Pool{New: func() any {
	return &collator{c: collate.New(language.French)}
}}

type collator struct {
	c   *collate.Collator
	buf collate.Buffer
}

// key appends the collation key of the parts to dst, joined by a tab. The
// tab sorts before every letter and digit, so « Roch Zoé » comes before
// « Rochat Anne »; joining the texts (rather than their keys) keeps accents
// and case secondary over the whole name: « Müller Anne » comes before
// « Muller Zoé », as in a phone book.
func key(dst []byte, parts ...string) []byte {
	c := collators.Get().(*collator)
	defer collators.Put(c)
	var text strings.Builder
	for i, p := range parts {
		if i > 0 {
			text.WriteByte('\t')
		}
		// Apostrophe and dash variants and non-breaking spaces would
		// otherwise sort as different punctuation.
		text.WriteString(clean.Line(strings.Map(unifyPunct, strings.ReplaceAll(p, "\u00a0", " "))))
	}
	k := c.c.KeyFromString(&c.buf, text.String())
	dst = append(dst, k...)
	c.buf.Reset()
	return dst
}

// SortKey returns a byte string whose order (bytes.Compare) is the order of
// people in every list: family name, then given name, French collation
// with accents and case secondary. Compute it once per person to sort
// large lists; two different names never get the same key.
func SortKey(family, given string) []byte {
	k := key(nil, family, given)
	// Names that collate equal (they differ only in ignorable characters)
	// are told apart by their bytes, so that the order is total.
	k = append(k, 0)
	k = append(k, family...)
	k = append(k, 0)
	return append(k, given...)
}

// Compare orders two texts (department names, formats) with French
// collation: « Céline » before « Christophe », « Écoles » between « E » and
// « F », accents and case deciding only between otherwise equal texts.
func Compare(a, b string) int {
	if a == b {
		return 0
	}
	if c := bytes.Compare(key(nil, a), key(nil, b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// Person is what sorting needs of a person.
type Person struct {
	Family, Given string
}

// ComparePeople orders two people by family name, then given name, as
// SortKey does.
func ComparePeople(a, b Person) int {
	return bytes.Compare(SortKey(a.Family, a.Given), SortKey(b.Family, b.Given))
}

// Less reports whether a sorts before b: family name, then given name,
// then tie, the caller's comparison of what else tells them apart (usually
// cmp.Compare of their IDs), so that namesakes keep a stable order.
func Less(a, b Person, tie int) bool {
	if c := ComparePeople(a, b); c != 0 {
		return c < 0
	}
	return tie < 0
}

// SearchKey is what a person is searched by: their name and email, folded.
// Both databases store it and compare it with LIKE LikePattern(query).
func SearchKey(name, email string) string {
	return Fold(name + " " + email)
}

// SortText is SortKey written in hex, so that both databases order people
// by it as plain text (bytewise: COLLATE "C" on PostgreSQL).
func SortText(family, given string) string {
	return hex.EncodeToString(SortKey(family, given))
}

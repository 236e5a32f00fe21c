package survey

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Masked replaces what Scrub takes out of a text.
const Masked = "[…]"

var (
	emailRE = regexp.MustCompile(`[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+`)
	// numberRE finds digits written with at most two separators between
	// them (079 123 45 67, +41 (0)27 720 60 16, 756.1234.5678.97); runs of
	// nine digits or more are masked, which catches phone, AVS and IBAN
	// numbers and leaves dates (8 digits), years and amounts alone.
	numberRE = regexp.MustCompile(`\+?\(?\d(?:[ \x{a0}./()\-]{0,2}\d)+`)
)

const minIdentifyingDigits = 9

// Scrub takes out of a free text what names a person, as far as simple rules
// can tell: e-mail addresses, numbers of nine digits or more (phone, AVS,
// IBAN), two or more capitalised words in a row (Marie Dupont, DUPONT
// Marie, Jean-Pierre Rochat) unless they are known words (Microsoft
// Copilot, Le Chat, Conseil communal), and the word after a title (Madame
// Dupont, Herr Müller). Each becomes Masked.
//
// It is a safety net, not an anonymiser. It misses a name written alone
// (« demandez à Dupont »), in lower case, or with an initial (« M. D. »);
// numbers of fewer than nine digits (an extension); an address spelt out
// (« marie point dupont arobase… »); and any description that fits one
// person (« la seule juriste du service »). It over-masks pairs of capitalised
// words that are not names, frequent in German (« Neue Tools »). This is why
// the survey asks for no names and results show texts only for groups of at
// least five people.
func Scrub(s string) string {
	s = emailRE.ReplaceAllString(s, Masked)
	s = numberRE.ReplaceAllStringFunc(s, func(m string) string {
		digits := 0
		for _, r := range m {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		if digits >= minIdentifyingDigits {
			return Masked
		}
		return m
	})
	return scrubNames(s)
}

type word struct {
	start, end int // byte offsets in the text
	text       string
}

// words splits s into runs of letters, keeping a hyphen or apostrophe
// between letters (Jean-Pierre, D’Amico) inside the word.
func words(s string) []word {
	var out []word
	start := -1
	for i, r := range s {
		inner := (r == '-' || r == '\'' || r == '’') && start >= 0 && i+utf8.RuneLen(r) < len(s)
		if inner {
			next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
			inner = unicode.IsLetter(next)
		}
		switch {
		case unicode.IsLetter(r) || inner:
			if start < 0 {
				start = i
			}
		case start >= 0:
			out = append(out, word{start, i, s[start:i]})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, word{start, len(s), s[start:]})
	}
	return out
}

// capitalised reports Xxxx; allCaps reports XX (two letters at least), as
// surnames are often written in Swiss administrative lists.
func capitalised(w string) bool {
	r := []rune(w)
	return len(r) >= 2 && unicode.IsUpper(r[0]) && unicode.IsLower(r[1])
}

func allCaps(w string) bool {
	n := 0
	for _, r := range w {
		if unicode.IsLetter(r) && !unicode.IsUpper(r) {
			return false
		}
		n++
	}
	return n >= 2
}

func scrubNames(s string) string {
	ws := words(s)
	mask := make([]bool, len(ws))
	nameLike := func(i int) bool {
		w := ws[i].text
		return (capitalised(w) || allCaps(w)) && !notNames[strings.ToLower(w)] && !titles[w]
	}
	// gap reports whether words i and i+1 are separated by one space only,
	// as the parts of a name are.
	gap := func(i int, allowed ...string) bool {
		between := s[ws[i].end:ws[i+1].start]
		if between == " " || between == "\u00a0" {
			return true
		}
		for _, a := range allowed {
			if between == a {
				return true
			}
		}
		return false
	}
	for i := 0; i < len(ws); {
		j := i
		for j+1 < len(ws) && nameLike(j) && nameLike(j+1) && gap(j) {
			j++
		}
		run := ws[i : j+1]
		hasCapitalised := false
		for _, w := range run {
			hasCapitalised = hasCapitalised || capitalised(w.text)
		}
		// Two acronyms in a row (« RH AVS ») are not a name.
		if j > i && hasCapitalised {
			for k := i; k <= j; k++ {
				mask[k] = true
			}
		}
		if titles[ws[i].text] && i+1 < len(ws) && gap(i, ". ", ".\u00a0") && (capitalised(ws[i+1].text) || allCaps(ws[i+1].text)) {
			mask[i+1] = true
		}
		i = j + 1
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(ws); i++ {
		if !mask[i] {
			continue
		}
		j := i
		for j+1 < len(ws) && mask[j+1] && gap(j) {
			j++
		}
		b.WriteString(s[last:ws[i].start])
		b.WriteString(Masked)
		last = ws[j].end
		i = j
	}
	b.WriteString(s[last:])
	return b.String()
}

// titles announce a name: the word after one is masked even alone, and the
// title itself is kept, so that the text still reads.
var titles = map[string]bool{
	"Monsieur": true, "Madame": true, "Mademoiselle": true, "M": true, "Mme": true, "Mlle": true,
	"Me": true, "Dr": true, "Docteur": true, "Herr": true, "Frau": true, "Herrn": true,
}

// notNames are capitalised words of survey answers that are not names:
// sentence openers, product and institution names. Without them every
// sentence starting « Le Conseil … » or « Microsoft Copilot … » would lose
// its subject.
var notNames = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
le la les l un une des du de d je j tu il elle on nous vous ils elles ce cet cette ces c ça cela
mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs qui que qu quoi quand comment pourquoi
pour avec sans dans par sur sous en au aux à et ou mais donc car si comme pas plus très tout tous toute toutes
aussi ainsi alors parfois souvent toujours jamais peut-être oui non merci bonjour
der die das den dem des ein eine einen einem einer ich du er sie es wir ihr man mein meine unser unsere
mit für im in am an auf bei von vom zu zum zur und oder aber wenn dass weil als auch nicht noch nur sehr
manchmal oft immer nie vielleicht ja nein danke bitte
microsoft copilot google gemini mistral chat chatgpt openai deepl perplexity bing
office word excel outlook teams powerpoint onenote sharepoint windows apple android
conseil communal communale commune municipalité municipal municipale service services administration
greffe secrétariat office canton cantonal cantonale confédération suisse valais vaud genève fribourg
antenne région romand ucv intranet internet ia
gemeinde gemeinderat gemeindeverwaltung verwaltung abteilung kanton kantonal schweiz wallis bund ki
`) {
		m[w] = true
	}
	return m
}()

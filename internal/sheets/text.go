package sheets

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	nbsp     = '\u00a0'
	ellipsis = "…"
	// maxField caps a user-given field (name, place, title): nothing longer
	// can be printed usefully, and the cap bounds the layout's work.
	maxField = 600
)

// clean makes s printable: it drops control and format characters, turns
// tabs into spaces, keeps line breaks only when multiline, composes a Latin
// letter and its combining accent (as macOS types them), replaces runes the
// fonts lack, cuts s to at most limit runes (0: no limit) and, in French,
// applies French spacing.
func (k *Kit) clean(s, lang string, multiline bool, limit int) string {
	out := make([]rune, 0, len(s))
	marks := 0
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		if limit > 0 && len(out) >= limit {
			out = append(out, []rune(ellipsis)...)
			break
		}
		if unicode.Is(unicode.Mn, r) {
			if n := len(out); n > 0 && marks == 0 {
				if c, ok := compose(out[n-1], r); ok {
					out[n-1] = c
					continue
				}
			}
			// Marks stack on their letter: two are plenty, more would pile
			// ink over the lines above; one the fonts lack is left out.
			if marks++; marks > 2 || int(r) >= len(k.covered) || !k.covered[r] {
				continue
			}
		} else {
			marks = 0
		}
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			if multiline {
				r = '\n'
			} else {
				r = ' '
			}
		case r == '\t':
			r = ' '
		case r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			continue
		case r == '\u202f':
			r = k.nnbsp
		case r == '\u2007':
			r = nbsp
		case unicode.IsSpace(r):
			r = ' '
		case int(r) >= len(k.covered) || !k.covered[r]:
			r = substitute(r)
		}
		out = append(out, r)
	}
	if lang == "fr" {
		return frenchSpacing(string(out), k.nnbsp)
	}
	return string(out)
}

// compose returns the precomposed letter of a Latin base letter and a
// combining accent, for the accents of French, German and the names met in
// Switzerland.
func compose(base, mark rune) (rune, bool) {
	var from, to string
	switch mark {
	case '\u0300': // grave
		from, to = "aeiouAEIOU", "àèìòùÀÈÌÒÙ"
	case '\u0301': // acute
		from, to = "aeiouyAEIOUYcnszCNSZ", "áéíóúýÁÉÍÓÚÝćńśźĆŃŚŹ"
	case '\u0302': // circumflex
		from, to = "aeiouAEIOU", "âêîôûÂÊÎÔÛ"
	case '\u0303': // tilde
		from, to = "anoANO", "ãñõÃÑÕ"
	case '\u0308': // diaeresis
		from, to = "aeiouyAEIOUY", "äëïöüÿÄËÏÖÜŸ"
	case '\u030a': // ring
		from, to = "auAU", "åůÅŮ"
	case '\u030c': // caron
		from, to = "cszrnedCSZRNED", "čšžřňěďČŠŽŘŇĚĎ"
	case '\u0327': // cedilla
		from, to = "cstCST", "çşţÇŞŢ"
	default:
		return 0, false
	}
	if i := strings.IndexRune(from, base); i >= 0 {
		return []rune(to)[i], true
	}
	return 0, false
}

// substitute stands in for a rune the fonts lack.
func substitute(r rune) rune {
	switch r {
	case '\u2010', '\u2011', '\u2012', '\u2212':
		return '-'
	case '\u2032':
		return '\''
	case '\u2033':
		return '"'
	}
	return '?'
}

// frenchSpacing applies French typography: a no-break space inside « » and
// before a colon, and narrow (the nnbsp given) before ; ! and ?. It turns
// the ordinary spaces already there into no-break ones and adds the missing
// ones inside guillemets; it adds none before : ; ! ? that have none, so
// "13:30" and addresses stay as written.
func frenchSpacing(s string, nnbsp rune) string {
	if !strings.ContainsAny(s, "«»:;!?") {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s) + 8)
	isSpace := func(r rune) bool { return r == ' ' || r == nbsp || r == nnbsp || r == '\u202f' }
	var prev rune
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if isSpace(r) {
			j := i
			for j < len(rs) && isSpace(rs[j]) {
				j++
			}
			if j < len(rs) {
				switch rs[j] {
				case '»', ':':
					if prev != 0 && prev != '\n' {
						b.WriteRune(nbsp)
						i, prev = j-1, nbsp
						continue
					}
				case ';', '!', '?':
					if prev != 0 && prev != '\n' {
						b.WriteRune(nnbsp)
						i, prev = j-1, nnbsp
						continue
					}
				}
			}
			if prev == '«' {
				// « then spaces: one no-break space.
				b.WriteRune(nbsp)
				i, prev = j-1, nbsp
				continue
			}
			b.WriteString(string(rs[i:j]))
			i, prev = j-1, rs[j-1]
			continue
		}
		if r == '»' && prev != 0 && prev != '\n' && !isSpace(prev) && prev != '«' {
			b.WriteRune(nbsp)
		}
		b.WriteRune(r)
		if r == '«' && i+1 < len(rs) && !isSpace(rs[i+1]) && rs[i+1] != '\n' && rs[i+1] != '»' {
			b.WriteRune(nbsp)
			prev = nbsp
			continue
		}
		prev = r
	}
	return b.String()
}

// sortKey folds a name for sorting: case and the accents of Latin letters
// are ignored, so "Élodie" sorts with the E.
func sortKey(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		b.WriteString(fold(unicode.ToLower(r)))
	}
	return b.String()
}

// fold writes a lower-case Latin letter without its accent.
func fold(r rune) string {
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å', 'ā', 'ă', 'ą':
		return "a"
	case 'æ':
		return "ae"
	case 'ç', 'ć', 'ĉ', 'ċ', 'č':
		return "c"
	case 'ď', 'đ':
		return "d"
	case 'è', 'é', 'ê', 'ë', 'ē', 'ĕ', 'ė', 'ę', 'ě':
		return "e"
	case 'ĝ', 'ğ', 'ġ', 'ģ':
		return "g"
	case 'ì', 'í', 'î', 'ï', 'ĩ', 'ī', 'ĭ', 'į', 'ı':
		return "i"
	case 'ł', 'ĺ', 'ļ', 'ľ', 'ŀ':
		return "l"
	case 'ñ', 'ń', 'ņ', 'ň':
		return "n"
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø', 'ō', 'ŏ', 'ő':
		return "o"
	case 'œ':
		return "oe"
	case 'ŕ', 'ŗ', 'ř':
		return "r"
	case 'ś', 'ŝ', 'ş', 'š', 'ș':
		return "s"
	case 'ß':
		return "ss"
	case 'ţ', 'ť', 'ŧ', 'ț':
		return "t"
	case 'ù', 'ú', 'û', 'ü', 'ũ', 'ū', 'ŭ', 'ů', 'ű', 'ų':
		return "u"
	case 'ý', 'ÿ', 'ŷ':
		return "y"
	case 'ź', 'ż', 'ž':
		return "z"
	}
	return string(r)
}

package report

import (
	"slices"
	"strings"
	"unicode"
)

// stopwords are the French and German words too common to say anything.
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
alors aussi autre autres avec avoir avons bien cela celle celles celui cette ceux chaque comme comment dans depuis donc dont elle elles encore entre être fait faire font leur leurs mais même mêmes nous notre nos ont où par parce pas peu peut plus pour pourrait quand que quel quelle quels qui sans ses son sont sous sur tous tout toute toutes très une vous votre vos aux des les est ces était être avoir fois cas
aber alle allem allen aller alles also auch auf aus bei beim bin bis bist dann darf dass dem den der des die dies diese dieser dieses doch dort durch ein eine einem einen einer eines für hat hatte haben hier ich ihr ihre ihren im in ist jede jeder kann kein keine man mehr mein meine mit muss nach nicht noch nur oder ohne sehr sein sich sie sind über um und uns unser unter viel vom von vor war wenn werden wie wir wird wo zu zum zur
`) {
		m[w] = true
	}
	return m
}()

// TopWords counts the words of at least four letters in texts, leaving out
// French and German stop words, and returns the n most frequent (ties in
// alphabetical order).
func TopWords(texts []string, n int) []Word {
	counts := map[string]int{}
	for _, t := range texts {
		for _, w := range strings.FieldsFunc(strings.ToLower(t), func(r rune) bool { return !unicode.IsLetter(r) && r != '-' }) {
			w = strings.Trim(w, "-")
			if len([]rune(w)) < 4 || stopwords[w] {
				continue
			}
			counts[w]++
		}
	}
	out := make([]Word, 0, len(counts))
	for w, c := range counts {
		out = append(out, Word{Word: w, Count: c})
	}
	slices.SortFunc(out, func(a, b Word) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Word, b.Word)
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

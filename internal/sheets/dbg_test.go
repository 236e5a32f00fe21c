package sheets

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/atelier-ch/atelier/internal/catalog"
)

func TestDbg(t *testing.T) {
	k, c := fixtures(t)
	f, _ := c.Format("journee-pilote")
	prompt, _ := c.Exercise("prompt-structure")
	s := sessionFR()
	var buf bytes.Buffer
	k.ExerciseSheets(&buf, f, []*catalog.Exercise{prompt}, VariantParticipant, &s, "fr")
	doc := readPDF(t, buf.Bytes())
	for _, l := range strings.Split(doc.strings, "\n") {
		if strings.Contains(l, "nu") || strings.Contains(l, "Rôle") {
			fmt.Printf("%q\n", l)
		}
	}
}

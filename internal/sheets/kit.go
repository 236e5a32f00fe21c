// Package sheets prints the campaign's paper: exercise sheets, sign-in
// sheets, certificates of attendance and the programme, as A4 PDFs in French
// or German.
package sheets

import (
	"errors"
	"fmt"
	"math"
	"time"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/atelier-ch/atelier/internal/i18n"
)

// Kit makes the documents. It holds the fonts and the translations, built
// once by New, and is safe for concurrent use: every call makes its own PDF.
type Kit struct {
	tr    *i18n.Translator
	faces [faceCount]fontFace
	// covered[r] says whether every face has a glyph for rune r (the Basic
	// Multilingual Plane only: the Go fonts have nothing beyond it).
	covered []bool
	// nnbsp is the space put before ; ! ? in French: the narrow no-break
	// space when the fonts have it, else the no-break space.
	nnbsp rune
	// raw, in tests, writes documents as gofpdf does, uncompressed.
	raw bool
}

// face is one of the few type faces a document embeds. Every face added to a
// document costs a parse of its TrueType file, so there are three.
type face int

const (
	faceRegular face = iota
	faceBold
	faceMono
	faceCount
)

type fontFace struct {
	family, style string
	ttf           []byte
	// adv holds the advance width of each rune of the Basic Multilingual
	// Plane in thousandths of an em, rounded as gofpdf rounds them, so text
	// is measured without asking the PDF writer (which has only a current
	// font).
	adv []uint16
}

// New builds a Kit; it checks that the fonts parse and cover the French
// and German characters the documents print.
func New(tr *i18n.Translator) (*Kit, error) {
	if tr == nil {
		return nil, errors.New("sheets: no translator")
	}
	k := &Kit{
		tr: tr,
		faces: [faceCount]fontFace{
			faceRegular: {family: "go", ttf: goregular.TTF},
			faceBold:    {family: "go", style: "B", ttf: gobold.TTF},
			faceMono:    {family: "gomono", ttf: gomono.TTF},
		},
		covered: make([]bool, 0x10000),
	}
	for r := range k.covered {
		k.covered[r] = true
	}
	var buf sfnt.Buffer
	for i := range k.faces {
		f := &k.faces[i]
		font, err := sfnt.Parse(f.ttf)
		if err != nil {
			return nil, fmt.Errorf("sheets: font %s%s: %w", f.family, f.style, err)
		}
		upem := int(font.UnitsPerEm())
		f.adv = make([]uint16, 0x10000)
		for r := range f.adv {
			g, err := font.GlyphIndex(&buf, rune(r))
			if err != nil || g == 0 {
				k.covered[r] = false
				continue
			}
			a, err := font.GlyphAdvance(&buf, g, fixed.Int26_6(upem<<6), xfont.HintingNone)
			if err != nil {
				return nil, fmt.Errorf("sheets: font %s%s: %w", f.family, f.style, err)
			}
			f.adv[r] = uint16(math.Round(float64(a) / 64 * 1000 / float64(upem)))
		}
	}
	for _, r := range "AZaz09éèêëàâçîïôœùûüÉÈÀÇÄÖÜäöüß«»’–—€…•\u00a0" {
		if !k.covered[r] {
			return nil, fmt.Errorf("sheets: the fonts lack %q (%U)", r, r)
		}
	}
	k.nnbsp = '\u00a0'
	if k.covered['\u202f'] {
		k.nnbsp = '\u202f'
	}
	return k, nil
}

// Variant is who an exercise sheet is for.
type Variant string

// Variants of an exercise sheet.
const (
	VariantParticipant Variant = "participant"
	VariantTrainer     Variant = "trainer"
)

// ParseVariant reads a variant from a request parameter.
func ParseVariant(s string) (Variant, bool) {
	switch v := Variant(s); v {
	case VariantParticipant, VariantTrainer:
		return v, true
	}
	return "", false
}

// Session is what the documents print about a session. The zero value is no
// session: exercise sheets then print the format alone.
type Session struct {
	Commune, Title, Place string // Place is already joined "name, room, address"
	Start, End            time.Time
	Trainers              []string
	Language              string // "fr" or "de"
}

// IsZero reports whether s names no session.
func (s Session) IsZero() bool {
	return s.Commune == "" && s.Title == "" && s.Place == "" && s.Start.IsZero() && s.End.IsZero() && len(s.Trainers) == 0
}

// Participant is a person printed on a sign-in sheet or a certificate.
type Participant struct {
	Name, Department string
	Role             string // a person role key: staff, head_of_service, …
}

package chart

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jung-kurt/gofpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// goCoverage says which runes of the Basic Multilingual Plane the Go
// fonts have, as internal/sheets works it out; computed once.
var goCoverage = sync.OnceValues(func() ([]bool, error) {
	font, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		return nil, err
	}
	var buf sfnt.Buffer
	covered := make([]bool, 0x10000)
	for r := range covered {
		g, err := font.GlyphIndex(&buf, rune(r))
		covered[r] = err == nil && g != 0
	}
	return covered, nil
})

// goFonts are the Go fonts as internal/sheets embeds them.
func goFonts(tb testing.TB) Fonts {
	tb.Helper()
	covered, err := goCoverage()
	if err != nil {
		tb.Fatal(err)
	}
	return Fonts{Family: "go", Bold: "B", Size: 9, Has: func(r rune) bool { return int(r) < len(covered) && covered[r] }}
}

// newPDF starts an A4 page with the Go fonts, as internal/sheets does.
func newPDF() *gofpdf.Fpdf {
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.SetAutoPageBreak(false, 0)
	// gofpdf pads the font's bytes in place: each document gets a copy.
	pdf.AddUTF8FontFromBytes("go", "", bytes.Clone(goregular.TTF))
	pdf.AddUTF8FontFromBytes("go", "B", bytes.Clone(gobold.TTF))
	pdf.AddPage()
	pdf.SetFont("go", "", 9)
	return pdf
}

// needPoppler skips a test when the PDF readers are missing, except in CI,
// which installs them.
func needPoppler(tb testing.TB) {
	tb.Helper()
	for _, tool := range []string{"pdftotext", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				tb.Fatalf("%s missing (apt-get install poppler-utils)", tool)
			}
			tb.Skipf("%s missing (apt-get install poppler-utils)", tool)
		}
	}
}

// poppler runs a poppler tool; any complaint on stderr fails the test.
func poppler(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Fatalf("%s: %v\n%s", name, err, stderr.Bytes())
	}
	return stdout.Bytes()
}

// Where the charts are drawn on the test page, in millimetres, and their
// usual width.
const boxX, boxY, boxW = 30.0, 20.0, 120.0

// drawn is a one-page PDF with a chart, read back as a user would.
type drawn struct {
	text   string      // pdftotext, spaces (no-break ones too) collapsed
	img    image.Image // the page at pxPerMM
	height float64     // what PDF returned
	width  float64     // what PDF was given
}

// dpi is the resolution the page is checked at: a pixel is 0.35 mm.
const dpi = 72

func pxPerMM() float64 { return dpi / 25.4 }

// drawPDF draws c in the box, checks that PDFHeight foresaw the height, and
// reads the page back.
func drawPDF(t *testing.T, c Chart, lang string, w float64) drawn {
	t.Helper()
	needPoppler(t)
	fonts := goFonts(t)
	pdf := newPDF()
	want, err := PDFHeight(pdf, w, c, lang, fonts)
	if err != nil {
		t.Fatalf("PDFHeight: %v", err)
	}
	h, err := PDF(pdf, boxX, boxY, w, c, lang, fonts)
	if err != nil {
		t.Fatalf("PDF: %v", err)
	}
	if math.Abs(h-want) > 1e-9 {
		t.Errorf("PDF used %.2f mm, PDFHeight said %.2f", h, want)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if keep := os.Getenv("CHART_KEEP"); keep != "" { // to look at the renders
		dir = keep
	}
	name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())
	path := filepath.Join(dir, name+".pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	checkWords(t, poppler(t, "pdftotext", "-bbox", "-enc", "UTF-8", path, "-"))
	text := string(poppler(t, "pdftotext", "-raw", "-enc", "UTF-8", path, "-"))
	text = strings.Join(strings.Fields(strings.ReplaceAll(text, "\u00a0", " ")), " ")
	prefix := filepath.Join(dir, name)
	poppler(t, "pdftoppm", "-png", "-r", strconv.Itoa(dpi), "-singlefile", path, prefix)
	file, err := os.Open(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	img, err := png.Decode(file)
	if err != nil {
		t.Fatal(err)
	}
	return drawn{text: text, img: img, height: h, width: w}
}

// checkWords asserts that no two words of the page, as pdftotext -bbox
// finds them, overlap: labels, numbers and the scale each keep their room.
func checkWords(t *testing.T, html []byte) {
	t.Helper()
	type word struct {
		x0, y0, x1, y1 float64
		text           string
	}
	var words []word
	re := regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)
	for _, m := range re.FindAllStringSubmatch(string(html), -1) {
		var w word
		for i, p := range []*float64{&w.x0, &w.y0, &w.x1, &w.y1} {
			*p, _ = strconv.ParseFloat(m[i+1], 64)
		}
		w.text = m[5]
		words = append(words, w)
	}
	if len(words) == 0 {
		t.Error("no words on the page")
	}
	// Boxes span the font's ascent and descent, taller than the ink: a
	// vertical overlap counts only beyond a third of a line.
	const tol = 0.5
	for i, a := range words {
		for _, b := range words[i+1:] {
			dy := math.Min(a.y1, b.y1) - math.Max(a.y0, b.y0)
			dx := math.Min(a.x1, b.x1) - math.Max(a.x0, b.x0)
			if dx > tol && dy > (a.y1-a.y0)/3 {
				t.Errorf("words %q and %q overlap", a.text, b.text)
			}
		}
	}
}

// checkBox asserts that the page has ink only inside the chart's box: from
// boxX to boxX+width across, from boxY to boxY+height down. One pixel of
// anti-aliasing is allowed at each edge.
func checkBox(t *testing.T, d drawn) {
	t.Helper()
	k := pxPerMM()
	x0, x1 := int(math.Floor(boxX*k))-1, int(math.Ceil((boxX+d.width)*k))+1
	y0, y1 := int(math.Floor(boxY*k))-1, int(math.Ceil((boxY+d.height)*k))+1
	b := d.img.Bounds()
	inked, outside := 0, 0
	var first image.Point
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := d.img.At(x, y).RGBA()
			if r>>8 > 245 && g>>8 > 245 && bl>>8 > 245 {
				continue
			}
			inked++
			if x < x0 || x > x1 || y < y0 || y > y1 {
				if outside == 0 {
					first = image.Pt(x, y)
				}
				outside++
			}
		}
	}
	if inked == 0 {
		t.Error("nothing drawn")
	}
	if outside > 0 {
		t.Errorf("%d pixels drawn outside the box (%d–%d, %d–%d px), the first at %v", outside, x0, x1, y0, y1, first)
	}
}

// yearCounts is the counts of weeks(52) in date order, as pdftotext -raw
// reads them: every column keeps its count on a full A4 width.
func yearCounts() string {
	s := make([]string, 52)
	for i := range s {
		s[i] = strconv.Itoa(i * 7 % 5)
	}
	return strings.Join(s, " ")
}

func TestPDF(t *testing.T) {
	cases := map[string]struct {
		chart Chart
		lang  string
		w     float64  // boxW when zero
		want  []string // in the extracted text, spaces collapsed
		not   []string
	}{
		"bars narrow": {chart: Bars{Title: "Étroit", Rows: []BarRow{{Label: longLabel, Value: f(1), Note: "1234 / 1234 personnes"}, {Label: "A", Value: f(0.5)}}},
			lang: "fr", w: 45, want: []string{"Étroit", "…", "50 %"}},
		"paired narrow": {chart: Paired{Title: "Étroit", SeriesLabels: [2]string{"avant la formation", "après la formation"}, Rows: []PairedRow{{Label: longLabel, A: f(5), B: f(1)}}},
			lang: "fr", w: 40, want: []string{"Étroit", "5,0", "1,0"}},
		"timeline a year":  {chart: Timeline{Title: "Une année", Points: weeks(52)}, lang: "fr", w: 174, want: []string{yearCounts()}},
		"timeline crowded": {chart: Timeline{Title: "Dense", Points: crowded(200)}, lang: "fr", want: []string{"Dense", "1 234"}},
		"timeline narrow":  {chart: Timeline{Title: "Étroit", Points: weeks(20)}, lang: "fr", w: 40, want: []string{"Étroit", "02.03"}},
		"bars zero rows":   {chart: Bars{Title: "Aucun service"}, lang: "fr", want: []string{"Aucun service", dash}},
		"bars campaign": {chart: campaignShare(), lang: "fr", want: []string{"Part des collaborateurs formés par service",
			"Écoles et jeunesse", "80 % (4 / 5)", "29 % (12 / 41)", "0 % (0 / 9)", "100 % (6 / 6)", "Sans service –", "0 %", "40 %", "100 %"}},
		"bars one row": {chart: Bars{Title: "Part formée", Rows: []BarRow{{Label: "Finances", Value: f(0.42)}}}, lang: "fr", want: []string{"Finances", "42 %"}},
		"bars 40 services": {chart: Bars{Title: "Quarante services", Rows: services(40)}, lang: "fr",
			want: []string{"Service 01", "0 % (0 / 39)", "Service 40 xxxx", "100 % (39 / 39)", "51 % (20 / 39)"}},
		"bars hostile labels": {chart: Bars{Title: "<b>Titre</b>", Unit: Count, Rows: []BarRow{
			{Label: hostileScript, Value: f(3)}, {Label: hostileAmp, Value: f(1234)}, {Label: hostileQuotes, Value: f(0)},
			{Label: hostileRTL, Value: f(2)}, {Label: "Fusée 🚀 \U00010000 漢字", Value: f(1)}}},
			lang: "fr", want: []string{"<b>Titre</b>", hostileScript, "A & B", hostileQuotes, "Civil 2", "1 234", "Fusée ? ? ??"},
			not: []string{"\u202e", "🚀"}},
		"bars very long label": {chart: Bars{Title: "Long", Rows: []BarRow{{Label: longLabel, Value: f(0.5)}}}, lang: "fr",
			want: []string{"Service de", "…", "50 %"}},
		"bars german": {chart: Bars{Title: "Nutzen", Unit: Value, Max: 5, Rows: []BarRow{{Label: "Schulen", Value: f(3.84)}, {Label: "Bau", Value: nil}}},
			lang: "de", want: []string{"Schulen 3.8", "Bau –"}},
		"bars german count": {chart: Bars{Title: "Teilnahmen", Unit: Count, Rows: []BarRow{{Label: "Schulen", Value: f(1234)}}},
			lang: "de", want: []string{"Schulen 1’234"}},
		"paired campaign": {chart: campaignConfidence(), lang: "fr", want: []string{"Confiance avant et après la formation",
			"avant", "après", "Écoles et jeunesse", "2,1", "3,8", "1,0", "5,0", "2,5", "Sans réponse", "1 2 3 4 5"}},
		"paired german":    {chart: Paired{Title: "Kompetenz", SeriesLabels: [2]string{"vorher", "nachher"}, Rows: []PairedRow{{Label: "Schulen", A: f(2.25), B: f(4)}}}, lang: "de", want: []string{"vorher", "nachher", "2.3", "4.0"}},
		"paired zero rows": {chart: Paired{Title: "Rien", SeriesLabels: [2]string{"avant", "après"}}, lang: "fr", want: []string{"Rien", "avant", dash}},
		"paired 40 services": {chart: Paired{Title: "Quarante", SeriesLabels: [2]string{"avant", "après"}, Rows: pairs(40)}, lang: "fr",
			want: []string{"Service 01", "Service 40"}},
		"paired hostile": {chart: Paired{Title: "x", SeriesLabels: [2]string{hostileScript, hostileRTL}, Rows: []PairedRow{{Label: hostileAmp, A: f(-3), B: f(9)}}},
			lang: "fr", want: []string{hostileScript, "Civil", "A & B", "-3,0", "9,0"}},
		"timeline weeks": {chart: campaignSessions(), lang: "fr", want: []string{"Sessions par semaine", "12", "02.03", "sem. 12"}},
		"timeline zero":  {chart: Timeline{Title: "Aucune"}, lang: "fr", want: []string{"Aucune", dash}},
		"timeline 60":    {chart: Timeline{Title: "Soixante semaines", Points: weeks(60)}, lang: "fr", want: []string{"Soixante semaines", "02.03"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			w := tc.w
			if w == 0 {
				w = boxW
			}
			d := drawPDF(t, tc.chart, tc.lang, w)
			for _, w := range tc.want {
				if !strings.Contains(d.text, w) {
					t.Errorf("no %q in %q", w, d.text)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(d.text, w) {
					t.Errorf("%q in %q", w, d.text)
				}
			}
			checkBox(t, d)
		})
	}
}

// The caller's colours and line width survive a chart, and its font
// family stays current.
func TestPDFKeepsState(t *testing.T) {
	pdf := newPDF()
	pdf.SetDrawColor(10, 20, 30)
	pdf.SetFillColor(40, 50, 60)
	pdf.SetTextColor(70, 80, 90)
	pdf.SetLineWidth(0.77)
	pdf.SetFont("go", "", 11)
	if _, err := PDF(pdf, 20, 20, 100, campaignConfidence(), "fr", Fonts{Family: "go", Bold: "B", Size: 9}); err != nil {
		t.Fatal(err)
	}
	if r, g, b := pdf.GetDrawColor(); r != 10 || g != 20 || b != 30 {
		t.Errorf("draw colour %d %d %d", r, g, b)
	}
	if r, g, b := pdf.GetFillColor(); r != 40 || g != 50 || b != 60 {
		t.Errorf("fill colour %d %d %d", r, g, b)
	}
	if r, g, b := pdf.GetTextColor(); r != 70 || g != 80 || b != 90 {
		t.Errorf("text colour %d %d %d", r, g, b)
	}
	if w := pdf.GetLineWidth(); w != 0.77 {
		t.Errorf("line width %v", w)
	}
	if size, _ := pdf.GetFontSize(); size != 11 {
		t.Errorf("font size %v", size)
	}
	if err := pdf.Output(&bytes.Buffer{}); err != nil {
		t.Errorf("the document no longer writes: %v", err)
	}
}

// Without Fonts, the chart takes the current family and size.
func TestPDFCurrentFont(t *testing.T) {
	pdf := newPDF()
	pdf.SetFont("go", "", 8)
	h8, err := PDFHeight(pdf, 100, campaignShare(), "fr", Fonts{})
	if err != nil {
		t.Fatal(err)
	}
	pdf.SetFont("go", "", 12)
	h12, err := PDFHeight(pdf, 100, campaignShare(), "fr", Fonts{})
	if err != nil {
		t.Fatal(err)
	}
	if !(h12 > h8*1.3) {
		t.Errorf("height %.1f at 12 pt, %.1f at 8 pt: the size is not followed", h12, h8)
	}
}

func TestPDFErrors(t *testing.T) {
	noFont := gofpdf.New("P", "mm", "A4", "")
	noFont.AddPage()
	cases := map[string]struct {
		pdf   *gofpdf.Fpdf
		w     float64
		chart Chart
		fonts Fonts
	}{
		"no document":    {nil, 100, campaignShare(), Fonts{}},
		"no font":        {noFont, 100, campaignShare(), Fonts{}},
		"unknown family": {newPDF(), 100, campaignShare(), Fonts{Family: "nope"}},
		"zero width":     {newPDF(), 0, campaignShare(), Fonts{}},
		"NaN width":      {newPDF(), math.NaN(), campaignShare(), Fonts{}},
		"nil chart":      {newPDF(), 100, nil, Fonts{}},
		"bad scale":      {newPDF(), 100, Paired{Min: 2, Max: 1}, Fonts{}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := PDF(tc.pdf, 10, 10, tc.w, tc.chart, "fr", tc.fonts); err == nil {
				t.Error("no error")
			}
		})
	}
}

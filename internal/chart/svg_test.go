package chart

import (
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// node is an XML element read back generically.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []node     `xml:",any"`
	Text    string     `xml:",chardata"`
}

func (n *node) attr(name string) (string, bool) {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

func (n *node) hasClass(c string) bool {
	v, _ := n.attr("class")
	return strings.Contains(" "+v+" ", " "+c+" ")
}

// walk calls fn on n and every element below it.
func (n *node) walk(fn func(*node)) {
	fn(n)
	for i := range n.Nodes {
		n.Nodes[i].walk(fn)
	}
}

// find returns the elements below n, n included, named name with class c
// (any class when c is empty).
func (n *node) find(name, c string) []*node {
	var out []*node
	n.walk(func(m *node) {
		if m.XMLName.Local == name && (c == "" || m.hasClass(c)) {
			out = append(out, m)
		}
	})
	return out
}

// render writes c as SVG and parses it back, failing the test on any
// error.
func render(t *testing.T, c Chart, lang string) (string, *node) {
	t.Helper()
	var b strings.Builder
	if err := SVG(&b, c, lang); err != nil {
		t.Fatalf("SVG: %v", err)
	}
	var root node
	if err := xml.Unmarshal([]byte(b.String()), &root); err != nil {
		t.Fatalf("the SVG does not parse: %v\n%s", err, b.String())
	}
	if dir := os.Getenv("CHART_KEEP"); dir != "" { // to look at the renders
		name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())
		_ = os.WriteFile(filepath.Join(dir, name+".svg"), []byte(b.String()), 0o600)
	}
	return b.String(), &root
}

// checkSVG asserts what every chart must hold: an accessible image whose
// ids are unique and resolve, with no style attribute and no script.
func checkSVG(t *testing.T, raw string, root *node, title string) {
	t.Helper()
	if root.XMLName.Local != "svg" || root.XMLName.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("root is %v", root.XMLName)
	}
	if role, _ := root.attr("role"); role != "img" {
		t.Errorf("role = %q", role)
	}
	vb, _ := root.attr("viewBox")
	fs := strings.Fields(vb)
	if len(fs) != 4 || fs[0] != "0" || fs[1] != "0" || fs[2] != "400" {
		t.Errorf("viewBox = %q", vb)
	}
	if w, _ := root.attr("width"); w != fs[2] {
		t.Errorf("width %q differs from the viewBox %q", w, vb)
	}
	if len(root.Nodes) < 2 || root.Nodes[0].XMLName.Local != "title" || root.Nodes[1].XMLName.Local != "desc" {
		t.Fatalf("the SVG does not start with <title> and <desc>")
	}
	if got := root.Nodes[0].Text; got != title {
		t.Errorf("<title> = %q, want %q", got, title)
	}
	if strings.TrimSpace(root.Nodes[1].Text) == "" {
		t.Error("empty <desc>")
	}
	ids := map[string]bool{}
	root.walk(func(n *node) {
		switch n.XMLName.Local {
		case "script", "foreignObject", "style", "a", "image":
			t.Errorf("<%s> in a chart", n.XMLName.Local)
		}
		for _, a := range n.Attrs {
			name := strings.ToLower(a.Name.Local)
			if name == "style" || strings.HasPrefix(name, "on") || name == "href" {
				t.Errorf("attribute %s=%q on <%s>", a.Name.Local, a.Value, n.XMLName.Local)
			}
			if name == "id" {
				if ids[a.Value] {
					t.Errorf("id %q twice", a.Value)
				}
				ids[a.Value] = true
			}
		}
	})
	labelled, _ := root.attr("aria-labelledby")
	for _, id := range strings.Fields(labelled) {
		if !ids[id] {
			t.Errorf("aria-labelledby names %q, which is not there", id)
		}
	}
	for _, m := range regexp.MustCompile(`url\(#([^)]*)\)`).FindAllStringSubmatch(raw, -1) {
		if !ids[m[1]] {
			t.Errorf("url(#%s) refers to no element", m[1])
		}
	}
	for _, bad := range []string{"<script", "\u202e", "\u202c", "style="} {
		if strings.Contains(raw, bad) {
			t.Errorf("the SVG contains %q", bad)
		}
	}
	checkInside(t, root)
}

// checkInside asserts, with the metrics the layout uses, that every text
// stays within the viewBox's width and that no two texts on one line
// overlap.
func checkInside(t *testing.T, root *node) {
	t.Helper()
	type span struct {
		from, to float64
		text     string
	}
	lines := map[string][]span{} // by y
	for _, n := range root.find("text", "") {
		x, _ := strconv.ParseFloat(attrOr(n, "x", "0"), 64)
		size, _ := strconv.ParseFloat(attrOr(n, "font-size", "15"), 64)
		w := estimate(n.Text, size, attrOr(n, "font-weight", "") == "700")
		left := x
		switch attrOr(n, "text-anchor", "start") {
		case "middle":
			left = x - w/2
		case "end":
			left = x - w
		}
		if left < -0.5 || left+w > svgW+0.5 {
			t.Errorf("text %q runs from %.1f to %.1f, outside 0–%v", n.Text, left, left+w, svgW)
		}
		y := attrOr(n, "y", "0")
		for _, o := range lines[y] {
			if left < o.to && o.from < left+w {
				t.Errorf("texts %q and %q overlap at y=%s", o.text, n.Text, y)
			}
		}
		lines[y] = append(lines[y], span{left, left + w, n.Text})
	}
}

func attrOr(n *node, name, def string) string {
	if v, ok := n.attr(name); ok {
		return v
	}
	return def
}

// texts returns the content of every <text> element.
func texts(root *node) map[string]bool {
	out := map[string]bool{}
	for _, n := range root.find("text", "") {
		out[n.Text] = true
	}
	return out
}

func TestSVG(t *testing.T) {
	many := services(40)
	long := Bars{Title: "Long", Rows: []BarRow{{Label: longLabel, Value: f(0.5)}}}
	cases := map[string]struct {
		chart Chart
		lang  string
		title string
		rows  int      // g.chart-row elements
		bars  int      // rect.chart-bar elements: one per value, none for nil
		want  []string // whole <text> contents
		desc  []string // substrings of <desc>
	}{
		"bars zero rows": {chart: Bars{Title: "Aucun service"}, lang: "fr", title: "Aucun service", want: []string{dash}},
		"bars one row": {chart: Bars{Title: "Part formée", Rows: []BarRow{{Label: "Finances", Value: f(12.0 / 41), Note: "12 / 41"}}},
			lang: "fr", title: "Part formée", rows: 1, bars: 1,
			want: []string{"Finances", "29\u202f% (12 / 41)"}, desc: []string{"Finances\u00a0: 29\u202f% (12 / 41)"}},
		"bars nil zero full": {chart: campaignShare(), lang: "fr", title: "Part des collaborateurs formés par service", rows: 5, bars: 4,
			want: []string{"Écoles et jeunesse", "0\u202f% (0 / 9)", "100\u202f% (6 / 6)", "80\u202f% (4 / 5)", dash, "Sans service"},
			desc: []string{"Sans service\u00a0: –", "Travaux\u00a0: 0\u202f%"}},
		"bars 40 services": {chart: Bars{Title: "40", Rows: many}, lang: "fr", title: "40", rows: 40, bars: 40,
			want: []string{"0\u202f% (0 / 39)", "100\u202f% (39 / 39)", "Service 40 xxxx"}},
		"bars hostile labels": {chart: Bars{Title: "<b>Titre</b> & co", Unit: Count, Rows: []BarRow{
			{Label: hostileScript, Value: f(3)}, {Label: hostileAmp, Value: f(1234)}, {Label: hostileQuotes, Value: f(0)},
			{Label: hostileRTL, Value: f(2), Note: "<i>"}}},
			lang: "fr", title: "<b>Titre</b> & co", rows: 4, bars: 4,
			want: []string{hostileScript, hostileAmp, hostileQuotes, "Civil", "1\u202f234", "2 (<i>)"}},
		"bars very long label": {chart: long, lang: "fr", title: "Long", rows: 1, bars: 1, want: []string{"50\u202f%"}},
		"bars german values": {chart: Bars{Title: "Nutzen", Unit: Value, Max: 5, Rows: []BarRow{{Label: "Schulen", Value: f(3.84)}, {Label: "Bau", Value: f(5)}}},
			lang: "de", title: "Nutzen", rows: 2, bars: 2, want: []string{"3.8", "5.0"}, desc: []string{"Schulen: 3.8"}},
		"bars german percent": {chart: Bars{Title: "Anteil", Rows: []BarRow{{Label: "Schulen", Value: f(0.42)}}},
			lang: "de", title: "Anteil", rows: 1, bars: 1, want: []string{"42\u202f%"}},
		"bars value over max": {chart: Bars{Title: "Over", Unit: Value, Max: 5, Rows: []BarRow{{Label: "A", Value: f(7)}, {Label: "B", Value: f(-1)}}},
			lang: "fr", title: "Over", rows: 2, bars: 2, want: []string{"7,0", "-1,0"}},
		"paired campaign": {chart: campaignConfidence(), lang: "fr", title: "Confiance avant et après la formation (1 à 5)", rows: 4, bars: 5,
			want: []string{"avant", "après", "2,1", "3,8", "1,0", "5,0", "2,5", dash, "1", "5"},
			desc: []string{"Écoles et jeunesse\u00a0: avant 2,1, après 3,8", "Sans réponse\u00a0: avant –, après –"}},
		"paired german": {chart: Paired{Title: "Kompetenz", SeriesLabels: [2]string{"vorher", "nachher"}, Rows: []PairedRow{{Label: "Schulen", A: f(2.25), B: f(4)}}},
			lang: "de", title: "Kompetenz", rows: 1, bars: 2, want: []string{"vorher", "nachher", "2.3", "4.0"}},
		"paired zero rows":   {chart: Paired{Title: "Rien", SeriesLabels: [2]string{"avant", "après"}}, lang: "fr", title: "Rien", want: []string{dash, "avant"}},
		"paired 40 services": {chart: Paired{Title: "40", Rows: pairs(40)}, lang: "fr", title: "40", rows: 40, bars: 80},
		"paired other scale": {chart: Paired{Title: "0–100", Min: 0, Max: 100, Rows: []PairedRow{{Label: hostileScript, A: f(12.5), B: f(80)}}},
			lang: "fr", title: "0–100", rows: 1, bars: 2, want: []string{"12,5", "80,0", "0", "25", "100", hostileScript}},
		"timeline weeks": {chart: campaignSessions(), lang: "fr", title: "Sessions par semaine", rows: 8, bars: 8,
			want: []string{"02.03", "12", "0", "sem. 12"}, desc: []string{"02.03\u00a0: 0", "sem. 12\u00a0: 4", "06.04\u00a0: 12"}},
		"timeline zero points": {chart: Timeline{Title: "Aucune"}, lang: "de", title: "Aucune", want: []string{dash}},
		"timeline one point":   {chart: Timeline{Title: "Une", Points: []TimePoint{{Label: "mars", Count: 3}}}, lang: "fr", title: "Une", rows: 1, bars: 1, want: []string{"mars", "3"}},
		"timeline 60 weeks":    {chart: Timeline{Title: "60", Points: weeks(60)}, lang: "fr", title: "60", rows: 60, bars: 60},
		"timeline crowded":     {chart: Timeline{Title: "Dense", Points: crowded(200)}, lang: "fr", title: "Dense", rows: 200, bars: 200, want: []string{"1\u202f234"}},
		"pointer chart":        {chart: &Bars{Title: "Ptr", Rows: []BarRow{{Label: "A", Value: f(1)}}}, lang: "fr", title: "Ptr", rows: 1, bars: 1},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			raw, root := render(t, tc.chart, tc.lang)
			checkSVG(t, raw, root, tc.title)
			if got := len(root.find("g", "chart-row")); got != tc.rows {
				t.Errorf("%d rows, want %d", got, tc.rows)
			}
			if got := len(root.find("rect", "chart-bar")); got != tc.bars {
				t.Errorf("%d bars, want %d", got, tc.bars)
			}
			have := texts(root)
			for _, w := range tc.want {
				if !have[w] {
					t.Errorf("no text %q among %q", w, keys(have))
				}
			}
			for _, d := range tc.desc {
				if !strings.Contains(root.Nodes[1].Text, d) {
					t.Errorf("<desc> lacks %q: %q", d, root.Nodes[1].Text)
				}
			}
		})
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Each row's bar shows its number: the value text of a row follows its bar.
func TestSVGNumbersBesideBars(t *testing.T) {
	_, root := render(t, campaignShare(), "fr")
	for _, row := range root.find("g", "chart-row") {
		bars, vals := row.find("rect", "chart-bar"), row.find("text", "chart-value")
		if len(vals) != 1 {
			t.Fatalf("row has %d numbers", len(vals))
		}
		end := 0.0
		if len(bars) == 1 {
			x, _ := strconv.ParseFloat(attrOr(bars[0], "x", "0"), 64)
			w, _ := strconv.ParseFloat(attrOr(bars[0], "width", "0"), 64)
			end = x + w
		}
		x, _ := strconv.ParseFloat(attrOr(vals[0], "x", "0"), 64)
		if d := x - end; d < 0 || d > 2*svgGap {
			t.Errorf("number %q at %.1f, bar ends at %.1f", vals[0].Text, x, end)
		}
	}
}

// A cut label keeps its full text in the row's <title>, the tooltip.
func TestSVGLongLabel(t *testing.T) {
	_, root := render(t, Bars{Title: "Long", Rows: []BarRow{{Label: longLabel, Value: f(0.5)}, {Label: "Court", Value: f(0.2)}}}, "fr")
	rows := root.find("g", "chart-row")
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	tips := rows[0].find("title", "")
	if len(tips) != 1 || tips[0].Text != longLabel {
		t.Errorf("tooltip %v, want the full label", tips)
	}
	lines := rows[0].find("text", "chart-label")
	if len(lines) != 2 || !strings.HasSuffix(lines[1].Text, ellipsis) {
		t.Errorf("label lines %v, want two, the last cut", lines)
	}
	if len(rows[1].find("title", "")) != 0 {
		t.Error("an uncut label has a tooltip")
	}
}

// Two charts on one page share no id, so that neither takes the other's
// hatching (the HTML page is one document).
func TestSVGIDsUniqueOnAPage(t *testing.T) {
	var page strings.Builder
	page.WriteString("<div>")
	for range 2 {
		if err := SVG(&page, campaignConfidence(), "fr"); err != nil {
			t.Fatal(err)
		}
	}
	page.WriteString("</div>")
	var root node
	if err := xml.Unmarshal([]byte(page.String()), &root); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	root.walk(func(n *node) {
		if id, ok := n.attr("id"); ok {
			if seen[id] {
				t.Errorf("id %q in both charts", id)
			}
			seen[id] = true
		}
	})
	if len(seen) != 6 {
		t.Errorf("%d ids, want 3 per chart", len(seen))
	}
}

func TestSVGErrors(t *testing.T) {
	var nilBars *Bars
	cases := map[string]Chart{
		"nil":            nil,
		"nil pointer":    nilBars,
		"bad unit":       Bars{Unit: 7},
		"negative max":   Bars{Max: -1},
		"reversed scale": Paired{Min: 5, Max: 1},
		"flat scale":     Paired{Min: 3, Max: 3},
		"too many rows":  Bars{Rows: make([]BarRow, maxRows+1)},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var b strings.Builder
			if err := SVG(&b, c, "fr"); err == nil {
				t.Errorf("no error")
			}
			if b.Len() != 0 {
				t.Errorf("wrote %d bytes on error", b.Len())
			}
		})
	}
}

func TestHTML(t *testing.T) {
	h, err := HTML(Bars{Title: hostileScript, Rows: []BarRow{{Label: hostileScript, Value: f(1)}}}, "fr")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(h), "<script") || !strings.Contains(string(h), "&lt;script&gt;") {
		t.Errorf("markup not escaped: %s", h)
	}
}

// ExampleSVG shows the chart of the share trained per service.
func ExampleSVG() {
	v := 0.42
	var b strings.Builder
	_ = SVG(&b, Bars{Title: "Part formée", Rows: []BarRow{{Label: "Finances", Value: &v, Note: "5 / 12"}}}, "fr")
	fmt.Println(strings.Contains(b.String(), `role="img"`), strings.Contains(b.String(), "42\u202f% (5 / 12)"))
	// Output: true true
}

// Half a year of weeks keeps every count; beyond, counts that would touch
// are left out and the column tells its count in its tooltip.
func TestSVGTimelineCounts(t *testing.T) {
	cases := map[string]struct {
		points []TimePoint
		all    bool
	}{
		"26 weeks":         {weeks(26), true},
		"52 weeks":         {weeks(52), false},
		"200 large counts": {crowded(200), false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, root := render(t, Timeline{Title: name, Points: tc.points}, "fr")
			rows := root.find("g", "chart-row")
			written := 0
			for _, row := range rows {
				if len(row.find("text", "chart-value")) == 1 {
					written++
				} else if tips := row.find("title", ""); len(tips) != 1 || !strings.Contains(tips[0].Text, "\u00a0: ") {
					t.Errorf("a column without its count has no tooltip: %v", tips)
				}
			}
			if tc.all && written != len(tc.points) {
				t.Errorf("%d counts for %d columns", written, len(tc.points))
			}
			if written == 0 {
				t.Error("no count at all")
			}
		})
	}
}

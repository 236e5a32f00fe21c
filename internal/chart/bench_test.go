package chart

import (
	"io"
	"testing"
)

// A report of a large commune: 40 services, in both outputs.

// forty returns the charts of a report of 40 services.
func forty() map[string]Chart {
	return map[string]Chart{
		"bars":   Bars{Title: "Part formée par service", Rows: services(40)},
		"paired": Paired{Title: "Confiance avant et après", SeriesLabels: [2]string{"avant", "après"}, Rows: pairs(40)},
	}
}

func BenchmarkSVG40(b *testing.B) {
	for name, c := range forty() {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := SVG(io.Discard, c, "fr"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPDF40(b *testing.B) {
	fonts := goFonts(b)
	for name, c := range forty() {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			// One document, a page per drawing: the font parse of a new
			// document is the caller's cost, not the chart's.
			pdf := newPDF()
			for b.Loop() {
				pdf.AddPage()
				if _, err := PDF(pdf, 18, 18, 174, c, "fr", fonts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

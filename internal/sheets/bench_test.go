package sheets

import (
	"fmt"
	"io"
	"testing"

	"github.com/jung-kurt/gofpdf"
	"golang.org/x/image/font/gofont/goregular"
)

// The three benchmarks run side by side so the packs compare to the floor:
// a one-page PDF with one embedded Go font and one line of text.

func BenchmarkFloor(b *testing.B) {
	for b.Loop() {
		pdf := gofpdf.New("P", "mm", "A4", "")
		pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
		pdf.AddPage()
		pdf.SetFont("go", "", 11)
		pdf.Text(20, 20, "Journée des cadres : « oui »")
		if err := pdf.Output(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTrainerPack6(b *testing.B) {
	k, c := fixtures(b)
	f, exs := sixExercises(b, c)
	s := sessionFR()
	for b.Loop() {
		if err := k.ExerciseSheets(io.Discard, f, exs, VariantTrainer, &s, "fr"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSignIn40(b *testing.B) {
	k, _ := fixtures(b)
	s := sessionFR()
	people := make([]Participant, 40)
	for i := range people {
		people[i] = Participant{Name: fmt.Sprintf("Personne %02d Exemple", 40-i), Department: "Service de l’urbanisme", Role: "staff"}
	}
	for b.Loop() {
		if err := k.SignInSheet(io.Discard, s, people); err != nil {
			b.Fatal(err)
		}
	}
}

package sheets

import (
	"bytes"
	"fmt"
	"testing"
)

// TestStreamCompressor: written to its reader as gofpdf writes it, in
// pieces of any size, a document comes out byte for byte as compressing it
// whole does (compressStreams, which the kit used before): streams
// compressed, the cross-reference table pointing at the new offsets.
func TestStreamCompressor(t *testing.T) {
	k, c := fixtures(t)
	k.raw = true
	f, exs := sixExercises(t, c)
	s := sessionFR()
	people := []Participant{{Name: "Élodie Jacquier"}, {Name: "Stéphane Zufferey"}}
	docs := map[string]func(*bytes.Buffer) error{
		"exercises":    func(b *bytes.Buffer) error { return k.ExerciseSheets(b, f, exs, VariantTrainer, &s, "fr") },
		"sign-in":      func(b *bytes.Buffer) error { return k.SignInSheet(b, s, people) },
		"certificates": func(b *bytes.Buffer) error { return k.Certificates(b, s, f, people) },
		"programme":    func(b *bytes.Buffer) error { return k.Programme(b, s, f) },
	}
	for name, draw := range docs {
		var raw bytes.Buffer
		if err := draw(&raw); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want, err := recompress(raw.Bytes())
		if err != nil || len(want) >= raw.Len() {
			t.Fatalf("%s: the reference did not compress (%v): %d → %d bytes", name, err, raw.Len(), len(want))
		}
		for _, size := range []int{1, 7, 1000, 4096, raw.Len()} {
			var got bytes.Buffer
			sc := newStreamCompressor(&got)
			for p := raw.Bytes(); len(p) > 0; {
				n := min(size, len(p))
				if _, err := sc.Write(p[:n]); err != nil {
					t.Fatalf("%s in pieces of %d: %v", name, size, err)
				}
				p = p[n:]
			}
			if err := sc.Close(); err != nil {
				t.Fatalf("%s in pieces of %d: %v", name, size, err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("%s in pieces of %d: %d bytes, want %d as compressed whole", name, size, got.Len(), len(want))
			}
		}
	}
}

// TestStreamCompressorRefuses: what gofpdf does not write is an error, not
// a broken document.
func TestStreamCompressorRefuses(t *testing.T) {
	for name, pdf := range map[string]string{
		"no xref":         "%PDF-1.3\n1 0 obj\n<</Length 3>>\nstream\nabc\nendstream\nendobj\n",
		"short stream":    "%PDF-1.3\n1 0 obj\n<</Length 9>>\nstream\nabc\nendstream\nendobj\nxref\n0 2\n",
		"indirect length": "%PDF-1.3\n1 0 obj\n<</Length 2 0 R>>\nstream\nabc\nendstream\nendobj\nxref\n0 2\n",
		"xref too short":  "%PDF-1.3\n1 0 obj\n<</Type /Catalog>>\nendobj\nxref\n0 3\n0000000000 65535 f \n",
	} {
		sc := newStreamCompressor(&bytes.Buffer{})
		_, err := fmt.Fprint(sc, pdf)
		if err == nil {
			err = sc.Close()
		}
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

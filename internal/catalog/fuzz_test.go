package catalog

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzLoad throws any format file and any exercise file at the loader, on
// an in-memory folder: it never panics, and whatever it refuses comes as
// Problems that each name one of the files (or folders) and a line inside
// it, as `atelier catalog validate` prints them.
func FuzzLoad(f *testing.F) {
	f.Add(goodFormat, goodExercise)
	f.Add(strings.Replace(goodFormat, "trainer: internal\n", "trainer: internal\ncolour: blue\n", 1), goodExercise)
	f.Add(goodFormat, "slug: ex-one\nminutes: [20\n")
	f.Add(goodFormat+"---\nslug: again\n", goodExercise)
	f.Add("", "")
	f.Add("- a\n- b\n", "just a string")
	f.Add("slug: &a fmt-one\ntitle: *a\nexercises: [*a, *a]\n", goodExercise)
	f.Add("slug: fmt-one\nagenda:\n  - {minutes: 30, title: x, kind: talk}\n  - minutes: 1e9\n", "slug: ex-one\nsteps: !!map {}\n")
	f.Add("\tslug: fmt-one\n", "slug: ex-one\n  minutes: 3\n")
	f.Add("%YAML 1.2\n---\nslug: fmt-one\n", "!<tag:x> {}\n")
	f.Fuzz(func(t *testing.T, format, exercise string) {
		files := map[string]string{"formats/fmt-one.yaml": format, "exercises/ex-one.yaml": exercise}
		fsys := fstest.MapFS{}
		for name, data := range files {
			fsys[name] = &fstest.MapFile{Data: []byte(data)}
		}
		c, err := Load(fsys)
		if err == nil {
			if _, ok := c.Format("fmt-one"); !ok {
				t.Fatal("valid catalogue without its format")
			}
			return
		}
		var problems Problems
		if !errors.As(err, &problems) || len(problems) == 0 {
			t.Fatalf("error is not Problems: %v", err)
		}
		for _, p := range problems {
			data, isFile := files[p.File]
			switch {
			case isFile:
				if lines := lineCount([]byte(data)); p.Line < 1 || p.Line > lines {
					t.Errorf("%s: line %d outside the file's %d lines", p, p.Line, lines)
				}
			case p.File == formatsDir || p.File == exercisesDir:
			default:
				t.Errorf("%s: names no file of the catalogue", p)
			}
			if strings.TrimSpace(p.Message) == "" || !strings.HasPrefix(p.String(), p.File+":") {
				t.Errorf("problem without a message: %q", p)
			}
		}
	})
}

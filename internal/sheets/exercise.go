package sheets

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/i18n"
)

// ExerciseSheets writes one sheet per exercise of format f for variant v,
// in lang. A trainer's sheet adds the timings, trainer notes, pitfalls and
// material; a participant's never holds them. s, when not nil nor zero, puts
// the session's commune, date and place in each sheet's header.
func (k *Kit) ExerciseSheets(w io.Writer, f *catalog.Format, exs []*catalog.Exercise, v Variant, s *Session, lang string) (err error) {
	defer recoverTo(&err)
	if f == nil {
		return errors.New("sheets: no format")
	}
	if len(exs) == 0 {
		return errors.New("sheets: no exercise")
	}
	if _, ok := ParseVariant(string(v)); !ok {
		return fmt.Errorf("sheets: unknown variant %q", v)
	}
	for i, e := range exs {
		if e == nil {
			return fmt.Errorf("sheets: exercise %d is nil", i)
		}
	}
	if s != nil && s.IsZero() {
		s = nil
	}
	d := k.newDoc(lang, "P", faceRegular, faceBold, faceMono)
	d.pdf.SetTitle(f.Localized(d.lang).Title, true)
	for _, e := range exs {
		d.exerciseSheet(f, e, v, s)
	}
	return d.finish(w)
}

// exerciseSheet writes one exercise's sheet as a part of its own.
func (d *doc) exerciseSheet(f *catalog.Format, e *catalog.Exercise, v Variant, s *Session) {
	format := d.line(f.Localized(d.lang).Title)
	ex := e.Localized(d.lang)
	title := d.line(ex.Title)
	trainer := v == VariantTrainer
	badge := d.t("pdf.variant." + string(v))

	footer := format
	if s != nil && s.Commune != "" {
		footer = d.line(s.Commune) + " · " + format
	}
	first := true
	d.startPart(footer, func() {
		if first {
			first = false
			d.sheetHeader(format, title, badge, trainer, e.Minutes, s)
			return
		}
		d.runningHeader(title, badge, trainer)
	})

	d.heading(d.t("pdf.ex.objective"), colAccent, 2*stBody().lineHeight())
	d.flow(d.wrap(d.para(ex.Objective), d.contentW(), stBody()), d.left, stBody())

	d.heading(d.t("pdf.ex.scenario"), colAccent, 2*stBody().lineHeight())
	d.flow(d.wrap(d.para(ex.Scenario), d.contentW(), stBody()), d.left, stBody())

	if len(ex.Steps) > 0 {
		d.heading(d.t("pdf.ex.steps"), colAccent, 2*stBody().lineHeight())
		for i, st := range ex.Steps {
			note := ""
			if trainer && st.Minutes > 0 {
				note = i18n.Duration(st.Minutes)
			}
			d.item(d.numbered(i+1), 8, d.para(st.Text), stBody(), note)
		}
	}

	if len(ex.Prompts) > 0 {
		// Keep the heading with its hint and the start of the first box.
		d.heading(d.t("pdf.ex.prompts"), colAccent, 42)
		d.flow(d.wrap(d.t("pdf.ex.prompts_hint"), d.contentW(), stSmall()), d.left, stSmall())
		for _, p := range ex.Prompts {
			d.promptBox(d.line(p.Label), d.para(p.Text))
		}
	}

	if len(ex.Questions) > 0 {
		d.heading(d.t("pdf.ex.questions"), colAccent, 2*stBody().lineHeight())
		for _, q := range ex.Questions {
			d.item(d.bullet(colAccent), 6, d.para(q), stBody(), "")
		}
	}

	if len(ex.Rules) > 0 {
		d.heading(d.t("pdf.ex.rules"), colAccent, 3*stBody().lineHeight())
		d.flow(d.wrap(d.t("pdf.ex.rules_hint"), d.contentW(), stSmall()), d.left, stSmall())
		d.y += 1
		for _, r := range ex.Rules {
			d.item(d.checkbox(), 7.5, d.para(r), stBody(), "")
		}
	}

	if trainer {
		for _, sec := range []struct {
			key   string
			items []string
		}{
			{"pdf.ex.trainer_notes", ex.TrainerNotes},
			{"pdf.ex.pitfalls", ex.Pitfalls},
			{"pdf.ex.material", ex.Material},
		} {
			if len(sec.items) == 0 {
				continue
			}
			d.heading(d.t(sec.key), colTrainer, 2*stBody().lineHeight())
			for _, it := range sec.items {
				d.item(d.bullet(colTrainer), 6, d.para(it), stBody(), "")
			}
		}
	}

	d.heading(d.t("pdf.ex.notes"), colAccent, 3*writingGap)
	d.writingLines(3)
}

// sheetHeader opens an exercise sheet: the format, the exercise's title,
// who the sheet is for, and the duration and session.
func (d *doc) sheetHeader(format, title, badge string, trainer bool, minutes int, s *Session) {
	badgeW := d.badge(badge, trainer, d.y)
	small := stSmall()
	small.size = 10
	lines := d.wrapMax(format, d.contentW()-badgeW-6, small, 2)
	d.flow(lines, d.left, small)
	d.y += 1.5
	d.flow(d.wrapMax(title, d.contentW(), stTitle(), 3), d.left, stTitle())
	d.y += 2.5

	rows := []metaRow{{d.t("pdf.ex.duration"), i18n.Duration(minutes)}}
	if s != nil {
		if s.Commune != "" {
			rows = append(rows, metaRow{d.t("pdf.session.commune"), d.line(s.Commune)})
		}
		if !s.Start.IsZero() {
			rows = append(rows, metaRow{d.t("pdf.session.date"), d.when(*s)})
		}
		if s.Place != "" {
			rows = append(rows, metaRow{d.t("pdf.session.place"), d.line(s.Place)})
		}
	}
	d.metaBox(rows, 2)
	d.y += 1
}

// runningHeader opens the continuation pages of an exercise sheet.
func (d *doc) runningHeader(title, badge string, trainer bool) {
	badgeW := d.badge(badge, trainer, d.y)
	st := stSmall()
	d.text(d.left, d.y+4, st, d.fit(title, d.contentW()-badgeW-6, st))
	d.y += 7
	d.hline(d.left, d.pageW-d.right, d.y, 0.3, colRule)
	d.y += 2
}

// badge draws who the sheet is for at the top right and returns its width.
func (d *doc) badge(label string, trainer bool, y float64) float64 {
	st := style{face: faceBold, size: 8.5, color: colWhite}
	label = strings.ToUpper(label)
	w := d.measure(st, label) + 6
	col := colAccent
	if trainer {
		col = colTrainer
	}
	d.fill(col)
	d.pdf.Rect(d.pageW-d.right-w, y, w, 5.6, "F")
	d.text(d.pageW-d.right-w+3, y+3.9, st, label)
	return w
}

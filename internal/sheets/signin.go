package sheets

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/tz"
)

const (
	signInRowH    = 13.0 // tall enough to sign in
	minBlankRows  = 3    // rows left for people who come without booking
	maxSessionDay = 31   // more days than any session can have
)

// signInCols are the columns of the sign-in table, widths in millimetres
// (summing to the A4 portrait content width).
func signInCols() [5]float64 { return [5]float64{10, 50, 36, 36, 42} }

// SignInSheet writes the sign-in sheet of a session: the booked people
// sorted by name with room to sign, then blank rows for walk-ins. A session
// over several days gets one sheet per day.
func (k *Kit) SignInSheet(w io.Writer, s Session, people []Participant) (err error) {
	defer recoverTo(&err)
	days, err := sessionDays(s)
	if err != nil {
		return err
	}
	d := k.newDoc(s.Language, "P", faceBold)
	sorted := slices.Clone(people)
	slices.SortStableFunc(sorted, func(a, b Participant) int {
		if c := strings.Compare(sortKey(a.Name), sortKey(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	d.pdf.SetTitle(d.t("pdf.signin.title")+" · "+d.line(s.Title), true)
	for i, day := range days {
		d.signInDay(s, sorted, day, i+1, len(days))
	}
	return d.finish(w)
}

// sessionDays lists the calendar days in Europe/Zurich a session runs on:
// one day (possibly the zero time, when the session has no date) or each
// day from its start to its end.
func sessionDays(s Session) ([]time.Time, error) {
	if s.Start.IsZero() {
		return []time.Time{{}}, nil
	}
	start, end := tz.In(s.Start), tz.In(s.End)
	day := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, tz.Zurich)
	days := []time.Time{day}
	if s.End.IsZero() || !end.After(start) {
		return days, nil
	}
	last := end.Add(-time.Nanosecond) // a session ending at midnight ends the day before
	for {
		day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, tz.Zurich)
		if day.After(last) {
			return days, nil
		}
		if len(days) == maxSessionDay {
			return nil, fmt.Errorf("sheets: a session of more than %d days", maxSessionDay)
		}
		days = append(days, day)
	}
}

// signInDay writes the pages of one day: every person, then blank rows to
// the end of the page (at least minBlankRows).
func (d *doc) signInDay(s Session, people []Participant, day time.Time, n, of int) {
	title := d.t("pdf.signin.title")
	if !day.IsZero() {
		title += " · " + upperFirst(i18n.Date(d.lang, day))
	}
	if of > 1 {
		title += " · " + d.t("pdf.signin.day", n, of)
	}
	footer := d.line(s.Title)
	if s.Commune != "" {
		footer = d.line(s.Commune) + " · " + footer
	}
	rows := []metaRow{}
	if s.Commune != "" {
		rows = append(rows, metaRow{d.t("pdf.session.commune"), d.line(s.Commune)})
	}
	if day.IsZero() {
		rows = append(rows, metaRow{d.t("pdf.session.date"), ""})
	} else {
		rows = append(rows, metaRow{d.t("pdf.session.date"), d.when(s)})
	}
	if s.Place != "" {
		rows = append(rows, metaRow{d.t("pdf.session.place"), d.line(s.Place)})
	}
	if names := d.trainerNames(s.Trainers); names != "" {
		rows = append(rows, metaRow{d.t("pdf.session.trainers"), names})
	}
	rows = append(rows, metaRow{d.t("pdf.signin.booked"), strconv.Itoa(len(people))})

	d.startPart(footer, func() {
		st := stTitle()
		st.size = 16
		d.flow(d.wrapMax(d.line(title), d.contentW(), st, 2), d.left, st)
		sub := stHeading()
		sub.size = 12
		d.flow(d.wrapMax(d.line(s.Title), d.contentW(), sub, 2), d.left, sub)
		d.y += 2
		d.metaBox(rows, 2)
		d.y += 4
		d.signInHead()
	})
	for i, p := range people {
		d.ensure(signInRowH)
		d.signInRow(i+1, &p)
	}
	blank := int(math.Floor((d.room() + 0.01) / signInRowH))
	if blank < minBlankRows {
		d.newPage()
		blank = int(math.Floor((d.room() + 0.01) / signInRowH))
	}
	for i := range blank {
		d.signInRow(len(people)+i+1, nil)
	}
}

// signInHead writes the table's header row.
func (d *doc) signInHead() {
	cols := signInCols()
	labels := [5]string{d.t("pdf.signin.col.no"), d.t("pdf.signin.col.name"), d.t("pdf.signin.col.department"), d.t("pdf.signin.col.role"), d.t("pdf.signin.col.signature")}
	st := style{faceBold, 9.5, colWhite, 1.3}
	const h = 8
	d.fill(colAccent)
	d.pdf.Rect(d.left, d.y, d.contentW(), h, "F")
	x := d.left
	for i, l := range labels {
		d.text(x+1.8, d.y+h/2+1.2, st, d.fit(l, cols[i]-3, st))
		x += cols[i]
	}
	d.y += h
}

// signInRow writes one row of the table; p nil is a blank row.
func (d *doc) signInRow(n int, p *Participant) {
	cols := signInCols()
	top := d.y
	x := d.left
	num := stSmall()
	d.textRight(x+cols[0]-2, top+signInRowH/2+1.2, num, strconv.Itoa(n))
	x += cols[0]
	if p != nil {
		name := stBody()
		small := stBody()
		small.size = 9.5
		small.leading = 1.25
		d.cellText(x, top, cols[1], d.line(p.Name), name, small)
		x += cols[1]
		d.cellText(x, top, cols[2], d.line(p.Department), small, small)
		x += cols[2]
		d.cellText(x, top, cols[3], d.role(p.Role), small, small)
	}
	d.stroke(colRule)
	d.pdf.SetLineWidth(0.25)
	d.pdf.Line(d.left, top+signInRowH, d.pageW-d.right, top+signInRowH)
	x = d.left
	for i := range cols {
		d.pdf.Line(x, top, x, top+signInRowH)
		x += cols[i]
	}
	d.pdf.Line(x, top, x, top+signInRowH)
	d.y += signInRowH
}

// cellText writes s centred vertically in a table cell: on one line in
// style one if it fits, else on at most two lines in style two.
func (d *doc) cellText(x, top, w float64, s string, one, two style) {
	w -= 3.5
	var lines []string
	st := one
	if d.measure(one, s) <= w {
		lines = []string{s}
	} else {
		st = two
		lines = d.wrapMax(s, w, two, 2)
	}
	lh := st.lineHeight()
	y := top + (signInRowH-float64(len(lines))*lh)/2
	for _, l := range lines {
		d.text(x+1.8, y+st.baseline(), st, l)
		y += lh
	}
}

// role translates a person role key; an unknown one prints as given.
func (d *doc) role(key string) string {
	if key == "" {
		return ""
	}
	if k := "pdf.role." + key; d.k.tr.Has(k) {
		return d.t(k)
	}
	return d.line(key)
}

// trainerNames joins the trainers' names.
func (d *doc) trainerNames(names []string) string {
	var out []string
	for _, n := range names {
		if n = strings.TrimSpace(d.line(n)); n != "" {
			out = append(out, n)
		}
	}
	return strings.Join(out, ", ")
}

// upperFirst capitalises the first letter of s.
func upperFirst(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}

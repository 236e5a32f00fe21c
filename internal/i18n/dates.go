package i18n

import (
	"fmt"
	"time"
)

var (
	weekdaysFR = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	monthsFR   = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
	weekdaysDE = [...]string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"}
	monthsDE   = [...]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"}
)

// Date writes a day out: "mardi 10 mars 2026" / "Dienstag, 10. März 2026".
// t should already be in the zone to show.
func Date(lang string, t time.Time) string {
	if Normalize(lang) == "de" {
		return fmt.Sprintf("%s, %d. %s %d", weekdaysDE[t.Weekday()], t.Day(), monthsDE[t.Month()-1], t.Year())
	}
	day := fmt.Sprint(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return fmt.Sprintf("%s %s %s %d", weekdaysFR[t.Weekday()], day, monthsFR[t.Month()-1], t.Year())
}

// ShortDate writes "10.03.2026", the Swiss numeric form in both languages.
func ShortDate(t time.Time) string { return t.Format("02.01.2006") }

// Clock writes a time of day: "13 h 30" / "13.30".
func Clock(lang string, t time.Time) string {
	if Normalize(lang) == "de" {
		return t.Format("15.04")
	}
	return fmt.Sprintf("%d h %02d", t.Hour(), t.Minute())
}

// DateRange writes a session's time: "mardi 10 mars 2026, 13 h 30 – 15 h 30"
// / "Dienstag, 10. März 2026, 13.30–15.30 Uhr"; a range over several days
// names both days. start and end should be in the zone to show.
func DateRange(lang string, start, end time.Time) string {
	sameDay := start.Year() == end.Year() && start.YearDay() == end.YearDay()
	if Normalize(lang) == "de" {
		if sameDay {
			return fmt.Sprintf("%s, %s–%s Uhr", Date(lang, start), Clock(lang, start), Clock(lang, end))
		}
		return fmt.Sprintf("%s, %s Uhr – %s, %s Uhr", Date(lang, start), Clock(lang, start), Date(lang, end), Clock(lang, end))
	}
	if sameDay {
		return fmt.Sprintf("%s, %s – %s", Date(lang, start), Clock(lang, start), Clock(lang, end))
	}
	return fmt.Sprintf("%s, %s – %s, %s", Date(lang, start), Clock(lang, start), Date(lang, end), Clock(lang, end))
}

// Duration writes minutes as "2 h", "1 h 30", "45 min" (same in both languages).
func Duration(minutes int) string {
	h, m := minutes/60, minutes%60
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %02d", h, m)
}

// Package tz holds Europe/Zurich, the zone every time is shown in. The
// binary embeds the zone database, so it does not depend on the host's.
package tz

import (
	"time"
	_ "time/tzdata" // embed the zone database
)

// Zurich is Europe/Zurich; it never changes after start.
var Zurich = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Zurich")
	if err != nil {
		panic("tz: " + err.Error())
	}
	return loc
}()

// In converts t to Europe/Zurich.
func In(t time.Time) time.Time { return t.In(Zurich) }

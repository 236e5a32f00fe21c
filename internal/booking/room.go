package booking

import (
	"context"
	"strings"
	"time"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/clean"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

// A room is taken by a session of the same commune at the same place (the
// same location name, room and address, compared without regard to case
// or repeated spaces) that is not cancelled and overlaps in time; a session
// ending at 12:00 leaves the room free for one starting at 12:00. Every
// scheduling (create, or a change of time or place) is refused while the
// room is taken, unless the request allows the overlap explicitly (two
// groups sharing a large hall, a session recorded after the fact).

// roomReader is what checking a room reads.
type roomReader interface {
	LockOrg(ctx context.Context, id int64) (*store.Org, error)
	SessionsBetween(ctx context.Context, orgID int64, from, to time.Time) ([]store.Session, error)
}

// Holds reports whether session s takes place in the room l names.
func (l Location) Holds(s *store.Session) bool {
	return roomKey(l.Name, l.Room, l.Address) == roomKey(s.LocationName, s.LocationRoom, s.LocationAddress)
}

// roomKey is the comparable form of a place.
func roomKey(name, room, address string) string {
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(clean.Line(s)), " ")) }
	return norm(name) + "\x00" + norm(room) + "\x00" + norm(address)
}

// CleanLocation cleans a place as a session's (the same limits), recording
// what is wrong in v under location.name, location.address and
// location.room.
func CleanLocation(v *apperr.Validation, l Location) Location {
	return Location{
		Name:    line(v, "location.name", l.Name, 200, true),
		Address: line(v, "location.address", l.Address, 300, false),
		Room:    line(v, "location.room", l.Room, 100, false),
	}
}

// locationOf is the place of a session.
func locationOf(s *store.Session) Location {
	return Location{Name: s.LocationName, Address: s.LocationAddress, Room: s.LocationRoom}
}

// RoomBusy lists the live sessions of commune orgID in room l that overlap
// [from, to), read through st (a transaction, or the store).
func RoomBusy(ctx context.Context, st interface {
	SessionsBetween(ctx context.Context, orgID int64, from, to time.Time) ([]store.Session, error)
}, orgID int64, l Location, from, to time.Time) ([]store.Session, error) {
	all, err := st.SessionsBetween(ctx, orgID, from, to)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for i := range all {
		if l.Holds(&all[i]) {
			out = append(out, all[i])
		}
	}
	return out, nil
}

// roomFree refuses sess (about to be created or moved, inside tx) when its
// room is taken then by another session, naming that session, unless in
// allows the overlap. It locks the commune first, so that two concurrent
// requests cannot both find the room free.
func roomFree(ctx context.Context, tx roomReader, sess *store.Session, in SessionInput) error {
	if in.AllowRoomOverlap != nil && *in.AllowRoomOverlap {
		return nil
	}
	if _, err := tx.LockOrg(ctx, sess.OrgID); err != nil {
		return err
	}
	busy, err := RoomBusy(ctx, tx, sess.OrgID, locationOf(sess), sess.StartsAt, sess.EndsAt)
	if err != nil {
		return err
	}
	for i := range busy {
		if other := &busy[i]; other.ID != sess.ID {
			return RoomTaken(other)
		}
	}
	return nil
}

// RoomTaken is the 409 refusing a session in a room that other takes at
// that time: it names the other session (title, time, number).
func RoomTaken(other *store.Session) error {
	return apperr.Conflict("err.room_taken", other.Title, i18n.When{Start: tz.In(other.StartsAt), End: tz.In(other.EndsAt)}, other.ID)
}

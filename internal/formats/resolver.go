// Package formats holds the formats communes adapt (issue 17): a copy of a
// catalogue format (or of one published in the region) that a commune's HR
// changes, checked by the catalogue's own rules (catalog.ValidateFormat)
// and versioned; and the one Resolver through which every other package
// finds the format of a session — the catalogue's, or the version of a
// commune's format the session was scheduled with.
package formats

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/store"
)

// Reader is what resolving formats reads.
type Reader interface {
	FormatVersionsByID(ctx context.Context, ids []int64) (map[int64]*store.FormatVersion, error)
	CurrentFormats(ctx context.Context, f store.FormatFilter) ([]store.CurrentFormat, error)
}

// Resolver finds the format of a session, or the formats a commune may
// schedule. A version never changes once saved, so the versions read are
// kept in memory, shared by every copy made by In.
type Resolver struct {
	catalog *catalog.Catalog
	store   Reader
	cache   *versionCache
}

// NewResolver returns a Resolver over the catalogue and the stored
// formats; st may be nil where only the catalogue is needed (tools, tests).
func NewResolver(c *catalog.Catalog, st Reader) *Resolver {
	return &Resolver{catalog: c, store: st, cache: &versionCache{m: map[int64]Resolved{}}}
}

// Catalog returns the YAML catalogue.
func (r *Resolver) Catalog() *catalog.Catalog { return r.catalog }

// In returns the resolver reading through st, a transaction: with SQLite's
// single connection, reading outside it from inside it would wait forever.
func (r *Resolver) In(st Reader) *Resolver {
	c := *r
	c.store = st
	return &c
}

// Resolved is the format a session was scheduled with.
type Resolved struct {
	Format *catalog.Format
	// Version is the version of a commune's format, 0 for the catalogue's.
	Version int
}

// Session returns the format of a session: the version it was scheduled
// with for a commune's format, the catalogue's format otherwise. A slug the
// catalogue no longer has gives nil, as it always did.
func (r *Resolver) Session(ctx context.Context, sess *store.Session) (*catalog.Format, error) {
	m, err := r.Sessions(ctx, []store.Session{*sess})
	if err != nil {
		return nil, err
	}
	return m[sess.ID].Format, nil
}

// Sessions resolves the formats of many sessions in at most one query,
// keyed by session id.
func (r *Resolver) Sessions(ctx context.Context, sessions []store.Session) (map[int64]Resolved, error) {
	out := make(map[int64]Resolved, len(sessions))
	var missing []int64
	for i := range sessions {
		s := &sessions[i]
		if s.FormatVersionID == nil {
			f, _ := r.catalog.Format(s.FormatSlug)
			out[s.ID] = Resolved{Format: f}
			continue
		}
		if v, ok := r.cache.get(*s.FormatVersionID); ok {
			out[s.ID] = v
			continue
		}
		missing = append(missing, *s.FormatVersionID)
	}
	if len(missing) == 0 {
		return out, nil
	}
	if r.store == nil {
		return nil, fmt.Errorf("formats: no store to read version %d", missing[0])
	}
	rows, err := r.store.FormatVersionsByID(ctx, missing)
	if err != nil {
		return nil, err
	}
	for _, row := range rows {
		f, err := Decode(row.Body)
		if err != nil {
			return nil, fmt.Errorf("formats: version %d: %w", row.ID, err)
		}
		r.cache.put(row.ID, Resolved{Format: f, Version: row.Version})
	}
	for i := range sessions {
		s := &sessions[i]
		if s.FormatVersionID != nil {
			out[s.ID], _ = r.cache.get(*s.FormatVersionID)
		}
	}
	return out, nil
}

// Scheduling finds the format a commune schedules a session of by slug:
// the catalogue's, or the current version of one of the commune's own
// formats (versionID is then that version). f is nil when the commune has
// no format of that slug.
func (r *Resolver) Scheduling(ctx context.Context, orgID int64, slug string) (f *catalog.Format, versionID *int64, err error) {
	if f, ok := r.catalog.Format(slug); ok {
		return f, nil, nil
	}
	if r.store == nil || orgID == 0 || !catalog.ValidSlug(slug) {
		return nil, nil, nil
	}
	rows, err := r.store.CurrentFormats(ctx, store.FormatFilter{OrgID: orgID, Slug: slug})
	if err != nil || len(rows) == 0 {
		return nil, nil, err
	}
	f, err = r.decodeCurrent(&rows[0])
	if err != nil {
		return nil, nil, err
	}
	id := rows[0].VersionID
	return f, &id, nil
}

// Available lists the formats a commune schedules sessions of: the
// catalogue's, then its own (their current versions).
func (r *Resolver) Available(ctx context.Context, orgID int64) ([]*catalog.Format, error) {
	out := append([]*catalog.Format(nil), r.catalog.Formats()...)
	if r.store == nil || orgID == 0 {
		return out, nil
	}
	rows, err := r.store.CurrentFormats(ctx, store.FormatFilter{OrgID: orgID})
	if err != nil {
		return nil, err
	}
	for i := range rows {
		f, err := r.decodeCurrent(&rows[i])
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// Exercises returns a format's exercises: the catalogue's, in the
// format's order.
func (r *Resolver) Exercises(f *catalog.Format) []*catalog.Exercise { return r.catalog.ExercisesOf(f) }

func (r *Resolver) decodeCurrent(row *store.CurrentFormat) (*catalog.Format, error) {
	if v, ok := r.cache.get(row.VersionID); ok {
		return v.Format, nil
	}
	f, err := Decode(row.Body)
	if err != nil {
		return nil, fmt.Errorf("formats: %s version %d: %w", row.Slug, row.Version, err)
	}
	r.cache.put(row.VersionID, Resolved{Format: f, Version: row.Version})
	return f, nil
}

// Decode reads a stored version's body.
func Decode(body string) (*catalog.Format, error) {
	var f catalog.Format
	if err := json.Unmarshal([]byte(body), &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// Encode writes a format as a version's body.
func Encode(f *catalog.Format) (string, error) {
	data, err := json.Marshal(f)
	return string(data), err
}

// versionCache keeps decoded versions by id. Versions are immutable, so an
// entry is never stale; the map is emptied when it grows past cacheSize.
type versionCache struct {
	mu sync.RWMutex
	m  map[int64]Resolved
}

const cacheSize = 2048

func (c *versionCache) get(id int64) (Resolved, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.m[id]
	return v, ok
}

func (c *versionCache) put(id int64, v Resolved) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= cacheSize {
		clear(c.m)
	}
	c.m[id] = v
}

package web

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/booking"
)

// pageSize is how many rows a list page shows.
const pageSize = 25

// pager is the paging of a long list.
type pager struct {
	Page, Pages int
	Total       int64
	Prev, Next  string
}

// newPager reads ?page= and builds the links, keeping the other parameters.
func newPager(c *gin.Context, total int64) pager {
	p := pager{Page: 1, Total: total, Pages: int(math.Max(1, math.Ceil(float64(total)/pageSize)))}
	if n, err := strconv.Atoi(c.Query("page")); err == nil && n > 1 {
		p.Page = min(n, p.Pages)
	}
	link := func(n int) string {
		q := c.Request.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return c.Request.URL.Path + "?" + q.Encode()
	}
	if p.Page > 1 {
		p.Prev = link(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.Next = link(p.Page + 1)
	}
	return p
}

// offset is the first row of the current page.
func (p pager) offset() int { return (p.Page - 1) * pageSize }

// form is a submitted form: what was typed, and a message per wrong field.
type form struct {
	Values url.Values
	Errors map[string]string
}

// Get returns what was typed in a field.
func (f *form) Get(name string) string {
	if f == nil || f.Values == nil {
		return ""
	}
	return f.Values.Get(name)
}

// Err returns the message of a field, if any.
func (f *form) Err(name string) string {
	if f == nil {
		return ""
	}
	return f.Errors[name]
}

// newForm keeps the posted values.
func newForm(c *gin.Context) *form {
	_ = c.Request.ParseForm()
	return &form{Values: c.Request.PostForm, Errors: map[string]string{}}
}

// fail fills the page and form from an error: field messages go next to
// their fields, the general message to the top. It returns the status.
func (s *Server) fail(c *gin.Context, p *page, f *form, e *apperr.Error) int {
	p.Error = s.tr.Msg(p.Lang, e.Msg)
	for field, m := range e.Fields {
		if f != nil {
			f.Errors[field] = s.tr.Msg(p.Lang, m)
		}
	}
	return statusOf[e.Code]
}

// fillBar is a session's fill level for lists.
type fillBar struct {
	Booked, Capacity, Waitlisted, Percent int
}

// Max is the top of the fill meter: the capacity (at least 1, so that the
// meter stays valid).
func (f fillBar) Max() int { return max(1, f.Capacity) }

// Low is where the meter's "low" region ends: under half full.
func (f fillBar) Low() int { return (f.Max() + 1) / 2 }

// High is where its "high" region starts: one seat before full, so that
// a full session (the optimum) reads as such.
func (f fillBar) High() int { return max(f.Low(), f.Max()-1) }

func newFillBar(booked, capacity, waitlisted int) fillBar {
	pct := 0
	if capacity > 0 {
		pct = min(100, booked*100/capacity)
	}
	return fillBar{Booked: booked, Capacity: capacity, Waitlisted: waitlisted, Percent: pct}
}

// sessionRow is a session in a list.
type sessionRow struct {
	booking.SessionView
	Fill        fillBar
	FormatTitle string
}

func sessionRows(views []booking.SessionView) []sessionRow {
	rows := make([]sessionRow, len(views))
	for i, v := range views {
		rows[i] = sessionRow{SessionView: v, Fill: newFillBar(v.Counts.Booked, v.Capacity, v.Counts.Waitlisted)}
		if v.Format != nil {
			rows[i].FormatTitle = v.Format.Title
		}
	}
	return rows
}

// localInput writes t for a datetime-local field, in Zurich time.
func localInput(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(zurichLoc()).Format("2006-01-02T15:04")
}

// percentOf formats a share for display.
func percentOf(v float64) string { return fmt.Sprintf("%.0f\u00a0%%", 100*v) }

// pageNumber is the page a list was asked for (1 when absent or wrong).
func pageNumber(c *gin.Context) int {
	if n, err := strconv.Atoi(c.Query("page")); err == nil && n > 1 {
		return n
	}
	return 1
}

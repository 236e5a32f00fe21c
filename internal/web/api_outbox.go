package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

type outboxJSON struct {
	ID             int64      `json:"id"`
	Kind           string     `json:"kind"`
	SessionID      *int64     `json:"session_id"`
	RegistrationID *int64     `json:"registration_id"`
	To             string     `json:"to"`
	ToName         string     `json:"to_name"`
	From           string     `json:"from"`
	Subject        string     `json:"subject"`
	Text           string     `json:"text"`
	CalendarMethod string     `json:"calendar_method"`
	Status         string     `json:"status"`
	Attempts       int        `json:"attempts"`
	LastError      string     `json:"last_error,omitempty"`
	NextAttemptAt  *time.Time `json:"next_attempt_at,omitempty"`
	SentAt         *time.Time `json:"sent_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
}

func toOutboxJSON(m *store.OutboxMessage) outboxJSON {
	o := outboxJSON{ID: m.ID, Kind: m.Kind, SessionID: m.SessionID, RegistrationID: m.RegistrationID, To: m.ToEmail, ToName: m.ToName,
		From: m.FromEmail, Subject: m.Subject, Text: m.TextBody, CalendarMethod: m.ICSMethod, Status: m.Status, Attempts: m.Attempts,
		LastError: m.LastError, CreatedAt: tz.In(m.CreatedAt)}
	if m.Status == store.OutboxPending {
		t := tz.In(m.NextAttemptAt)
		o.NextAttemptAt = &t
	}
	if m.SentAt != nil {
		t := tz.In(*m.SentAt)
		o.SentAt = &t
	}
	return o
}

// apiOutbox lists the commune's mails, newest first: waiting (pending),
// being sent, sent and failed; filters status and session_id.
func (s *Server) apiOutbox(c *gin.Context) error {
	f := store.OutboxFilter{Status: c.Query("status"), Limit: 100}
	var v apperr.Validation
	f.SessionID = queryInt(c, &v, "session_id", 1, 1<<62)
	if n := queryInt(c, &v, "limit", 1, 1000); n > 0 {
		f.Limit = int(n)
	}
	f.Offset = int(queryInt(c, &v, "offset", 0, 1<<31))
	if err := v.Err(); err != nil {
		return err
	}
	msgs, total, err := s.svc.Outbox.List(c.Request.Context(), caller(c), f)
	if err != nil {
		return err
	}
	out := make([]outboxJSON, len(msgs))
	for i := range msgs {
		out[i] = toOutboxJSON(&msgs[i])
	}
	c.Header("X-Total-Count", strconv.FormatInt(total, 10))
	c.JSON(http.StatusOK, out)
	return nil
}

// apiRetryMail puts a failed mail back in the queue.
func (s *Server) apiRetryMail(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	m, err := s.svc.Outbox.Retry(c.Request.Context(), caller(c), id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toOutboxJSON(m))
	return nil
}

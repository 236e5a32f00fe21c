package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// healthz answers 200 when the database answers, 503 otherwise.
func (s *Server) healthz(c *gin.Context) {
	if err := s.svc.Health(c.Request.Context()); err != nil {
		s.log.WarnContext(c.Request.Context(), "health check failed", "err", err)
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "database": "down"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "database": s.svc.Database})
}

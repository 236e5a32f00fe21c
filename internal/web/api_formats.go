package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/catalog"
)

// formatSummary is a format in the list: exercises as slugs.
type formatSummary struct {
	*catalog.Format
}

// formatDetail is one format with its full exercises.
type formatDetail struct {
	*catalog.Format
	Exercises []*catalog.Exercise `json:"exercises"`
}

func (s *Server) apiFormats(c *gin.Context) error {
	fs := s.svc.Catalog.Formats()
	out := make([]formatSummary, len(fs))
	for i, f := range fs {
		out[i] = formatSummary{f}
	}
	c.JSON(http.StatusOK, out)
	return nil
}

func (s *Server) apiFormat(c *gin.Context) error {
	f, ok := s.svc.Catalog.Format(c.Param("slug"))
	if !ok {
		return apperr.NotFound("err.not_found")
	}
	c.JSON(http.StatusOK, formatDetail{Format: f, Exercises: s.svc.Catalog.ExercisesOf(f)})
	return nil
}

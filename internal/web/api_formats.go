package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

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

func (s *Server) apiFormats(c *gin.Context) {
	fs := s.catalog.Formats()
	out := make([]formatSummary, len(fs))
	for i, f := range fs {
		out[i] = formatSummary{f}
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) apiFormat(c *gin.Context) {
	f, ok := s.catalog.Format(c.Param("slug"))
	if !ok {
		s.notFound(c)
		return
	}
	c.JSON(http.StatusOK, formatDetail{Format: f, Exercises: s.catalog.ExercisesOf(f)})
}

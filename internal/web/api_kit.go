package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/kit"
)

// sendPDF writes a generated PDF.
func (s *Server) sendPDF(c *gin.Context, f *kit.File) error {
	disposition := "inline"
	if f.Attachment {
		disposition = "attachment"
	}
	c.Header("Content-Disposition", disposition+`; filename="`+f.Name+`"`)
	c.Header("Cache-Control", "private, no-store")
	if f.Stream == nil {
		c.Data(http.StatusOK, "application/pdf", f.Data)
		return nil
	}
	c.Header("Content-Type", "application/pdf")
	c.Status(http.StatusOK)
	err := f.Stream(c.Writer)
	switch {
	case err == nil:
		return nil
	case !c.Writer.Written():
		c.Writer.Header().Del("Content-Disposition")
		return err // nothing went out: the error's own answer
	}
	// Too late for an error page: the reader gets a broken transfer, not a
	// PDF cut short that looks whole.
	s.log.ErrorContext(c.Request.Context(), "pdf not written whole", "file", f.Name, "err", err)
	panic(http.ErrAbortHandler)
}

// apiFormatSheets prints a format's exercise sheets, without a session.
func (s *Server) apiFormatSheets(c *gin.Context) error {
	version, err := queryVersion(c)
	if err != nil {
		return err
	}
	f, err := s.svc.Kit.FormatSheets(c.Request.Context(), caller(c), c.Param("slug"), version, c.Query("variant"), reportLang(c))
	if err != nil {
		return err
	}
	return s.sendPDF(c, f)
}

// kitFile answers one of a session's printed documents.
func (s *Server) kitFile(c *gin.Context, make func(id int64) (*kit.File, error)) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f, err := make(id)
	if err != nil {
		return err
	}
	return s.sendPDF(c, f)
}

func (s *Server) apiSessionSheets(c *gin.Context) error {
	return s.kitFile(c, func(id int64) (*kit.File, error) {
		return s.svc.Kit.SessionSheets(c.Request.Context(), caller(c), id, c.Query("variant"))
	})
}

func (s *Server) apiSignInSheet(c *gin.Context) error {
	return s.kitFile(c, func(id int64) (*kit.File, error) {
		return s.svc.Kit.SignInSheet(c.Request.Context(), caller(c), id)
	})
}

func (s *Server) apiProgramme(c *gin.Context) error {
	return s.kitFile(c, func(id int64) (*kit.File, error) {
		return s.svc.Kit.Programme(c.Request.Context(), caller(c), id)
	})
}

// apiCertificates prints one certificate per participant marked present.
func (s *Server) apiCertificates(c *gin.Context) error {
	return s.kitFile(c, func(id int64) (*kit.File, error) {
		return s.svc.Kit.Certificates(c.Request.Context(), caller(c), id)
	})
}

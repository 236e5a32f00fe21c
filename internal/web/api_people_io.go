package web

import (
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/directory"
	"github.com/atelier-ch/atelier/internal/roster"
	"github.com/atelier-ch/atelier/internal/tz"
)

// importError is the answer of a refused import: the contract's error and
// the preview with every problem, so that nothing has to be guessed.
type importError struct {
	errorBody
	roster.Preview
}

// apiImportPeople imports people from a spreadsheet: the body itself
// (text/csv) or a multipart "file". ?dry_run=true answers the preview and
// writes nothing. Any problem is a 422 with the list, and nothing written.
func (s *Server) apiImportPeople(c *gin.Context) error {
	var data []byte
	var err error
	if ct := c.ContentType(); ct == "multipart/form-data" {
		file, ferr := c.FormFile("file")
		if ferr != nil {
			return apperr.Invalid("file", "err.required")
		}
		fh, ferr := file.Open()
		if ferr != nil {
			return ferr
		}
		defer fh.Close()
		data, err = io.ReadAll(io.LimitReader(fh, roster.MaxBytes+1))
	} else {
		data, err = io.ReadAll(c.Request.Body)
	}
	if err != nil {
		return err
	}
	lang := s.apiLang(c)
	res, err := s.svc.Directory.Import(c.Request.Context(), caller(c), data, c.Query("dry_run") == "true")
	var refused *directory.ErrImportRefused
	if errors.As(err, &refused) {
		e := s.toAppErr(c, err)
		body := importError{Preview: refused.Result.Preview(s.tr, lang)}
		body.Error = errorDetail{Code: e.Code, Message: s.tr.Msg(lang, e.Msg)}
		c.AbortWithStatusJSON(http.StatusUnprocessableEntity, body)
		return nil
	}
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, res.Preview(s.tr, lang))
	return nil
}

// apiExportPeople answers the commune's people in the import's format.
func (s *Server) apiExportPeople(c *gin.Context) error {
	data, err := s.svc.Directory.Export(c.Request.Context(), caller(c), reportLang(c))
	if err != nil {
		return err
	}
	c.Header("Content-Disposition", `attachment; filename="personnes-`+tz.In(s.now()).Format("2006-01-02")+`.csv"`)
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "text/csv; charset=utf-8", data)
	return nil
}

package web

import (
	"net/http"
	"reflect"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
)

// badControl reports characters no field of Atelier takes: NUL and the
// other C0 controls but tab and line breaks, and DEL. PostgreSQL refuses NUL
// in text outright; the others would reach calendars, mails and CSV.
func badControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f
	})
}

// rejectControl refuses, at the edge, path and query parameters that carry
// control characters: 400 for a path, 422 naming the parameter otherwise,
// before any domain code or query runs. Form bodies are checked by the
// page adapters (formControl), once their size is capped.
func (s *Server) rejectControl() gin.HandlerFunc {
	return func(c *gin.Context) {
		for _, p := range c.Params {
			if badControl(p.Value) || strings.ContainsAny(p.Value, "\r\n\t") {
				s.rejectEdge(c, apperr.BadRequest("err.control_chars_path"))
				return
			}
		}
		var v apperr.Validation
		for name, values := range c.Request.URL.Query() {
			for _, val := range values {
				if badControl(name) || badControl(val) {
					v.Add(name, "err.control_chars")
				}
			}
		}
		if err := v.Err(); err != nil {
			s.rejectEdge(c, err)
			return
		}
		c.Next()
	}
}

// formControl checks the fields of a posted form (urlencoded or
// multipart) for control characters: 422 naming the field.
func formControl(c *gin.Context) error {
	if c.Request.Method != http.MethodPost {
		return nil
	}
	var values map[string][]string
	switch c.ContentType() {
	case "application/x-www-form-urlencoded":
		if err := c.Request.ParseForm(); err != nil {
			return nil // the handler reports an unreadable form
		}
		values = c.Request.PostForm
	case "multipart/form-data":
		if err := c.Request.ParseMultipartForm(8 << 20); err != nil || c.Request.MultipartForm == nil {
			return nil
		}
		values = c.Request.MultipartForm.Value
	default:
		return nil
	}
	var v apperr.Validation
	for name, vals := range values {
		for _, val := range vals {
			if badControl(name) || badControl(val) {
				v.Add(name, "err.control_chars")
			}
		}
	}
	return v.Err()
}

// rejectEdge answers a refusal in the face of the request: JSON for the
// API and JSON posts, a page otherwise.
func (s *Server) rejectEdge(c *gin.Context, err error) {
	if strings.HasPrefix(c.Request.URL.Path, "/api/") || wantsJSON(c) || strings.HasSuffix(c.Request.URL.Path, ".ics") {
		s.renderError(c, err)
		return
	}
	s.errorPage(c, s.toAppErr(c, err))
}

// controlField finds a string in a decoded JSON body that carries control
// characters and returns the JSON path of its field, "" when there is none.
func controlField(v reflect.Value, path string) string {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ""
		}
		return controlField(v.Elem(), path)
	case reflect.String:
		if badControl(v.String()) {
			return path
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if f := controlField(v.Index(i), path); f != "" {
				return f
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			key := path
			if k, ok := iter.Key().Interface().(string); ok {
				if badControl(k) {
					return join(path, k)
				}
				key = join(path, k)
			}
			if f := controlField(iter.Value(), key); f != "" {
				return f
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue
			}
			name := strings.Split(sf.Tag.Get("json"), ",")[0]
			if name == "-" {
				continue
			}
			sub := path
			if name != "" {
				sub = join(path, name)
			}
			if f := controlField(v.Field(i), sub); f != "" {
				return f
			}
		}
	}
	return ""
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

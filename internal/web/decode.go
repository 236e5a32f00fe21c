package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
)

// decodeJSON reads the request body strictly into v: malformed JSON or an
// unknown field is a 400, a value of the wrong type a 422 on that field.
func decodeJSON(c *gin.Context, v any) error {
	data, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return apperr.New(apperr.CodeTooLarge, "err.too_large")
		}
		return apperr.BadRequest("err.bad_json")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return apperr.Invalid(te.Field, "err.type_"+jsonKind(te.Type.Kind().String()))
		}
		return apperr.BadRequest("err.bad_json")
	}
	if dec.More() {
		return apperr.BadRequest("err.bad_json")
	}
	if f := controlField(reflect.ValueOf(v), ""); f != "" {
		if f == "" {
			f = "body"
		}
		return apperr.Invalid(f, "err.control_chars")
	}
	return nil
}

func jsonKind(k string) string {
	switch k {
	case "int", "int64", "int32", "uint", "uint64", "float64":
		return "number"
	case "bool":
		return "bool"
	case "slice":
		return "list"
	case "string":
		return "string"
	}
	return "object"
}

// optional is a JSON field that records whether it was present and null,
// for PATCH bodies.
type optional[T any] struct {
	Set   bool
	Null  bool
	Value T
}

// UnmarshalJSON records presence and decodes the value.
func (o *optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

// ptr returns the value's address when it was set to a non-null value.
func (o optional[T]) ptr() *T {
	if !o.Set || o.Null {
		return nil
	}
	return &o.Value
}

// pathID reads an integer path parameter; anything else is a 404, since
// no such resource can exist.
func pathID(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.NotFound("err.not_found")
	}
	return id, nil
}

// Package apperr defines the typed errors domain code returns; the web layer
// turns each into the contract's JSON error or a re-rendered form.
package apperr

import (
	"errors"
	"maps"
	"slices"

	"github.com/atelier-ch/atelier/internal/i18n"
)

// Code is the contract's error code.
type Code string

// The contract's error codes.
const (
	CodeBadRequest   Code = "bad_request"
	CodeUnauthorized Code = "unauthorized"
	CodeForbidden    Code = "forbidden"
	CodeNotFound     Code = "not_found"
	CodeConflict     Code = "conflict"
	CodeValidation   Code = "validation"
	CodeTooLarge     Code = "too_large"
	CodeRateLimited  Code = "rate_limited"
	CodeInternal     Code = "internal"
	// CodeUnavailable is a 503: the database did not answer in time.
	CodeUnavailable Code = "unavailable"
)

// Error is a user-facing error with a translatable message.
type Error struct {
	Code   Code
	Msg    i18n.Msg
	Fields map[string]i18n.Msg
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Msg.Key
	for _, k := range slices.Sorted(maps.Keys(e.Fields)) {
		s += " " + k + "=" + e.Fields[k].Key
	}
	return s
}

// New returns an error with code and message.
func New(code Code, key string, args ...any) *Error {
	return &Error{Code: code, Msg: i18n.M(key, args...)}
}

// NotFound is a 404 with message key.
func NotFound(key string, args ...any) *Error { return New(CodeNotFound, key, args...) }

// Conflict is a 409 with message key.
func Conflict(key string, args ...any) *Error { return New(CodeConflict, key, args...) }

// Forbidden is a 403 with message key.
func Forbidden(key string, args ...any) *Error { return New(CodeForbidden, key, args...) }

// BadRequest is a 400 with message key.
func BadRequest(key string, args ...any) *Error { return New(CodeBadRequest, key, args...) }

// Unauthorized is a 401 with message key.
func Unauthorized(key string, args ...any) *Error { return New(CodeUnauthorized, key, args...) }

// Validation collects field problems; Err returns nil when there are none.
type Validation struct {
	fields map[string]i18n.Msg
}

// Add records a problem with field unless one is already recorded.
func (v *Validation) Add(field, key string, args ...any) {
	if v.fields == nil {
		v.fields = map[string]i18n.Msg{}
	}
	if _, ok := v.fields[field]; !ok {
		v.fields[field] = i18n.M(key, args...)
	}
}

// Has reports whether field already has a problem.
func (v *Validation) Has(field string) bool {
	_, ok := v.fields[field]
	return ok
}

// Err returns the 422 error, or nil when no field has a problem.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: CodeValidation, Msg: i18n.M("err.validation"), Fields: v.fields}
}

// Invalid is a 422 for one field.
func Invalid(field, key string, args ...any) error {
	var v Validation
	v.Add(field, key, args...)
	return v.Err()
}

// As extracts an *Error from err.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Is reports whether err is an *Error with that code.
func Is(err error, code Code) bool {
	e, ok := As(err)
	return ok && e.Code == code
}

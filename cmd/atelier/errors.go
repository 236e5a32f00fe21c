package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/i18n"
)

// describe renders a domain error for the terminal, in French.
func describe(err error) error {
	e, ok := apperr.As(err)
	if !ok {
		return err
	}
	tr := i18n.MustLoad()
	msg := tr.Msg("fr", e.Msg)
	var fields []string
	for _, f := range slices.Sorted(maps.Keys(e.Fields)) {
		fields = append(fields, fmt.Sprintf("%s: %s", f, tr.Msg("fr", e.Fields[f])))
	}
	if len(fields) > 0 {
		msg += " " + strings.Join(fields, "; ")
	}
	return fmt.Errorf("%s", msg)
}

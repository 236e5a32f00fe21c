// Package catalog embeds the training catalogue: one YAML file per format
// (formats/), per exercise (exercises/) and per survey (surveys/).
// internal/catalog reads it.
package catalog

import "embed"

// FS holds the catalogue's YAML files.
//
//go:embed formats exercises surveys
var FS embed.FS

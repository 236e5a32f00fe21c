// Package catalog embeds the training catalogue: one YAML file per format
// (formats/) and per exercise (exercises/). internal/catalog reads it.
package catalog

import "embed"

// FS holds the catalogue's YAML files.
//
//go:embed formats exercises
var FS embed.FS

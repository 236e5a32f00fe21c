// Package static embeds the stylesheets, scripts and images the pages use.
package static

import "embed"

// FS holds the static files, served under /static/ (favicon.svg also as
// /favicon.ico).
//
//go:embed css js favicon.svg
var FS embed.FS

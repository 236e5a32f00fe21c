// Package static embeds the stylesheets, scripts and images the pages use.
package static

import "embed"

// FS holds the static files, served under /static/.
//
//go:embed css js
var FS embed.FS

//go:build !dashboard

package web

import "embed"

// Built says the real dashboard is embedded. Without -tags dashboard (a Go-only checkout, no
// Node), a page saying how to build it stands in, so the API still builds and serves.
const Built = false

//go:embed fallback
var files embed.FS

const root = "fallback"

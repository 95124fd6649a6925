//go:build dashboard

package web

import "embed"

// Built says the real dashboard is embedded: this binary was built with -tags dashboard after
// `npm run build` wrote dist/.
const Built = true

//go:embed all:dist
var files embed.FS

const root = "dist"

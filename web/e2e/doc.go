// Package e2e drives the built dashboard in a real Chromium against torale dev. Its test is
// built only with -tags dashboard (make test), when the dashboard is embedded; it needs Node
// and Debian's chromium, and fails rather than skips when either is missing.
package e2e

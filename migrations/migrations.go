// Package migrations holds the database schema as golang-migrate SQL pairs, embedded so that
// every binary carries the schema it was built for.
package migrations

import "embed"

// FS is the embedded set of NNNNNN_verb_object.up.sql / .down.sql files.
//
//go:embed *.sql
var FS embed.FS

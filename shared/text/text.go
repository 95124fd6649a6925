// Package text says which strings PostgreSQL can store, so that input is checked before it
// reaches SQL and a bad field is named to the caller rather than failing the statement. It
// imports only the standard library, so any layer may use it.
package text

import (
	"strings"
	"unicode/utf8"
)

// Storable reports whether PostgreSQL can store s in a text or jsonb column: valid UTF-8 with
// no NUL. The server refuses anything else (SQLSTATE 22021, or 22P05 for jsonb's \u0000), so
// input is checked with this before it reaches SQL and the caller is told which field is wrong.
func Storable(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

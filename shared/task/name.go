package task

import (
	"fmt"
	"strings"
)

// HiddenRune returns the first character of s that changes how a name reads without being
// seen: the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069),
// which can make "gpj.exe" show as "exe.jpg", and the zero-width and invisible characters
// U+200B, U+2060–U+2064 and U+FEFF, which make two names that look alike differ. It is not all
// of category Cf on purpose: ZWJ (U+200D) and ZWNJ (U+200C) build emoji and join letters in
// several scripts, and the soft hyphen (U+00AD) is ordinary typography.
func HiddenRune(s string) (rune, bool) {
	for _, r := range s {
		if IsHidden(r) {
			return r, true
		}
	}
	return 0, false
}

// IsHidden reports whether r is one of the characters HiddenRune looks for.
func IsHidden(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200B, r >= 0x2060 && r <= 0x2064, r == 0xFEFF:
		return true
	}
	return false
}

// StripHidden removes every character IsHidden reports, for names Torale derives from other
// text (a search query's first line, the agent's topic) rather than refuses.
func StripHidden(s string) string {
	if _, ok := HiddenRune(s); !ok {
		return s
	}
	return strings.Map(func(r rune) rune {
		if IsHidden(r) {
			return -1
		}
		return r
	}, s)
}

// HiddenProblem is the message for a name that holds a hidden character, naming it so the
// user can find it (for example "must not contain U+202E, an invisible or direction-changing
// character"); "" when the name has none.
func HiddenProblem(s string) string {
	r, ok := HiddenRune(s)
	if !ok {
		return ""
	}
	return fmt.Sprintf("must not contain U+%04X, an invisible or direction-changing character", r)
}

package chat

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// ellipsis marks a cut, as outbox.Clip does.
const ellipsis = "…"

// measure is how a service counts the length of a string.
type measure func(string) int

// Each service counts its limits in one of these. UTF-16 code units are what JavaScript
// counts (Discord, Telegram); they are never fewer than runes, so a text that fits in them
// fits where runes are counted too.
var (
	runes  measure = utf8.RuneCountInString
	units  measure = utf16Len
	octets measure = func(s string) int { return len(s) }
)

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// fit escapes s for a format and cuts it so that the escaped text measures at most n: the
// longest prefix of s (whole runes) whose escaped form, with the ellipsis marking the cut,
// fits. Cutting before escaping means a cut never splits an escape sequence (a "\." or an
// "&amp;"), and measuring after means the escapes count against the limit. It returns ""
// when not even the ellipsis fits.
func fit(s string, n int, escape func(string) string, size measure) string {
	if escape == nil {
		escape = plain
	}
	if whole := escape(s); size(whole) <= n {
		return whole
	}
	mark := escape(ellipsis)
	if size(mark) > n {
		return ""
	}
	// Binary search on the number of runes kept: the escaped size grows with the prefix.
	cuts := runeOffsets(s)
	lo, hi := 0, len(cuts)-1 // lo always fits; hi never does
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if size(escape(trimCut(s[:cuts[mid]]))+mark) <= n {
			lo = mid
		} else {
			hi = mid
		}
	}
	return escape(trimCut(s[:cuts[lo]])) + mark
}

// runeOffsets lists the byte offsets at which s may be cut, 0 and len(s) included.
func runeOffsets(s string) []int {
	out := make([]int, 0, len(s)+1)
	for i := range s {
		out = append(out, i)
	}
	return append(out, len(s))
}

// trimCut drops the white space a cut leaves at the end, so the ellipsis follows a word.
func trimCut(s string) string { return strings.TrimRight(s, " \t\n\r") }

// plain is the escape of a format that needs none.
func plain(s string) string { return s }

// oneLine folds line breaks and runs of white space into single spaces, for titles.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

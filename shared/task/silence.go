package task

import (
	"fmt"
	"sort"
	"strings"
)

// SilenceReason says, in a word a program can read, why a finished run notified nobody. A run
// that notified, or one that has not finished, has none (""); so do runs recorded before the
// reason existed.
type SilenceReason string

// The reasons a run stays silent. The last three belong to change-mode watches, which compare a
// page with its last snapshot instead of asking a model.
const (
	SilenceNothingNew      SilenceReason = "nothing_new"       // the condition holds, but everything found was told before
	SilenceConditionNotMet SilenceReason = "condition_not_met" // nothing found meets the condition
	SilenceLowConfidence   SilenceReason = "low_confidence"    // a notification was written but the model was unsure
	SilenceUnsourced       SilenceReason = "unsourced"         // a notification no search source backs (or with a link none backs)
	SilenceAlreadyReported SilenceReason = "already_reported"  // a notification whose facts the task's memory already holds
	SilenceFailed          SilenceReason = "failed"            // the run failed
	SilenceUnchanged       SilenceReason = "unchanged"         // change mode: the page is as it was
	SilenceFiltered        SilenceReason = "filtered"          // change mode: the page changed only where the watch ignores
	SilencePageFailed      SilenceReason = "page_failed"       // change mode: the page could not be read
	SilenceSpendCap        SilenceReason = "spend_cap"         // not run: the month's spend reached the user's cap or the task's budget
)

// SilenceReasons lists every reason in the order summaries name them.
var SilenceReasons = []SilenceReason{SilenceNothingNew, SilenceConditionNotMet, SilenceLowConfidence,
	SilenceUnsourced, SilenceAlreadyReported, SilenceFailed, SilenceUnchanged, SilenceFiltered, SilencePageFailed, SilenceSpendCap}

// Valid reports whether r is one of SilenceReasons.
func (r SilenceReason) Valid() bool {
	for _, v := range SilenceReasons {
		if r == v {
			return true
		}
	}
	return false
}

// Words is r as a person reads it ("nothing new").
func (r SilenceReason) Words() string {
	return strings.ReplaceAll(string(r), "_", " ")
}

// SilenceSummary counts why a task's recent runs stayed silent.
type SilenceSummary struct {
	// Runs is how many finished runs were looked at; Silent how many of them notified nobody.
	Runs   int
	Silent int
	// ByReason counts the silent runs by reason; runs from before reasons were recorded are
	// silent without one and are not in it.
	ByReason map[SilenceReason]int
}

// Sentence is the summary in plain words, most common reason first: "12 silent runs: 9 nothing
// new, 2 low confidence, 1 failed". It is empty when no run was silent.
func (s SilenceSummary) Sentence() string {
	if s.Silent == 0 {
		return ""
	}
	type count struct {
		r SilenceReason
		n int
	}
	var counts []count
	for _, r := range SilenceReasons {
		if n := s.ByReason[r]; n > 0 {
			counts = append(counts, count{r, n})
		}
	}
	// Stable, so equal counts keep the order of SilenceReasons.
	sort.SliceStable(counts, func(i, j int) bool { return counts[i].n > counts[j].n })
	parts := make([]string, len(counts))
	for i, c := range counts {
		parts[i] = fmt.Sprintf("%d %s", c.n, c.r.Words())
	}
	noun := "runs"
	if s.Silent == 1 {
		noun = "run"
	}
	head := fmt.Sprintf("%d silent %s", s.Silent, noun)
	if len(parts) == 0 {
		return head
	}
	return head + ": " + strings.Join(parts, ", ")
}

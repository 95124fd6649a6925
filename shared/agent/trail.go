package agent

import (
	"context"
	"sync"
	"unicode/utf8"

	"github.com/torale-ai/torale/shared/task"
)

// Trail collects one run's steps as they happen. The agent starts one per run and hands its
// steps back in Output.Steps; the parts below it (a searcher, a model caller, the page reads
// running beside the search) record into it through the run's context, so none of their
// signatures has to carry it. It is safe for concurrent use.
type Trail struct {
	mu    sync.Mutex
	steps []task.Step
}

type trailKey struct{}

// WithTrail returns ctx carrying a new trail, and the trail.
func WithTrail(ctx context.Context) (context.Context, *Trail) {
	t := &Trail{}
	return context.WithValue(ctx, trailKey{}, t), t
}

// Record adds s to the trail ctx carries; without one it does nothing, so a searcher or caller
// used on its own (a preview, a test) needs none.
func Record(ctx context.Context, s task.Step) {
	if t, ok := ctx.Value(trailKey{}).(*Trail); ok {
		t.mu.Lock()
		t.steps = append(t.steps, s)
		t.mu.Unlock()
	}
}

// Steps returns a copy of the steps recorded so far, in order.
func (t *Trail) Steps() []task.Step {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]task.Step(nil), t.steps...)
}

// CapFindings keeps findings in order until their text reaches task.MaxFindingsBytes, cutting
// the one that crosses it on a rune boundary and dropping the rest, so the first (the search's
// report, then the pages as the decision numbers them) always survive.
func CapFindings(fs []task.Finding) []task.Finding {
	room := task.MaxFindingsBytes
	out := make([]task.Finding, 0, len(fs))
	for _, f := range fs {
		if len(f.Text) <= room {
			room -= len(f.Text)
			out = append(out, f)
			continue
		}
		cut := room
		for cut > 0 && !utf8.RuneStart(f.Text[cut]) {
			cut--
		}
		f.Text = f.Text[:cut]
		return append(out, f)
	}
	return out
}

// Package agenttest provides a scripted agent for tests: it answers runs from a queue of
// replies and records every input, so a test can say exactly what the agent decides.
package agenttest

import (
	"context"
	"sync"

	"github.com/torale-ai/torale/shared/agent"
)

// Reply is one scripted answer: an output, or an error.
type Reply struct {
	Output agent.Output
	Err    error
	// Wait, when set, blocks the run until it is closed or the run's context ends.
	Wait <-chan struct{}
}

// Agent answers each run with the next scripted reply; when the script runs out it repeats
// Default. It is safe for concurrent use.
type Agent struct {
	mu      sync.Mutex
	script  []Reply
	Default Reply
	inputs  []agent.Input
}

// New returns an agent that answers with replies in order, then with the last one forever.
func New(replies ...Reply) *Agent {
	a := &Agent{script: replies}
	if len(replies) > 0 {
		a.Default = replies[len(replies)-1]
	}
	return a
}

// Run records in and returns the next reply.
func (a *Agent) Run(ctx context.Context, in agent.Input) (agent.Output, error) {
	a.mu.Lock()
	a.inputs = append(a.inputs, in)
	r := a.Default
	if len(a.script) > 0 {
		r, a.script = a.script[0], a.script[1:]
	}
	a.mu.Unlock()
	if r.Wait != nil {
		select {
		case <-r.Wait:
		case <-ctx.Done():
			return agent.Output{}, ctx.Err()
		}
	}
	return r.Output, r.Err
}

// Inputs returns a copy of every input seen so far.
func (a *Agent) Inputs() []agent.Input {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]agent.Input(nil), a.inputs...)
}

// Calls reports how many runs the agent answered.
func (a *Agent) Calls() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.inputs)
}

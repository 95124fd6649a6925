package remote

import (
	"time"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/task"
)

// The types here are the JSON both sides of the hop speak. They are declared here or taken from
// the API contract (a result and its cost are the same JSON there), never borrowed from task or
// agent, so renaming a field of a service type cannot change the wire between a runtask of one
// release and an agent function of another.

// Input is the request body: agent.Input on the wire.
type Input struct {
	SearchQuery          string              `json:"search_query"`
	ConditionDescription string              `json:"condition_description"`
	Timezone             string              `json:"timezone"`
	NotifyBehavior       task.NotifyBehavior `json:"notify_behavior"`
	Now                  time.Time           `json:"now"`
	Recent               []contract.Result   `json:"recent"`
	Memory               []string            `json:"memory"`
	// URLs and Context are omitted when empty, so an agent function of an older release reads
	// a request without them as it always did.
	URLs    []string   `json:"urls,omitempty"`
	Context string     `json:"context,omitempty"`
	Depth   task.Depth `json:"depth,omitempty"`
}

// InputOf is in on the wire.
func InputOf(in agent.Input) Input {
	out := Input{SearchQuery: in.SearchQuery, ConditionDescription: in.ConditionDescription,
		Timezone: in.Timezone, NotifyBehavior: in.NotifyBehavior, Now: in.Now, Memory: in.Memory,
		URLs: in.URLs, Context: in.Context, Depth: in.Depth}
	if in.Recent != nil {
		out.Recent = make([]contract.Result, len(in.Recent))
		for i, r := range in.Recent {
			out.Recent[i] = contract.ResultOf(r)
		}
	}
	return out
}

// Agent is the agent's input read from the wire.
func (in Input) Agent() agent.Input {
	out := agent.Input{SearchQuery: in.SearchQuery, ConditionDescription: in.ConditionDescription,
		Timezone: in.Timezone, NotifyBehavior: in.NotifyBehavior, Now: in.Now, Memory: in.Memory,
		URLs: in.URLs, Context: in.Context, Depth: in.Depth}
	if in.Recent != nil {
		out.Recent = make([]task.Result, len(in.Recent))
		for i, r := range in.Recent {
			out.Recent[i] = r.Task()
		}
	}
	return out
}

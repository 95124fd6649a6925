package remote

import (
	"encoding/json"
	"time"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/task"
)

// The types here are the JSON both sides of the hop speak. They are declared here, not borrowed
// from task or agent, so renaming a field of a service type cannot change the wire between a
// runtask of one release and an agent function of another.

// Input is the request body: agent.Input on the wire.
type Input struct {
	SearchQuery          string              `json:"search_query"`
	ConditionDescription string              `json:"condition_description"`
	Timezone             string              `json:"timezone"`
	NotifyBehavior       task.NotifyBehavior `json:"notify_behavior"`
	Now                  time.Time           `json:"now"`
	Recent               []Result            `json:"recent"`
	Memory               []string            `json:"memory"`
}

// Result is a task.Result on the wire.
type Result struct {
	Evidence     string     `json:"evidence"`
	Sources      []Source   `json:"sources"`
	Confidence   int        `json:"confidence"`
	Notification *string    `json:"notification"`
	NextRun      *time.Time `json:"next_run"`
	Topic        string     `json:"topic"`
}

// MarshalJSON writes sources as a list even when there are none, as the agent function always
// has.
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	if r.Sources == nil {
		r.Sources = []Source{}
	}
	return json.Marshal(plain(r))
}

// Source is a task.Source on the wire.
type Source struct {
	URL   string `json:"url"`
	Title string `json:"title"`
}

// Usage is a task.Usage on the wire.
type Usage struct {
	Model         string  `json:"model"`
	PromptTokens  int     `json:"prompt_tokens"`
	OutputTokens  int     `json:"output_tokens"`
	SearchQueries int     `json:"search_queries"`
	CostUSD       float64 `json:"cost_usd"`
}

// InputOf is in on the wire.
func InputOf(in agent.Input) Input {
	out := Input{SearchQuery: in.SearchQuery, ConditionDescription: in.ConditionDescription,
		Timezone: in.Timezone, NotifyBehavior: in.NotifyBehavior, Now: in.Now, Memory: in.Memory}
	if in.Recent != nil {
		out.Recent = make([]Result, len(in.Recent))
		for i, r := range in.Recent {
			out.Recent[i] = ResultOf(r)
		}
	}
	return out
}

// Agent is the agent's input read from the wire.
func (in Input) Agent() agent.Input {
	out := agent.Input{SearchQuery: in.SearchQuery, ConditionDescription: in.ConditionDescription,
		Timezone: in.Timezone, NotifyBehavior: in.NotifyBehavior, Now: in.Now, Memory: in.Memory}
	if in.Recent != nil {
		out.Recent = make([]task.Result, len(in.Recent))
		for i, r := range in.Recent {
			out.Recent[i] = r.Task()
		}
	}
	return out
}

// ResultOf is r on the wire.
func ResultOf(r task.Result) Result {
	out := Result{Evidence: r.Evidence, Confidence: r.Confidence, Notification: r.Notification,
		NextRun: r.NextRun, Topic: r.Topic}
	if r.Sources != nil {
		out.Sources = make([]Source, len(r.Sources))
		for i, s := range r.Sources {
			out.Sources[i] = Source(s)
		}
	}
	return out
}

// Task is the result read from the wire.
func (r Result) Task() task.Result {
	out := task.Result{Evidence: r.Evidence, Confidence: r.Confidence, Notification: r.Notification,
		NextRun: r.NextRun, Topic: r.Topic}
	if r.Sources != nil {
		out.Sources = make([]task.Source, len(r.Sources))
		for i, s := range r.Sources {
			out.Sources[i] = task.Source(s)
		}
	}
	return out
}

// UsageOf is u on the wire.
func UsageOf(u task.Usage) Usage { return Usage(u) }

// Task is the usage read from the wire.
func (u Usage) Task() task.Usage { return task.Usage(u) }

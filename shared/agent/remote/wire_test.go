package remote_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/remote"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/task"
)

// The wire between runtask and the agent function must keep its JSON exactly, so a runtask of
// one release and an agent function of another still understand each other.

func TestInputWireShape(t *testing.T) {
	note := "It happened."
	next := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	in := agent.Input{SearchQuery: "q", ConditionDescription: "c", Timezone: "Europe/London",
		NotifyBehavior: task.NotifyAlways, Now: time.Date(2026, 2, 1, 8, 0, 0, 0, time.UTC),
		Recent: []task.Result{
			{Evidence: "e", Sources: []task.Source{{URL: "https://a.example", Title: "A"}}, Confidence: 80,
				Notification: &note, NextRun: &next, Topic: "t"},
			{Evidence: "none"},
		},
		Memory: []string{"fact"}, URLs: []string{"https://a.example/news"}, Context: "background"}
	b, err := json.Marshal(remote.InputOf(in))
	require.NoError(t, err)
	require.JSONEq(t, `{"search_query":"q","condition_description":"c","timezone":"Europe/London",
		"notify_behavior":"always","now":"2026-02-01T08:00:00Z",
		"recent":[{"evidence":"e","sources":[{"url":"https://a.example","title":"A"}],"confidence":80,
			"notification":"It happened.","next_run":"2026-03-01T09:00:00Z","topic":"t"},
			{"evidence":"none","sources":[],"confidence":0,"notification":null,"next_run":null,"topic":""}],
		"memory":["fact"],"urls":["https://a.example/news"],"context":"background"}`, string(b))

	var back remote.Input
	require.NoError(t, json.Unmarshal(b, &back))
	in.Recent[1].Sources = []task.Source{} // the wire writes no sources as []
	require.Equal(t, in, back.Agent())

	b, err = json.Marshal(remote.InputOf(agent.Input{SearchQuery: "q"}))
	require.NoError(t, err)
	require.JSONEq(t, `{"search_query":"q","condition_description":"","timezone":"","notify_behavior":"",
		"now":"0001-01-01T00:00:00Z","recent":null,"memory":null}`, string(b))
}

func TestReplyWireShape(t *testing.T) {
	out := agent.Output{Result: task.Result{Evidence: "e", Confidence: 5},
		Usage: task.Usage{Model: "m", PromptTokens: 1, OutputTokens: 2, SearchQueries: 3, CostUSD: 0.5},
		Facts: []string{"f"}, Silence: task.SilenceConditionNotMet}
	b, err := json.Marshal(remote.ReplyOf(out))
	require.NoError(t, err)
	require.JSONEq(t, `{"result":{"evidence":"e","sources":[],"confidence":5,"notification":null,"next_run":null,"topic":""},
		"usage":{"model":"m","prompt_tokens":1,"output_tokens":2,"search_queries":3,"cost_usd":0.5},
		"facts":["f"],"silence_reason":"condition_not_met"}`, string(b))

	fail := remote.Reply{Usage: contract.UsageOf(out.Usage), Error: &remote.Failure{Category: task.CategoryRateLimit,
		Message: "busy", Retryable: true, Detail: "429"}}
	b, err = json.Marshal(fail)
	require.NoError(t, err)
	require.JSONEq(t, `{"usage":{"model":"m","prompt_tokens":1,"output_tokens":2,"search_queries":3,"cost_usd":0.5},
		"error":{"category":"rate_limit","message":"busy","retryable":true,"detail":"429"}}`, string(b))

	var back remote.Reply
	require.NoError(t, json.Unmarshal([]byte(`{"result":{"evidence":"e","sources":null,"confidence":5,
		"notification":null,"next_run":null,"topic":""},"usage":{"model":"m","prompt_tokens":1,"output_tokens":2,
		"search_queries":3,"cost_usd":0.5}}`), &back))
	require.Equal(t, out.Result, back.Result.Task())
	require.Equal(t, out.Usage, back.Usage.Task())
}

// Package remote runs the agent in another service: the agent function (functions/agent) on
// Cloud Run or on the GKE spot pool. Agent is the client runtask and preview use when
// TORALE_AGENT_URL is set; Reply and Failure are the wire format both sides share.
//
//	POST <TORALE_AGENT_URL>          body: Input (agent.Input on the wire)
//	200 {"result": {...}, "usage": {...}, "facts": [...]}
//	4xx/5xx {"error": {"category": "rate_limit", "message": "...", "retryable": true,
//	         "detail": "..."}, "usage": {...}}
//
// A failure keeps its category and retryability across the hop, so the runner retries exactly
// what it would retry in-process; 503 marks the retryable ones for proxies in between.
package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/task"
)

// Reply is the agent function's response body.
type Reply struct {
	Result *contract.Result `json:"result,omitempty"`
	Usage  contract.Usage   `json:"usage"`
	Facts  []string         `json:"facts,omitempty"`
	// Silence is agent.Output.Silence.
	Silence task.SilenceReason `json:"silence_reason,omitempty"`
	Error   *Failure           `json:"error,omitempty"`
	// Steps and Findings are agent.Output's, failed runs' steps too; omitted when empty, so
	// either side of another release reads the reply as it always did.
	Steps    []contract.Step `json:"steps,omitempty"`
	Findings []Finding       `json:"findings,omitempty"`
}

// ReplyOf is a decided run on the wire.
func ReplyOf(out agent.Output) Reply {
	r := contract.ResultOf(out.Result)
	reply := TrailOf(out)
	reply.Result, reply.Usage, reply.Facts, reply.Silence = &r, contract.UsageOf(out.Usage), out.Facts, out.Silence
	return reply
}

// TrailOf is a reply carrying only out's cost and trail: what a failed run sends beside its
// error.
func TrailOf(out agent.Output) Reply {
	r := Reply{Usage: contract.UsageOf(out.Usage)}
	if len(out.Steps) > 0 {
		r.Steps = contract.StepsOf(out.Steps)
	}
	for _, f := range out.Findings {
		r.Findings = append(r.Findings, Finding(f))
	}
	return r
}

// Finding is task.Finding on the wire.
type Finding struct {
	Kind  string `json:"kind"`
	URL   string `json:"url,omitempty"`
	Title string `json:"title,omitempty"`
	Text  string `json:"text"`
	Read  bool   `json:"read,omitempty"`
}

// Failure is an *agent.Error on the wire. Detail is the internal error text: it travels only
// between Torale's own services and is stored as the execution's internal error.
type Failure struct {
	Category  task.ErrorCategory `json:"category"`
	Message   string             `json:"message"`
	Retryable bool               `json:"retryable"`
	Detail    string             `json:"detail,omitempty"`
}

// FailureOf is the wire form of err.
func FailureOf(err error) *Failure {
	ae := agent.AsError(err)
	f := &Failure{Category: ae.Category, Message: ae.Message, Retryable: ae.Retryable}
	if ae.Err != nil {
		f.Detail = ae.Err.Error()
	}
	return f
}

// Status is the HTTP status a failure is answered with.
func (f *Failure) Status() int {
	if f.Retryable {
		return http.StatusServiceUnavailable
	}
	return http.StatusUnprocessableEntity
}

// Err turns a failure back into an *agent.Error.
func (f *Failure) Err() *agent.Error {
	ae := &agent.Error{Category: f.Category, Message: f.Message, Retryable: f.Retryable}
	if f.Detail != "" {
		ae.Err = errors.New(f.Detail)
	}
	return ae
}

// Agent runs the agent at a URL. It is safe for concurrent use.
type Agent struct {
	url    string
	client *http.Client
}

// New returns an agent calling url with client, which carries any authentication (a Google ID
// token client on Cloud Run).
func New(url string, client *http.Client) *Agent {
	if client == nil {
		client = &http.Client{}
	}
	return &Agent{url: url, client: client}
}

// Run posts in and reads the decision. The run's deadline is ctx's.
func (a *Agent) Run(ctx context.Context, in agent.Input) (agent.Output, error) {
	body, err := json.Marshal(InputOf(in))
	if err != nil {
		return agent.Output{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.url, bytes.NewReader(body))
	if err != nil {
		return agent.Output{}, &agent.Error{Category: task.CategorySystem, Message: "the agent service address is not valid", Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := a.client.Do(req)
	if err != nil {
		return agent.Output{}, transportError(ctx, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 8<<20))
	if err != nil {
		return agent.Output{}, transportError(ctx, err)
	}
	var reply Reply
	if json.Unmarshal(data, &reply) == nil {
		out := agent.Output{Usage: reply.Usage.Task(), Facts: reply.Facts, Silence: reply.Silence}
		for _, s := range reply.Steps {
			out.Steps = append(out.Steps, s.Task())
		}
		for _, f := range reply.Findings {
			out.Findings = append(out.Findings, task.Finding(f))
		}
		switch {
		case reply.Error != nil:
			return out, reply.Error.Err()
		case res.StatusCode == http.StatusOK && reply.Result != nil:
			out.Result = reply.Result.Task()
			return out, nil
		}
	}
	return agent.Output{}, statusError(res.StatusCode, data)
}

func transportError(ctx context.Context, err error) error {
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return &agent.Error{Category: task.CategoryTimeout, Retryable: true, Err: err,
			Message: "the check took too long and was stopped"}
	case ctx.Err() != nil:
		return ctx.Err()
	}
	return &agent.Error{Category: task.CategoryNetwork, Retryable: true, Err: err,
		Message: "the agent service could not be reached"}
}

// statusError classifies an answer that is not the agent function's own, such as a proxy's or
// Cloud Run's error page.
func statusError(code int, body []byte) error {
	err := fmt.Errorf("agent service: HTTP %d: %.200s", code, body)
	switch {
	case code == http.StatusTooManyRequests:
		return &agent.Error{Category: task.CategoryRateLimit, Retryable: true, Err: err, Message: "the agent service is busy"}
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return &agent.Error{Category: task.CategorySystem, Err: err, Message: "the agent service refused this service's credentials"}
	case code == http.StatusNotFound:
		return &agent.Error{Category: task.CategorySystem, Err: err, Message: "TORALE_AGENT_URL does not point at the agent function"}
	case code >= 500:
		return &agent.Error{Category: task.CategoryNetwork, Retryable: true, Err: err, Message: "the agent service failed"}
	}
	return &agent.Error{Category: task.CategorySystem, Err: err, Message: "the agent service gave an answer that could not be read"}
}

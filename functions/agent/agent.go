// Package agent is the `agent` HTTP function: POST / with a run's input (agent.Input as JSON)
// decides the run with the process's agent and answers with the result, in shared/agent/remote's
// wire format. runtask and preview call it when TORALE_AGENT_URL is set. On shutdown (SIGTERM,
// a spot node's preemption) runs in flight are stopped and answered with a retryable failure, so
// the caller records the attempt and runs it again elsewhere.
package agent

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	sharedagent "github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/remote"
	"github.com/torale-ai/torale/shared/task"
)

// maxBody bounds a request: an input carries at most five recent results and fifty facts.
const maxBody = 1 << 20

// interrupted is the failure of a run stopped by shutdown.
var interrupted = &remote.Failure{Category: task.CategorySystem, Retryable: true,
	Message: "the check was interrupted and will run again"}

// Function serves the agent. It is safe for concurrent use.
type Function struct {
	agent   sharedagent.Agent
	timeout time.Duration
	log     *slog.Logger

	stopped context.Context
	stop    context.CancelFunc
	mu      sync.Mutex
	closing bool
	running sync.WaitGroup
}

// New returns the function deciding with a, each run bounded by timeout
// (TORALE_AGENT_TIMEOUT).
func New(a sharedagent.Agent, timeout time.Duration, log *slog.Logger) *Function {
	stopped, stop := context.WithCancel(context.Background())
	return &Function{agent: a, timeout: timeout, log: log, stopped: stopped, stop: stop}
}

// ServeHTTP decides one run.
func (f *Function) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		write(w, http.StatusMethodNotAllowed, remote.Reply{Error: &remote.Failure{Category: task.CategorySystem,
			Message: "the agent accepts POST only"}})
		return
	}
	if !f.begin() {
		write(w, http.StatusServiceUnavailable, remote.Reply{Error: interrupted})
		return
	}
	defer f.running.Done()

	var wire remote.Input
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody)).Decode(&wire); err != nil {
		write(w, http.StatusBadRequest, remote.Reply{Error: &remote.Failure{Category: task.CategorySystem,
			Message: "the run's input could not be read", Detail: err.Error()}})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), f.timeout)
	defer cancel()
	defer context.AfterFunc(f.stopped, cancel)()

	start := time.Now()
	out, err := f.agent.Run(ctx, wire.Agent())
	log := f.log.With(slog.Int64("duration_ms", time.Since(start).Milliseconds()), slog.String("model", out.Usage.Model),
		slog.Float64("cost_usd", float64(out.Usage.CostUSD)))
	if err != nil {
		fail := remote.FailureOf(err)
		if f.stopped.Err() != nil {
			fail = interrupted
		}
		log.Warn("agent run failed", slog.String("category", string(fail.Category)), slog.Bool("retryable", fail.Retryable), slog.String("error", err.Error()))
		reply := remote.TrailOf(out)
		reply.Error = fail
		write(w, fail.Status(), reply)
		return
	}
	log.Info("agent run decided", slog.Bool("notifies", out.Result.Notifies()))
	write(w, http.StatusOK, remote.ReplyOf(out))
}

// begin counts a run in, unless shutdown has begun.
func (f *Function) begin() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closing {
		return false
	}
	f.running.Add(1)
	return true
}

// Shutdown stops the runs in flight, which answer at once with a retryable failure, refuses new
// ones, and waits until every answer is written or ctx ends.
func (f *Function) Shutdown(ctx context.Context) error {
	f.mu.Lock()
	f.closing = true
	f.mu.Unlock()
	f.stop()
	done := make(chan struct{})
	go func() { f.running.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return errors.Join(errors.New("agent runs still answering at shutdown"), ctx.Err())
	}
}

func write(w http.ResponseWriter, status int, body remote.Reply) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

package runner_test

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent/agenttest"
	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/netguard"
	"github.com/torale-ai/torale/shared/page"
	"github.com/torale-ai/torale/shared/runner"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// changingPage is a local page whose text a test edits. It answers conditional reads the way
// a site with ETags does (304 when the tag still matches) and counts those answers.
type changingPage struct {
	mu           sync.Mutex
	body         string
	notModified  int
	conditionals int
}

func (p *changingPage) set(body string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.body = body
}

func (p *changingPage) counts() (conditionals, notModified int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.conditionals, p.notModified
}

func (p *changingPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/page" {
		http.NotFound(w, r)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	tag := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(p.body)))
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		p.conditionals++
		if inm == tag {
			p.notModified++
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Header().Set("ETag", tag)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte(p.body))
}

func (b testBundle) changeRunner(t *testing.T) *runner.Runner {
	t.Helper()
	reader := page.NewReader(netguard.New(page.GuardOptions(true)), page.Options{})
	// No model is asked in change mode: an agent with no replies fails the test if it is.
	return runner.New(b.store, agenttest.New(), b.pub, func() time.Time { return b.now }, logging.Discard(),
		runner.Config{MaxAttempts: 2, AgentTimeout: 5 * time.Second, Pages: reader, Snapshots: b.store})
}

func (b testBundle) changeTask(t *testing.T, condition string, urls ...string) (task.Task, event.RunTask) {
	t.Helper()
	at := b.now.Add(-time.Minute)
	tk, err := b.store.CreateTask(b.ctx, store.NewTask{UserID: b.user.ID, Name: "Page", SearchQuery: urls[0],
		ConditionDescription: condition, Timezone: "UTC", NotifyBehavior: task.NotifyAlways, Mode: task.ModeChange,
		Notifications: []task.Notification{{Type: task.ChannelWebhook, URL: "https://hooks.example.com/x"}},
		State:         task.StateActive, NextRunAt: &at, URLs: urls})
	require.NoError(t, err)
	require.Equal(t, task.ModeChange, tk.Mode)
	return tk, event.RunTask{Version: 1, TaskID: tk.ID, UserID: b.user.ID, ScheduledFor: &at}
}

// runAgain runs the task once more by hand and returns that run's execution.
func (b testBundle) runAgain(t *testing.T, r *runner.Runner, tk task.Task) task.Execution {
	t.Helper()
	e, err := b.store.CreateManualRun(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	require.NoError(t, r.Handle(b.ctx, event.RunTask{Version: 1, TaskID: tk.ID, UserID: b.user.ID, ExecutionID: &e.ID}))
	got, err := b.store.GetExecution(b.ctx, b.user.ID, e.ID)
	require.NoError(t, err)
	require.Equal(t, task.StatusSuccess, got.Status, "error: %s", got.Error)
	return got
}

func TestChangeModeBaselineUnchangedAndChanged(t *testing.T) {
	b := setup(t)
	site := &changingPage{body: "Widget\nPrice: 10 dollars\nIn stock\n"}
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	url := srv.URL + "/page"
	tk, msg := b.changeTask(t, "", url)
	r := b.changeRunner(t)

	require.NoError(t, r.Handle(b.ctx, msg))
	first := lastExecution(t, b, tk)
	require.Equal(t, task.StatusSuccess, first.Status, "error: %s", first.Error)
	require.False(t, first.Result.Notifies(), "the first read is the baseline")
	require.Contains(t, first.Result.Evidence, "First read of "+url)
	after, err := b.store.GetTask(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	require.NotNil(t, after.NextRunAt)
	require.True(t, after.NextRunAt.After(b.now), "a scheduled change run moves the next run, as an agent run does")

	same := b.runAgain(t, r, tk)
	require.False(t, same.Result.Notifies())
	require.Equal(t, "No change on "+url+".", same.Result.Evidence)
	require.Equal(t, task.SilenceUnchanged, same.SilenceReason)
	conditionals, notModified := site.counts()
	require.Equal(t, 1, conditionals, "the second read sends the first read's ETag")
	require.Equal(t, 1, notModified, "and the unchanged page answers 304")

	site.set("Widget\nPrice: 12 dollars\nIn stock\n")
	changed := b.runAgain(t, r, tk)
	require.True(t, changed.Result.Notifies())
	require.Contains(t, *changed.Result.Notification, "+ Price: 12 dollars")
	require.Empty(t, changed.SilenceReason)
	require.Contains(t, *changed.Result.Notification, "- Price: 10 dollars")
	require.NotContains(t, *changed.Result.Notification, "Widget", "only changed lines")
	require.Equal(t, []task.Source{{URL: url, Title: "127.0.0.1"}}, changed.Result.Sources)
	deliveries, err := b.store.ListDeliveries(b.ctx, b.user.ID, changed.ID)
	require.NoError(t, err)
	require.Len(t, deliveries, 1, "the change goes to the task's channel")
	require.Zero(t, changed.Usage.CostUSD, "no model was asked")

	again := b.runAgain(t, r, tk)
	require.False(t, again.Result.Notifies(), "the changed text is the new baseline")
	require.Equal(t, "No change on "+url+".", again.Result.Evidence)

	site.set("Widget\nPrice: 10 dollars\nIn stock\n")
	back := b.runAgain(t, r, tk)
	require.True(t, back.Result.Notifies(), "editing it back is a change too")
	require.Contains(t, *back.Result.Notification, "+ Price: 10 dollars")
}

func TestChangeModeFilterAndFailedPage(t *testing.T) {
	b := setup(t)
	site := &changingPage{body: "Widget\nPrice: 10 dollars\nIn stock\n"}
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	url := srv.URL + "/page"
	tk, msg := b.changeTask(t, `"sold out", discontinued`, url, srv.URL+"/missing")
	r := b.changeRunner(t)
	require.NoError(t, r.Handle(b.ctx, msg))
	first := lastExecution(t, b, tk)
	require.Equal(t, task.StatusSuccess, first.Status, "a page that fails is evidence, not a failed run")
	require.Contains(t, first.Result.Evidence, "Could not read "+srv.URL+"/missing: the page answered HTTP 404.")
	// Each read is a step of the run's trail, the failed one saying why.
	steps, err := b.store.ExecutionSteps(b.ctx, b.user.ID, first.ID)
	require.NoError(t, err)
	require.Len(t, steps, 2)
	require.Equal(t, []string{url, srv.URL + "/missing"}, []string{steps[0].URL, steps[1].URL})
	require.Equal(t, task.StepPage, steps[0].Kind)
	require.Equal(t, 200, steps[0].Status)
	require.Positive(t, steps[0].Bytes)
	require.Empty(t, steps[0].Failure)
	require.Equal(t, 404, steps[1].Status)
	require.Equal(t, "the page answered HTTP 404", steps[1].Failure)

	site.set("Widget\nPrice: 12 dollars\nIn stock\n")
	priced := b.runAgain(t, r, tk)
	require.False(t, priced.Result.Notifies(), "a change the filter does not count is silent")
	require.Contains(t, priced.Result.Evidence, url+" changed, but no changed line matches the filter")
	require.Equal(t, task.SilenceFiltered, priced.SilenceReason)

	site.set("Widget\nPrice: 12 dollars\nSOLD OUT\n")
	sold := b.runAgain(t, r, tk)
	require.True(t, sold.Result.Notifies(), "the keywords match in any case")
	require.Contains(t, *sold.Result.Notification, "+ SOLD OUT")
}

func TestChangeModeUnreadablePagesSayWhy(t *testing.T) {
	b := setup(t)
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	tk, msg := b.changeTask(t, "", srv.URL+"/gone")
	require.NoError(t, b.changeRunner(t).Handle(b.ctx, msg))
	got := lastExecution(t, b, tk)
	require.Equal(t, task.StatusSuccess, got.Status)
	require.Equal(t, task.SilencePageFailed, got.SilenceReason, "no page could be read")
}

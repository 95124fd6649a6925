package api_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/functions/api"
	"github.com/torale-ai/torale/platform"
	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/agent/agenttest"
	"github.com/torale-ai/torale/shared/auth"
	"github.com/torale-ai/torale/shared/client"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/store/storetest"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/watch"
)

// previewLimit is one burst of 4 previews and no refill within a test.
var previewLimit = api.Limits{Preview: api.Limit{Every: time.Hour, Burst: 4}}

// instance is one API process over s, as Cloud Run runs several; buckets nil keeps the limits
// in its memory, as before they were shared.
func instance(t *testing.T, s *store.Store, buckets api.Buckets, now func() time.Time) *client.Client {
	t.Helper()
	return instanceURL(t, s, buckets, now).as("alice")
}

type apiURL struct {
	t   *testing.T
	url string
}

// as is a client of the instance that signs in as the dev user.
func (u apiURL) as(user string) *client.Client {
	return client.New(u.url, client.WithHTTPClient(validatingClient(u.t)), client.WithDevUser(user))
}

func instanceURL(t *testing.T, s *store.Store, buckets api.Buckets, now func() time.Time) apiURL {
	t.Helper()
	fake := agenttest.New(agenttest.Reply{Output: agent.Output{Result: task.Result{Evidence: "Nothing yet.", Confidence: 90}}})
	w := watch.New(watch.Deps{Store: s, Publisher: discardPublisher{}, Agent: fake, Now: now, Rules: task.DefaultRules(),
		Log: logging.Discard(), MaxActive: 5, Channels: platform.NewChannels(s, false)})
	srv := httptest.NewServer(api.New(api.Deps{Watch: w, Keys: s, Admin: s, Health: s.Health, Log: logging.Discard(),
		Auth: auth.NewDev(s), Limits: previewLimit, Buckets: buckets, Now: now}))
	t.Cleanup(srv.Close)
	return apiURL{t: t, url: srv.URL}
}

func preview(ctx context.Context, c *client.Client) error {
	_, err := c.PreviewTask(ctx, contract.TaskInput{SearchQuery: "next iphone release"})
	return err
}

// Two instances on one database share a user's budget: the limit is 4 previews whichever
// instance serves them, not 4 per instance (issue 11: the real limit grew with the instances).
func TestRateLimitsHoldAcrossInstances(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	now := time.Now
	a, b := instance(t, s, s, now), instance(t, s, s, now)
	for i, c := range []*client.Client{a, b, a, b} {
		require.NoError(t, preview(ctx, c), "preview %d", i)
	}
	for _, c := range []*client.Client{a, b} {
		e := requireProblem(t, preview(ctx, c), http.StatusTooManyRequests)
		require.InDelta(t, time.Hour.Seconds(), e.RetryAfter.Seconds(), 5)
	}
	// A third instance started later sees the spent budget; another user's budget is whole.
	third := instanceURL(t, s, s, now)
	requireStatus(t, preview(ctx, third.as("alice")), http.StatusTooManyRequests)
	require.NoError(t, preview(ctx, third.as("bob")))
}

// Parallel requests on both instances take exactly the burst: the check and the take are one
// statement, so no two requests see the same last token.
func TestParallelRequestsOnTwoInstancesTakeExactlyTheBurst(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	clients := []*client.Client{instance(t, s, s, time.Now), instance(t, s, s, time.Now)}
	var ok, limited atomic.Int32
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			err := preview(ctx, clients[i%2])
			var e *client.Error
			switch {
			case err == nil:
				ok.Add(1)
			case errors.As(err, &e) && e.StatusCode == http.StatusTooManyRequests:
				limited.Add(1)
			default:
				t.Errorf("preview: %v", err)
			}
		})
	}
	wg.Wait()
	require.EqualValues(t, 4, ok.Load())
	require.EqualValues(t, 12, limited.Load())
}

// failingBuckets is a database that cannot be reached.
type failingBuckets struct{ calls atomic.Int32 }

func (f *failingBuckets) TakeToken(context.Context, string, uuid.UUID, time.Duration, int, time.Time) (time.Duration, error) {
	f.calls.Add(1)
	return 0, errors.New("connection refused")
}

// While the shared buckets cannot be reached each instance still limits on its own: an outage
// must not lift the limit on previews, which need no database.
func TestRateLimitsFallBackToTheInstanceWhenTheDatabaseFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := &failingBuckets{}
	c := instance(t, storetest.New(t), f, time.Now)
	for i := range 4 {
		require.NoError(t, preview(ctx, c), "preview %d", i)
	}
	requireStatus(t, preview(ctx, c), http.StatusTooManyRequests)
	require.EqualValues(t, 5, f.calls.Load())
}

package watch_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/watch"
)

// racers is how many requests race for the last place under the cap.
const racers = 20

// capWay is one path by which a task becomes active: prepare readies racer i (a task in a
// state to be activated, or nothing for a create) and act makes the request.
type capWay struct {
	name    string
	prepare func(t *testing.T, b testBundle, i int) task.Task
	act     func(b testBundle, tk task.Task, i int) error
}

func capWays() []capWay {
	inState := func(st task.State) func(t *testing.T, b testBundle, i int) task.Task {
		return func(t *testing.T, b testBundle, i int) task.Task {
			tk := b.create(t, fmt.Sprintf("candidate %d", i))
			tk, err := b.watch.SetState(b.ctx, b.user.ID, tk.ID, st)
			require.NoError(t, err)
			return tk
		}
	}
	setActive := func(b testBundle, tk task.Task, _ int) error {
		_, err := b.watch.SetState(b.ctx, b.user.ID, tk.ID, task.StateActive)
		return err
	}
	return []capWay{
		{name: "create", prepare: func(*testing.T, testBundle, int) task.Task { return task.Task{} },
			act: func(b testBundle, _ task.Task, i int) error {
				_, err := b.watch.Create(b.ctx, b.user.ID, task.Draft{SearchQuery: fmt.Sprintf("racer %d", i), Schedule: "0 9 * * *"})
				return err
			}},
		{name: "resume", prepare: inState(task.StatePaused), act: setActive},
		{name: "restart", prepare: inState(task.StateCompleted), act: setActive},
		{name: "patch state", prepare: inState(task.StatePaused), act: func(b testBundle, tk task.Task, _ int) error {
			_, err := b.watch.Update(b.ctx, b.user.ID, tk.ID, watch.Patch{State: ptr(task.StateActive), Name: ptr("patched")})
			return err
		}},
	}
}

// At the cap less one, twenty concurrent requests that would each add an active task let
// exactly one through; the others get the cap's usual refusal. In Cloud Scheduler mode the
// losers' jobs are put back as their rows are, and no job call runs inside a transaction.
func TestActiveCapHoldsUnderConcurrency(t *testing.T) {
	for _, way := range capWays() {
		for _, cloud := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/cloud=%v", way.name, cloud), func(t *testing.T) {
				b := setup(t, cloud)
				candidates := make([]task.Task, racers)
				for i := range candidates {
					candidates[i] = way.prepare(t, b, i)
				}
				for i := range maxActive - 1 {
					b.create(t, fmt.Sprintf("active %d", i))
				}

				errs := make([]error, racers)
				var start, done sync.WaitGroup
				start.Add(1)
				for i := range racers {
					done.Add(1)
					go func() {
						defer done.Done()
						start.Wait()
						errs[i] = way.act(b, candidates[i], i)
					}()
				}
				start.Done()
				done.Wait()

				ok := 0
				for _, err := range errs {
					if err == nil {
						ok++
						continue
					}
					var le *watch.LimitError
					require.ErrorAs(t, err, &le)
					require.Equal(t, "You have 5 active tasks, the most allowed; pause or complete one first.", le.Reason)
				}
				require.Equal(t, 1, ok, "exactly one request takes the last place")
				n, err := b.store.CountActiveTasks(b.ctx, b.user.ID)
				require.NoError(t, err)
				require.Equal(t, maxActive, n)
				b.requireJobsMatch(t)
			})
		}
	}
}

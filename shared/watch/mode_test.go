package watch_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/agent/agenttest"
	"github.com/torale-ai/torale/shared/logging"
	"github.com/torale-ai/torale/shared/task"
	"github.com/torale-ai/torale/shared/watch"
)

// With no model configured (this bundle's service has no agent), a task that lists pages and
// names no mode watches them for changes; one that names a mode, or lists no page, keeps it.
func TestModeIsChosenAtCreation(t *testing.T) {
	b := setup(t, false)
	pages := []string{"https://shop.example/widget"}
	changed, err := b.watch.Create(b.ctx, b.user.ID, task.Draft{URLs: pages})
	require.NoError(t, err)
	require.Equal(t, task.ModeChange, changed.Mode)
	require.Equal(t, "shop.example/widget", changed.Name)
	require.True(t, changed.NameIsDefault)

	named, err := b.watch.Create(b.ctx, b.user.ID, task.Draft{SearchQuery: "widget price", URLs: pages, Mode: task.ModeAgent})
	require.NoError(t, err)
	require.Equal(t, task.ModeAgent, named.Mode)
	plain, err := b.watch.Create(b.ctx, b.user.ID, task.Draft{SearchQuery: "widget price"})
	require.NoError(t, err)
	require.Equal(t, task.ModeAgent, plain.Mode)

	configured := watch.New(watch.Deps{Store: b.store, Publisher: b.pub, Now: b.clock.Now, Rules: task.DefaultRules(),
		Log: logging.Discard(), Agent: agenttest.New()})
	require.Equal(t, task.ModeAgent, configured.DefaultMode(task.Draft{URLs: pages}), "a model is configured")

	// A stored mode stays through an edit, and the filter an edit writes is checked.
	edited, err := b.watch.Update(b.ctx, b.user.ID, changed.ID, watch.Patch{ConditionDescription: ptr("sold out")})
	require.NoError(t, err)
	require.Equal(t, task.ModeChange, edited.Mode)
	_, err = b.watch.Update(b.ctx, b.user.ID, changed.ID, watch.Patch{ConditionDescription: ptr("/a(/")})
	var ve *task.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "condition_description", ve.Fields[0].Field)
}

package gallery_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/gallery"
	"github.com/torale-ai/torale/shared/task"
)

// Every built-in template passes the validation a task gets (task.Template.Normalize runs
// task.Draft.Normalize with the deployment's default rules) and comes back unchanged, so
// what the gallery shows is exactly what a task made from it stores.
func TestEveryBuiltinTemplateIsAValidTask(t *testing.T) {
	g, err := gallery.Load()
	require.NoError(t, err)
	all := g.All()
	require.GreaterOrEqual(t, len(all), 12)
	ids := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	for _, tm := range all {
		require.True(t, tm.Builtin)
		require.Regexp(t, ids, tm.ID)
		require.NotEmpty(t, tm.Description, tm.ID)
		require.NotEmpty(t, tm.Schedule, "%s suggests a schedule", tm.ID)
		require.NotEmpty(t, tm.ConditionDescription, tm.ID)
		require.NotEmpty(t, tm.NotifyBehavior, tm.ID)
		n, err := tm.Normalize(task.DefaultRules())
		require.NoError(t, err, tm.ID)
		require.Equal(t, tm, n, "%s is stored as written", tm.ID)
		got, ok := g.Get(tm.ID)
		require.True(t, ok)
		require.Equal(t, tm, got)
	}
}

func TestTheGalleryCoversEveryCategory(t *testing.T) {
	seen := map[string]int{}
	for _, tm := range gallery.MustLoad().All() {
		seen[tm.Category]++
	}
	for _, c := range []string{"product launches", "prices", "releases", "policy and regulation", "jobs", "science", "sports"} {
		require.GreaterOrEqual(t, seen[c], 1, c)
	}
	_, ok := gallery.MustLoad().Get("no-such-template")
	require.False(t, ok)
}

package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/client"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/task"
)

func TestTemplates(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	alice := b.client(t, client.WithDevUser("alice"))
	bob := b.client(t, client.WithDevUser("bob"))

	all, err := alice.ListTemplates(ctx)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(all.Data), 12)
	require.Nil(t, all.NextCursor)
	for _, tm := range all.Data {
		require.True(t, tm.Builtin)
		require.Nil(t, tm.CreatedAt)
	}

	// From fields: checked as a task's definition is.
	p := requireProblem(t, errOf(alice.CreateTemplate(ctx, contract.TemplateInput{Name: "x", SearchQuery: "gpu prices", Schedule: "* * * * *"})),
		http.StatusUnprocessableEntity)
	require.Equal(t, "schedule", p.Errors[0].Field)
	requireStatus(t, errOf(alice.CreateTemplate(ctx, contract.TemplateInput{SearchQuery: "gpu prices"})), http.StatusUnprocessableEntity)
	own, err := alice.CreateTemplate(ctx, contract.TemplateInput{Name: "My GPU watch", Description: "cheap cards", SearchQuery: " gpu prices ",
		Schedule: "0 8 * * *", NotifyBehavior: task.NotifyAlways})
	require.NoError(t, err)
	require.False(t, own.Builtin)
	require.Equal(t, "custom", own.Category)
	require.Equal(t, "gpu prices", own.SearchQuery)
	require.Equal(t, "gpu prices", own.ConditionDescription)
	require.Equal(t, "UTC", own.Timezone)

	// Save as template: the definition only, never channels, context or pages.
	b.verifyEmail(t, "alice", "alice@example.com")
	tk, err := alice.CreateTask(ctx, contract.TaskInput{Name: "Fed watch", SearchQuery: "Federal Reserve rate decision",
		ConditionDescription: "the rate changed", Schedule: "30 14 * * *", Timezone: "America/New_York", Context: "private background",
		URLs: []string{"https://example.com/?token=s3cret"}, Notifications: []contract.Notification{{Type: task.ChannelEmail, Address: "alice@example.com"}}})
	require.NoError(t, err)
	saved, err := alice.CreateTemplate(ctx, contract.TemplateInput{FromTask: &tk.ID, Category: "Policy"})
	require.NoError(t, err)
	require.Equal(t, contract.Template{ID: saved.ID, Name: "Fed watch", Category: "policy", SearchQuery: "Federal Reserve rate decision",
		ConditionDescription: "the rate changed", Schedule: "30 14 * * *", Timezone: "America/New_York", NotifyBehavior: task.NotifyOnce,
		Depth: task.DepthRoutine, CreatedAt: saved.CreatedAt}, saved)
	requireStatus(t, errOf(alice.CreateTemplate(ctx, contract.TemplateInput{FromTask: &tk.ID, SearchQuery: "other"})), http.StatusUnprocessableEntity)
	requireStatus(t, errOf(bob.CreateTemplate(ctx, contract.TemplateInput{FromTask: &tk.ID})), http.StatusNotFound)

	mine, err := alice.ListTemplates(ctx)
	require.NoError(t, err)
	require.Len(t, mine.Data, len(all.Data)+2)
	require.Equal(t, saved.ID, mine.Data[len(all.Data)].ID, "own templates follow the gallery, newest first")
	theirs, err := bob.ListTemplates(ctx)
	require.NoError(t, err)
	require.Len(t, theirs.Data, len(all.Data), "bob sees the gallery, not alice's templates")

	// A task from a template: the template's definition, the request's fields on top.
	fromGallery, err := alice.CreateTask(ctx, contract.TaskInput{TemplateID: "gpu-price-drop", Schedule: "0 6 * * *"})
	require.NoError(t, err)
	gpu := all.Data[indexOf(t, all.Data, "gpu-price-drop")]
	require.Equal(t, gpu.Name, fromGallery.Name)
	require.Equal(t, gpu.SearchQuery, fromGallery.SearchQuery)
	require.Equal(t, gpu.ConditionDescription, fromGallery.ConditionDescription)
	require.Equal(t, gpu.NotifyBehavior, fromGallery.NotifyBehavior)
	require.Equal(t, "0 6 * * *", fromGallery.Schedule)
	fromOwn, err := alice.CreateTask(ctx, contract.TaskInput{TemplateID: own.ID, Name: "Renamed"})
	require.NoError(t, err)
	require.Equal(t, "Renamed", fromOwn.Name)
	require.Equal(t, "gpu prices", fromOwn.SearchQuery)
	require.Equal(t, task.NotifyAlways, fromOwn.NotifyBehavior)
	p = requireProblem(t, errOf(bob.CreateTask(ctx, contract.TaskInput{TemplateID: own.ID})), http.StatusUnprocessableEntity)
	require.Equal(t, "template_id", p.Errors[0].Field, "alice's template is not bob's to use")

	// Delete: your own only; the gallery stays.
	requireStatus(t, bob.DeleteTemplate(ctx, own.ID), http.StatusNotFound)
	requireStatus(t, alice.DeleteTemplate(ctx, "gpu-price-drop"), http.StatusConflict)
	requireStatus(t, alice.DeleteTemplate(ctx, "not-a-template"), http.StatusNotFound)
	require.NoError(t, alice.DeleteTemplate(ctx, own.ID))
	requireStatus(t, alice.DeleteTemplate(ctx, own.ID), http.StatusNotFound)
}

func indexOf(t *testing.T, list []contract.Template, id string) int {
	t.Helper()
	for i, tm := range list {
		if tm.ID == id {
			return i
		}
	}
	t.Fatalf("no template %q", id)
	return -1
}

package store_test

import (
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// A user keeps at most MaxTemplates, however many saves race for the last place; another
// user's templates are out of reach.
func TestTemplatesAreCappedPerUserAndPrivate(t *testing.T) {
	b := setup(t)
	tm := task.Template{Name: "GPU", Category: "prices", SearchQuery: "gpu prices", ConditionDescription: "gpu prices",
		Timezone: "UTC", NotifyBehavior: task.NotifyOnce}
	for range store.MaxTemplates - 2 {
		_, err := b.store.CreateTemplate(b.ctx, b.user.ID, tm)
		require.NoError(t, err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = b.store.CreateTemplate(b.ctx, b.user.ID, tm)
		}()
	}
	wg.Wait()
	refused := 0
	for _, err := range errs {
		if err != nil {
			require.ErrorIs(t, err, store.ErrConflict)
			refused++
		}
	}
	require.Equal(t, 4, refused)
	list, err := b.store.ListTemplates(b.ctx, b.user.ID)
	require.NoError(t, err)
	require.Len(t, list, store.MaxTemplates)

	id := uuid.MustParse(list[0].ID)
	_, err = b.store.GetTemplate(b.ctx, b.other.ID, id)
	require.ErrorIs(t, err, store.ErrNotFound)
	require.ErrorIs(t, b.store.DeleteTemplate(b.ctx, b.other.ID, id), store.ErrNotFound)
	require.NoError(t, b.store.DeleteTemplate(b.ctx, b.user.ID, id))
	mine, err := b.store.ListTemplates(b.ctx, b.other.ID)
	require.NoError(t, err)
	require.Empty(t, mine)
}

// A public task is found by its slug only while it is public.
func TestPublicTaskOnlyWhilePublic(t *testing.T) {
	b := setup(t)
	tk := b.task(t, b.user, b.now)
	_, err := b.store.GetPublicTask(b.ctx, "watch-abcdefgh")
	require.ErrorIs(t, err, store.ErrNotFound)
	cur, v, err := b.store.GetTaskVersion(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	now := time.Now()
	cur.Public, cur.PublicSlug, cur.PublishedAt = true, "watch-abcdefgh", &now
	_, err = b.store.SaveTask(b.ctx, b.user.ID, cur, v, 0)
	require.NoError(t, err)
	got, err := b.store.GetPublicTask(b.ctx, "watch-abcdefgh")
	require.NoError(t, err)
	require.Equal(t, tk.ID, got.ID)
	list, err := b.store.ListPublicTasks(b.ctx, "iphone", 10, nil)
	require.NoError(t, err)
	require.Len(t, list, 1)

	// A deactivated owner's public watches are gone from the next request, and back after.
	_, err = b.store.DeactivateUser(b.ctx, b.user.ID, now)
	require.NoError(t, err)
	_, err = b.store.GetPublicTask(b.ctx, "watch-abcdefgh")
	require.ErrorIs(t, err, store.ErrNotFound)
	for _, q := range []string{"", "iphone"} {
		list, err = b.store.ListPublicTasks(b.ctx, q, 10, nil)
		require.NoError(t, err)
		require.Empty(t, list, "search %q", q)
	}
	_, err = b.store.ReactivateUser(b.ctx, b.user.ID, now)
	require.NoError(t, err)
	_, err = b.store.GetPublicTask(b.ctx, "watch-abcdefgh")
	require.NoError(t, err)

	cur, v, err = b.store.GetTaskVersion(b.ctx, b.user.ID, tk.ID)
	require.NoError(t, err)
	cur.Public = false
	saved, err := b.store.SaveTask(b.ctx, b.user.ID, cur, v, 0)
	require.NoError(t, err)
	require.Equal(t, "watch-abcdefgh", saved.PublicSlug, "the slug is kept")
	_, err = b.store.GetPublicTask(b.ctx, "watch-abcdefgh")
	require.ErrorIs(t, err, store.ErrNotFound)
	list, err = b.store.ListPublicTasks(b.ctx, "", 10, nil)
	require.NoError(t, err)
	require.Empty(t, list)
}

package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
)

// A change-mode task's last read of a page is kept per task and page, replaced by the next,
// readable only by the task's owner, and gone with the task.
func TestPageSnapshots(t *testing.T) {
	b := setup(t)
	tk := b.task(t, b.user, b.now)
	url := "https://shop.example/widget"
	_, err := b.store.PageSnapshot(b.ctx, b.user.ID, tk.ID, url)
	require.ErrorIs(t, err, store.ErrNotFound, "no read yet")

	require.NoError(t, b.store.SavePageSnapshot(b.ctx, b.user.ID, tk.ID,
		store.Snapshot{URL: url, Text: "Price: 10\x00", ETag: `"a"`}, b.now))
	require.NoError(t, b.store.SavePageSnapshot(b.ctx, b.user.ID, tk.ID,
		store.Snapshot{URL: url, Text: "Price: 12", LastModified: "Tue, 01 Dec 2026 04:00:00 GMT"}, b.now.Add(time.Minute)))
	got, err := b.store.PageSnapshot(b.ctx, b.user.ID, tk.ID, url)
	require.NoError(t, err)
	require.Equal(t, "Price: 12", got.Text)
	require.Empty(t, got.ETag, "the newest read's validators replace the old")
	require.Equal(t, "Tue, 01 Dec 2026 04:00:00 GMT", got.LastModified)

	_, err = b.store.PageSnapshot(b.ctx, b.other.ID, tk.ID, url)
	require.ErrorIs(t, err, store.ErrNotFound, "another user cannot read it")
	require.ErrorIs(t, b.store.SavePageSnapshot(b.ctx, b.other.ID, tk.ID, store.Snapshot{URL: url, Text: "x"}, b.now),
		store.ErrNotFound, "nor write it")

	require.NoError(t, b.store.DeleteTask(b.ctx, b.user.ID, tk.ID))
	_, err = b.store.PageSnapshot(b.ctx, b.user.ID, tk.ID, url)
	require.ErrorIs(t, err, store.ErrNotFound)
}

package platform

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLazyPubSubMakesNoClientUntilThePublish(t *testing.T) {
	l := newLazyPubSub(context.Background(), "")
	require.Nil(t, l.made, "nothing is made at start")
	require.NoError(t, l.Close(), "closing a publisher never used closes nothing")
}

func TestLazyPubSubReturnsTheStartErrorOnEveryPublish(t *testing.T) {
	// An empty project is what event.NewPubSub refuses, so the client cannot be made.
	l := newLazyPubSub(context.Background(), "")
	for range 2 {
		err := l.Publish(context.Background(), "run-task", []byte(`{}`))
		require.ErrorContains(t, err, "no project")
	}
	require.Nil(t, l.made)
}

func TestLazyPubSubMakesTheClientOnce(t *testing.T) {
	// The emulator variable makes the client without credentials or a connection.
	t.Setenv("PUBSUB_EMULATOR_HOST", "127.0.0.1:1")
	l := newLazyPubSub(context.Background(), "proj")
	first, err := l.open()
	require.NoError(t, err)
	require.Same(t, first, l.made, "the client made is the one Close closes")
	again, err := l.open()
	require.NoError(t, err)
	require.Same(t, first, again, "later publishes reuse it")
	require.NoError(t, l.Close())
}

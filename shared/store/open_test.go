package store_test

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store"
)

// deadURL is a database URL on a loopback port nothing listens on.
func deadURL(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return "postgres://torale@" + addr + "/torale?sslmode=disable&connect_timeout=5"
}

func TestOpenChecksTheDatabaseAnswersUnlessToldNotTo(t *testing.T) {
	ctx := context.Background()
	_, err := store.Open(ctx, deadURL(t), store.Options{})
	require.ErrorContains(t, err, "connecting to PostgreSQL")

	// NoPing leaves the first statement to find out, as the functions server's schema check does.
	s, err := store.Open(ctx, deadURL(t), store.Options{NoPing: true})
	require.NoError(t, err)
	defer s.Close()
	_, err = s.Health(ctx)
	require.ErrorContains(t, err, "reading schema version")
}

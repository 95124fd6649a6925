package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/store/storetest"
)

func TestRefusesToServePushFunctionsWithoutPushAuth(t *testing.T) {
	t.Setenv("DATABASE_URL", storetest.URL(t))
	for _, target := range []string{"runtask", "notify", "tick"} {
		t.Setenv("FUNCTION_TARGET", target)
		err := run(context.Background())
		require.ErrorContains(t, err, "TORALE_PUSH_AUDIENCE")
		require.ErrorContains(t, err, "TORALE_PUSH_SERVICE_ACCOUNT")
		require.ErrorContains(t, err, "TORALE_PUSH_AUTH=off")
	}
}

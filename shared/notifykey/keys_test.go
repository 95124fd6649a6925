package notifykey_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/notifykey"
)

func TestDerivationIsPerKeyPurposeAndParts(t *testing.T) {
	_, err := notifykey.New(strings.Repeat("k", notifykey.MinLen-1))
	require.Error(t, err, "a short key is refused")
	k, err := notifykey.New(strings.Repeat("k", notifykey.MinLen))
	require.NoError(t, err)
	other, err := notifykey.New(strings.Repeat("o", notifykey.MinLen))
	require.NoError(t, err)

	a := k.Derive("webhook-secret", []byte("user"), []byte("salt"))
	require.Len(t, a, 32)
	require.Equal(t, a, k.Derive("webhook-secret", []byte("user"), []byte("salt")), "stable, so nothing need be stored")
	require.NotEqual(t, a, k.Derive("unsubscribe", []byte("user"), []byte("salt")), "each purpose has its own keys")
	require.NotEqual(t, a, k.Derive("webhook-secret", []byte("use"), []byte("rsalt")), "parts are set apart")
	require.NotEqual(t, a, other.Derive("webhook-secret", []byte("user"), []byte("salt")))
	require.Len(t, notifykey.NewSalt(), 16)
	require.NotEqual(t, notifykey.NewSalt(), notifykey.NewSalt())
}

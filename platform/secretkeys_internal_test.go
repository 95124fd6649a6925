package platform

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/sealed"
	"github.com/torale-ai/torale/shared/store/storetest"
)

// Without TORALE_SECRET_KEYS webhook secrets stay derived from the notify key, and the process
// says so when it starts; with it, nothing is said.
func TestStartSaysWhenWebhookSecretsStayDerived(t *testing.T) {
	st := storetest.New(t)
	start := func(env map[string]string) (string, error) {
		var buf bytes.Buffer
		_, err := New(Deps{Config: testConfig(t, env), Store: st, Publisher: discard{}, Functions: []Function{FunctionNotify},
			Log: slog.New(slog.NewTextHandler(&buf, nil))})
		return buf.String(), err
	}
	notify := "platform-test-notify-key-0123456789abcdef"
	log, err := start(map[string]string{"TORALE_NOTIFY_SECRET": notify})
	require.NoError(t, err)
	require.Contains(t, log, "TORALE_SECRET_KEYS is not set: webhook signing secrets stay derived from TORALE_NOTIFY_SECRET")

	key := sealed.NewKey("k1")
	log, err = start(map[string]string{"TORALE_NOTIFY_SECRET": notify, "TORALE_SECRET_KEYS": key})
	require.NoError(t, err)
	require.NotContains(t, log, "TORALE_SECRET_KEYS")
	require.NotContains(t, log, key[3:], "the key never reaches the log")
}

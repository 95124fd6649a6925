package webhook_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/notifykey"
	"github.com/torale-ai/torale/shared/outbox/outboxtest"
	"github.com/torale-ai/torale/shared/webhook"
)

// The test vector published with the Standard Webhooks specification.
func TestSignatureMatchesTheSpecTestVector(t *testing.T) {
	const (
		secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
		id     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
		body   = `{"test": 2432232314}`
		want   = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
	)
	got, err := webhook.Sign([]string{secret}, id, time.Unix(1614265330, 0), []byte(body))
	require.NoError(t, err)
	require.Equal(t, want, got)

	// The same, computed from the definition: HMAC-SHA256 of id.timestamp.body keyed with the
	// base64-decoded secret.
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	require.NoError(t, err)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + ".1614265330." + body))
	require.Equal(t, want, "v1,"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))

	two, err := webhook.Sign([]string{secret, "whsec_" + base64.StdEncoding.EncodeToString([]byte("another secret of 24+ bytes!"))}, id, time.Unix(1614265330, 0), []byte(body))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(two, want+" v1,"), "rotation signs with both secrets, space-separated")
}

func TestWebhookSecretsAreDerivedPerUserAndSalt(t *testing.T) {
	k := outboxtest.Keys(t)
	u1, u2 := [16]byte{1}, [16]byte{2}
	a := webhook.Secret(k, u1, []byte("salt-one-16bytes"))
	require.True(t, strings.HasPrefix(a, "whsec_"))
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(a, "whsec_"))
	require.NoError(t, err)
	require.Len(t, raw, 32)
	require.Equal(t, a, webhook.Secret(k, u1, []byte("salt-one-16bytes")))
	require.NotEqual(t, a, webhook.Secret(k, u2, []byte("salt-one-16bytes")))
	require.NotEqual(t, a, webhook.Secret(k, u1, []byte("salt-two-16bytes")))
	other, err := notifykey.New(strings.Repeat("x", 40))
	require.NoError(t, err)
	require.NotEqual(t, a, webhook.Secret(other, u1, []byte("salt-one-16bytes")))
	_, err = notifykey.New("short")
	require.Error(t, err)
}

package sealed_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/sealed"
)

func TestSealOpensOnlyWhereItWasSealed(t *testing.T) {
	k, err := sealed.Parse(sealed.NewKey("k1"))
	require.NoError(t, err)
	s, err := k.Seal([]byte("xoxb-123-secret"), "channel/u1/slack")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(s, "k1."), "the key id is stored beside the ciphertext: %s", s)
	require.NotContains(t, s, "xoxb")

	plain, err := k.Open(s, "channel/u1/slack")
	require.NoError(t, err)
	require.Equal(t, "xoxb-123-secret", string(plain))

	_, err = k.Open(s, "channel/u2/slack")
	require.ErrorIs(t, err, sealed.ErrOpen, "a value copied to another user's row does not open")
	tampered := s[:len(s)-2] + "AA"
	_, err = k.Open(tampered, "channel/u1/slack")
	require.ErrorIs(t, err, sealed.ErrOpen)
	_, err = k.Open("k1.!!", "channel/u1/slack")
	require.ErrorIs(t, err, sealed.ErrOpen)

	again, err := k.Seal([]byte("xoxb-123-secret"), "channel/u1/slack")
	require.NoError(t, err)
	require.NotEqual(t, s, again, "a fresh nonce every time")
}

func TestRotationKeepsEveryValueReadable(t *testing.T) {
	oldKey, newKey := sealed.NewKey("2026-01"), sealed.NewKey("2026-12")
	before, err := sealed.Parse(oldKey)
	require.NoError(t, err)
	s, err := before.Seal([]byte("hook secret"), "webhook/u1")
	require.NoError(t, err)

	// Step 1: the new key seals, the old one still opens.
	during, err := sealed.Parse(newKey + "," + oldKey)
	require.NoError(t, err)
	require.Equal(t, "2026-12", during.Primary())
	require.Equal(t, []string{"2026-12", "2026-01"}, during.IDs())
	require.True(t, during.Stale(s))
	plain, err := during.Open(s, "webhook/u1")
	require.NoError(t, err)
	require.Equal(t, "hook secret", string(plain))

	// Step 2: every stale value is re-sealed.
	resealed, err := during.Reseal(s, "webhook/u1")
	require.NoError(t, err)
	require.False(t, during.Stale(resealed))
	require.Equal(t, "2026-12", sealed.KeyID(resealed))

	// Step 3: the old key is dropped; re-sealed values open, old ones say which key they need.
	after, err := sealed.Parse(newKey)
	require.NoError(t, err)
	plain, err = after.Open(resealed, "webhook/u1")
	require.NoError(t, err)
	require.Equal(t, "hook secret", string(plain))
	_, err = after.Open(s, "webhook/u1")
	require.ErrorIs(t, err, sealed.ErrOpen)
	require.Contains(t, err.Error(), `"2026-01"`)
}

func TestParseRefusesBadKeyrings(t *testing.T) {
	for _, spec := range []string{"", " , ", "nokey", "K1:" + strings.Repeat("A", 44), "k1:short",
		"k1:" + strings.Repeat("A", 40) + "==", sealed.NewKey("k1") + "," + sealed.NewKey("k1")} {
		_, err := sealed.Parse(spec)
		require.Error(t, err, "%q", spec)
		require.NotContains(t, err.Error(), strings.Repeat("A", 10), "keys never appear in errors")
	}
	var nilRing *sealed.Keyring
	_, err := nilRing.Seal([]byte("x"), "w")
	require.ErrorIs(t, err, sealed.ErrNotConfigured)
	_, err = nilRing.Open("k1.x", "w")
	require.ErrorIs(t, err, sealed.ErrNotConfigured)
}

func TestMaskShowsAtMostFourCharacters(t *testing.T) {
	require.Equal(t, "••••", sealed.Mask("short"))
	require.Equal(t, "••••cdef", sealed.Mask("https://hooks.slack.com/services/T/B/abcdef"[0:0]+"0123456789abcdef"))
}

func FuzzOpenNeverPanics(f *testing.F) {
	k, err := sealed.Parse(sealed.NewKey("k1"))
	require.NoError(f, err)
	s, _ := k.Seal([]byte("v"), "w")
	f.Add(s)
	f.Add("k1.")
	f.Add("")
	f.Fuzz(func(t *testing.T, v string) {
		if plain, err := k.Open(v, "w"); err == nil && string(plain) != "v" {
			t.Fatalf("opened a forged value to %q", plain)
		}
	})
}

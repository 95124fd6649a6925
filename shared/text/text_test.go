package text_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/text"
)

func TestStorable(t *testing.T) {
	require.True(t, text.Storable("plain café ✓"))
	require.False(t, text.Storable("nul\x00inside"))
	require.False(t, text.Storable("bad \xff byte"))
	require.False(t, text.Storable("\xed\xa0\x80")) // a surrogate, encoded
}

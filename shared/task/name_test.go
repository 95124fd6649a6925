package task_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/task"
)

func TestHidden(t *testing.T) {
	for _, r := range []rune{0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
		0x200B, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF} {
		s := "a" + string(r) + "b"
		got, ok := task.HiddenRune(s)
		require.True(t, ok, "%U", r)
		require.Equal(t, r, got)
		require.Equal(t, "ab", task.StripHidden(s))
		require.NotEmpty(t, task.HiddenProblem(s))
	}
	// Needed by emoji and several scripts, so allowed.
	for _, s := range []string{"👩\u200d💻", "می\u200cخواهم", "co\u00adoperate", "plain"} {
		_, ok := task.HiddenRune(s)
		require.False(t, ok, "%q", s)
		require.Equal(t, s, task.StripHidden(s))
		require.Empty(t, task.HiddenProblem(s))
	}
	require.Equal(t, "must not contain U+202E, an invisible or direction-changing character", task.HiddenProblem("x\u202ey"))
}

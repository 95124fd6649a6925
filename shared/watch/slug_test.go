package watch_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/watch"
)

func TestSlugIsTheNameAndARandomSuffix(t *testing.T) {
	require.Regexp(t, `^next-iphone-15-pro-launch-[a-z2-7]{8}$`, watch.Slug("  Next iPhone 15 Pro — launch!"))
	require.Regexp(t, `^watch-[a-z2-7]{8}$`, watch.Slug("日本語"))
	long := watch.Slug("a very long name that goes on and on well past the forty character cut")
	require.Regexp(t, `^a-very-long-name-that-goes-on-and-on-[a-z2-7]{8}$`, long)
	require.NotEqual(t, watch.Slug("same"), watch.Slug("same"))
}

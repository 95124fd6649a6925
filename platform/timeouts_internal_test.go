package platform

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/config"
	"github.com/torale-ai/torale/shared/logging"
)

// torale dev's server lets a preview wait for the agent however long TORALE_AGENT_TIMEOUT is
// (it kept http.Server's 5-minute default, so a longer agent timeout cut previews off), and has
// every other timeout set.
func TestLocalServerTimeoutsFollowTheAgent(t *testing.T) {
	for _, agent := range []time.Duration{30 * time.Second, 2 * time.Minute, 10 * time.Minute} {
		s := Local{Config: config.Config{AgentTimeout: agent}, Log: logging.Discard()}.server(nil).WithDefaults()
		require.Greater(t, s.Write, agent+30*time.Second, "agent timeout %s", agent)
		require.Positive(t, s.ReadHeader)
		require.Positive(t, s.Read)
		require.Positive(t, s.Idle)
		require.Less(t, s.Read, s.Write)
	}
}

package platform

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/config"
)

// TORALE_DB_MAX_CONNS wins when set (bounded); unset, torale dev sizes its pool to the cores
// its PostgreSQL shares, and a function takes 20.
func TestDBConns(t *testing.T) {
	require.Equal(t, int32(7), dbConns(config.Config{DBMaxConns: 7}, true))
	require.Equal(t, int32(7), dbConns(config.Config{DBMaxConns: 7}, false))
	require.Equal(t, int32(1000), dbConns(config.Config{DBMaxConns: 5000}, false))
	require.Equal(t, int32(FunctionDBConns), dbConns(config.Config{}, false))
	require.Equal(t, int32(max(4, 2*runtime.NumCPU())), dbConns(config.Config{}, true))
	require.GreaterOrEqual(t, DevDBConns(), 4)
}

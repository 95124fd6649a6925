package platform

import (
	"runtime"

	"github.com/torale-ai/torale/shared/config"
)

// FunctionDBConns is a function's database pool when TORALE_DB_MAX_CONNS is unset; Terraform
// sets it on every service from Cloud SQL's connection limit.
const FunctionDBConns = 20

// DevDBConns is torale dev's database pool when TORALE_DB_MAX_CONNS is unset: twice the CPUs,
// at least 4. Its PostgreSQL runs on the same cores, and past about two busy backends a core
// they spend the CPU contending with each other: on 2 cores, 2,000 runs due at once started at
// about 1,000 a second with 4 connections and 800 with 20 (bench/dispatch.sh -phases bus -conns N).
func DevDBConns() int { return max(4, 2*runtime.NumCPU()) }

// dbConns is the pool size for cfg, dev's default when dev, a function's otherwise.
func dbConns(cfg config.Config, dev bool) int32 {
	n := cfg.DBMaxConns
	switch {
	case n > 0:
	case dev:
		n = DevDBConns()
	default:
		n = FunctionDBConns
	}
	return int32(min(n, 1000))
}

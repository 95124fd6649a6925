#!/usr/bin/env bash
# Measures dispatch through the real Pub/Sub emulator (bench/dispatch) against a throwaway
# PostgreSQL: runs/s and due-to-started lag for 2,000 tasks due at once, by sweep and by Cloud
# Scheduler jobs, beside the sweep's claim rate alone. Arguments go to the program: -n 2000,
# -conns (default: torale dev's pool for bus, a function's for sweep and jobs), -publishers 64, -timeout 5m, -json.
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/with-postgres go run ./bench/dispatch "$@"

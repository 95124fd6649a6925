#!/usr/bin/env bash
# Kills the runtask process (kill -9) at random points during 20 runs and restarts it, then
# counts rows: 0 lost, 0 duplicate executions, 0 duplicate notifications (bench/crash). Runs
# against a throwaway PostgreSQL and the Pub/Sub emulator; exits 1 when an invariant fails.
# Arguments go to the program: -runs 20, -kills 12, -timeout 5m, -json. A killed attempt is
# taken over after its deadline (the agent timeout plus a minute), so a run takes 1–2 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/crash" ./bench/crash
scripts/with-postgres "$bin/crash" "$@"

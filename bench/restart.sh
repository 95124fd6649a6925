#!/usr/bin/env bash
# Kills torale dev's platform (kill -9) while 50 due tasks are claimed and runs hang in the agent,
# starts it again on the same database, and prints the seconds from the restart to the last run
# started, beside a fresh start of the same tasks without a crash (bench/restart). Runs against a
# throwaway PostgreSQL; exits 1 when a fire has other than one execution. Arguments go to the
# program: -runs 50, -agent 200ms, -timeout 3m, -json.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/restart" ./bench/restart
scripts/with-postgres "$bin/restart" "$@"

#!/usr/bin/env bash
# Runs the sweep's claim and its plain-UPDATE baseline in one go test run against a throwaway
# PostgreSQL, then prints each rate and the claim's rate as a fraction of the baseline's.
# Extra arguments go to go test (e.g. -benchtime 20x).
set -euo pipefail
cd "$(dirname "$0")/.."

out=$(mktemp)
trap 'rm -f "$out"' EXIT

scripts/with-postgres go test ./shared/store -run '^$' \
  -bench '^Benchmark(SweepClaim|PlainUpdate)$' -benchtime 5x -count 1 "$@" | tee "$out"

awk '
  function rate(   i) { for (i = 2; i <= NF; i++) if ($i == "tasks/s") return $(i - 1) }
  /^BenchmarkSweepClaim/  { claim = rate() }
  /^BenchmarkPlainUpdate/ { plain = rate() }
  END {
    if (claim == "" || plain == "") { print "sweep.sh: missing a tasks/s figure" > "/dev/stderr"; exit 1 }
    printf "\nclaim  %10.0f tasks/s  (ClaimDueTasks, batches of 500)\n", claim
    printf "plain  %10.0f tasks/s  (one UPDATE ... RETURNING)\n", plain
    printf "ratio  %10.2f          (claim / plain)\n", claim / plain
  }
' "$out"

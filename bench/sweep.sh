#!/usr/bin/env bash
# Runs the sweep's claim and its two plain baselines (an UPDATE; an UPDATE with the INSERT of
# the executions) in one go test run against a throwaway PostgreSQL, then prints each rate and
# the claim's rate as a fraction of each baseline's.
# Extra arguments go to go test (e.g. -benchtime 20x).
set -euo pipefail
cd "$(dirname "$0")/.."

out=$(mktemp)
trap 'rm -f "$out"' EXIT

scripts/with-postgres go test ./shared/store -run '^$' \
  -bench '^Benchmark(SweepClaim|PlainUpdate|PlainUpdateInsert)$' -benchtime 5x -count 1 "$@" | tee "$out"

awk '
  function rate(   i) { for (i = 2; i <= NF; i++) if ($i == "tasks/s") return $(i - 1) }
  /^BenchmarkSweepClaim/  { claim = rate() }
  /^BenchmarkPlainUpdate-/ || /^BenchmarkPlainUpdate / { plain = rate() }
  /^BenchmarkPlainUpdateInsert/ { plainins = rate() }
  END {
    if (claim == "" || plain == "" || plainins == "") { print "sweep.sh: missing a tasks/s figure" > "/dev/stderr"; exit 1 }
    printf "\nclaim  %10.0f tasks/s  (ClaimDueTasks, batches of 500)\n", claim
    printf "plain  %10.0f tasks/s  (one UPDATE ... RETURNING)\n", plain
    printf "plain+insert %4.0f tasks/s  (one UPDATE and INSERT of the executions)\n", plainins
    printf "ratio  %10.2f          (claim / plain)\n", claim / plain
    printf "ratio  %10.2f          (claim / plain+insert)\n", claim / plainins
  }
' "$out"

#!/usr/bin/env bash
# Measures what a rate-limited request costs now that the buckets are shared in PostgreSQL,
# beside the per-process buckets they replaced, in one go test run against a throwaway
# PostgreSQL, and prints both figures and the added cost. Extra arguments go to go test
# (e.g. -benchtime 20000x).
set -euo pipefail
cd "$(dirname "$0")/.."

out=$(mktemp)
trap 'rm -f "$out"' EXIT

scripts/with-postgres go test ./functions/api -run '^$' \
  -bench '^BenchmarkLimiter(Memory|Postgres)$' -benchtime 5000x -count 1 "$@" | tee "$out"

awk '
  function per(   i) { for (i = 2; i <= NF; i++) if ($i == "µs/request") return $(i - 1) }
  /^BenchmarkLimiterMemory/   { mem = per() }
  /^BenchmarkLimiterPostgres/ { pg = per() }
  END {
    if (mem == "" || pg == "") { print "ratelimit.sh: missing a µs/request figure" > "/dev/stderr"; exit 1 }
    printf "\nmemory    %8.2f µs/request  (golang.org/x/time/rate, one process)\n", mem
    printf "postgres  %8.2f µs/request  (INSERT ... ON CONFLICT DO UPDATE ... RETURNING, shared)\n", pg
    printf "added     %8.2f µs/request\n", pg - mem
  }
' "$out"

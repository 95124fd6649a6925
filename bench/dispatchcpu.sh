#!/usr/bin/env bash
# Measures what one run of the dispatch burst costs in CPU: bench/dispatch's bus phase (torale
# dev's path) on a throwaway PostgreSQL, with the server's CPU read from its postmaster (the
# backends' CPU is counted there once they exit) and Go's from the process, the setup's CPU
# (a 20-task run) subtracted. Arguments go to the program, for example -conns 20.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/time ]; then
  echo "dispatchcpu: needs GNU time at /usr/bin/time (Debian: apt-get install time)" >&2
  exit 2
fi
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/dispatch" ./bench/dispatch
BIN="$bin/dispatch" exec scripts/with-postgres bash -c '
  set -euo pipefail
  dir=$(printf "%s" "$TEST_DATABASE_URL" | sed "s/.*host=\([^&]*\).*/\1/")
  pm=$(head -1 "$dir/data/postmaster.pid")
  ticks() { awk "{print \$14+\$15+\$16+\$17}" "/proc/$pm/stat"; }   # utime stime cutime cstime
  hz=$(getconf CLK_TCK)
  burst() { # n, then the program'"'"'s arguments; prints: pg_seconds go_seconds bus_line
    local n=$1; shift
    local a b out
    a=$(ticks)
    out=$({ /usr/bin/time -f "%U %S" "$BIN" -phases bus -n "$n" "$@"; } 2>&1)
    b=$(ticks)
    echo "$(awk -v d=$((b - a)) -v hz="$hz" "BEGIN{print d/hz}") $(echo "$out" | tail -1 | awk "{print \$1+\$2}") $(echo "$out" | grep "^bus ")"
  }
  read -r pg0 go0 _ <<<"$(burst 20 "$@")"
  read -r pg go line <<<"$(burst 2000 "$@")"
  echo "$line" | awk -v pg="$pg" -v go="$go" -v pg0="$pg0" -v go0="$go0" "{
    printf \"2000 runs: %s runs/s, p99 %s ms; per run: PostgreSQL %.2f ms, Go %.2f ms (setup of %.2f s and %.2f s subtracted)\n\",
      \$3, \$6, (pg - pg0) / 1980 * 1000, (go - go0) / 1980 * 1000, pg0, go0 }"
' _ "$@"

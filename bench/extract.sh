#!/usr/bin/env bash
# Measures what reading a page's text costs: Readability extraction (and the CSS-selector
# path) on a ~190 KB news page, beside two baselines from the same go test run: parsing the
# HTML alone, and goquery's naive text of <body>. Extra arguments go to go test (e.g.
# -count 5).
set -euo pipefail
cd "$(dirname "$0")/.."

out=$(mktemp)
trap 'rm -f "$out"' EXIT

go test ./shared/page -run '^$' -bench '^BenchmarkExtract$' -benchmem -count 1 "$@" | tee "$out"

awk '
  /^BenchmarkExtract\// {
    name = $1; sub(/^BenchmarkExtract\//, "", name); sub(/-[0-9]+$/, "", name)
    for (i = 2; i <= NF; i++) {
      if ($i == "ns/op") ns[name] = $(i - 1)
      if ($i == "allocs/op") al[name] = $(i - 1)
    }
  }
  END {
    if (ns["readability"] == "" || ns["baseline-goquery-text"] == "") { print "extract.sh: missing figures" > "/dev/stderr"; exit 1 }
    printf "\n%-22s %10s %10s\n", "", "ms/page", "allocs"
    split("readability selector baseline-parse baseline-goquery-text", order, " ")
    for (k = 1; k <= 4; k++) { n = order[k]; printf "%-22s %10.2f %10d\n", n, ns[n] / 1e6, al[n] }
    printf "readability / goquery: %.1fx the time\n", ns["readability"] / ns["baseline-goquery-text"]
  }
' "$out"

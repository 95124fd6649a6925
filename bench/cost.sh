#!/usr/bin/env bash
# Prints what a watch costs in model calls: calls, tokens and estimated dollars per routine run
# and per deep run, and a month of a watch the agent checks when it chooses beside one checked
# hourly. The figures come from the scripted scenarios (shared/agent/gemini/cost_test.go: the
# real agent against geminitest's scripted model, priced with config.DefaultPrices); no
# database, no network. Extra arguments go to go test.
set -euo pipefail
cd "$(dirname "$0")/.."

go test -count=1 -run '^TestCostTable$' -v ./shared/agent/gemini/ "$@" | awk '/^\| a watch/ { print "" } /^\|/'

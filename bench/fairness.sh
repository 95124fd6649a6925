#!/usr/bin/env bash
# Measures how much one user's hung webhook receivers and burst of runs delay another user
# (bench/fairness), next to the victim alone, against a throwaway PostgreSQL. Arguments go to
# the program: -hung 20, -victim 5, -burst 50, -run 300ms, -json.
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/with-postgres go run ./bench/fairness "$@"

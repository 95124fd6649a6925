#!/usr/bin/env bash
# Runs the cold-start benchmark (bench/coldstart) against a throwaway PostgreSQL. Arguments go
# to the program: -n 20, -json, -idle 200ms, -timeout 30s.
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/with-postgres go run ./bench/coldstart "$@"

#!/usr/bin/env bash
# Runs the API list load benchmark (bench/apiload) against a throwaway PostgreSQL. Arguments go
# to the program: -c 16, -d 10s, -warmup 2s, -rounds 10, -pool (2×c), -json, -cpuprofile FILE.
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/with-postgres go run ./bench/apiload "$@"

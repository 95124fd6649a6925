#!/usr/bin/env bash
# Runs the scale benchmark (bench/scale) against a throwaway PostgreSQL: a 1k baseline and
# SCALE (default 10k; 100k seeds a million runs and takes minutes), each figure side by side.
# Arguments go to the program: -scale, -n 400 (timed requests per API figure), -c 8.
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/with-postgres go run ./bench/scale "$@"

#!/usr/bin/env bash
# Measures webhook and chat-channel delivery (bench/notify) against a throwaway PostgreSQL: deliveries a second
# with one and two notifiers to a local https receiver, and the latency that signing and the
# guarded client add next to a plain http.Client, and each chat kind with one notifier beside the
# webhook, as ratios. Arguments go to the program: -n 2000,
# -trials 3, -requests 200, -rounds 10, -json.
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/with-postgres go run ./bench/notify "$@"

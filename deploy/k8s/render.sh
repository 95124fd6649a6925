#!/usr/bin/env bash
# Renders the worker's manifests for kubectl apply: every ${NAME} placeholder is replaced with
# the environment variable NAME, and a placeholder left without a value is an error.
# Usage: IMAGE=... WORKER_SA=... deploy/k8s/render.sh > worker.rendered.yaml
set -euo pipefail
dir=$(cd "$(dirname "$0")" && pwd)
vars=(IMAGE WORKER_SA PROJECT_ID PREFIX REGION SQL_INSTANCE DB_MAX_CONNS WORKER_DB_URL SCHEDULER AGENT_TIMEOUT PUBLIC_URL)
missing=()
for v in "${vars[@]}"; do
  [[ -n "${!v:-}" ]] || missing+=("$v")
done
if ((${#missing[@]})); then
  echo "render.sh: set ${missing[*]}" >&2
  exit 2
fi
out=$(for f in namespace.yaml serviceaccount.yaml secrets.yaml worker.yaml; do
  cat "$dir/$f"
  echo "---"
done)
for v in "${vars[@]}"; do
  out=${out//"\${$v}"/"${!v}"} # quoted: bash 5.2 would read & in the value as the match
done
if grep -n '\${[A-Z_]*}' <<<"$out" >&2; then
  echo "render.sh: placeholders above have no value" >&2
  exit 2
fi
printf '%s\n' "$out"

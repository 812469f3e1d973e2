#!/usr/bin/env bash
# The load check (docs/performance.md): starts the dashboard in Release on a fresh SQLite database, creates a key,
# runs alternating wrk rounds of anonymous GET /health/live and GET /api/v1/me with the key, then
# revokes, rotates and edits keys under load and floods the verifier with junk keys. Prints the
# median throughput ratio and the requests accepted after a change returned; exits non-zero when
# a goal is missed. Options pass through, e.g. perf/load-test.sh --rounds 5 --seconds 10
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing wrk from Debian's packages..."
    apt-get update -qq && apt-get install -y -qq wrk >/dev/null
  else
    echo "wrk is missing: sudo apt-get install -y wrk" >&2
    exit 2
  fi
fi

dotnet run -c Release --project Memsolus.Dashboard.LoadTest -- "$@"

#!/usr/bin/env bash
# The load check (docs/performance.md): starts the dashboard in Release on a fresh SQLite database, creates a key,
# runs alternating wrk rounds of anonymous GET /health/live and GET /api/v1/me with the key, then
# revokes, rotates and edits keys under load and floods the verifier with junk keys. Prints the
# median throughput ratio and the requests accepted after a change returned; exits non-zero when
# a goal is missed. Options pass through, e.g. perf/load-test.sh --rounds 5 --seconds 10
# The key under load carries an IP allowlist (loopback) and a high rate limit, so issue 18's checks
# run on every request without refusing any; --no-limits measures a key without them.
# --metrics turns Metrics:Prometheus on and scrapes /metrics as an administrator while it runs.
# With --postgres (or --cross-node) it runs on a private PostgreSQL cluster of its own, as the tests
# do (or on the server MEMSOLUS_TEST_POSTGRES names), and installs the server binaries when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# The test command's installers (sourced, test.sh runs nothing itself).
source ./test.sh

packages=()
command -v wrk >/dev/null 2>&1 || packages+=(wrk)
if [[ " $* " == *" --postgres "* || " $* " == *" --cross-node "* ]] && postgres_binaries_missing; then
  packages+=(postgresql)
fi
if [ ${#packages[@]} -gt 0 ]; then
  install_packages "${packages[@]}"
fi

dotnet run -c Release --project Memsolus.Dashboard.LoadTest -- "$@"

#!/usr/bin/env bash
# The test command (README: The two commands). On a machine with the .NET SDK it first installs,
# from Debian's packages, what the tests need and the machine lacks, then runs every test:
#   ./test.sh [dotnet test options]     e.g. ./test.sh --filter "FullyQualifiedName~Postgres"
# - chromium, for the real-browser tests, unless /usr/bin/chromium (or $MEMSOLUS_CHROMIUM) exists;
# - postgresql's server binaries (initdb, pg_ctl, postgres), unless they are found or
#   MEMSOLUS_TEST_POSTGRES names a server to use. The tests start a private throwaway cluster from
#   them (Memsolus.Dashboard.Tests/Infrastructure/PrivatePostgresCluster.cs). Installing the package
#   may create and start the machine's own cluster, as Debian does by default; nothing here
#   configures, restarts or connects to it.
# - Redocly CLI, for the lint of the API document (Api/Contract/RedoclyLintTests), into .tools/redocly
#   (ignored by git) with npm, unless it is there at the pinned version; nothing is installed globally;
# - the dotnet tools of dotnet-tools.json (Kiota generates the tests' API client at build).
# perf/load-test.sh sources this file for its functions; sourced, it runs nothing.
set -euo pipefail

# Installs Debian packages, as root or through sudo; apt-get update only when something is missing.
install_packages() {
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "Missing: $*. There is no apt-get here: install them with your package manager." >&2
        return 1
    fi
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "== installing $* from Debian's packages"
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# True when the tests would start a private cluster and would find no binaries to start it with;
# looks where PrivatePostgresCluster looks.
postgres_binaries_missing() {
    [ -z "${MEMSOLUS_TEST_POSTGRES:-}" ] || return 1
    local dir
    if dir="$(pg_config --bindir 2>/dev/null)" && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
        return 1
    fi
    for dir in /usr/lib/postgresql/*/bin; do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            return 1
        fi
    done
    ! command -v initdb >/dev/null 2>&1
}

# The Redocly CLI version the lint runs, in .tools/redocly under the repository.
REDOCLY_VERSION=2.77.0

install_redocly() {
    local dir=.tools/redocly
    if [ "$("$dir/node_modules/.bin/redocly" --version 2>/dev/null | tail -n 1)" = "$REDOCLY_VERSION" ]; then
        return 0
    fi
    if ! command -v npm >/dev/null 2>&1; then
        echo "== npm is missing: installing Debian's npm for the Redocly CLI"
        install_packages npm
    fi
    echo "== installing @redocly/cli $REDOCLY_VERSION into $dir"
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-audit --no-fund --loglevel=error --no-save "@redocly/cli@$REDOCLY_VERSION" >/dev/null
}

main() {
    cd "$(dirname "${BASH_SOURCE[0]}")"
    local packages=()
    [ -x "${MEMSOLUS_CHROMIUM:-/usr/bin/chromium}" ] || packages+=(chromium)
    ! postgres_binaries_missing || packages+=(postgresql)
    if [ ${#packages[@]} -gt 0 ]; then
        install_packages "${packages[@]}"
    fi

    install_redocly
    dotnet tool restore >/dev/null

    exec dotnet test Memsolus.sln "$@"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    main "$@"
fi

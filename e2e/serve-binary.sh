#!/usr/bin/env bash
# Starts the compiled appliance the way an operator would: the binary copied ALONE into an empty
# directory (so nothing it needs can come from the repo checkout) with a fresh data directory.
# Playwright's webServer runs this and stops it with SIGTERM. The appliance's JSON log goes to
# .tmp/e2e-appliance.log rather than interleaving with the test report.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

binary="${PADDOCK_BINARY:-dist/paddock}"
if [ ! -x "$binary" ]; then
  echo "serve-binary: no appliance binary at $binary (build it: bash scripts/build.sh)" >&2
  exit 1
fi

mkdir -p .tmp
log="$PWD/.tmp/e2e-appliance.log"
tmp="$(mktemp -d -t paddock-e2e.XXXXXX)"
cp "$binary" "$tmp/paddock"
cd "$tmp"
echo "serve-binary: $binary on 127.0.0.1:${E2E_PORT:-18080}, log in $log" >&2

# Heartbeats every 5 s (not 30) so node figures and charts fill during a spec, and a stopped agent
# shows offline within 20 s; both can be overridden from the environment.
# The run's one real node has two cores while the specs leave many small, stopped 1-vCPU VMs
# defined: capacity is not what the console specs test, so vCPUs may be overcommitted widely.
PADDOCK_ADMIN_PASSWORD='e2e-Admin-pass1' \
  PADDOCK_CPU_OVERCOMMIT="${PADDOCK_CPU_OVERCOMMIT:-64}" \
  PADDOCK_HEARTBEAT_INTERVAL_MS="${PADDOCK_HEARTBEAT_INTERVAL_MS:-5000}" \
  PADDOCK_NODE_OFFLINE_AFTER_MS="${PADDOCK_NODE_OFFLINE_AFTER_MS:-20000}" \
  ./paddock serve --data "$tmp/data" --port "${E2E_PORT:-18080}" --host 127.0.0.1 >"$log" 2>&1 &
pid=$!

cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM INT
status=0
wait "$pid" || status=$?
# Reached only when the appliance exits on its own: show why.
echo "serve-binary: appliance exited with status $status; last lines of its log:" >&2
tail -n 20 "$log" >&2
exit "$status"

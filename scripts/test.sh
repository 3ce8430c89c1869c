#!/usr/bin/env bash
# `npm test`: installs what the tests need when missing (npm and Debian packages), starts the
# services they use, then runs every suite: typecheck, lint, unit/integration (bun test, on PGlite
# AND PostgreSQL, real libvirt), the compiled binaries, and the console in Chromium (Playwright).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/bootstrap.sh || exit 1
# bootstrap runs with -e; every suite below must run even when an earlier one fails.
set +e
export NODE_ENV=test
# As root this script starts libvirtd itself (deps-libvirt.sh) and can start it again, so the test
# that restarts the daemon runs here whatever the CI runner exports (CI=true or not).
[ "$(id -u)" -eq 0 ] && export PADDOCK_LIBVIRT_RESTART_TEST="${PADDOCK_LIBVIRT_RESTART_TEST:-1}"

step() { echo; echo "=== $* ==="; }
passed=0; failed=0; skipped=0; failures=()
record() { # name exit-code pass fail skip
  passed=$((passed + $3)); failed=$((failed + $4)); skipped=$((skipped + $5))
  if [ "$2" -ne 0 ] && [ "$4" -eq 0 ]; then failed=$((failed + 1)); fi
  [ "$2" -ne 0 ] && failures+=("$1")
}

step "system dependencies and services"
bash scripts/deps-tools.sh || exit 1
for dep in scripts/deps-libvirt.sh scripts/deps-browser.sh; do
  [ -f "$dep" ] && { bash "$dep" || exit 1; }
done
bash scripts/services.sh

step "build (web console + binaries)"
bash scripts/build.sh || exit 1

step "typecheck"
bun x tsc -p tsconfig.json --noEmit && bun x tsc -p web/tsconfig.app.json --noEmit; rc=$?; record typecheck $rc $((rc == 0)) 0 0

step "lint"
bun x biome check . --diagnostic-level=error; rc=$?; record lint $rc $((rc == 0)) 0 0

step "layers (dependency rules of docs/architecture.md)"
# dependency-cruiser refuses Node 20, so it runs on Bun's runtime.
bun --bun node_modules/.bin/depcruise appliance/src agent/src protocol/src web/src --config .dependency-cruiser.cjs; rc=$?; record layers $rc $((rc == 0)) 0 0

step "bun test"
log=$(mktemp)
# e2e/*.spec.ts belong to Playwright, so bun test gets the workspaces (and web/test) explicitly.
bun test --timeout 120000 ${PADDOCK_TEST_FILTER:-./protocol ./appliance ./agent ./web/test} 2>&1 | tee "$log"; rc=${PIPESTATUS[0]}
p=$(grep -Eo '^ *[0-9]+ pass' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
f=$(grep -Eo '^ *[0-9]+ fail' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
s=$(grep -Eo '^ *[0-9]+ skip' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
record "bun test" $rc "$p" "$f" "$s"

if [ -f playwright.config.ts ]; then
  step "playwright (console in Chromium against dist/paddock)"
  plog=$(mktemp)
  # libvirtd was started above (deps-libvirt.sh stops the run if it cannot): a hypervisor spec that
  # skips for want of it would hide a broken setup, so the harness fails instead. Its global setup
  # builds the test guest ISO; build.sh built dist/paddock-agent.
  PADDOCK_E2E_REQUIRE_LIBVIRT=1 npx --no-install playwright test 2>&1 | tee "$plog"; rc=${PIPESTATUS[0]}
  p=$(grep -Eo '[0-9]+ passed' "$plog" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  f=$(grep -Eo '[0-9]+ failed' "$plog" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  s=$(grep -Eo '[0-9]+ skipped' "$plog" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  record playwright $rc "$p" "$f" "$s"
fi

if [ -f installer/test/installer.test.sh ]; then
  step "installer"
  ilog=$(mktemp)
  bash installer/test/installer.test.sh 2>&1 | tee "$ilog"; rc=${PIPESTATUS[0]}
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$ilog" | tail -1)
  p=$(echo "$line" | grep -Eo '^[0-9]+' || echo 0); f=$(echo "$line" | grep -Eo '[0-9]+ failed' | grep -Eo '[0-9]+' || echo 0)
  s=$(echo "$line" | grep -Eo '[0-9]+ skipped' | grep -Eo '[0-9]+' || echo 0)
  record installer $rc "${p:-0}" "${f:-0}" "${s:-0}"
fi

echo
[ ${#failures[@]} -gt 0 ] && echo "failed suites: ${failures[*]}"
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Makes sure Bun and the workspace's packages are present. Sourced by start/test/build so that a
# fresh Debian machine with only Node.js and npm needs no manual step.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUN_VERSION="1.4.5"
TOOLS="$ROOT/.tools"
export PATH="$TOOLS/node_modules/.bin:$ROOT/node_modules/.bin:$PATH"

if ! "$TOOLS/node_modules/.bin/bun" --version 2>/dev/null | grep -qx "$BUN_VERSION"; then
  echo "[bootstrap] installing bun $BUN_VERSION from the npm registry" >&2
  mkdir -p "$TOOLS"
  [ -f "$TOOLS/package.json" ] || echo '{"private":true}' >"$TOOLS/package.json"
  npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "bun@$BUN_VERSION" >&2
fi

# Reinstall only when the manifests changed since the last install.
stamp="$ROOT/node_modules/.paddock-install-stamp"
manifest_sum() { cat "$ROOT"/package.json "$ROOT"/*/package.json "$ROOT"/bun.lock 2>/dev/null | sha1sum | cut -d' ' -f1 || true; }
sum="$(manifest_sum)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
  echo "[bootstrap] bun install" >&2
  (cd "$ROOT" && bun install >&2)
  sum="$(manifest_sum)"
  echo "$sum" >"$stamp"
fi

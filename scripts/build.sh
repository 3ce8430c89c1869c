#!/usr/bin/env bash
# Builds the web console and compiles the two self-contained binaries into dist/.
#   dist/paddock        appliance (API, hub, worker, migrations, PGlite assets, web console)
#   dist/paddock-agent  hypervisor agent (when agent/src/main.ts exists)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/bootstrap.sh"
cd "$ROOT"
VERSION="$(node -p "require('./package.json').version")+$(git rev-parse --short HEAD 2>/dev/null || echo dev)"

if [ "${PADDOCK_SKIP_WEB:-0}" != 1 ]; then
  echo "[build] web console" >&2
  (cd web && bun --bun ../node_modules/.bin/ng build --configuration production >&2)
fi
bun scripts/gen-web-assets.ts >&2

mkdir -p dist
echo "[build] dist/paddock $VERSION" >&2
bun build appliance/src/main.ts --compile --minify-syntax --minify-whitespace \
  --define "process.env.PADDOCK_BUILD_VERSION=\"$VERSION\"" --outfile dist/paddock >&2
if [ -f agent/src/main.ts ]; then
  echo "[build] dist/paddock-agent $VERSION" >&2
  # The libvirt workers must be extra entry points to be embedded (the binding finds them inside the binary).
  bun build --compile --minify-syntax --minify-whitespace \
    ./agent/src/main.ts ./agent/src/libvirt/worker.ts ./agent/src/libvirt/event-worker.ts \
    --define "process.env.PADDOCK_BUILD_VERSION=\"$VERSION\"" --outfile dist/paddock-agent >&2
fi
ls -la dist >&2

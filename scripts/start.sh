#!/usr/bin/env bash
# `npm start`: installs what is missing, builds the binary, and serves Paddock on the embedded
# database in ./.data (console and API on http://127.0.0.1:8080 unless PADDOCK_PORT says otherwise).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# build.sh bootstraps (Bun, packages) itself.
bash scripts/build.sh
exec ./dist/paddock serve --data "${PADDOCK_DATA:-$ROOT/.data}" --port "${PADDOCK_PORT:-8080}" --host "${PADDOCK_HOST:-127.0.0.1}"

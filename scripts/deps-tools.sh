#!/usr/bin/env bash
# Debian tools the tests call: promtool (validates /metrics), curl.
set -euo pipefail
need=()
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v curl >/dev/null 2>&1 || need+=(curl)
[ ${#need[@]} -eq 0 ] && exit 0
echo "[deps] apt-get install ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
stamp=/var/lib/apt/periodic/paddock-update-stamp
if [ ! -f "$stamp" ] || [ -n "$(find "$stamp" -mmin +720 2>/dev/null)" ]; then
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 && mkdir -p "$(dirname "$stamp")" && touch "$stamp"
fi
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >&2

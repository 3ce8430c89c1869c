#!/usr/bin/env bash
# Installs what the Playwright smoke test needs from Debian: Chromium (we never run
# `playwright install`, which downloads its own browser) and a CJK font, without which Chinese
# text renders as boxes in screenshots. Idempotent and quiet when everything is present.
set -euo pipefail

wanted=(chromium fonts-wqy-microhei)
missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "[deps-browser] installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Other scripts may hold the dpkg lock (parallel installs on a shared machine): wait for it.
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >&2

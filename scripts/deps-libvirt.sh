#!/usr/bin/env bash
# Makes libvirt + QEMU usable on this machine for the agent's real-hypervisor tests: installs the
# Debian packages when missing, prepares what a systemd-less container lacks, and starts virtlogd
# and libvirtd by hand. Idempotent and fast (no apt, no restart) when everything is already there.
set -euo pipefail

PKGS=(libvirt0 libvirt-daemon-system libvirt-clients qemu-system-x86 qemu-utils)
APT_LOCK=/tmp/paddock-apt.lock
log() { echo "[deps-libvirt] $*" >&2; }

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Debian's maintainer scripts try to start services through invoke-rc.d; without systemd that
  # fails noisily and can abort the install, so services are refused here and started below.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  apt_get() { flock "$APT_LOCK" apt-get -o DPkg::Lock::Timeout=600 "$@"; }
  if ! apt_get install -y --no-install-recommends "${missing[@]}" >&2; then
    apt_get update >&2
    apt_get install -y --no-install-recommends "${missing[@]}" >&2
  fi
fi

mkdir -p /var/log/libvirt/qemu /var/run/libvirt /var/lib/libvirt/images

# The Debian package creates libvirt-qemu; when it is absent (a partial install, a reused image)
# QEMU runs as root instead, which is what a hypervisor host in a container amounts to anyway.
if ! id libvirt-qemu >/dev/null 2>&1; then
  conf=/etc/libvirt/qemu.conf
  if ! grep -qE '^user *= *"root"' "$conf" 2>/dev/null; then
    log "no libvirt-qemu user: running QEMU as root"
    printf 'user = "root"\ngroup = "root"\n' >>"$conf"
  fi
fi

# Without udev /dev/kvm stays root:root 0600, so QEMU (running as libvirt-qemu) cannot open it:
# every capability probe then fails and libvirt re-probes on each define (about a minute each).
# Debian's udev rule makes it root:kvm 0660; do the same.
if [ -c /dev/kvm ] && getent group kvm >/dev/null && [ "$(stat -c %G /dev/kvm)" != kvm ]; then
  log "giving /dev/kvm to group kvm (0660), as udev would"
  chgrp kvm /dev/kvm
  chmod 0660 /dev/kvm
fi

running() { pgrep -x "$1" >/dev/null 2>&1; }
answers() { virsh -q -c qemu:///system version >/dev/null 2>&1; }
start_daemons() {
  if ! running virtlogd; then
    log "starting virtlogd"
    virtlogd -d
  fi
  if ! running libvirtd; then
    log "starting libvirtd"
    libvirtd -d
  fi
}

# libvirtd forks before its socket is ready, and one that is still shutting down looks alive:
# keep (re)starting until it answers, so the caller can connect at once.
for _ in $(seq 1 150); do
  start_daemons
  if answers; then exit 0; fi
  sleep 0.1
done
log "libvirtd did not answer on qemu:///system within 15 s"
exit 1

#!/usr/bin/env bash
# Builds the tiny bootable guest ISO for Paddock's real-QEMU tests:
#   scripts/build-test-iso.sh [--force] [OUT]     (OUT defaults to <repo>/.cache/test-guest.iso)
#
# The guest is Debian's cloud kernel + an initramfs holding only a static busybox. On boot it
# prints the line PADDOCK-GUEST-BOOTED to ttyS0, then `PADDOCK-TICK <n>` every second, runs a root
# shell on ttyS0, and powers off cleanly on the ACPI power button (`virsh shutdown`), printing
# PADDOCK-GUEST-SHUTDOWN first. Boot with a serial console; BIOS (SeaBIOS) boot, no EFI.
#
# Idempotent: does nothing when OUT exists and is newer than this script and scripts/test-iso/*
# (--force rebuilds). The kernel and busybox .debs are fetched with `apt-get download` into
# <repo>/.cache/test-iso-debs (the kernel's vmlinuz + 2 modules unpacked beside it), never installed
# on the host; the host tools (grub-pc-bin, grub-common, xorriso, mtools) are apt-installed when
# missing (needs root then). Prints `ISO: <absolute path> (<bytes> bytes)` on stdout.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRC="$ROOT/scripts/test-iso"
DEBS="$ROOT/.cache/test-iso-debs"
APT_LOCK=/tmp/paddock-apt.lock
KERNEL_META=linux-image-cloud-amd64
log() { echo "[build-test-iso] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

force=0
out=""
for a in "$@"; do
  case "$a" in
    --force) force=1 ;;
    -h | --help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $a" ;;
    *) [ -z "$out" ] || die "one OUT only"; out=$a ;;
  esac
done
out=${out:-$ROOT/.cache/test-guest.iso}
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")

report() { echo "ISO: $out ($(stat -c %s "$out") bytes)"; }

# Fresh when OUT is newer than every input. Checked before and after taking the lock, so parallel
# callers (two test runs) build once.
fresh() {
  [ "$force" = 0 ] && [ -s "$out" ] &&
    [ -z "$(find "${BASH_SOURCE[0]}" "$SRC" -newer "$out" -print -quit)" ]
}
if fresh; then report; exit 0; fi

exec 9>"$out.lock"
flock 9
if fresh; then report; exit 0; fi
started=$EPOCHREALTIME

# --- host tools ------------------------------------------------------------------------------
apt_get() { flock "$APT_LOCK" apt-get -o DPkg::Lock::Timeout=600 "$@"; }
missing=()
command -v grub-mkrescue >/dev/null || missing+=(grub-common)
[ -d /usr/lib/grub/i386-pc ] || missing+=(grub-pc-bin)
command -v xorriso >/dev/null || missing+=(xorriso)
command -v mformat >/dev/null || missing+=(mtools)
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt_get install -y --no-install-recommends "${missing[@]}" >&2; then
    apt_get update >&2
    apt_get install -y --no-install-recommends "${missing[@]}" >&2
  fi
fi

# --- kernel + busybox .debs (cached) -----------------------------------------------------------
mkdir -p "$DEBS"
# `apt-get download` as root warns that the _apt sandbox cannot write here; the sandbox is moot.
download() { (cd "$DEBS" && apt-get -q -o APT::Sandbox::User=root download "$@" >&2); }
fetch() { # fetch <glob> <package>...: a cached .deb matching glob, else download the packages
  local glob=$1; shift
  if ! compgen -G "$DEBS/$glob" >/dev/null; then
    log "downloading $*"
    download "$@" || { apt_get update >&2; download "$@"; }
  fi
  compgen -G "$DEBS/$glob" | sort -V | tail -n1
}
kernel_pkg() { # the versioned kernel package the meta package depends on
  apt-cache depends "$KERNEL_META" 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -n1
}
if ! compgen -G "$DEBS/linux-image-*-cloud-amd64_*.deb" >/dev/null; then
  # Stale package lists can name a kernel the mirror no longer has: update, resolve again.
  kpkg=$(kernel_pkg)
  log "downloading ${kpkg:-$KERNEL_META}"
  if [ -z "$kpkg" ] || ! download "$kpkg"; then
    apt_get update >&2
    kpkg=$(kernel_pkg)
    [ -n "$kpkg" ] || die "cannot resolve the kernel package behind $KERNEL_META"
    download "$kpkg"
  fi
fi
kernel_deb=$(compgen -G "$DEBS/linux-image-*-cloud-amd64_*.deb" | sort -V | tail -n1)
busybox_deb=$(fetch "busybox-static_*.deb" busybox-static)
if [ ! -s "$kernel_deb" ] || [ ! -s "$busybox_deb" ]; then die "kernel or busybox .deb missing in $DEBS"; fi

# --- initramfs -----------------------------------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/paddock-test-iso.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bb" "$tmp/root" "$tmp/iso/boot/grub"
# Only the kernel image and the two modules the power button needs, unpacked once per .deb
# (decompressing the kernel package takes seconds).
kdir=${kernel_deb%.deb}.d
if [ ! -e "$kdir/.complete" ]; then
  rm -rf "$kdir" && mkdir -p "$kdir"
  dpkg-deb --fsys-tarfile "$kernel_deb" |
    tar -x -C "$kdir" --wildcards './boot/vmlinuz-*' '*/drivers/input/evdev.ko' '*/drivers/acpi/button.ko'
  touch "$kdir/.complete"
fi
dpkg-deb --fsys-tarfile "$busybox_deb" | tar -x -C "$tmp/bb" ./bin/busybox
bb=$tmp/bb/bin/busybox

r=$tmp/root
mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,etc/acpi/PWRF,lib/modules,proc,sys,dev,run,tmp,root,var/log,var/run}
chmod 1777 "$r/tmp"
cp "$bb" "$r/bin/busybox"
# Only the shell link: /init runs `busybox --install -s` in the guest for the ~400 other applets
# (a link per applet here costs seconds of forks).
ln -s busybox "$r/bin/sh"
find "$kdir" -name '*.ko' -exec cp {} "$r/lib/modules/" \;
[ "$(find "$r/lib/modules" -name '*.ko' | wc -l)" = 2 ] || die "evdev.ko/button.ko not found in $kernel_deb"
install -m 0755 "$SRC/init" "$r/init"
install -m 0755 "$SRC/paddock-tick" "$r/bin/paddock-tick"
install -m 0755 "$SRC/acpi-power" "$r/etc/acpi/PWRF/00000080"
install -m 0644 "$SRC/inittab" "$r/etc/inittab"
install -m 0644 "$SRC/profile" "$r/etc/profile"
echo 'root:x:0:0:root:/root:/bin/sh' >"$r/etc/passwd"
echo 'root:x:0:' >"$r/etc/group"
(cd "$r" && find . | LC_ALL=C sort | "$bb" cpio -o -H newc -R 0:0 2>/dev/null) | gzip -9 >"$tmp/iso/boot/initrd.gz"

# --- ISO -----------------------------------------------------------------------------------------
vmlinuz=$(compgen -G "$kdir/boot/vmlinuz-*" | head -n1)
[ -n "$vmlinuz" ] || die "no vmlinuz in $kernel_deb"
cp "$vmlinuz" "$tmp/iso/boot/vmlinuz"
cp "$SRC/grub.cfg" "$tmp/iso/boot/grub/grub.cfg"
if ! grub-mkrescue -o "$tmp/out.iso" --locales= --fonts= --themes= "$tmp/iso" >"$tmp/mkrescue.log" 2>&1; then
  cat "$tmp/mkrescue.log" >&2
  die "grub-mkrescue failed"
fi
mv -f "$tmp/out.iso" "$out"

elapsed=$(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $started }")
log "built in ${elapsed}s from $(basename "$kernel_deb") and $(basename "$busybox_deb")"
report

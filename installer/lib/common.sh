# shellcheck shell=bash
# Shared helpers for install-appliance.sh and install-agent.sh. Sourced, not executed.
#
# Test hooks (not for production use):
#   PADDOCK_INSTALL_ROOT=DIR   prefix every installed path with DIR, skip user creation and systemctl
#   PADDOCK_INSTALL_SYSTEMD=yes|no   override the "is systemd running" check

DRY_RUN=0
ROOT="${PADDOCK_INSTALL_ROOT:-}"
ROOT="${ROOT%/}"

log() { printf '==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() {
  printf 'ERROR: %s\n' "$*" >&2
  exit 1
}

# Quote a command for display so that the dry-run output can be pasted into a shell.
show_cmd() {
  local out="" a
  for a in "$@"; do
    if [[ "$a" =~ ^[A-Za-z0-9_./:=@%+,-]+$ ]]; then out+=" $a"; else out+=" $(printf '%q' "$a")"; fi
  done
  printf '%s\n' "${out# }"
}

# Run (or, with --dry-run, only print) one command.
run() {
  if [ "$DRY_RUN" = 1 ]; then
    printf '[dry-run] %s\n' "$(show_cmd "$@")"
  else
    printf '+ %s\n' "$(show_cmd "$@")"
    "$@"
  fi
}

# True when systemd is PID 1 and usable (not in most containers, nor with a prefix root).
systemd_running() {
  case "${PADDOCK_INSTALL_SYSTEMD:-}" in
    yes) return 0 ;;
    no) return 1 ;;
  esac
  [ -z "$ROOT" ] && [ -d /run/systemd/system ]
}

say_no_systemd() {
  if [ -n "$ROOT" ]; then
    log "Installing under PADDOCK_INSTALL_ROOT=$ROOT: skipping systemctl steps"
  else
    log "systemd is not running on this machine (no /run/systemd/system): skipping systemctl steps"
  fi
  local line
  for line in "$@"; do note "$line"; done
}

require_root() {
  [ "$DRY_RUN" = 1 ] && return 0
  [ -n "$ROOT" ] && return 0
  [ "$(id -u)" = 0 ] || die "must run as root (use sudo), or try --dry-run to see the steps"
}

# Copy SRC to DEST with MODE, atomically (a running binary is replaced, not overwritten in place).
# Sets CHANGED=1 when the content differed. OWNER/GROUP apply only when running as root.
# shellcheck disable=SC2034 # read by the sourcing scripts
CHANGED=0
install_file() {
  local src=$1 dest=$2 mode=$3 owner=${4:-root} group=${5:-root}
  if [ -f "$dest" ] && cmp -s "$src" "$dest"; then
    note "$dest is up to date"
    run chmod "$mode" "$dest"
    return 0
  fi
  # shellcheck disable=SC2034 # read by the sourcing scripts
  CHANGED=1
  local tmp
  tmp="$(dirname "$dest")/.$(basename "$dest").new"
  if can_chown "$owner" "$group"; then
    run install -m "$mode" -o "$owner" -g "$group" "$src" "$tmp"
  else
    run install -m "$mode" "$src" "$tmp"
  fi
  run mv -f "$tmp" "$dest"
}

# Whether files can be given OWNER:GROUP: as root when both exist, or in a dry run of a real install
# (where the user is created by an earlier step). Under PADDOCK_INSTALL_ROOT they may not exist.
can_chown() {
  [ "$(id -u)" = 0 ] || return 1
  if getent passwd "$1" >/dev/null 2>&1 && getent group "$2" >/dev/null 2>&1; then return 0; fi
  [ "$DRY_RUN" = 1 ] && [ -z "$ROOT" ]
}

# Create (or fix the mode and owner of) one of OUR directories.
make_dir() {
  local dir=$1 mode=$2 owner=${3:-root} group=${4:-root}
  if can_chown "$owner" "$group"; then
    run install -d -m "$mode" -o "$owner" -g "$group" "$dir"
  else
    run install -d -m "$mode" "$dir"
  fi
}

# Create a system directory (/usr/local/bin, /etc/systemd/system) only if missing; never re-mode it.
ensure_dir() {
  if [ -d "$1" ]; then return 0; fi
  run install -d -m 0755 "$1"
}

# Write STDIN to DEST (mode MODE) atomically; in dry-run, show the content instead.
# REDACT, when set, is a string replaced by <redacted> in what is shown.
write_file() {
  local dest=$1 mode=$2 group=${3:-root} content
  content="$(cat)"
  if [ "$DRY_RUN" = 1 ]; then
    printf '[dry-run] write %s (mode %s):\n' "$dest" "$mode"
    local shown=$content
    [ -n "${REDACT:-}" ] && shown=${shown//"$REDACT"/<redacted>}
    printf '%s\n' "$shown" | sed 's/^/    | /'
    return 0
  fi
  printf '+ write %s (mode %s)\n' "$dest" "$mode"
  local tmp
  tmp="$(dirname "$dest")/.$(basename "$dest").new"
  (
    umask 077
    printf '%s\n' "$content" >"$tmp"
  )
  chmod "$mode" "$tmp"
  if can_chown root "$group"; then chgrp "$group" "$tmp"; fi
  mv -f "$tmp" "$dest"
}

remove_path() {
  local p
  for p in "$@"; do
    if [ -e "$p" ] || [ -L "$p" ]; then run rm -rf -- "$p"; else note "$p: not present"; fi
  done
}

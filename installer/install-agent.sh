#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Install, upgrade or remove the Paddock agent on a KVM host (the `paddock-agent` binary, its
# configuration /etc/paddock/agent.json and paddock-agent.service). Safe to run again.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: install-agent.sh --server URL --token TOKEN [options] [PATH-TO-paddock-agent]

Installs paddock-agent to /usr/local/bin, writes /etc/paddock/agent.json (0600), installs
paddock-agent.service, then enables and starts it. Without PATH, uses `paddock-agent` next to
this script (or ../dist/paddock-agent). On an upgrade, --server/--token may be omitted: the
existing agent.json is kept.

Options:
  --server URL            the appliance, e.g. wss://paddock.example.com:8080 (ws:// only for tests)
  --token TOKEN           enrollment token from the appliance (used once; the agent then keeps
                          its own node credential in /var/lib/paddock-agent)
  --ca FILE               CA certificate to trust for the appliance's TLS certificate
                          (copied to /etc/paddock/agent-ca.pem)
  --libvirt URI           libvirt URI (default qemu:///system)
  --metrics-listen ADDR   where the agent serves /metrics (default 0.0.0.0:9464)
  --binary PATH           the paddock-agent binary (same as the positional PATH)
  --dry-run               print what would be done, change nothing (the token is not printed)
  --uninstall             stop and remove the unit and the binary; keep config and state;
                          running VMs are not touched
  --purge                 with --uninstall: also delete agent.json, the CA copy and the state
  -h, --help              this text
EOF
}

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"

BINARY="" SERVER="" TOKEN="" CA="" LIBVIRT="qemu:///system" METRICS="0.0.0.0:9464"
MODE=install
PURGE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --server) SERVER="${2:?--server needs a URL}"; shift 2 ;;
    --server=*) SERVER="${1#*=}"; shift ;;
    --token) TOKEN="${2:?--token needs a value}"; shift 2 ;;
    --token=*) TOKEN="${1#*=}"; shift ;;
    --ca) CA="${2:?--ca needs a file}"; shift 2 ;;
    --ca=*) CA="${1#*=}"; shift ;;
    --libvirt) LIBVIRT="${2:?--libvirt needs a URI}"; shift 2 ;;
    --libvirt=*) LIBVIRT="${1#*=}"; shift ;;
    --metrics-listen) METRICS="${2:?--metrics-listen needs an address}"; shift 2 ;;
    --metrics-listen=*) METRICS="${1#*=}"; shift ;;
    --binary) BINARY="${2:?--binary needs a path}"; shift 2 ;;
    --binary=*) BINARY="${1#*=}"; shift ;;
    --dry-run) DRY_RUN=1; shift ;;
    --uninstall) MODE=uninstall; shift ;;
    --purge) PURGE=1; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) usage >&2; die "unknown option: $1" ;;
    *) [ -z "$BINARY" ] || die "more than one binary path given"; BINARY="$1"; shift ;;
  esac
done
[ "$PURGE" = 0 ] || [ "$MODE" = uninstall ] || die "--purge only goes with --uninstall"

BIN_DEST="$ROOT/usr/local/bin/paddock-agent"
ETC="$ROOT/etc/paddock"
CONF="$ETC/agent.json"
CA_DEST="$ETC/agent-ca.pem"
STATE="$ROOT/var/lib/paddock-agent"
UNIT_DIR="$ROOT/etc/systemd/system"
UNIT=paddock-agent.service

[ "$DRY_RUN" = 1 ] && log "Dry run: nothing will be changed"
require_root

if [ "$MODE" = uninstall ]; then
  log "Uninstalling the Paddock agent (virtual machines keep running under libvirt)"
  if systemd_running; then
    log "Stopping and disabling $UNIT"
    run systemctl disable --now "$UNIT" || true
  else
    say_no_systemd "stop a hand-started paddock-agent process yourself"
  fi
  log "Removing the unit and the binary"
  remove_path "$UNIT_DIR/$UNIT" "$BIN_DEST"
  if systemd_running; then run systemctl daemon-reload; fi
  if [ "$PURGE" = 1 ]; then
    log "Purging configuration and state (the node must be enrolled again to come back)"
    remove_path "$CONF" "$CA_DEST" "$STATE"
    if [ -d "$ETC" ] && [ -z "$(ls -A "$ETC" 2>/dev/null)" ]; then run rmdir "$ETC"; fi
  else
    log "Kept: $CONF and $STATE (node credential); --uninstall --purge removes them"
  fi
  log "Done"
  exit 0
fi

# --- install / upgrade ---
# JSON string literal for VALUE (control characters are rejected up front, see below).
json_str() {
  local v=$1
  v=${v//\\/\\\\}
  v=${v//\"/\\\"}
  printf '"%s"' "$v"
}

if [ -f "$CONF" ] && [ -z "$SERVER" ] && [ -z "$TOKEN" ]; then
  KEEP_CONF=1
else
  KEEP_CONF=0
  [ -n "$SERVER" ] || die "--server URL is required (e.g. --server wss://paddock.example.com:8080)"
  [ -n "$TOKEN" ] || die "--token is required (an enrollment token issued by the appliance)"
  case "$SERVER" in
    wss://* | https://*) ;;
    ws://* | http://*) warn "$SERVER is not TLS: the token and all traffic travel in clear; use wss:// in production" ;;
    *) die "--server must start with wss://, https://, ws:// or http://: $SERVER" ;;
  esac
fi
if [ -n "$CA" ]; then [ -f "$CA" ] || die "--ca: file not found: $CA"; fi
for v in "$SERVER" "$TOKEN" "$LIBVIRT" "$METRICS"; do
  [[ "$v" != *[[:cntrl:]]* ]] || die "control characters are not allowed in --server/--token/--libvirt/--metrics-listen"
done

if [ -z "$BINARY" ]; then
  for c in "$SCRIPT_DIR/paddock-agent" "$SCRIPT_DIR/../dist/paddock-agent"; do
    if [ -f "$c" ]; then BINARY="$c"; break; fi
  done
  [ -n "$BINARY" ] || die "no paddock-agent binary given and none found next to this script; pass its path"
fi
[ -f "$BINARY" ] || die "binary not found: $BINARY"
[ -f "$SCRIPT_DIR/systemd/$UNIT" ] || die "missing unit file $SCRIPT_DIR/systemd/$UNIT"

log "Installing the Paddock agent from $BINARY"

log "Checking the host (warnings only)"
[ -e /dev/kvm ] || warn "/dev/kvm is missing: VMs will run without KVM acceleration (or not at all)"
command -v qemu-img >/dev/null 2>&1 || warn "qemu-img not found (Debian: apt-get install qemu-utils)"
command -v ip >/dev/null 2>&1 || warn "ip not found (Debian: apt-get install iproute2)"
if ! command -v libvirtd >/dev/null 2>&1 && ! command -v virtqemud >/dev/null 2>&1; then
  warn "libvirt daemon not found (Debian: apt-get install libvirt-daemon-system qemu-system-x86)"
fi
command -v ovs-vsctl >/dev/null 2>&1 || note "ovs-vsctl not found: Open vSwitch networks unavailable (Linux bridges work)"

log "Installing the binary to $BIN_DEST (0755)"
ensure_dir "$ROOT/usr/local/bin"
install_file "$BINARY" "$BIN_DEST" 0755
BIN_CHANGED=$CHANGED

log "Writing the configuration $CONF (0600)"
if [ -d "$ETC" ]; then
  note "$ETC exists: ownership and mode left as they are"
else
  make_dir "$ETC" 0750
fi
CA_LINE=""
if [ -n "$CA" ]; then
  install_file "$CA" "$CA_DEST" 0644
  CA_LINE=$',\n  "ca": "/etc/paddock/agent-ca.pem"'
fi
CONF_CHANGED=0
if [ "$KEEP_CONF" = 1 ]; then
  note "$CONF exists and no --server/--token given: kept unchanged"
  [ -z "$CA" ] || warn "--ca copied to $CA_DEST; add \"ca\": \"/etc/paddock/agent-ca.pem\" to $CONF if it is not there"
else
  CONF_CHANGED=1
  REDACT="$(json_str "$TOKEN")" write_file "$CONF" 0600 <<EOF
{
  "server": $(json_str "$SERVER"),
  "token": $(json_str "$TOKEN"),
  "libvirt": $(json_str "$LIBVIRT"),
  "state": "/var/lib/paddock-agent",
  "metricsListen": $(json_str "$METRICS")$CA_LINE
}
EOF
fi

log "Creating the state directory $STATE (0700)"
make_dir "$STATE" 0700

log "Installing the systemd unit to $UNIT_DIR/$UNIT"
ensure_dir "$UNIT_DIR"
CHANGED=0
install_file "$SCRIPT_DIR/systemd/$UNIT" "$UNIT_DIR/$UNIT" 0644
UNIT_CHANGED=$CHANGED

if systemd_running; then
  log "Enabling and starting $UNIT"
  run systemctl daemon-reload
  if [ "$DRY_RUN" = 0 ] && systemctl is-active --quiet "$UNIT"; then
    if [ "$BIN_CHANGED" = 1 ] || [ "$UNIT_CHANGED" = 1 ] || [ "$CONF_CHANGED" = 1 ]; then
      log "Restarting $UNIT to pick up the new binary/configuration (VMs are not affected)"
      run systemctl restart "$UNIT"
    else
      note "$UNIT is running and up to date"
    fi
    run systemctl enable "$UNIT"
  else
    run systemctl enable --now "$UNIT"
  fi
  note "status:  systemctl status paddock-agent    logs:  journalctl -u paddock-agent -f"
else
  say_no_systemd "the unit file is installed; to run without systemd, as root:" \
    "PADDOCK_AGENT_STATE=/var/lib/paddock-agent /usr/local/bin/paddock-agent"
fi
log "Done: the node appears in the console once the agent has enrolled; metrics on $METRICS/metrics"

#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Install, upgrade or remove the Paddock appliance (the `paddock` binary + systemd units).
# Safe to run again: an existing /etc/paddock/paddock.env is never overwritten, and a changed
# binary or unit restarts a running service (that is the upgrade path).
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: install-appliance.sh [options] [PATH-TO-paddock]

Installs the paddock binary to /usr/local/bin, creates the `paddock` system user, /etc/paddock with
an environment file template, the paddock.service and paddock-worker.service units, then enables
and starts paddock.service. Without PATH, uses `paddock` next to this script (or ../dist/paddock).

Options:
  --binary PATH   the paddock binary (same as the positional PATH)
  --host ADDR     PADDOCK_HOST written to a NEW env file (default 0.0.0.0)
  --port PORT     PADDOCK_PORT written to a NEW env file (default 8080)
  --dry-run       print what would be done, change nothing
  --uninstall     stop and remove the service units and the binary; keep config and data
  --purge         with --uninstall: also delete /etc/paddock, /var/lib/paddock and the user
  -h, --help      this text

First login: leave PADDOCK_ADMIN_PASSWORD unset; on its first start the appliance creates the
`admin` user with a random password printed once to the journal:
  journalctl -u paddock | grep -i password
EOF
}

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"

BINARY=""
HOST="0.0.0.0"
PORT="8080"
HOST_PORT_GIVEN=0
MODE=install
PURGE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) BINARY="${2:?--binary needs a path}"; shift 2 ;;
    --binary=*) BINARY="${1#*=}"; shift ;;
    --host) HOST="${2:?--host needs an address}"; HOST_PORT_GIVEN=1; shift 2 ;;
    --host=*) HOST="${1#*=}"; HOST_PORT_GIVEN=1; shift ;;
    --port) PORT="${2:?--port needs a number}"; HOST_PORT_GIVEN=1; shift 2 ;;
    --port=*) PORT="${1#*=}"; HOST_PORT_GIVEN=1; shift ;;
    --dry-run) DRY_RUN=1; shift ;;
    --uninstall) MODE=uninstall; shift ;;
    --purge) PURGE=1; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) usage >&2; die "unknown option: $1" ;;
    *) [ -z "$BINARY" ] || die "more than one binary path given"; BINARY="$1"; shift ;;
  esac
done
if ! [[ "$PORT" =~ ^[0-9]+$ ]] || [ "$PORT" -lt 1 ] || [ "$PORT" -gt 65535 ]; then
  die "--port: not a port number: $PORT"
fi
[ "$PURGE" = 0 ] || [ "$MODE" = uninstall ] || die "--purge only goes with --uninstall"

BIN_DEST="$ROOT/usr/local/bin/paddock"
ETC="$ROOT/etc/paddock"
ENV_FILE="$ETC/paddock.env"
DATA="$ROOT/var/lib/paddock"
UNIT_DIR="$ROOT/etc/systemd/system"
UNITS=(paddock.service paddock-worker.service)
START_HINT="sudo -u paddock sh -c 'set -a; . /etc/paddock/paddock.env; PADDOCK_DATA=/var/lib/paddock exec /usr/local/bin/paddock serve'"

[ "$DRY_RUN" = 1 ] && log "Dry run: nothing will be changed"
require_root

if [ "$MODE" = uninstall ]; then
  log "Uninstalling the Paddock appliance"
  if systemd_running; then
    log "Stopping and disabling the services"
    run systemctl disable --now "${UNITS[@]}" || true
  else
    say_no_systemd "stop a hand-started paddock process yourself"
  fi
  log "Removing the units and the binary"
  remove_path "$UNIT_DIR/paddock.service" "$UNIT_DIR/paddock-worker.service" "$BIN_DEST"
  if systemd_running; then run systemctl daemon-reload; fi
  if [ "$PURGE" = 1 ]; then
    log "Purging configuration, data and the paddock user"
    remove_path "$ETC/paddock.env" "$DATA"
    if [ -d "$ETC" ] && [ -z "$(ls -A "$ETC" 2>/dev/null)" ]; then
      run rmdir "$ETC"
    elif [ -d "$ETC" ]; then
      note "$ETC still holds other files (TLS keys, agent.json?): left in place"
    fi
    if [ -z "$ROOT" ] && getent passwd paddock >/dev/null 2>&1; then run userdel paddock; fi
    if [ -z "$ROOT" ] && getent group paddock >/dev/null 2>&1; then run groupdel paddock || true; fi
  else
    log "Kept: $ENV_FILE, $DATA (database) and the paddock user; --uninstall --purge removes them"
  fi
  log "Done"
  exit 0
fi

# --- install / upgrade ---
if [ -z "$BINARY" ]; then
  for c in "$SCRIPT_DIR/paddock" "$SCRIPT_DIR/../dist/paddock"; do
    if [ -f "$c" ]; then BINARY="$c"; break; fi
  done
  [ -n "$BINARY" ] || die "no paddock binary given and none found next to this script; pass its path"
fi
[ -f "$BINARY" ] || die "binary not found: $BINARY"
for u in "${UNITS[@]}"; do [ -f "$SCRIPT_DIR/systemd/$u" ] || die "missing unit file $SCRIPT_DIR/systemd/$u"; done

log "Installing the Paddock appliance from $BINARY"

log "Creating the paddock system user and group"
if [ -n "$ROOT" ]; then
  note "skipped under PADDOCK_INSTALL_ROOT"
else
  if getent group paddock >/dev/null 2>&1; then note "group paddock exists"; else run groupadd --system paddock; fi
  if getent passwd paddock >/dev/null 2>&1; then
    note "user paddock exists"
  else
    run useradd --system --gid paddock --home-dir /var/lib/paddock --no-create-home \
      --shell /usr/sbin/nologin --comment "Paddock appliance" paddock
  fi
fi

log "Installing the binary to $BIN_DEST (0755)"
ensure_dir "$ROOT/usr/local/bin"
install_file "$BINARY" "$BIN_DEST" 0755
BIN_CHANGED=$CHANGED

log "Creating $ETC (0750 root:paddock) and the environment file"
make_dir "$ETC" 0750 root paddock
if [ -f "$ENV_FILE" ]; then
  note "$ENV_FILE exists: kept unchanged"
  if [ "$HOST_PORT_GIVEN" = 1 ]; then
    warn "--host/--port only apply to a new env file: edit PADDOCK_HOST/PADDOCK_PORT in $ENV_FILE"
  fi
else
  write_file "$ENV_FILE" 0640 paddock <<EOF
# Paddock appliance settings, read by paddock.service and paddock-worker.service.
# systemd EnvironmentFile syntax: KEY=value, one per line. Apply with: systemctl restart paddock
# PADDOCK_DATA is set by the unit to /var/lib/paddock.
PADDOCK_HOST=$HOST
PADDOCK_PORT=$PORT

# External PostgreSQL (needed for paddock-worker.service and for several appliance replicas).
# Unset: embedded PGlite database under /var/lib/paddock/db.
#DATABASE_URL=postgres://paddock:CHANGE-ME@127.0.0.1:5432/paddock
# Redis, for routing agent requests between several appliance replicas.
#REDIS_URL=redis://127.0.0.1:6379

# First admin password. Leave unset: the first start prints a random one to the journal
# (journalctl -u paddock | grep -i password). If you set it, delete it after the first start.
#PADDOCK_ADMIN_PASSWORD=

# HTTPS (agents then connect with wss://). Files must be readable by group paddock:
#   install -m 0640 -o root -g paddock key.pem /etc/paddock/tls/key.pem
#PADDOCK_TLS_CERT=/etc/paddock/tls/cert.pem
#PADDOCK_TLS_KEY=/etc/paddock/tls/key.pem
EOF
fi

log "Creating the data directory $DATA (0750 paddock:paddock)"
make_dir "$DATA" 0750 paddock paddock

log "Installing systemd units to $UNIT_DIR"
ensure_dir "$UNIT_DIR"
UNIT_CHANGED=0
for u in "${UNITS[@]}"; do
  CHANGED=0
  install_file "$SCRIPT_DIR/systemd/$u" "$UNIT_DIR/$u" 0644
  [ "$CHANGED" = 1 ] && UNIT_CHANGED=1
done
if [ "$PORT" -lt 1024 ]; then
  warn "port $PORT < 1024 needs CAP_NET_BIND_SERVICE: see the comment in paddock.service"
fi

if systemd_running; then
  log "Enabling and starting paddock.service"
  run systemctl daemon-reload
  if [ "$DRY_RUN" = 0 ] && systemctl is-active --quiet paddock.service; then
    if [ "$BIN_CHANGED" = 1 ] || [ "$UNIT_CHANGED" = 1 ]; then
      log "paddock is running an older binary or unit: restarting (migrations run on start)"
      run systemctl restart paddock.service
    else
      note "paddock.service is running and up to date"
    fi
    run systemctl enable paddock.service
  else
    run systemctl enable --now paddock.service
  fi
  if [ "$DRY_RUN" = 0 ] && systemctl is-active --quiet paddock-worker.service &&
    { [ "$BIN_CHANGED" = 1 ] || [ "$UNIT_CHANGED" = 1 ]; }; then
    run systemctl restart paddock-worker.service
  fi
  note "paddock-worker.service is installed but not enabled (only with DATABASE_URL)"
  note "status:  systemctl status paddock    logs:  journalctl -u paddock -f"
  note "first admin password:  journalctl -u paddock | grep -i password"
else
  say_no_systemd "the unit files are installed; to run without systemd, e.g.:" "$START_HINT"
fi
log "Done: the appliance listens on $HOST:$PORT (console /, API /api, metrics /metrics)"

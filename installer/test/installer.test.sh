#!/usr/bin/env bash
# Tests for installer/: the install scripts (dry run, and a real run under a scratch root), the
# systemd units (systemd-analyze verify) and the monitoring files (promtool, jq).
# Tools that are missing are skipped, saying why, and counted. Last line: "N passed, M failed, K skipped".
# PROMTOOL=/path/to/promtool selects a promtool that is not on PATH.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
PASS=0 FAIL=0 SKIP=0

ok() { PASS=$((PASS + 1)); printf 'ok   %s\n' "$1"; }
bad() {
  FAIL=$((FAIL + 1))
  printf 'FAIL %s\n' "$1"
  [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/     /' | head -40
}
skip() { SKIP=$((SKIP + 1)); printf 'skip %s\n' "$1"; }
check() { # check NAME COMMAND... : passes when COMMAND succeeds
  local name=$1 out
  shift
  if out="$("$@" 2>&1)"; then ok "$name"; else bad "$name" "$out"; fi
}
has() { # has NAME TEXT PATTERN... : every extended regex PATTERN occurs in TEXT
  local name=$1 text=$2 p missing=""
  shift 2
  for p in "$@"; do grep -Eq -- "$p" <<<"$text" || missing+="missing: $p"$'\n'; done
  if [ -z "$missing" ]; then ok "$name"; else bad "$name" "$missing--- output:"$'\n'"$text"; fi
}
fails() { # fails NAME PATTERN COMMAND... : COMMAND must exit non-zero and print PATTERN
  local name=$1 pat=$2 out
  shift 2
  if out="$("$@" 2>&1)"; then bad "$name" "exited 0:"$'\n'"$out"; else has "$name" "$out" "$pat"; fi
}
hasnt() { # hasnt NAME TEXT PATTERN
  if grep -Eq -- "$3" <<<"$2"; then bad "$1" "unexpected: $3"; else ok "$1"; fi
}

# Fake binaries and CA: the scripts only copy them.
mkdir -p "$TMP/bin"
printf '#!/bin/sh\necho fake paddock\n' >"$TMP/bin/paddock"
printf '#!/bin/sh\necho fake agent\n' >"$TMP/bin/paddock-agent"
printf -- '-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n' >"$TMP/ca.pem"
APP="$HERE/install-appliance.sh"
AGENT="$HERE/install-agent.sh"
TOKEN='enroll-SECRET-token-42'

# --- script syntax and lint ---
for s in "$APP" "$AGENT" "$HERE/lib/common.sh" "$HERE/test/installer.test.sh"; do
  check "bash -n $(basename "$s")" bash -n "$s"
done
if command -v shellcheck >/dev/null 2>&1; then
  check "shellcheck install scripts and this test" shellcheck -x "$APP" "$AGENT" "$HERE/lib/common.sh" "$HERE/test/installer.test.sh"
else
  skip "shellcheck: not installed (Debian: apt-get install shellcheck)"
fi

# --- appliance: dry run, no systemd ---
out="$(PADDOCK_INSTALL_SYSTEMD=no "$APP" --dry-run "$TMP/bin/paddock" 2>&1)"
rc=$?
check "appliance dry run exits 0" test "$rc" = 0
has "appliance dry run lists every step" "$out" \
  'Dry run: nothing will be changed' \
  'useradd --system .*paddock' \
  'install -m 0755 .*/usr/local/bin/\.paddock\.new' \
  'mv -f /usr/local/bin/\.paddock\.new /usr/local/bin/paddock' \
  'install -d -m 0750 .*/etc/paddock' \
  'write /etc/paddock/paddock\.env \(mode 0640\)' \
  'PADDOCK_PORT=8080' \
  '#PADDOCK_ADMIN_PASSWORD=' \
  'journalctl -u paddock \| grep -i password' \
  '/etc/systemd/system/paddock\.service' \
  '/etc/systemd/system/paddock-worker\.service' \
  'systemd is not running .*skipping systemctl steps'
hasnt "appliance dry run without systemd runs no systemctl" "$out" '\[dry-run\] systemctl'

# --- appliance: dry run, systemd present ---
out="$(PADDOCK_INSTALL_SYSTEMD=yes "$APP" --dry-run --port 9090 "$TMP/bin/paddock" 2>&1)"
has "appliance dry run with systemd reloads, enables and starts" "$out" \
  '\[dry-run\] systemctl daemon-reload' \
  '\[dry-run\] systemctl enable --now paddock\.service' \
  'PADDOCK_PORT=9090'
hasnt "appliance dry run does not enable the worker" "$out" 'enable .*paddock-worker'
out="$(PADDOCK_INSTALL_SYSTEMD=yes "$APP" --dry-run --uninstall 2>&1)"
has "appliance uninstall dry run" "$out" 'systemctl disable --now paddock\.service paddock-worker\.service' 'Kept: /etc/paddock/paddock\.env'

# --- appliance: argument errors ---
fails "appliance rejects a missing binary" 'binary not found' "$APP" --dry-run "$TMP/nope"
fails "appliance rejects a bad port" 'not a port number' "$APP" --dry-run --port 70000 "$TMP/bin/paddock"
fails "appliance rejects an unknown option" 'unknown option' "$APP" --bogus

# --- agent: dry run ---
out="$(PADDOCK_INSTALL_SYSTEMD=yes "$AGENT" --dry-run --server wss://paddock.example:8080 --token "$TOKEN" \
  --ca "$TMP/ca.pem" "$TMP/bin/paddock-agent" 2>&1)"
rc=$?
check "agent dry run exits 0" test "$rc" = 0
has "agent dry run lists every step" "$out" \
  'install -m 0755 .*/usr/local/bin/\.paddock-agent\.new' \
  'write /etc/paddock/agent\.json \(mode 0600\)' \
  '"server": "wss://paddock\.example:8080"' \
  '"token": <redacted>' \
  '"ca": "/etc/paddock/agent-ca\.pem"' \
  '/etc/paddock/agent-ca\.pem' \
  '/etc/systemd/system/paddock-agent\.service' \
  '\[dry-run\] systemctl daemon-reload' \
  '\[dry-run\] systemctl enable --now paddock-agent\.service'
hasnt "agent dry run never prints the token" "$out" "$TOKEN"
out="$(PADDOCK_INSTALL_SYSTEMD=no "$AGENT" --dry-run --server ws://10.0.0.1:8080 --token t "$TMP/bin/paddock-agent" 2>&1)"
has "agent dry run without systemd skips systemctl, warns about ws://" "$out" \
  'systemd is not running .*skipping systemctl steps' 'not TLS'
fails "agent requires --server" '--server URL is required' "$AGENT" --dry-run "$TMP/bin/paddock-agent"
fails "agent rejects a missing CA file" 'file not found' "$AGENT" --dry-run --server wss://x --token t --ca "$TMP/none.pem" "$TMP/bin/paddock-agent"
out="$(PADDOCK_INSTALL_SYSTEMD=yes "$AGENT" --dry-run --uninstall 2>&1)"
has "agent uninstall dry run" "$out" 'systemctl disable --now paddock-agent\.service' 'Kept: /etc/paddock/agent\.json'

# --- real install under a scratch root: modes, idempotence, config kept, uninstall ---
R="$TMP/root"
mkdir -p "$R"
export PADDOCK_INSTALL_ROOT="$R"
mode() { stat -c '%a' "$1" 2>/dev/null; }
check "appliance installs under a scratch root" "$APP" "$TMP/bin/paddock"
check "binary is 0755" test "$(mode "$R/usr/local/bin/paddock")" = 755
check "/etc/paddock is 0750" test "$(mode "$R/etc/paddock")" = 750
check "paddock.env is 0640" test "$(mode "$R/etc/paddock/paddock.env")" = 640
check "units are 0644" test "$(mode "$R/etc/systemd/system/paddock.service")" = 644
check "installed unit equals the shipped one" cmp "$HERE/systemd/paddock.service" "$R/etc/systemd/system/paddock.service"
echo 'PADDOCK_PORT=1234 # edited' >>"$R/etc/paddock/paddock.env"
out="$("$APP" "$TMP/bin/paddock" 2>&1)"
has "second run keeps the edited env file and changes nothing" "$out" 'paddock\.env exists: kept unchanged' 'paddock is up to date'
check "edited env file survives" grep -q 'PADDOCK_PORT=1234 # edited' "$R/etc/paddock/paddock.env"
printf '#!/bin/sh\necho new\n' >"$TMP/bin/paddock.v2"
"$APP" "$TMP/bin/paddock.v2" >/dev/null 2>&1
check "upgrade replaces the binary" cmp "$TMP/bin/paddock.v2" "$R/usr/local/bin/paddock"

check "agent installs under a scratch root" "$AGENT" --server wss://a.example:8080 --token "$TOKEN" --ca "$TMP/ca.pem" "$TMP/bin/paddock-agent"
check "agent.json is 0600" test "$(mode "$R/etc/paddock/agent.json")" = 600
if command -v jq >/dev/null 2>&1; then
  # shellcheck disable=SC2016 # $t is a jq variable
  check "agent.json is valid JSON with server, token and ca" \
    jq -e --arg t "$TOKEN" '.server == "wss://a.example:8080" and .token == $t and .ca == "/etc/paddock/agent-ca.pem"' "$R/etc/paddock/agent.json"
else
  skip "agent.json JSON check: jq not installed"
fi
check "agent state dir is 0700" test "$(mode "$R/var/lib/paddock-agent")" = 700
out="$("$AGENT" "$TMP/bin/paddock-agent" 2>&1)"
has "agent upgrade without --server/--token keeps agent.json" "$out" 'agent\.json exists and no --server/--token given: kept unchanged'
check "agent.json quotes odd characters" "$AGENT" --server 'wss://a"b' --token 'x\y"z' "$TMP/bin/paddock-agent"
if command -v jq >/dev/null 2>&1; then
  check "agent.json round-trips odd characters" jq -e '.server == "wss://a\"b" and .token == "x\\y\"z"' "$R/etc/paddock/agent.json"
else
  skip "agent.json odd-character round trip: jq not installed"
fi

"$APP" --uninstall >/dev/null 2>&1
check "appliance uninstall removes the binary" test ! -e "$R/usr/local/bin/paddock"
check "appliance uninstall removes the units" test ! -e "$R/etc/systemd/system/paddock.service"
check "appliance uninstall keeps the env file" test -f "$R/etc/paddock/paddock.env"
"$AGENT" --uninstall --purge >/dev/null 2>&1
check "agent purge removes agent.json and state" test ! -e "$R/etc/paddock/agent.json" -a ! -e "$R/var/lib/paddock-agent"
check "agent purge leaves the appliance's env file" test -f "$R/etc/paddock/paddock.env"
"$APP" --uninstall --purge >/dev/null 2>&1
check "appliance purge empties /etc/paddock and /var/lib/paddock" test ! -e "$R/etc/paddock" -a ! -e "$R/var/lib/paddock"
unset PADDOCK_INSTALL_ROOT

# --- systemd units ---
if command -v systemd-analyze >/dev/null 2>&1; then
  # verify needs ExecStart to exist: point it at a stand-in executable in a copy of the units.
  mkdir -p "$TMP/units"
  for u in "$HERE"/systemd/*.service; do
    sed -e "s#/usr/local/bin/paddock-agent#$TMP/bin/paddock-agent#" -e "s#/usr/local/bin/paddock #$TMP/bin/paddock #" \
      "$u" >"$TMP/units/$(basename "$u")"
  done
  chmod +x "$TMP/bin/paddock" "$TMP/bin/paddock-agent"
  for u in "$TMP"/units/*.service; do
    # verify exits 0 on unknown keys and bad values, only warning: any output is a failure.
    out="$(cd "$TMP/units" && systemd-analyze verify --man=no "./$(basename "$u")" 2>&1)"
    rc=$?
    if [ "$rc" = 0 ] && [ -z "$out" ]; then ok "systemd-analyze verify $(basename "$u")"; else bad "systemd-analyze verify $(basename "$u")" "$out"; fi
  done
  # The strict drop-in example must parse too.
  cp "$TMP/units/paddock-agent.service" "$TMP/units/strict-check.service"
  sed -n '/^\[Service\]/,$p' "$HERE/systemd/paddock-agent.service.d/strict.conf.example" | grep -v '^\[Service\]' |
    sed -i '/^\[Service\]/r /dev/stdin' "$TMP/units/strict-check.service"
  out="$(cd "$TMP/units" && systemd-analyze verify --man=no ./strict-check.service 2>&1)"
  if [ -z "$out" ]; then ok "strict.conf.example parses"; else bad "strict.conf.example parses" "$out"; fi
  rm -f "$TMP/units/strict-check.service"
  has "paddock.service leaves MemoryDenyWriteExecute unset (Bun JIT, WebAssembly)" \
    "$(grep -E '^[^#]*MemoryDenyWriteExecute' "$HERE/systemd/paddock.service" || echo none)" '^none$'
  if systemd-analyze security --help 2>/dev/null | grep -q -- '--offline'; then
    for u in paddock paddock-agent; do
      score="$(cd "$TMP/units" && systemd-analyze security --offline=yes "./$u.service" 2>/dev/null | grep -o 'exposure level for.*')"
      printf 'info %s\n' "$score"
    done
  fi
else
  skip "systemd-analyze verify: systemd-analyze not installed (Debian package systemd)"
fi

# --- monitoring ---
MON="$HERE/monitoring"
if command -v jq >/dev/null 2>&1; then
  check "grafana-dashboard.json is valid JSON with panels" jq -e '.panels | length > 0' "$MON/grafana-dashboard.json"
else
  skip "dashboard JSON check: jq not installed"
fi
PROMTOOL="${PROMTOOL:-$(command -v promtool || true)}"
if [ -n "$PROMTOOL" ] && [ -x "$PROMTOOL" ]; then
  check "promtool check rules paddock.rules.yml" "$PROMTOOL" check rules "$MON/paddock.rules.yml"
  check "promtool test rules paddock.rules.test.yml" bash -c "cd '$MON' && '$PROMTOOL' test rules paddock.rules.test.yml"
  check "promtool check config prometheus.yml" "$PROMTOOL" check config "$MON/prometheus.yml"
  if command -v jq >/dev/null 2>&1; then
    # Parse every dashboard query by wrapping it in a recording rule.
    {
      printf 'groups:\n  - name: dashboard\n    rules:\n'
      jq -r '[.panels[].targets[]?.expr] | to_entries[] | "      - record: dashboard:q\(.key)\n        expr: \(.value | tojson)"' "$MON/grafana-dashboard.json"
    } >"$TMP/dashboard.rules.yml"
    check "dashboard PromQL parses" "$PROMTOOL" check rules "$TMP/dashboard.rules.yml"
  fi
else
  skip "promtool checks: promtool not found (Debian package prometheus, or set PROMTOOL=)"
fi

printf '%d passed, %d failed, %d skipped\n' "$PASS" "$FAIL" "$SKIP"
[ "$FAIL" = 0 ]

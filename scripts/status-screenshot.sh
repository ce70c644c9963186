#!/usr/bin/env bash
# Takes docs/status-page.png: the ops status page (/status on the metrics port) of a real pfxd
# with the demo data (demo/pfxd.textproto: the RouteViews JINX full table, every IRR dump, the
# demo peerings), photographed by headless Chromium (Debian `chromium`).
#   scripts/status-screenshot.sh [BUILD_DIR] [OUT.png]      (defaults: build, docs/status-page.png)
# pfxd runs on free loopback ports with a throwaway data dir, so a `make run` next to it is
# not disturbed. The prefixes are put in one state each: contoso-voice/web WARNING (a route
# lost, in hold-down), contoso-voice/media FAILED (one session), jinx-voice/real VERIFIED
# (tagged on both sessions), jinx-voice/untagged FAILED (a real route without 8075:8007).
set -euo pipefail
BUILD_DIR=${1:-build}
OUT=$(realpath -m "${2:-docs/status-page.png}")
PFXD="$BUILD_DIR/server/pfxd"
PFXCTL="$BUILD_DIR/cli/pfxctl"
command -v chromium >/dev/null || { echo "chromium is not installed (apt-get install chromium)" >&2; exit 1; }

WORK=$(mktemp -d)
"$PFXD" --config demo/pfxd.textproto --listen 127.0.0.1:0 --data_dir "$WORK/data" \
  --bmp_listen off --port_file "$WORK/port" --metrics_listen 127.0.0.1:0 \
  --metrics_port_file "$WORK/mport" 2>"$WORK/pfxd.log" &
PFXD_PID=$!
cleanup() {
  kill -TERM "$PFXD_PID" 2>/dev/null || true
  wait "$PFXD_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

for _ in $(seq 1 150); do
  [ -s "$WORK/port" ] && [ -s "$WORK/mport" ] && break
  kill -0 "$PFXD_PID" 2>/dev/null || { cat "$WORK/pfxd.log" >&2; exit 1; }
  sleep 0.2
done
export PFXD_SERVER="127.0.0.1:$(cat "$WORK/port")"
URL="http://127.0.0.1:$(cat "$WORK/mport")/status"
echo "pfxd on $PFXD_SERVER, status page $URL; waiting for the initial load (pfxctl health)" >&2
for _ in $(seq 1 600); do
  "$PFXCTL" --timeout 2 health >/dev/null 2>&1 && break
  sleep 1
done
"$PFXCTL" --timeout 2 health >&2

q() { "$PFXCTL" "$@" >/dev/null; }
state_of() {  # PEERING NAME -> the short state, e.g. VERIFIED
  "$PFXCTL" registered-prefix show --peering-name "$1" --name "$2" 2>/dev/null |
    sed -n 's/^prefix_validation_state: //p'
}
wait_for() {  # PEERING NAME STATE: up to 20 s
  for _ in $(seq 1 100); do
    [ "$(state_of "$1" "$2")" = "$3" ] && return 0
    sleep 0.2
  done
  echo "$1/$2 did not reach $3 (it is $(state_of "$1" "$2"))" >&2
  return 1
}

q peering create --file demo/contoso-voice.json
q peering set-connection-state --peering-name contoso-voice --connection-id sea-1 --connection-state active
q peering set-connection-state --peering-name contoso-voice --connection-id sea-2 --connection-state active
q registered-prefix create --peering-name contoso-voice --name web --prefix 1.0.128.0/18 \
  --traffic-class signalling-and-media --endpoint-description "SBCs and media relays, Seattle"
q registered-prefix create --peering-name contoso-voice --name media --prefix 1.0.192.0/18 \
  --traffic-class media --endpoint-description "media relays, Seattle"
for peer in "msee-sea-1 198.51.100.1" "msee-sea-2 198.51.100.5"; do
  set -- $peer
  q route announce --router "$1" --peer-address "$2" --prefix 1.0.128.0/18 --as-path 9737 \
    --communities 8075:8007
done
q route announce --router msee-sea-1 --peer-address 198.51.100.1 --prefix 1.0.192.0/18 \
  --as-path 9737 --communities 8075:8007
wait_for contoso-voice web VERIFIED
q route withdraw --router msee-sea-2 --peer-address 198.51.100.5 --prefixes 1.0.128.0/18
wait_for contoso-voice web WARNING
wait_for contoso-voice media FAILED

q peering create --file demo/jinx-voice.json
q peering set-connection-state --peering-name jinx-voice --connection-id jnb-1 --connection-state active
q peering set-connection-state --peering-name jinx-voice --connection-id jnb-2 --connection-state active
q registered-prefix create --peering-name jinx-voice --name real --prefix 5.11.8.0/21 \
  --traffic-class media --endpoint-description "media gateways, Johannesburg"
q registered-prefix create --peering-name jinx-voice --name untagged --prefix 5.11.16.0/21 \
  --traffic-class media --endpoint-description "SBCs, Johannesburg"
for router in jinx jinx-b; do
  q route announce --router "$router" --peer-address 196.223.14.55 --prefix 5.11.8.0/21 \
    --as-path 30844 --communities 8075:8007
done
wait_for jinx-voice real VERIFIED
wait_for jinx-voice untagged FAILED

PROFILE="$WORK/chromium"
timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
  --user-data-dir="$PROFILE" --window-size=1280,900 --screenshot="$OUT" "$URL" 2>/dev/null
echo "wrote $OUT from $URL" >&2

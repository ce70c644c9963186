#!/usr/bin/env bash
# `make run`: starts pfxd with demo/pfxd.textproto (an embedded RocksDB under ./data, the
# RouteViews JINX full table as router "jinx", every IRR dump in testdata/irr, route injection
# for the demo sessions), then walks through registering prefixes with pfxctl. pfxd keeps
# serving until Ctrl-C. PFXD_LISTEN and PFXD_DATA_DIR override the address and directory.
set -euo pipefail
BUILD_DIR=${1:-build}
LISTEN=${PFXD_LISTEN:-127.0.0.1:50051}
DATA_DIR=${PFXD_DATA_DIR:-./data}
PFXD="$BUILD_DIR/server/pfxd"
PFXCTL="$BUILD_DIR/cli/pfxctl"
export PFXD_SERVER="$LISTEN"

"$PFXD" --config demo/pfxd.textproto --listen "$LISTEN" --data_dir "$DATA_DIR" &
PFXD_PID=$!
trap 'kill $PFXD_PID 2>/dev/null; wait $PFXD_PID 2>/dev/null' EXIT INT TERM

for _ in $(seq 1 100); do
  "$PFXCTL" --timeout 1 peering list >/dev/null 2>&1 && break
  kill -0 $PFXD_PID 2>/dev/null || { echo "pfxd exited; see the log above" >&2; exit 1; }
  sleep 0.2
done

run() {
  printf '\n\033[1m$ pfxctl %s\033[0m\n' "$*"
  "$PFXCTL" "$@" || true
}
state_of() {
  "$PFXCTL" --output json registered-prefix show --peering-name "$1" --name "$2" |
    sed -n 's/.*"prefix_validation_state": "\([A-Z_]*\)".*/\1/p'
}
wait_state() {  # peering name: wait until the prefix has left PENDING
  for _ in $(seq 1 50); do
    s=$(state_of "$1" "$2")
    [ -n "$s" ] && [ "$s" != "PREFIX_VALIDATION_STATE_PENDING" ] && return 0
    sleep 0.2
  done
}

echo "== pfxd is up on $LISTEN (data in $DATA_DIR). Demo walkthrough:"
if ! "$PFXCTL" peering show --name contoso-voice >/dev/null 2>&1; then
  run peering create --file demo/contoso-voice.json
  run peering set-connection-state --peering-name contoso-voice --connection-id sea-1 --connection-state ACTIVE
  run peering set-connection-state --peering-name contoso-voice --connection-id sea-2 --connection-state ACTIVE
  run registered-prefix create --peering-name contoso-voice --name web --prefix 1.0.128.0/18 --traffic-class signalling-and-media --endpoint-description "SBCs and media relays, Seattle"
fi
echo; echo "== The partner announces the prefix on one session only: FAILED, naming the other session."
run route announce --router msee-sea-1 --peer-address 198.51.100.1 --prefix 1.0.128.0/18 --as-path 9737 --communities 8075:8007
for _ in $(seq 1 50); do
  "$PFXCTL" registered-prefix show --peering-name contoso-voice --name web |
    grep -q "^error_message: Prefix not received from IP: 1.0.128.0/18 not advertised on session 198.51.100.5" && break
  sleep 0.2
done
run registered-prefix show --peering-name contoso-voice --name web
echo; echo "== ...and on the second session: VERIFIED."
run route announce --router msee-sea-2 --peer-address 198.51.100.5 --prefix 1.0.128.0/18 --as-path 9737 --communities 8075:8007
for _ in $(seq 1 50); do [ "$(state_of contoso-voice web)" = PREFIX_VALIDATION_STATE_VERIFIED ] && break; sleep 0.2; done
run registered-prefix list --peering-name contoso-voice

echo; echo "== A real route from the RouteViews JINX table (AS30844): what does the check say?"
if ! "$PFXCTL" peering show --name jinx-voice >/dev/null 2>&1; then
  run peering create --file demo/jinx-voice.json
  run peering set-connection-state --peering-name jinx-voice --connection-id jnb-1 --connection-state ACTIVE
  run peering set-connection-state --peering-name jinx-voice --connection-id jnb-2 --connection-state ACTIVE
  run registered-prefix create --peering-name jinx-voice --name real --prefix 5.11.8.0/21 --traffic-class media --endpoint-description "media gateways, Johannesburg"
fi
wait_state jinx-voice real
run explain --kind registered-prefix --parent jinx-voice --name real
run session list

cat <<EOT

== pfxd keeps running on $LISTEN. In another shell, for example:
  export PFXD_SERVER=$LISTEN
  $PFXCTL watch &
  $PFXCTL route withdraw --router msee-sea-2 --peer-address 198.51.100.5 --prefixes 1.0.128.0/18
  $PFXCTL registered-prefix show --peering-name contoso-voice --name web    # WARNING, FAILED after 60 s
  $PFXCTL received-route list --peering-name jinx-voice --page-size 5
  $PFXCTL revalidate
  $PFXCTL --help
Ctrl-C stops pfxd.
EOT
wait $PFXD_PID

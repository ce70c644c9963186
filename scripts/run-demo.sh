#!/usr/bin/env bash
# `make run`: starts pfxd with demo/pfxd.textproto (an embedded RocksDB under ./data, the
# RouteViews JINX full table as router "jinx", every IRR dump in testdata/irr, route injection
# for the demo sessions), then walks through the Voice seed with pfxctl. pfxd keeps serving
# until Ctrl-C, which stops it cleanly (exit 0, so make reports no error).
# PFXD_LISTEN and PFXD_DATA_DIR override the address and the directory.
#
# The demo store: a directory the demo made (it holds .pfxd-demo) is wiped, so every run
# starts from the same clean state; any other existing directory is reused and left as is.
set -euo pipefail
BUILD_DIR=${1:-build}
LISTEN=${PFXD_LISTEN:-127.0.0.1:50051}
DATA_DIR=${PFXD_DATA_DIR:-./data}
PFXD="$BUILD_DIR/server/pfxd"
PFXCTL="$BUILD_DIR/cli/pfxctl"
export PFXD_SERVER="$LISTEN"

bold() { printf '\n\033[1m%s\033[0m\n' "$*"; }
say() { printf '\n== %s\n' "$*"; }

if [ -f "$DATA_DIR/.pfxd-demo" ]; then
  rm -rf "$DATA_DIR"
  say "Starting from a clean demo store: removed the previous demo's data in $DATA_DIR."
elif [ -d "$DATA_DIR" ] && [ -n "$(ls -A "$DATA_DIR")" ]; then
  say "Reusing $DATA_DIR: the demo did not make it, so its data is kept (PFXD_DATA_DIR=DIR picks another)."
fi
mkdir -p "$DATA_DIR"
[ -n "$(ls -A "$DATA_DIR")" ] || touch "$DATA_DIR/.pfxd-demo"

RUN_DIR=$(mktemp -d)
"$PFXD" --config demo/pfxd.textproto --listen "$LISTEN" --data_dir "$DATA_DIR" \
  --port_file "$RUN_DIR/port" --metrics_listen 127.0.0.1:0 --metrics_port_file "$RUN_DIR/mport" &
PFXD_PID=$!
stop() {
  trap - INT TERM EXIT
  kill -TERM "$PFXD_PID" 2>/dev/null || true
  wait "$PFXD_PID" 2>/dev/null || true
  rm -rf "$RUN_DIR"
}
trap 'stop; echo; echo "pfxd stopped."; exit 0' INT TERM
trap stop EXIT

# Our pfxd is up when it has written its port file (another server on the port would not).
for _ in $(seq 1 150); do
  [ -s "$RUN_DIR/port" ] && break
  kill -0 "$PFXD_PID" 2>/dev/null || { echo "pfxd exited; its log is above" >&2; exit 1; }
  sleep 0.2
done
[ -s "$RUN_DIR/port" ] || { echo "pfxd did not start within 30 s" >&2; exit 1; }

run() {
  local shown="" a
  for a in "$@"; do
    if [[ "$a" =~ ^[A-Za-z0-9_./:,=@-]+$ ]]; then shown+=" $a"; else shown+=" '$a'"; fi
  done
  bold "\$ pfxctl${shown}"
  "$PFXCTL" "$@" || true
}
quiet() { "$PFXCTL" "$@" >/dev/null 2>&1; }
state_of() {  # PEERING NAME -> the short state, e.g. VERIFIED
  "$PFXCTL" registered-prefix show --peering-name "$1" --name "$2" 2>/dev/null |
    sed -n 's/^prefix_validation_state: //p'
}
wait_for() {  # PEERING NAME STATE [MESSAGE_PART]: up to 10 s
  for _ in $(seq 1 50); do
    if [ "$(state_of "$1" "$2")" = "$3" ] &&
      "$PFXCTL" registered-prefix show --peering-name "$1" --name "$2" | grep -q -- "${4:-}"; then
      return 0
    fi
    sleep 0.2
  done
}

say "pfxd is up on $LISTEN (data in $DATA_DIR). The Voice seed, step by step:"
if ! quiet peering show --name contoso-voice; then
  run peering create --file demo/contoso-voice.json
  run peering set-connection-state --peering-name contoso-voice --connection-id sea-1 --connection-state active
  quiet peering set-connection-state --peering-name contoso-voice --connection-id sea-2 --connection-state active
  run registered-prefix create --peering-name contoso-voice --name web --prefix 1.0.128.0/18 \
    --traffic-class signalling-and-media --endpoint-description "SBCs and media relays, Seattle"
fi

say "The partner announces the prefix on one session only: FAILED, naming the other session."
run route announce --router msee-sea-1 --peer-address 198.51.100.1 --prefix 1.0.128.0/18 --as-path 9737 --communities 8075:8007
wait_for contoso-voice web FAILED "198.51.100.5 on router msee-sea-2"
run registered-prefix show --peering-name contoso-voice --name web

say "...and on the second session: VERIFIED."
run route announce --router msee-sea-2 --peer-address 198.51.100.5 --prefix 1.0.128.0/18 --as-path 9737 --communities 8075:8007
wait_for contoso-voice web VERIFIED
run registered-prefix list --peering-name contoso-voice

say "Would another prefix pass today? A dry run checks it without registering anything:"
run explain --dry-run --peering-name contoso-voice --prefix 1.0.192.0/18

say "A real route from the RouteViews JINX table: AS30844 announcing 5.11.8.0/21."
if ! quiet peering show --name jinx-voice; then
  quiet peering create --file demo/jinx-voice.json
  quiet peering set-connection-state --peering-name jinx-voice --connection-id jnb-1 --connection-state active
  quiet peering set-connection-state --peering-name jinx-voice --connection-id jnb-2 --connection-state active
  run registered-prefix create --peering-name jinx-voice --name real --prefix 5.11.8.0/21 \
    --traffic-class media --endpoint-description "media gateways, Johannesburg"
fi
wait_for jinx-voice real FAILED
run explain --kind registered-prefix --parent jinx-voice --name real
cat <<'EOT'

   Why it fails: the JINX table is what a route collector received, not what a partner sends
   to AS8075, so the route carries none of Microsoft's communities: the community check fails
   on 8075:8007 and says what the route has instead. The peering's second connection is on
   router jinx-b, which the feed has never reported, so the route is also missing there (two
   routers may see the same peer address; messages name both).
EOT

say "The partner tags the route with 8075:8007 on both sessions: every check passes."
run route announce --router jinx --peer-address 196.223.14.55 --prefix 5.11.8.0/21 --as-path 30844 --communities 8075:8007
quiet route announce --router jinx-b --peer-address 196.223.14.55 --prefix 5.11.8.0/21 --as-path 30844 --communities 8075:8007
wait_for jinx-voice real VERIFIED
run explain --kind registered-prefix --parent jinx-voice --name real

cat <<EOT

== pfxd keeps running on $LISTEN. In another shell, for example:
  export PFXD_SERVER=$LISTEN
  $PFXCTL watch &
  $PFXCTL route withdraw --router msee-sea-2 --peer-address 198.51.100.5 --prefixes 1.0.128.0/18
  $PFXCTL registered-prefix show --peering-name contoso-voice --name web    # WARNING, FAILED after 60 s
  $PFXCTL received-route list --peering-name jinx-voice --page-size 5
  $PFXCTL session list
  curl -s http://127.0.0.1:$(cat "$RUN_DIR/mport" 2>/dev/null)/metrics | grep '^pfxd_prefixes'   # Prometheus metrics
  # the ops status page, in a browser: http://127.0.0.1:$(cat "$RUN_DIR/mport" 2>/dev/null)/status
  $PFXCTL health                       # SERVING: exit 0
  $PFXCTL --help                       # every command; 'pfxctl <command> --help' for its flags
  source <($PFXCTL completion bash)    # tab completion
Ctrl-C stops pfxd.
EOT
wait "$PFXD_PID"

#!/usr/bin/env bash
# pfxd benchmarks against references measured in the same run (see issue "Benchmarks against
# real peers"): every speed figure is a ratio, each case runs RUNS times (default 3) and the
# median is reported. Prints a table and writes bench/results/latest.json.
# Cases measured so far: MRT full-table load and update stream (vs bgpdump -m), route memory
# (vs gobgpd after `gobgp mrt inject global`), BMP ingest (pfxctl bmp-replay into pfxd vs the
# MRT load), revalidation of 100k prefixes (vs the in-process pipeline), API writes and reads
# (vs an echo server, same client), plus Google Benchmark micro benchmarks.
#
# The growth curve (issue 11; bench/growth.sh, README "Growth curve"): how the cost
# grows with the feed and the registry. The default run has the feed at 1x and 4x the JINX
# table (with its IPv6 share, as distinct sessions) and the registry at 100k (case 5).
#   bash bench/compare.sh --scale   adds the large sizes: the feed at 16x and 64x (64x: one
#                                   run, BIG_RUNS), Revalidate of 300k and 1M registrations,
#                                   start-up with the 16x feed and 1M registrations, and the
#                                   live change latency under a BMP update stream. About
#                                   10 more minutes on the 2-core development machine; a size
#                                   that memory, disk or GROWTH_TIMEOUT (900 s a step) rules
#                                   out is skipped, said so, and the curve stops there.
#                                   latest.json is also copied to latest-scale.json.
# Environment: RUNS (3), DURATION (10 s of API load), BUILD_DIR (build), BIG_RUNS (1),
# GROWTH_TIMEOUT (900), LIVE_RATE (10000 UPDATEs/s), LIVE_SAMPLES (200), LIVE_DEBOUNCE_MS (10).
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=0
for arg in "$@"; do
  case "$arg" in
    --scale) SCALE=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown argument '$arg' (--scale, --help)" >&2; exit 2 ;;
  esac
done
RUNS=${RUNS:-3}
BUILD_DIR=${BUILD_DIR:-build}
make build BUILD_DIR="$BUILD_DIR" >/dev/null
B=$BUILD_DIR/bench
PFXD_BIN=$BUILD_DIR/server/pfxd
PFXCTL=$BUILD_DIR/cli/pfxctl
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds_of() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
json_field() { sed -n "s/.*\"$1\": \([0-9.]*\).*/\1/p"; }
r() { printf '%.2f' "$1"; }
# A JSON number from bc's or awk's output (".065" -> 0.065, "12" -> 12).
j() { awk -v x="$1" 'BEGIN { printf "%.10g", x + 0 }'; }

RIB="$WORK/rib.mrt"
bzcat testdata/mrt/routeviews.route-views.jinx.ribs.1401487200.bz2 > "$RIB"
UPDATES=("$WORK/u1.mrt" "$WORK/u2.mrt" "$WORK/u3.mrt")
bzcat testdata/mrt/routeviews.route-views.jinx.updates.1401493500.bz2 > "${UPDATES[0]}"
zcat testdata/mrt/ris.rrc06.updates.1401488100.gz > "${UPDATES[1]}"
zcat testdata/mrt/rrc15-updates.20100227.1600.gz > "${UPDATES[2]}"

# 1. MRT full-table load.
load_s=(); load_json=""
for _ in $(seq "$RUNS"); do
  load_json=$($B/pfx_bench mrt-load "$RIB")
  load_s+=("$(echo "$load_json" | json_field seconds)")
done
load_med=$(printf '%s\n' "${load_s[@]}" | median)
ref_s=(); for _ in $(seq "$RUNS"); do ref_s+=("$(seconds_of bgpdump -m "$RIB")"); done
ref_med=$(printf '%s\n' "${ref_s[@]}" | median)
routes=$(echo "$load_json" | json_field routes_in_index)

# 2. Update stream.
upd_s=(); for _ in $(seq "$RUNS"); do upd_s+=("$($B/pfx_bench mrt-load "${UPDATES[@]}" | json_field seconds)"); done
upd_med=$(printf '%s\n' "${upd_s[@]}" | median)
uref_s=(); for _ in $(seq "$RUNS"); do uref_s+=("$(seconds_of sh -c "for f in ${UPDATES[*]}; do bgpdump -m \$f; done")"); done
uref_med=$(printf '%s\n' "${uref_s[@]}" | median)

# 3. Route memory: RSS added per route, vs gobgpd holding the same table.
rss_before=$(echo "$load_json" | json_field rss_before)
rss_after=$(echo "$load_json" | json_field rss_after)
pfx_bpr=$(echo "($rss_after - $rss_before) / $routes" | bc -l)
GPORT=$((20000 + RANDOM % 20000))
cat > "$WORK/gobgpd.toml" <<EOT
[global.config]
  as = 65000
  router-id = "10.255.255.1"
  port = -1
EOT
gobgpd -f "$WORK/gobgpd.toml" -l warn --api-hosts "127.0.0.1:$GPORT" --pprof-disable >/dev/null 2>&1 &
GOBGPD=$!; PIDS+=("$GOBGPD")
for _ in $(seq 50); do gobgp -p "$GPORT" global >/dev/null 2>&1 && break; sleep 0.2; done
gobgp -p "$GPORT" mrt inject global "$RIB" >/dev/null 2>&1
gobgpd_rss=$(( $(awk '/VmRSS/ {print $2}' /proc/$GOBGPD/status) * 1024 ))
kill "$GOBGPD"; wait "$GOBGPD" 2>/dev/null || true
gobgpd_bpr=$(echo "$gobgpd_rss / $routes" | bc -l)

# 4. BMP ingest: the same table replayed over loopback into a running pfxd.
"$PFXD_BIN" --listen 127.0.0.1:0 --data_dir "$WORK/data" --bmp_listen 127.0.0.1:0 \
  --bmp_port_file "$WORK/bmp_port" --log_level warning &
PFXD=$!; PIDS+=("$PFXD")
for _ in $(seq 100); do [ -s "$WORK/bmp_port" ] && break; sleep 0.1; done
BMP_PORT=$(cat "$WORK/bmp_port")
bmp_rate=(); for _ in $(seq "$RUNS"); do
  bmp_rate+=("$("$PFXCTL" bmp-replay "$RIB" --to "127.0.0.1:$BMP_PORT" | sed -n 's/.*s: \([0-9]*\) routes\/s/\1/p')")
done
kill "$PFXD"; wait "$PFXD" 2>/dev/null || true
bmp_med=$(printf '%s\n' "${bmp_rate[@]}" | median)
mrt_rate=$(echo "$routes / $load_med" | bc -l)

# 5. Revalidation: 100k registered prefixes drawn from the table, sessions on two JINX peers,
# a full Revalidate through the API, vs one in-process pass of the check pipeline.
IRR_FILES=(testdata/irr/*.db.gz)
$B/pfx_bench seed "$WORK/rdata" "$RIB" 100000 >/dev/null
"$PFXD_BIN" --listen 127.0.0.1:0 --port_file "$WORK/rport" --data_dir "$WORK/rdata" \
  --bmp_listen off --mrt "jinx=$RIB" --irr "$(IFS=,; echo "${IRR_FILES[*]}")" --log_level warning &
RPFXD=$!; PIDS+=("$RPFXD")
for _ in $(seq 100); do [ -s "$WORK/rport" ] && break; sleep 0.1; done
export PFXD_SERVER="127.0.0.1:$(cat "$WORK/rport")"
for _ in $(seq 100); do
  "$PFXCTL" session list 2>/dev/null | grep -q "196.223.14.55 .*ESTABLISHED *true" && break; sleep 0.2
done
"$PFXCTL" revalidate >/dev/null  # warm-up: also drains the requeues of the MRT load
rv_s=(); for _ in $(seq "$RUNS"); do rv_s+=("$(seconds_of "$PFXCTL" revalidate)"); done
kill "$RPFXD"; wait "$RPFXD" 2>/dev/null || true
rv_med=$(printf '%s\n' "${rv_s[@]}" | median)
rv_max=$(printf '%s\n' "${rv_s[@]}" | sort -g | tail -1)
pl_s=(); for _ in $(seq "$RUNS"); do pl_s+=("$($B/pfx_bench pipeline "$RIB" 100000 "${IRR_FILES[@]}" | json_field seconds)"); done
pl_med=$(printf '%s\n' "${pl_s[@]}" | median)

# 6. API load: 64 calls in flight for DURATION s through the gRPC callback API, against pfxd
# and against a bare echo server with the same messages (bench/echo_server.cc).
DURATION=${DURATION:-10}
$B/echo_server "$WORK/echo_port" &
ECHO=$!; PIDS+=("$ECHO")
for _ in $(seq 50); do [ -s "$WORK/echo_port" ] && break; sleep 0.1; done
ECHO_ADDR="127.0.0.1:$(cat "$WORK/echo_port")"
start_pfxd() {  # DATA_DIR PORT_FILE
  "$PFXD_BIN" --listen 127.0.0.1:0 --port_file "$2" --data_dir "$1" --bmp_listen off \
    --log_level warning &
  PIDS+=("$!"); LAST_PFXD=$!
  for _ in $(seq 100); do [ -s "$2" ] && break; sleep 0.1; done
}
start_pfxd "$WORK/wdata" "$WORK/wport"
write_json=$($B/api_load write "127.0.0.1:$(cat "$WORK/wport")" "$DURATION" 64)
kill "$LAST_PFXD"; wait "$LAST_PFXD" 2>/dev/null || true
echo_write_json=$($B/api_load write "$ECHO_ADDR" "$DURATION" 64)
start_pfxd "$WORK/rdata" "$WORK/rport2"  # the 100k registrations seeded for case 5
read_json=$($B/api_load read "127.0.0.1:$(cat "$WORK/rport2")" "$DURATION" 64 100000)
kill "$LAST_PFXD"; wait "$LAST_PFXD" 2>/dev/null || true
echo_read_json=$($B/api_load read "$ECHO_ADDR" "$DURATION" 64 100000)
kill "$ECHO"; wait "$ECHO" 2>/dev/null || true
wq=$(echo "$write_json" | json_field qps); wp99=$(echo "$write_json" | json_field p99_ms)
ewq=$(echo "$echo_write_json" | json_field qps)
rq=$(echo "$read_json" | json_field qps); erq=$(echo "$echo_read_json" | json_field qps)

# 7. Micro benchmarks.
micro=$($B/micro_bench --benchmark_min_time=0.2 2>/dev/null | grep '^BM_')

# 8. The growth curve (bench/growth.sh): feed 1x/4x and registry 100k; --scale adds the rest.
# shellcheck source=bench/growth.sh
source bench/growth.sh
growth_feed
growth_registry
growth_startup
growth_live

mkdir -p bench/results
cat > bench/results/latest.json <<EOT
{
  "machine": "$(nproc) cores",
  "runs": $RUNS,
  "mrt_load": {"routes": $(j "$routes"), "pfxd_s": $(j "$load_med"), "bgpdump_s": $(j "$ref_med"), "speedup": $(r "$(echo "$ref_med / $load_med" | bc -l)"), "target": ">= 10"},
  "update_stream": {"pfxd_s": $(j "$upd_med"), "bgpdump_s": $(j "$uref_med"), "speedup": $(r "$(echo "$uref_med / $upd_med" | bc -l)"), "target": ">= 3"},
  "route_memory": {"pfxd_bytes_per_route": $(r "$pfx_bpr"), "gobgpd_bytes_per_route": $(r "$gobgpd_bpr"), "ratio": $(r "$(echo "$pfx_bpr / $gobgpd_bpr" | bc -l)"), "target": "<= 32 B and <= 0.25"},
  "bmp_ingest": {"routes_per_s": $(j "$bmp_med"), "mrt_load_routes_per_s": $(r "$mrt_rate"), "ratio": $(r "$(echo "$bmp_med / $mrt_rate" | bc -l)"), "target": ">= 1e6/s and >= 0.8"},
  "revalidation": {"prefixes": 100000, "revalidate_s": $(j "$rv_med"), "slowest_run_s": $(j "$rv_max"), "in_process_s": $(j "$pl_med"), "ratio": $(r "$(echo "$pl_med / $rv_med" | bc -l)"), "slowest_run_ratio": $(r "$(echo "$pl_med / $rv_max" | bc -l)"), "target": "< 0.5 s and >= 0.7 in every run"},
  "api_writes": {"pfxd_qps": $(j "$wq"), "pfxd_p99_ms": $(j "$wp99"), "echo_qps": $(j "$ewq"), "ratio": $(r "$(echo "$wq / $ewq" | bc -l)"), "target": ">= 0.5 and p99 < 10 ms"},
  "api_reads": {"pfxd_qps": $(j "$rq"), "echo_qps": $(j "$erq"), "ratio": $(r "$(echo "$rq / $erq" | bc -l)"), "target": ">= 0.9"},
  "growth": $(growth_json)
}
EOT
# Every number above went through r or j, so JSON parsers accept it (bc prints ".065").
python3 -m json.tool bench/results/latest.json >/dev/null || {
  echo "compare.sh: bench/results/latest.json is not valid JSON" >&2
  exit 1
}
# A later default run rewrites latest.json; the large sizes stay in latest-scale.json.
[ "$SCALE" = 1 ] && cp bench/results/latest.json bench/results/latest-scale.json
printf '%-16s %-42s %-42s %s\n' case pfxd reference ratio
printf '%-16s %-42s %-42s %s\n' "MRT full table" "$(r "$load_med") s ($routes routes)" "bgpdump -m $(r "$ref_med") s" "$(r "$(echo "$ref_med / $load_med" | bc -l)")x faster (target >= 10x)"
printf '%-16s %-42s %-42s %s\n' "update stream" "$(r "$upd_med") s" "bgpdump -m $(r "$uref_med") s" "$(r "$(echo "$uref_med / $upd_med" | bc -l)")x faster (target >= 3x)"
printf '%-16s %-42s %-42s %s\n' "route memory" "$(r "$pfx_bpr") B/route" "gobgpd $(r "$gobgpd_bpr") B/route" "$(r "$(echo "$pfx_bpr / $gobgpd_bpr" | bc -l)") (target <= 32 B, <= 0.25)"
printf '%-16s %-42s %-42s %s\n' "BMP ingest" "$bmp_med routes/s" "MRT load $(r "$mrt_rate") routes/s" "$(r "$(echo "$bmp_med / $mrt_rate" | bc -l)") (target >= 1M/s, >= 0.8)"
printf '%-16s %-42s %-42s %s\n' "revalidation" "Revalidate 100k: $(r "$rv_med") s (slowest $(r "$rv_max") s)" "in-process pipeline $(r "$pl_med") s" "$(r "$(echo "$pl_med / $rv_med" | bc -l)"), slowest run $(r "$(echo "$pl_med / $rv_max" | bc -l)") (target < 0.5 s, >= 0.7 every run)"
printf '%-16s %-42s %-42s %s\n' "API writes" "$wq calls/s, p99 $wp99 ms" "echo $ewq calls/s" "$(r "$(echo "$wq / $ewq" | bc -l)") (target >= 0.5, p99 < 10 ms)"
printf '%-16s %-42s %-42s %s\n' "API reads" "$rq calls/s" "echo $erq calls/s" "$(r "$(echo "$rq / $erq" | bc -l)") (target >= 0.9)"
echo
echo "growth curve$([ "$SCALE" = 1 ] || echo " (1x/4x feed and 100k only; the large sizes: --scale)"):"
printf '%s\n' "${GROWTH_ROWS[@]}"
for s in "${GROWTH_STOPPED[@]:-}"; do [ -n "$s" ] && echo "stopped: $s"; done
echo
echo "micro benchmarks:"
echo "$micro"
echo
echo "compare.sh$([ "$SCALE" = 1 ] && echo " --scale"): $SECONDS s"

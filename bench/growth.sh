# shellcheck shell=bash disable=SC2154,SC2155
# The growth curve of issue 11, sourced by bench/compare.sh (not run on its own): how load
# rate, memory, revalidation, start-up and live latency grow with the feed and the registry.
# Uses compare.sh's B, PFXD_BIN, PFXCTL, WORK, RIB, RUNS, SCALE, PIDS, IRR_FILES, rv_med and
# its helpers (median, seconds_of, json_field, j, r). Each function appends JSON fragments to
# GROWTH_* arrays and rows to GROWTH_ROWS; a size that cannot run says why in GROWTH_STOPPED
# and its curve stops there.
#
#   growth_feed       the JINX table plus its IPv6 share, 1x and 4x (--scale: 16x, 64x), as
#                     distinct sessions (pfx_bench scale-feed; how: bench/scaled_feed.h),
#                     written to a plain MRT file in $WORK and loaded as pfxd loads one
#                     (pfx_bench mrt-load --stream): routes/s and RSS added per route.
#   growth_registry   Revalidate through the API per registered prefix: 100k is case 5;
#                     --scale: 300k and 1M (pfx_bench seed; prefixes past the real ones:
#                     bench/registry_prefixes.h), against the JINX table as in case 5.
#   growth_startup    --scale: pfxd start to health SERVING with the 16x feed as --mrt, the
#                     1M store and the IRR files; then how long the requeue of all 1M
#                     registrations the load causes takes to drain.
#   growth_live       --scale, on the last start-up's pfxd: bench/live_latency (BMP stream at
#                     LIVE_RATE UPDATEs/s onto the 16x sessions, LIVE_SAMPLES announcements).
# For trying the script out on small sizes: GROWTH_FEED_SIZES ("1 4 16 64" with --scale),
# GROWTH_REGISTRY_SIZES ("300000 1000000"), SCALE_COPIES (16: the feed of start-up and live
# latency, one of the feed sizes; the registry is the last registry size).

BIG_RUNS=${BIG_RUNS:-1}
GROWTH_TIMEOUT=${GROWTH_TIMEOUT:-900}
LIVE_RATE=${LIVE_RATE:-10000}
LIVE_SAMPLES=${LIVE_SAMPLES:-200}
LIVE_DEBOUNCE_MS=${LIVE_DEBOUNCE_MS:-10}
SCALE_COPIES=${SCALE_COPIES:-16}
GROWTH_V6=(testdata/mrt/ris.rrc06.updates.1401488100.gz)  # more real IPv6 prefixes
GROWTH_UPDATES=testdata/mrt/routeviews.route-views.jinx.updates.1401493500.bz2
GROWTH_FEED=()      # JSON objects, one per size
GROWTH_REGISTRY=()  # JSON objects, one per size
GROWTH_STARTUP=null
GROWTH_LIVE=null
GROWTH_STOPPED=()   # plain sentences (no quotes): why a curve stopped
GROWTH_ROWS=()

mem_available() { awk '/^MemAvailable:/ {printf "%.0f", $2 * 1024}' /proc/meminfo; }
disk_available() { df -B1 --output=avail "$WORK" | tail -1 | tr -d ' '; }
gib() { awk -v b="$1" 'BEGIN { printf "%.1f GiB", b / 1073741824 }'; }
calc() { awk "BEGIN { printf \"%.10g\", $1 }"; }
growth_stop() { GROWTH_STOPPED+=("$1"); echo "compare.sh: $1" >&2; }
stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
# Waits until pfxd's port file $1 is written; fails after $2 s or if pid $3 exits.
wait_port_file() {
  local deadline=$((SECONDS + $2))
  while [ ! -s "$1" ]; do
    kill -0 "$3" 2>/dev/null || return 1
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

growth_feed() {
  local sizes=(1 4)
  [ "$SCALE" = 1 ] && sizes=(1 4 16 64)
  [ -n "${GROWTH_FEED_SIZES:-}" ] && read -r -a sizes <<<"$GROWTH_FEED_SIZES"
  local base_rate="" base_bpr="" base_routes="" base_bytes=""
  for n in "${sizes[@]}"; do
    local file="$WORK/feed-x$n.mrt"
    if [ -n "$base_bpr" ]; then
      # Room for the index (1x bytes/route, +50 %) beside what runs already, and the file.
      local need_mem need_disk
      need_mem=$(calc "$base_routes * $n * $base_bpr * 1.5 + 268435456")
      need_disk=$(calc "$base_bytes * $n * 1.1")
      if awk -v a="$need_mem" -v b="$(mem_available)" 'BEGIN { exit !(a > b) }'; then
        growth_stop "feed: stopped before ${n}x: its index needs about $(gib "$need_mem"), this machine has $(gib "$(mem_available)") available"
        break
      fi
      if awk -v a="$need_disk" -v b="$(disk_available)" 'BEGIN { exit !(a > b) }'; then
        growth_stop "feed: stopped before ${n}x: its MRT file needs about $(gib "$need_disk") in $WORK, $(gib "$(disk_available)") free"
        break
      fi
    fi
    local gen rc=0
    gen=$(timeout "$GROWTH_TIMEOUT" "$B/pfx_bench" scale-feed "$RIB" "$n" "$file" "${GROWTH_V6[@]}") || rc=$?
    if [ "$rc" != 0 ]; then
      growth_stop "feed: stopped at ${n}x: writing its MRT file failed (exit $rc; 124 is the ${GROWTH_TIMEOUT} s timeout)"
      rm -f "$file"
      break
    fi
    local runs=$RUNS
    [ "$n" -ge 64 ] && runs=$BIG_RUNS
    local secs=() bprs=() out=""
    for _ in $(seq "$runs"); do
      rc=0
      out=$(timeout "$GROWTH_TIMEOUT" "$B/pfx_bench" mrt-load --stream "$file") || rc=$?
      if [ "$rc" != 0 ]; then
        local why="exit $rc"
        [ "$rc" = 124 ] && why="it took over ${GROWTH_TIMEOUT} s"
        [ "$rc" = 137 ] && why="it was killed, out of memory"
        growth_stop "feed: stopped at ${n}x: the load did not finish ($why)"
        secs=()
        break
      fi
      secs+=("$(echo "$out" | json_field seconds)")
      bprs+=("$(calc "($(echo "$out" | json_field rss_after) - $(echo "$out" | json_field rss_before)) / $(echo "$out" | json_field routes_in_index)")")
    done
    [ "${#secs[@]}" -gt 0 ] || { rm -f "$file"; break; }
    local routes ipv6 sessions bytes wsecs sec bpr rate
    routes=$(echo "$out" | json_field routes_in_index)
    sessions=$(echo "$out" | json_field sessions)
    ipv6=$(echo "$gen" | json_field ipv6_routes)
    bytes=$(echo "$gen" | json_field bytes)
    wsecs=$(echo "$gen" | json_field seconds)
    sec=$(printf '%s\n' "${secs[@]}" | median)
    bpr=$(printf '%s\n' "${bprs[@]}" | median)
    rate=$(calc "$routes / $sec")
    if [ -z "$base_rate" ]; then
      base_rate=$rate base_bpr=$bpr base_routes=$routes base_bytes=$bytes
    fi
    local slower bigger
    slower=$(calc "$base_rate / $rate")
    bigger=$(calc "$bpr / $base_bpr")
    GROWTH_FEED+=("{\"copies\": $n, \"sessions\": $(j "$sessions"), \"routes\": $(j "$routes"), \"ipv6_routes\": $(j "$ipv6"), \"runs\": $runs, \"load_s\": $(j "$sec"), \"routes_per_s\": $(j "$(r "$rate")"), \"bytes_per_route\": $(r "$bpr"), \"rate_1x_over_rate\": $(r "$slower"), \"bytes_per_route_vs_1x\": $(r "$bigger"), \"mrt_file_bytes\": $(j "$bytes"), \"mrt_write_s\": $(j "$wsecs"), \"target\": \"both <= 1.3\"}")
    GROWTH_ROWS+=("$(printf '%-12s %-46s %-44s %s' "feed ${n}x" "$routes routes ($ipv6 IPv6), $sessions sessions" "$(r "$(calc "$rate / 1e6")") M routes/s, $(r "$bpr") B/route" "rate 1x/${n}x $(r "$slower"), B/route ${n}x/1x $(r "$bigger") (target <= 1.3; runs: $runs)")")
    # The 16x file is start-up's input; the others go at once (64x is about 2 GB).
    if [ "$n" != "$SCALE_COPIES" ] || [ "$SCALE" != 1 ]; then rm -f "$file"; fi
  done
}

# Starts pfxd on the Revalidate set-up of case 5 for data dir $1; sets REG_PFXD.
start_registry_pfxd() {
  rm -f "$WORK/gport"
  "$PFXD_BIN" --listen 127.0.0.1:0 --port_file "$WORK/gport" --data_dir "$1" --bmp_listen off \
    --mrt "jinx=$RIB" --irr "$(IFS=,; echo "${IRR_FILES[*]}")" --log_level warning &
  REG_PFXD=$!
  PIDS+=("$REG_PFXD")
  wait_port_file "$WORK/gport" "$GROWTH_TIMEOUT" "$REG_PFXD" || return 1
  local server="127.0.0.1:$(cat "$WORK/gport")"
  for _ in $(seq 300); do
    PFXD_SERVER=$server "$PFXCTL" session list 2>/dev/null |
      grep -q "196.223.14.55 .*ESTABLISHED *true" && return 0
    sleep 0.2
  done
  return 1
}

growth_registry() {
  local per100k
  per100k=$(calc "$rv_med / 100000")
  GROWTH_REGISTRY+=("{\"prefixes\": 100000, \"runs\": $RUNS, \"revalidate_s\": $(j "$rv_med"), \"us_per_prefix\": $(r "$(calc "$per100k * 1e6")"), \"vs_100k\": 1.00, \"target\": \"<= 1.5\"}")
  GROWTH_ROWS+=("$(printf '%-12s %-46s %-44s %s' "registry" "Revalidate 100000 prefixes (case 5)" "$(r "$rv_med") s, $(r "$(calc "$per100k * 1e6")") us/prefix" "1.00 (target <= 1.5)")")
  [ "$SCALE" = 1 ] || return 0
  local sizes=(300000 1000000)
  [ -n "${GROWTH_REGISTRY_SIZES:-}" ] && read -r -a sizes <<<"$GROWTH_REGISTRY_SIZES"
  SCALE_REGISTRY=${sizes[-1]}
  for n in "${sizes[@]}"; do
    local dir="$WORK/reg-$n" rc=0
    timeout "$GROWTH_TIMEOUT" "$B/pfx_bench" seed "$dir" "$RIB" "$n" "${GROWTH_V6[@]}" >/dev/null || rc=$?
    if [ "$rc" != 0 ]; then
      growth_stop "registry: stopped at $n: seeding the store failed (exit $rc)"
      rm -rf "$dir"
      break
    fi
    if ! start_registry_pfxd "$dir"; then
      growth_stop "registry: stopped at $n: pfxd did not come up with the JINX sessions in time"
      stop_pid "$REG_PFXD"
      break
    fi
    local secs=()
    export PFXD_SERVER="127.0.0.1:$(cat "$WORK/gport")"
    # Warm-up: also validates the n PENDING registrations the seed wrote.
    timeout "$GROWTH_TIMEOUT" "$PFXCTL" --timeout 3600 revalidate >/dev/null || rc=$?
    for _ in $(seq "$RUNS"); do
      [ "$rc" = 0 ] || break
      # seconds_of hides the exit status: check the finishing run separately would cost a
      # run, so a failing Revalidate shows as a short time; the warm-up above caught errors.
      secs+=("$(seconds_of timeout "$GROWTH_TIMEOUT" "$PFXCTL" --timeout 3600 revalidate)")
    done
    stop_pid "$REG_PFXD"
    if [ "$rc" != 0 ]; then
      growth_stop "registry: stopped at $n: Revalidate did not finish in ${GROWTH_TIMEOUT} s"
      break
    fi
    local sec per
    sec=$(printf '%s\n' "${secs[@]}" | median)
    per=$(calc "$sec / $n")
    GROWTH_REGISTRY+=("{\"prefixes\": $n, \"runs\": $RUNS, \"revalidate_s\": $(j "$sec"), \"us_per_prefix\": $(r "$(calc "$per * 1e6")"), \"vs_100k\": $(r "$(calc "$per / $per100k")"), \"target\": \"<= 1.5\"}")
    GROWTH_ROWS+=("$(printf '%-12s %-46s %-44s %s' "registry" "Revalidate $n prefixes" "$(r "$sec") s, $(r "$(calc "$per * 1e6")") us/prefix" "$(r "$(calc "$per / $per100k")") x the 100k cost/prefix (target <= 1.5)")")
    [ "$n" = "$SCALE_REGISTRY" ] || rm -rf "$dir"
  done
}

# pfxd on the 16x feed and the 1M store, named BMP router "jinx" from 127.0.0.1 (for
# growth_live); sets LIVE_PFXD. Returns 1 if it did not come up.
start_scale_pfxd() {
  rm -f "$WORK/sport" "$WORK/sbport" "$WORK/smport"
  "$PFXD_BIN" --config "$WORK/live.textproto" --listen 127.0.0.1:0 --port_file "$WORK/sport" \
    --data_dir "$WORK/reg-$SCALE_REGISTRY" --bmp_listen 127.0.0.1:0 --bmp_port_file "$WORK/sbport" \
    --metrics_listen 127.0.0.1:0 --metrics_port_file "$WORK/smport" \
    --mrt "jinx=$WORK/feed-x$SCALE_COPIES.mrt" --irr "$(IFS=,; echo "${IRR_FILES[*]}"),$WORK/probe.irr" \
    --debounce_millis "$LIVE_DEBOUNCE_MS" --log_level warning 2>>"$WORK/scale-pfxd.log" &
  LIVE_PFXD=$!
  PIDS+=("$LIVE_PFXD")
}

growth_startup() {
  [ "$SCALE" = 1 ] || return 0
  if [ ! -s "$WORK/feed-x$SCALE_COPIES.mrt" ] || [ ! -d "$WORK/reg-$SCALE_REGISTRY" ]; then
    growth_stop "start-up and live latency: not measured, the ${SCALE_COPIES}x feed or the $SCALE_REGISTRY registry did not complete"
    return 0
  fi
  "$B/live_latency" irr "$RIB" "$LIVE_SAMPLES" "$WORK/probe.irr"
  echo 'bmp_routers { address: "127.0.0.1" name: "jinx" }' >"$WORK/live.textproto"
  local secs=() rss="" t0
  for i in $(seq "$RUNS"); do
    t0=$(date +%s.%N)
    start_scale_pfxd
    local serving=0 deadline=$((SECONDS + GROWTH_TIMEOUT))
    while [ "$SECONDS" -lt "$deadline" ] && kill -0 "$LIVE_PFXD" 2>/dev/null; do
      if [ -s "$WORK/sport" ] &&
        PFXD_SERVER="127.0.0.1:$(cat "$WORK/sport")" "$PFXCTL" --timeout 1 health >/dev/null 2>&1; then
        serving=1
        break
      fi
      sleep 0.05
    done
    if [ "$serving" != 1 ]; then
      growth_stop "start-up: pfxd with the ${SCALE_COPIES}x feed and $SCALE_REGISTRY registrations was not SERVING within ${GROWTH_TIMEOUT} s"
      stop_pid "$LIVE_PFXD"
      LIVE_PFXD=""
      return 0
    fi
    secs+=("$(calc "$(date +%s.%N) - $t0")")
    rss=$(awk '/^VmRSS:/ {print $2 * 1024}' "/proc/$LIVE_PFXD/status")
    [ "$i" = "$RUNS" ] || stop_pid "$LIVE_PFXD"
  done
  # The load completes every jinx session, which requeues all 1M registrations: time the drain.
  local t1 drained="" depth metrics="127.0.0.1:$(cat "$WORK/smport")"
  t1=$(date +%s.%N)
  sleep 1
  local deadline=$((SECONDS + GROWTH_TIMEOUT))
  while [ "$SECONDS" -lt "$deadline" ]; do
    depth=$(curl -s "http://$metrics/metrics" | awk '/^pfxd_validation_queue_depth / {print $2}')
    if [ "${depth:-1}" = 0 ]; then
      drained=$(calc "$(date +%s.%N) - $t1")
      break
    fi
    sleep 0.5
  done
  [ -n "$drained" ] || growth_stop "start-up: the validation queue did not drain within ${GROWTH_TIMEOUT} s"
  local sec
  sec=$(printf '%s\n' "${secs[@]}" | median)
  GROWTH_STARTUP="{\"feed_copies\": $SCALE_COPIES, \"registrations\": $SCALE_REGISTRY, \"runs\": $RUNS, \"start_to_serving_s\": $(j "$sec"), \"rss_bytes_serving\": $(j "$rss"), \"requeue_drained_s\": $(j "${drained:-0}")}"
  GROWTH_ROWS+=("$(printf '%-12s %-46s %-44s %s' "start-up" "${SCALE_COPIES}x feed (--mrt) + $SCALE_REGISTRY registrations + IRR" "$(r "$sec") s to SERVING, RSS $(gib "$rss")" "then $(r "${drained:-0}") s to revalidate them all")")
}

growth_live() {
  [ "$SCALE" = 1 ] && [ -n "${LIVE_PFXD:-}" ] || return 0
  local out rc=0
  out=$(timeout "$GROWTH_TIMEOUT" "$B/live_latency" run "127.0.0.1:$(cat "$WORK/sport")" \
    "127.0.0.1:$(cat "$WORK/sbport")" "$RIB" "$GROWTH_UPDATES" "$SCALE_COPIES" "$LIVE_RATE" \
    "$LIVE_SAMPLES") || rc=$?
  stop_pid "$LIVE_PFXD"
  if [ "$rc" != 0 ]; then
    growth_stop "live latency: bench/live_latency failed (exit $rc)"
    return 0
  fi
  local p50 p99 bg
  p50=$(echo "$out" | json_field p50_ms)
  p99=$(echo "$out" | json_field p99_ms)
  bg=$(echo "$out" | json_field background_updates_per_s)
  GROWTH_LIVE="{\"samples\": $(j "$(echo "$out" | json_field samples)"), \"timeouts\": $(j "$(echo "$out" | json_field timeouts)"), \"p50_ms\": $(j "$p50"), \"p99_ms\": $(j "$p99"), \"max_ms\": $(j "$(echo "$out" | json_field max_ms)"), \"background_updates_per_s\": $(j "$bg"), \"background_prefixes_per_s\": $(j "$(echo "$out" | json_field background_prefixes_per_s)"), \"target_rate\": $(j "$LIVE_RATE"), \"debounce_ms\": $(j "$LIVE_DEBOUNCE_MS"), \"feed_copies\": $SCALE_COPIES, \"registrations\": $SCALE_REGISTRY, \"target\": \"p50 < 50 ms, p99 < 200 ms, background >= 10000/s\"}"
  GROWTH_ROWS+=("$(printf '%-12s %-46s %-44s %s' "live change" "${SCALE_COPIES}x + $SCALE_REGISTRY, BMP stream $(r "$bg") UPDATEs/s" "p50 $(r "$p50") ms, p99 $(r "$p99") ms ($(echo "$out" | json_field samples) samples)" "(target p50 < 50, p99 < 200, >= 10k/s; debounce $LIVE_DEBOUNCE_MS ms)")")
}

# The "growth" object of latest.json.
growth_json() {
  local IFS=,
  local stopped=()
  for s in "${GROWTH_STOPPED[@]:-}"; do [ -n "$s" ] && stopped+=("\"$s\""); done
  echo "{\"scale\": $([ "$SCALE" = 1 ] && echo true || echo false), \"feed\": [${GROWTH_FEED[*]:-}], \"registry\": [${GROWTH_REGISTRY[*]:-}], \"startup\": $GROWTH_STARTUP, \"live_latency\": $GROWTH_LIVE, \"stopped\": [${stopped[*]:-}]}"
}

#!/usr/bin/env bash
# What the access log and span export cost: the same server and data
# directory, restarted with the default logging (one JSON access line per
# request, metrics on), with --log-level off (metrics still on) and traced
# (the default logging, and every request's span exported over OTLP/HTTP to
# bench/otlp_sink, a native collector that discards what it gets, on the
# client's core), alternating ON, OFF, TRACED, ON,
# ... so that drift of the machine hits all alike. Server and wrk are pinned to
# different cores. Each round ends with bench/span_cost on the server's core:
# the CPU a server span and a store call's client span cost alone (recorded,
# encoded and posted to the same sink), which end-to-end figures, a few
# percent apart on a noisy machine, cannot resolve. Prints Markdown tables
# with the median of each, the throughput and CPU per request lost to
# logging and spans, what spans measured alone are of each route's CPU,
# then every round's figure. See docs/performance.md.
#
#   bench/observability.sh                  # about 4 minutes on 2 cores (2 rounds)
#
# WDRBE_BENCH_BASELINE_WDRBE=PATH adds two configurations: another wdrbe
# binary (for example one built from a commit before metrics existed, or
# before a change to span export), run with the default logging and run
# traced, to measure what the metrics themselves cost and what that
# binary's spans cost.
#
# Settings (environment), as in bench/run.sh: WDRBE_BENCH_DURATION=8,
# WDRBE_BENCH_WARMUP=2, WDRBE_BENCH_CONNECTIONS=64,
# WDRBE_BENCH_SERVER_THREADS=2, WDRBE_BENCH_SERVER_CORE=0,
# WDRBE_BENCH_CLIENT_CORE=1, WDRBE_BENCH_USERS=10,
# WDRBE_BENCH_ITEMS_PER_USER=500, WDRBE_BENCH_ROUNDS=2, WDRBE_BENCH_KEEP=0.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

duration=${WDRBE_BENCH_DURATION:-8}
warmup=${WDRBE_BENCH_WARMUP:-2}
connections=${WDRBE_BENCH_CONNECTIONS:-64}
server_threads=${WDRBE_BENCH_SERVER_THREADS:-2}
server_core=${WDRBE_BENCH_SERVER_CORE:-0}
client_core=${WDRBE_BENCH_CLIENT_CORE:-1}
users=${WDRBE_BENCH_USERS:-10}
items_per_user=${WDRBE_BENCH_ITEMS_PER_USER:-500}
rounds=${WDRBE_BENCH_ROUNDS:-2}
baseline_wdrbe=${WDRBE_BENCH_BASELINE_WDRBE:-}
lua_dir=$bench_root/bench/lua

bench_require cmake ninja wrk taskset jq awk od curl
[[ $(nproc --all) -ge 2 ]] || bench_die "needs 2 cores (server and client are pinned apart)"
[[ -z $baseline_wdrbe || -x $baseline_wdrbe ]] || bench_die "WDRBE_BENCH_BASELINE_WDRBE is not executable"

work=$(mktemp -d "${TMPDIR:-/tmp}/wdrbe-bench-obs.XXXXXX")
cleanup() {
  bench_stop_server
  if [[ ${WDRBE_BENCH_KEEP:-0} == 1 ]]; then echo "bench: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bench_build_tools

# The collector the traced configuration exports to, pinned with wrk.
taskset -c "$client_core" "$bench_otlp_sink" >"$work/sink.port" &
sink_pid=$!
cleanup_sink() { kill "$sink_pid" 2>/dev/null || true; cleanup; }
trap cleanup_sink EXIT
for ((i = 0; i < 50; i++)); do [[ -s $work/sink.port ]] && break; sleep 0.1; done
sink_port=$(cat "$work/sink.port")
[[ -n $sink_port ]] || bench_die "the OTLP sink did not start"
bench_new_secret
own_wdrbe=$bench_wdrbe

# start CONFIG: the server of that configuration on the shared data directory.
start() {
  local config=$1 flags=(--data-dir "$work/data" --threads "$server_threads" --durability full)
  local prefix=(taskset -c "$server_core")
  bench_wdrbe=$own_wdrbe
  case $config in
    on) ;;
    off) flags+=(--log-level off) ;;
    traced) prefix=(env "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$sink_port" "${prefix[@]}") ;;
    baseline) bench_wdrbe=$baseline_wdrbe ;;
    baseline_traced)
      bench_wdrbe=$baseline_wdrbe
      prefix=(env "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$sink_port" "${prefix[@]}")
      ;;
  esac
  bench_start_server "$work/server-$config.log" "${prefix[@]}" -- "${flags[@]}"
  url=http://127.0.0.1:$bench_port
}

start on
echo "bench: seeding $users users x $items_per_user items" >&2
taskset -c "$client_core" "$bench_seed" --port "$bench_port" --users "$users" \
  --items-per-user "$items_per_user" --categories 5 --connections "$connections" >/dev/null ||
  bench_die "seeding failed"
bench_stop_server
WDRBE_BENCH_TOKENS=$(bench_tokens "$users")
export WDRBE_BENCH_TOKENS WDRBE_BENCH_ITEMS_PER_USER=$items_per_user WDRBE_BENCH_CATEGORIES=5

# measure CONFIG ROUND SCENARIO SCRIPT: leaves $work/CONFIG-ROUND-SCENARIO.json,
# the server's CPU time per request included.
measure() {
  bench_wrk "$work/$1-$2-$3" "$lua_dir/$4" "$url" "$bench_server_pid" "$client_core" "$connections" \
    "$warmup" "$duration"
}

configs=(on off traced)
[[ -z $baseline_wdrbe ]] || configs+=(baseline baseline_traced)
scenarios=("healthz healthz.lua" "get_item get_item.lua" "list list.lua" "create create.lua")
for ((round = 1; round <= rounds; round++)); do
  for config in "${configs[@]}"; do
    start "$config"
    for scenario in "${scenarios[@]}"; do
      # shellcheck disable=SC2086
      measure "$config" "$round" $scenario
    done
    if [[ $config == *traced ]]; then
      # What reached the sink, and what the exporter had to drop.
      curl -fsS "$url/metrics" | awk '/^wdrbe_trace_spans_(exported|dropped|export_failed)_total / {print $1, $2}' \
        >"$work/$config-$round-spans.txt" || true
    fi
    bench_stop_server
  done
  taskset -c "$server_core" "$bench_span_cost" --collector "http://127.0.0.1:$sink_port" --spans 500000 \
    >"$work/span_cost-$round-alone.json" || bench_die "bench/span_cost failed"
done
access_lines=$(grep -c '"message":"request"' "$work/server-on.log" || true)

# ---- report -------------------------------------------------------------
# median CONFIG SCENARIO FIELD: the median over the rounds.
median() {
  local values=() round
  for ((round = 1; round <= rounds; round++)); do
    values+=("$(jq -r ".$3" "$work/$1-$round-$2.json")")
  done
  printf '%s\n' "${values[@]}" | sort -g | awk '{v[NR] = $1} END {
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ms() { awk -v us="$1" 'BEGIN {printf "%.2f", us / 1000}'; }
loss() { awk -v with="$1" -v without="$2" 'BEGIN {printf "%.1f%%", (1 - with / without) * 100}'; }
# cost WITH WITHOUT: the CPU time per request WITH adds, in us and as a share.
cost() { awk -v with="$1" -v without="$2" 'BEGIN {printf "%+.1f us (%+.1f%%)", with - without, (with / without - 1) * 100}'; }
us() { printf '%.1f' "$1"; }

echo
echo "### wdrbe logging and metrics cost, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "$(nproc --all) cores; server on core $server_core (--threads $server_threads, --durability full), wrk on" \
  "core $client_core (-t1 -c$connections, ${warmup} s warm-up + ${duration} s per scenario); $rounds rounds" \
  "alternating the configurations, medians shown; $users users x $items_per_user items;" \
  "$access_lines access lines written in the last 'on' run (to a file)."
echo
header="| scenario | logs on req/s | p99 ms | logs off req/s | p99 ms | lost to logs | traced req/s | p99 ms | lost to spans |"
rule="|---|---:|---:|---:|---:|---:|---:|---:|---:|"
if [[ -n $baseline_wdrbe ]]; then
  header+=" baseline binary req/s | p99 ms | on vs baseline | baseline traced req/s | p99 ms | lost to its spans |"
  rule+="---:|---:|---:|---:|---:|---:|"
fi
echo "$header"
echo "$rule"
for scenario in "${scenarios[@]}"; do
  name=${scenario% *}
  on=$(median on "$name" requests_per_s)
  off=$(median off "$name" requests_per_s)
  line="| $name | $(printf '%.0f' "$on") | $(ms "$(median on "$name" p99_us)") | $(printf '%.0f' "$off") |"
  traced=$(median traced "$name" requests_per_s)
  line+=" $(ms "$(median off "$name" p99_us)") | $(loss "$on" "$off") |"
  line+=" $(printf '%.0f' "$traced") | $(ms "$(median traced "$name" p99_us)") | $(loss "$traced" "$on") |"
  if [[ -n $baseline_wdrbe ]]; then
    base=$(median baseline "$name" requests_per_s)
    line+=" $(printf '%.0f' "$base") | $(ms "$(median baseline "$name" p99_us)") | $(loss "$on" "$base") |"
    base_traced=$(median baseline_traced "$name" requests_per_s)
    line+=" $(printf '%.0f' "$base_traced") | $(ms "$(median baseline_traced "$name" p99_us)") |"
    line+=" $(loss "$base_traced" "$base") |"
  fi
  echo "$line"
done

# The server's CPU time per request: what a configuration costs, whatever
# the neighbours of the machine took from its core meanwhile.
echo
echo "Server CPU time per request (us, medians), and what logging and spans add to it:"
echo
header="| scenario | logs on | logs off | logs cost | traced | spans cost |"
rule="|---|---:|---:|---:|---:|---:|"
if [[ -n $baseline_wdrbe ]]; then
  header+=" baseline on | baseline traced | its spans cost |"
  rule+="---:|---:|---:|"
fi
echo "$header"
echo "$rule"
for scenario in "${scenarios[@]}"; do
  name=${scenario% *}
  on=$(median on "$name" cpu_us_per_request)
  off=$(median off "$name" cpu_us_per_request)
  traced=$(median traced "$name" cpu_us_per_request)
  line="| $name | $(us "$on") | $(us "$off") | $(cost "$on" "$off") | $(us "$traced") | $(cost "$traced" "$on") |"
  if [[ -n $baseline_wdrbe ]]; then
    base=$(median baseline "$name" cpu_us_per_request)
    base_traced=$(median baseline_traced "$name" cpu_us_per_request)
    line+=" $(us "$base") | $(us "$base_traced") | $(cost "$base_traced" "$base") |"
  fi
  echo "$line"
done

# Spans alone, set against each route's CPU with logging on (what traced
# adds to): a request records its server span and a client span for each
# store call it makes (one for each item route, none for /healthz).
server_span=$(median span_cost alone server_span_cpu_us)
client_span=$(median span_cost alone client_span_cpu_us)
echo
echo "Spans measured alone (bench/span_cost, medians): a server span costs $server_span us of CPU," \
  "a store call's client span $client_span us (recorded, encoded, queued and posted, export thread included)."
echo
echo "| scenario | spans per request | their CPU, us | of the route's CPU (logs on) |"
echo "|---|---|---:|---:|"
for scenario in "${scenarios[@]}"; do
  name=${scenario% *}
  client_spans=1
  [[ $name == healthz ]] && client_spans=0
  spans_us=$(awk -v s="$server_span" -v c="$client_span" -v n="$client_spans" 'BEGIN {printf "%.2f", s + n * c}')
  share=$(awk -v spans="$spans_us" -v on="$(median on "$name" cpu_us_per_request)" \
    'BEGIN {printf "%.1f%%", spans / on * 100}')
  echo "| $name | 1 server + $client_spans client | $spans_us | $share |"
done

echo
echo "Spans of each traced run (exported, dropped for a full queue, in failed posts):"
for config in "${configs[@]}"; do
  [[ $config == *traced ]] || continue
  for ((round = 1; round <= rounds; round++)); do
    echo "- $config, round $round: $(tr '\n' ' ' <"$work/$config-$round-spans.txt")"
  done
done

# Every round, so that the spread behind each median shows.
echo
echo "Every round, req/s (round 1, 2, ...):"
echo
echo "| scenario | configuration | req/s per round |"
echo "|---|---|---|"
for scenario in "${scenarios[@]}"; do
  name=${scenario% *}
  for config in "${configs[@]}"; do
    values=()
    for ((round = 1; round <= rounds; round++)); do
      values+=("$(jq -r '.requests_per_s | floor' "$work/$config-$round-$name.json")")
    done
    echo "| $name | $config | ${values[*]} |"
  done
done

#!/usr/bin/env bash
# The share pipeline's benchmark: share enqueue throughput against durable
# creates in the same run, then the worker's drain rate from a backlog.
#
#   bench/share.sh        # about a minute on 2 cores
#
# 1. A server with no worker (--worker-concurrency 0), pinned to one core,
#    durability full; wrk (pinned to the other core, 64 connections) runs
#    durable creates, then shares of seeded items: both are one durable
#    transaction per request, group-committed.
# 2. More shares until the backlog holds WDRBE_BENCH_BACKLOG events.
# 3. The server restarts with its worker (defaults: 10 concurrent batches
#    of 10) on the same core; the drain rate is the backlog over the time
#    until the queue is empty.
#
# Settings: WDRBE_BENCH_DURATION (10), WDRBE_BENCH_BACKLOG (100000), and the
# core, connection and build settings of bench/run.sh.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

duration=${WDRBE_BENCH_DURATION:-10}
backlog_target=${WDRBE_BENCH_BACKLOG:-100000}
connections=${WDRBE_BENCH_CONNECTIONS:-64}
server_core=${WDRBE_BENCH_SERVER_CORE:-0}
client_core=${WDRBE_BENCH_CLIENT_CORE:-1}
users=10
items_per_user=200
lua_dir=$bench_root/bench/lua

bench_require cmake ninja wrk taskset jq awk od sqlite3

work=$(mktemp -d "${TMPDIR:-/tmp}/wdrbe-share-bench.XXXXXX")
cleanup() {
  bench_stop_server
  if [[ ${WDRBE_BENCH_KEEP:-0} == 1 ]]; then echo "bench: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bench_build_tools
bench_new_secret
intruders=$(bench_intruders)

queue_depth() { sqlite3 "$work/data/wdrbe.db" 'PRAGMA busy_timeout=5000; SELECT count(*) FROM share_queue;' | tail -n1; }

bench_start_server "$work/server.log" taskset -c "$server_core" -- \
  --data-dir "$work/data" --threads 2 --durability full --worker-concurrency 0
url=http://127.0.0.1:$bench_port
taskset -c "$client_core" "$bench_seed" --port "$bench_port" --users "$users" --items-per-user "$items_per_user" \
  --categories 5 --connections "$connections" >/dev/null || bench_die "seeding failed"
WDRBE_BENCH_TOKENS=$(bench_tokens "$users")
export WDRBE_BENCH_TOKENS WDRBE_BENCH_ITEMS_PER_USER=$items_per_user WDRBE_BENCH_CATEGORIES=5

run_wrk() {
  local name=$1 script=$lua_dir/$2 seconds=$3
  taskset -c "$client_core" wrk -t1 -c"$connections" -d"${seconds}s" --timeout 5s --latency -s "$script" \
    "$url" >"$work/$name.txt" 2>&1 || bench_die "wrk $name failed: $(cat "$work/$name.txt")"
  sed -n 's/^WRK_JSON //p' "$work/$name.txt" >"$work/$name.json"
  [[ -s $work/$name.json ]] || bench_die "no report from wrk for $name"
}

echo "bench: durable creates (${duration}s), then share enqueues (${duration}s)" >&2
run_wrk create create.lua "$duration"
run_wrk share share.lua "$duration"

backlog=$(queue_depth)
while ((backlog < backlog_target)); do
  run_wrk fill share.lua 5
  backlog=$(queue_depth)
done
echo "bench: backlog of $backlog events; restarting with the worker" >&2
bench_stop_server

bench_start_server "$work/server2.log" taskset -c "$server_core" -- \
  --data-dir "$work/data" --threads 2 --durability full
start=$(date +%s.%N)
for ((i = 0; i < 6000; i++)); do
  [[ $(queue_depth) == 0 ]] && break
  sleep 0.1
done
end=$(date +%s.%N)
left=$(queue_depth)
[[ $left == 0 ]] || bench_die "the queue did not drain within 10 minutes ($left left)"
applied=$(sqlite3 "$work/data/wdrbe.db" 'SELECT count(*) FROM applied_share_events;')
bench_stop_server

field() { jq -r "$2" "$work/$1.json"; }
ms() { awk -v us="$(field "$1" ".$2")" 'BEGIN {printf "%.2f", us / 1000}'; }
create_rps=$(field create .requests_per_s)
share_rps=$(field share .requests_per_s)
drain=$(awk -v n="$backlog" -v a="$start" -v b="$end" 'BEGIN {printf "%.0f", n / (b - a)}')

echo
echo "| scenario | figure | p50 ms | p99 ms |"
echo "|---|---:|---:|---:|"
printf '| durable create | %.0f req/s | %s | %s |\n' "$create_rps" "$(ms create p50_us)" "$(ms create p99_us)"
printf '| share enqueue | %.0f req/s | %s | %s |\n' "$share_rps" "$(ms share p50_us)" "$(ms share p99_us)"
printf '| worker drain (backlog %s) | %s events/s | | |\n' "$backlog" "$drain"
echo
printf 'enqueue / create: %.2f (target >= 1)\n' "$(awk -v a="$share_rps" -v b="$create_rps" 'BEGIN {print a / b}')"
printf 'drain: %s events/s on one core (target >= 20000); applied events recorded: %s\n' "$drain" "$applied"
[[ -z $intruders ]] || echo "disturbed: $intruders were running at the start"

#!/usr/bin/env bash
# 10,000 idle keep-alive connections beside 64 active ones: does the server
# keep its throughput, and what do they cost in memory? Starts a fresh
# server pinned to one core, seeds a small data set, measures GET /healthz
# and GET /items/{id} with 64 wrk connections alone, then opens the idle
# connections (bench/idle_connections.cpp, on the client core), measures
# the same again, and prints both with their ratio and the server's RSS.
# See docs/performance.md.
#
#   bench/connections.sh             # about 1 minute
#
# Settings (environment): WDRBE_BENCH_IDLE_CONNECTIONS=10000, and those of
# run.sh (DURATION, WARMUP, CONNECTIONS, SERVER_CORE, CLIENT_CORE,
# BUILD_DIR, SKIP_BUILD, KEEP). The idle connections must outlive the
# measurement and the server closes them after 30 s idle, so warm-up plus
# both scenarios must stay under that (checked): the defaults take 18 s.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

idle=${WDRBE_BENCH_IDLE_CONNECTIONS:-10000}
duration=${WDRBE_BENCH_DURATION:-8}
warmup=${WDRBE_BENCH_WARMUP:-2}
connections=${WDRBE_BENCH_CONNECTIONS:-64}
server_core=${WDRBE_BENCH_SERVER_CORE:-0}
client_core=${WDRBE_BENCH_CLIENT_CORE:-1}
users=10
items_per_user=200
lua_dir=$bench_root/bench/lua
((warmup + 2 * duration <= 24)) ||
  bench_die "warm-up + 2 x duration must be <= 24 s: the server closes connections idle for 30 s"

bench_require cmake ninja wrk taskset jq awk od getconf
[[ $(nproc --all) -ge 2 ]] || bench_die "needs 2 cores (server and client are pinned apart)"
# Every connection is a descriptor in the server and in the holder.
needed=$((idle + connections + 100))
ulimit -n "$needed" 2>/dev/null || bench_die "needs 'ulimit -n $needed' (hard limit: $(ulimit -Hn))"

holder_pid=
bench_on_exit() { [[ -z $holder_pid ]] || kill "$holder_pid" 2>/dev/null || true; }
bench_make_work connections

bench_build_tools
[[ -x $bench_idle_connections ]] || bench_die "missing $bench_idle_connections (build the idle_connections target)"
bench_new_secret

bench_start_server "$work/server.log" taskset -c "$server_core" -- --data-dir "$work/data" --durability full \
  --max-connections $((idle + connections + 10))
url=http://127.0.0.1:$bench_port
taskset -c "$client_core" "$bench_seed" --port "$bench_port" --users "$users" --items-per-user "$items_per_user" \
  --connections "$connections" >&2 || bench_die "seeding failed"
WDRBE_BENCH_TOKENS=$(bench_tokens "$users")
export WDRBE_BENCH_TOKENS WDRBE_BENCH_ITEMS_PER_USER=$items_per_user WDRBE_BENCH_CATEGORIES=5

measure() {  # measure SUFFIX
  bench_wrk "$work/healthz$1" "$lua_dir/healthz.lua" "$url" "$bench_server_pid" "$client_core" "$connections" \
    "$warmup" "$duration"
  bench_wrk "$work/get_item$1" "$lua_dir/get_item.lua" "$url" "$bench_server_pid" "$client_core" "$connections" \
    0 "$duration"
}

measure _alone
rss_alone=$(bench_rss_kib "$bench_server_pid")

echo "bench: opening $idle idle connections" >&2
mkfifo "$work/hold"
taskset -c "$client_core" "$bench_idle_connections" --port "$bench_port" --connections "$idle" \
  <"$work/hold" >"$work/holder.out" &
holder_pid=$!
exec 3>"$work/hold"  # the holder keeps its connections until this closes
for ((i = 0; i < 600; i++)); do
  grep -q '^open ' "$work/holder.out" 2>/dev/null && break
  kill -0 "$holder_pid" 2>/dev/null || bench_die "idle_connections failed"
  sleep 0.1
done
grep -q '^open ' "$work/holder.out" || bench_die "idle connections not open after 60 s"
rss_idle=$(bench_rss_kib "$bench_server_pid")
measure _with_idle
rss_end=$(bench_rss_kib "$bench_server_pid")
kill -0 "$holder_pid" 2>/dev/null || bench_die "the idle connections were lost during the measurement"
exec 3>&-
wait "$holder_pid" || true
holder_pid=

field() { jq -r "$2" "$work/$1.json"; }
rps() { field "$1" '.requests_per_s'; }
ms() { awk -v us="$(field "$1" ".$2")" 'BEGIN {printf "%.2f", us / 1000}'; }
errors() { field "$1" '.errors | [.connect, .read, .write, .status, .timeout] | add'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
mib() { echo $((${1% *} / 1024)); }
row() {
  printf '| %s | %.0f | %s | %s | %s | %s |\n' "$2" "$(rps "$1")" \
    "$(field "$1" '.cpu_us_per_request | . * 10 | round / 10')" "$(ms "$1" p50_us)" "$(ms "$1" p99_us)" \
    "$(errors "$1")"
}

echo
echo "### wdrbe with $idle idle connections, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "Server on core $server_core, wrk and the idle connections on core $client_core" \
  "(-t1 -c$connections, ${duration} s per scenario)."
echo
echo "| scenario | requests/s | CPU us/request | p50 ms | p99 ms | errors |"
echo "|---|---:|---:|---:|---:|---:|"
row healthz_alone "GET /healthz, $connections connections"
row healthz_with_idle "GET /healthz, $connections + $idle idle"
row get_item_alone "GET /items/{id}, $connections connections"
row get_item_with_idle "GET /items/{id}, $connections + $idle idle"
echo
healthz_ratio=$(ratio "$(rps healthz_with_idle)" "$(rps healthz_alone)")
get_ratio=$(ratio "$(rps get_item_with_idle)" "$(rps get_item_alone)")
echo "| target | measured | goal |"
echo "|---|---:|---:|"
echo "| healthz with idle / alone | $healthz_ratio | >= 0.9 |"
echo "| GET item with idle / alone | $get_ratio | >= 0.9 |"
echo "| server RSS with $idle idle open | $(mib "$rss_end") MiB | < 200 MiB |"
echo
echo "Server RSS: $(mib "$rss_alone") MiB after the runs alone, $(mib "$rss_idle") MiB once the idle" \
  "connections were open, $(mib "$rss_end") MiB at the end (peak $(( ${rss_end#* } / 1024 )) MiB)."

#!/usr/bin/env bash
# Does a list page cost more for a user with 1,000,000 items than for one
# with 1,000? Starts a fresh server pinned to one core, loads bench-u0 with
# WDRBE_BENCH_BIG_ITEMS items and bench-u1 with 1,000 through the API, then
# measures GET /users/{u}/items?limit=20 for each with wrk on the other core
# and prints both and their p99 ratio (target <= 1.2). See
# docs/performance.md.
#
#   bench/big_user.sh      # about 4 minutes, most of it loading
#
# Loading runs with --durability normal (the WAL is fsynced at checkpoints
# rather than every commit): the read path measured is the same, and the
# load takes minutes instead of far longer. Settings (environment):
# WDRBE_BENCH_BIG_ITEMS=1000000, and those of run.sh (DURATION, WARMUP,
# CONNECTIONS, SERVER_CORE, CLIENT_CORE, BUILD_DIR, SKIP_BUILD, KEEP).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

big_items=${WDRBE_BENCH_BIG_ITEMS:-1000000}
small_items=1000
duration=${WDRBE_BENCH_DURATION:-10}
warmup=${WDRBE_BENCH_WARMUP:-2}
connections=${WDRBE_BENCH_CONNECTIONS:-64}
server_core=${WDRBE_BENCH_SERVER_CORE:-0}
client_core=${WDRBE_BENCH_CLIENT_CORE:-1}
lua_dir=$bench_root/bench/lua

bench_require cmake ninja wrk taskset jq awk od getconf
[[ $(nproc --all) -ge 2 ]] || bench_die "needs 2 cores (server and client are pinned apart)"

bench_make_work big-user

bench_build_tools
bench_new_secret
bench_start_server "$work/server.log" taskset -c "$server_core" -- --data-dir "$work/data" --durability normal
url=http://127.0.0.1:$bench_port

echo "bench: loading bench-u0 with $big_items items" >&2
big_line=$(taskset -c "$client_core" "$bench_seed" --port "$bench_port" --users 1 --items-per-user "$big_items" \
  --connections "$connections") || bench_die "loading bench-u0 failed"
echo "bench: $big_line" >&2
small_line=$(taskset -c "$client_core" "$bench_seed" --port "$bench_port" --users 1 --first-user 1 \
  --items-per-user "$small_items" --connections "$connections") || bench_die "loading bench-u1 failed"
echo "bench: $small_line" >&2

WDRBE_BENCH_TOKENS=$(bench_tokens 2)
export WDRBE_BENCH_TOKENS
WDRBE_BENCH_LIST_USER=0 bench_wrk "$work/big" "$lua_dir/list_one_user.lua" "$url" "$bench_server_pid" \
  "$client_core" "$connections" "$warmup" "$duration"
WDRBE_BENCH_LIST_USER=1 bench_wrk "$work/small" "$lua_dir/list_one_user.lua" "$url" "$bench_server_pid" \
  "$client_core" "$connections" "$warmup" "$duration"
rss=$(bench_rss_kib "$bench_server_pid")
data_mib=$(du -sm "$work/data" | cut -f1)

field() { jq -r "$2" "$work/$1.json"; }
ms() { awk -v us="$(field "$1" ".$2")" 'BEGIN {printf "%.2f", us / 1000}'; }
errors() { field "$1" '.errors | [.connect, .read, .write, .status, .timeout] | add'; }
row() {
  printf '| %s | %.0f | %s | %s | %s | %s |\n' "$2" "$(field "$1" .requests_per_s)" \
    "$(field "$1" '.cpu_us_per_request | . * 10 | round / 10')" "$(ms "$1" p50_us)" "$(ms "$1" p99_us)" \
    "$(errors "$1")"
}
p99_ratio=$(awk -v a="$(field big .p99_us)" -v b="$(field small .p99_us)" 'BEGIN {printf "%.2f", a / b}')

echo
echo "### wdrbe list of 20: a user with $big_items items vs one with $small_items, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "Server on core $server_core, wrk on core $client_core (-t1 -c$connections, ${warmup} s warm-up + ${duration} s" \
  "per scenario); loaded through the API: $big_line; $small_line; data directory $data_mib MiB."
echo
echo "| scenario | requests/s | CPU us/request | p50 ms | p99 ms | errors |"
echo "|---|---:|---:|---:|---:|---:|"
row big "GET /users/bench-u0/items?limit=20 ($big_items items)"
row small "GET /users/bench-u1/items?limit=20 ($small_items items)"
echo
echo "p99 ratio (big / small): $p99_ratio (target <= 1.2). Server RSS at the end: $((${rss% *} / 1024)) MiB."

#!/usr/bin/env bash
# What a search costs on a big wardrobe: starts a fresh server pinned to one
# core, loads bench-u0 with WDRBE_BENCH_SEARCH_ITEMS items ("Bench item {i}",
# categories cat0..cat4) through the API, then measures, with wrk on the
# other core, the list of 20 of the same user (the in-run baseline) and
# GET /users/bench-u0/items/search?limit=20 for kinds of query that walk
# the index differently. Prints a Markdown table with requests/s, CPU per
# request, p50/p99 and each scenario's ratio to the list. See
# docs/performance.md.
#
#   bench/search.sh        # about 2 minutes, a third of it loading
#
# Loading runs with --durability normal, as bench/big_user.sh does.
# Settings (environment): WDRBE_BENCH_SEARCH_ITEMS=100000, and those of
# run.sh (DURATION, WARMUP, CONNECTIONS, SERVER_CORE, CLIENT_CORE,
# BUILD_DIR, SKIP_BUILD, KEEP).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

items=${WDRBE_BENCH_SEARCH_ITEMS:-100000}
duration=${WDRBE_BENCH_DURATION:-10}
warmup=${WDRBE_BENCH_WARMUP:-2}
connections=${WDRBE_BENCH_CONNECTIONS:-64}
server_core=${WDRBE_BENCH_SERVER_CORE:-0}
client_core=${WDRBE_BENCH_CLIENT_CORE:-1}
lua_dir=$bench_root/bench/lua

bench_require cmake ninja wrk taskset jq awk od getconf
[[ $(nproc --all) -ge 2 ]] || bench_die "needs 2 cores (server and client are pinned apart)"

bench_make_work search

bench_build_tools
bench_new_secret
bench_start_server "$work/server.log" taskset -c "$server_core" -- --data-dir "$work/data" --durability normal
url=http://127.0.0.1:$bench_port

echo "bench: loading bench-u0 with $items items" >&2
load_line=$(taskset -c "$client_core" "$bench_seed" --port "$bench_port" --users 1 --items-per-user "$items" \
  --connections "$connections") || bench_die "loading bench-u0 failed"
echo "bench: $load_line" >&2

WDRBE_BENCH_TOKENS=$(bench_tokens 1)
export WDRBE_BENCH_TOKENS
export WDRBE_BENCH_LIST_USER=0

# name, q (percent-encoded), what it exercises.
scenarios=(
  "broad|bench|every item matches by name: the newest 21 of the name tier"
  "two_words|bench%20ite|two prefixes, every item matches both"
  "selective|bench%204242|11 items match (4242, 42420-42429): the walk skips the rest"
  "other_field|cat3|no name matches; a fifth of the items match by category"
  "filtered|item&category=cat2&season=winter|a prefix with both filters"
  "no_match|zebra|nothing matches"
)

bench_wrk "$work/list" "$lua_dir/list_one_user.lua" "$url" "$bench_server_pid" "$client_core" "$connections" \
  "$warmup" "$duration"
for scenario in "${scenarios[@]}"; do
  IFS='|' read -r name q _ <<<"$scenario"
  WDRBE_BENCH_SEARCH_Q=$q bench_wrk "$work/$name" "$lua_dir/search_one_user.lua" "$url" "$bench_server_pid" \
    "$client_core" "$connections" "$warmup" "$duration"
done
data_mib=$(du -sm "$work/data" | cut -f1)

field() { jq -r "$2" "$work/$1.json"; }
ms() { awk -v us="$(field "$1" ".$2")" 'BEGIN {printf "%.2f", us / 1000}'; }
errors() { field "$1" '.errors | [.connect, .read, .write, .status, .timeout] | add'; }
ratio() { awk -v a="$(field "$1" .requests_per_s)" -v b="$(field list .requests_per_s)" 'BEGIN {printf "%.2f", a / b}'; }
row() {
  printf '| %s | %.0f | %s | %s | %s | %s | %s |\n' "$2" "$(field "$1" .requests_per_s)" \
    "$(field "$1" '.cpu_us_per_request | . * 10 | round / 10')" "$(ms "$1" p50_us)" "$(ms "$1" p99_us)" \
    "$(ratio "$1")" "$(errors "$1")"
}

echo
echo "### wdrbe search on a user with $items items, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "Server on core $server_core, wrk on core $client_core (-t1 -c$connections, ${warmup} s warm-up + ${duration} s" \
  "per scenario); loaded through the API: $load_line; data directory $data_mib MiB."
echo
echo "| scenario | requests/s | CPU us/request | p50 ms | p99 ms | vs list | errors |"
echo "|---|---:|---:|---:|---:|---:|---:|"
row list "list of 20 (GET /users/bench-u0/items?limit=20)"
for scenario in "${scenarios[@]}"; do
  IFS='|' read -r name q what <<<"$scenario"
  row "$name" "search q=\`${q//%20/ }\`: $what"
done

#!/usr/bin/env bash
# The server's resident memory with a million items: loads them through the
# HTTP API into a fresh temporary data directory, then reports VmRSS (and the
# peak, VmHWM) from /proc/PID/status
#   1. right after the load,
#   2. after a few seconds of item reads and list pages,
#   3. for a fresh server (--durability full) restarted on the loaded
#      directory, after the same reads.
# The load runs with --durability normal: the same code path, but the WAL is
# fsynced only at checkpoints, so loading takes minutes instead of hours; RSS
# does not depend on it. See docs/performance.md.
#
#   bench/memory.sh                  # about 2-3 minutes on 2 cores
#
# Settings (environment; the build and core ones as for bench/run.sh):
#   WDRBE_BENCH_MEMORY_USERS=1000, WDRBE_BENCH_MEMORY_ITEMS_PER_USER=1000
#   WDRBE_BENCH_MEMORY_CONNECTIONS=64    seeding connections
#   WDRBE_BENCH_MEMORY_READ_SECONDS=3    per read scenario
#   WDRBE_BENCH_SERVER_THREADS=2, WDRBE_BENCH_SERVER_CORE=0, WDRBE_BENCH_CLIENT_CORE=1
#   WDRBE_BENCH_KEEP=0                   1: keep the temporary directory
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

users=${WDRBE_BENCH_MEMORY_USERS:-1000}
items_per_user=${WDRBE_BENCH_MEMORY_ITEMS_PER_USER:-1000}
connections=${WDRBE_BENCH_MEMORY_CONNECTIONS:-64}
read_seconds=${WDRBE_BENCH_MEMORY_READ_SECONDS:-3}
server_threads=${WDRBE_BENCH_SERVER_THREADS:-2}
server_core=${WDRBE_BENCH_SERVER_CORE:-0}
client_core=${WDRBE_BENCH_CLIENT_CORE:-1}
categories=5
# Tokens for the reads are passed in one environment variable, which Linux
# caps at 128 KiB: read as the first few users only.
read_users=$((users < 20 ? users : 20))
# The target is RSS < 100 MB (10^6 bytes), i.e. 97,656 KiB.
rss_goal_kib=97656

bench_require cmake ninja wrk taskset jq awk od du
[[ $(nproc --all) -ge 2 ]] || bench_die "needs 2 cores (server and client are pinned apart)"

work=$(mktemp -d "${TMPDIR:-/tmp}/wdrbe-memory.XXXXXX")
cleanup() {
  bench_stop_server
  if [[ ${WDRBE_BENCH_KEEP:-0} == 1 ]]; then echo "bench: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bench_build_tools
bench_new_secret

start_server() {
  bench_start_server "$work/server-$1.log" taskset -c "$server_core" -- \
    --data-dir "$work/data" --threads "$server_threads" --durability "$1"
}

# Reads a few seconds of random items and list pages (first page and a
# category page), so that the page caches and the read path are warm.
read_some() {
  local script
  for script in get_item list list_category; do
    taskset -c "$client_core" wrk -t1 -c64 -d"${read_seconds}s" -s "$bench_root/bench/lua/$script.lua" \
      "http://127.0.0.1:$bench_port" >"$work/$1-$script.txt" 2>&1 || bench_die "wrk $script failed"
    [[ $(sed -n 's/^WRK_JSON //p' "$work/$1-$script.txt" | jq '.requests > 0 and ([.errors[]] | add) == 0') == true ]] ||
      bench_die "errors in $script: $(cat "$work/$1-$script.txt")"
  done
}

rows=()
measure() {
  local rss hwm
  read -r rss hwm < <(bench_rss_kib "$bench_server_pid")
  local verdict=met
  ((rss < rss_goal_kib)) || verdict="**missed**"
  rows+=("| $1 | $(awk -v k="$rss" 'BEGIN {printf "%.1f", k / 1024}') | $(awk -v k="$hwm" 'BEGIN {printf "%.1f", k / 1024}') | $verdict |")
  echo "bench: $1: VmRSS $rss KiB, VmHWM $hwm KiB" >&2
}

start_server normal
echo "bench: loading $users users x $items_per_user items (--durability normal)" >&2
seed_line=$(taskset -c "$client_core" "$bench_seed" --port "$bench_port" --users "$users" \
  --items-per-user "$items_per_user" --categories "$categories" --connections "$connections") ||
  bench_die "loading failed"
echo "bench: $seed_line" >&2
measure "after loading $((users * items_per_user)) items"

WDRBE_BENCH_TOKENS=$(bench_tokens "$read_users")
export WDRBE_BENCH_TOKENS WDRBE_BENCH_ITEMS_PER_USER=$items_per_user WDRBE_BENCH_CATEGORIES=$categories
read_some loaded
measure "then after ${read_seconds} s each of GET item, list20, list20 by category"
bench_stop_server

start_server full
measure "fresh server (--durability full) on the loaded directory, idle"
read_some restarted
measure "then after ${read_seconds} s each of GET item, list20, list20 by category"
bench_stop_server

echo
echo "### wdrbe memory with $((users * items_per_user)) items, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "Loaded through the API: $seed_line (--durability normal, $connections connections);" \
  "data directory $(du -sh "$work/data" | cut -f1); server --threads $server_threads on core $server_core."
echo
echo "| moment | VmRSS MiB | VmHWM (peak) MiB | RSS < 100 MB |"
echo "|---|---:|---:|---|"
printf '%s\n' "${rows[@]}"

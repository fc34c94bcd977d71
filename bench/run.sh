#!/usr/bin/env bash
# The wdrbe benchmark in one command: builds build-bench/ (optimised), starts
# a fresh server on a temporary data directory pinned to one core, seeds it
# through the API, drives it with wrk pinned to another core, measures
# SQLite's own durable commit rate on the same disk as the baseline for
# creates, and prints a Markdown table of the figures and of the ratios the
# performance targets are stated in. See docs/performance.md.
#
#   bench/run.sh                     # about 1.5 minutes on 2 cores
#   WDRBE_BENCH_DURATION=3 WDRBE_BENCH_WARMUP=1 bench/run.sh   # a quick check
#
# Settings (environment):
#   WDRBE_BENCH_DURATION=10        seconds measured per scenario
#   WDRBE_BENCH_WARMUP=2           seconds of unmeasured warm-up before each
#   WDRBE_BENCH_CONNECTIONS=64     wrk connections
#   WDRBE_BENCH_SERVER_THREADS=0   wdrbe serve --threads (0: the server's default, one per usable CPU)
#   WDRBE_BENCH_READ_CONNECTIONS=  wdrbe serve --read-connections (empty: server default)
#   WDRBE_BENCH_SERVER_CORE=0      core the server is pinned to
#   WDRBE_BENCH_CLIENT_CORE=1      core wrk and the seeder are pinned to
#   WDRBE_BENCH_USERS=10           seeded users bench-u0..
#   WDRBE_BENCH_ITEMS_PER_USER=2000
#   WDRBE_BENCH_CATEGORIES=5       seeded categories cat0.. (the filter picks one)
#   WDRBE_BENCH_BASELINE_SECONDS=5 sqlite_commit_rate duration
#   WDRBE_BENCH_BUILD_DIR=build-bench, WDRBE_BENCH_SKIP_BUILD=0
#   WDRBE_BENCH_KEEP=0             1: keep the temporary directory (logs, wrk output)
#   TMPDIR                         where the data directory (and so the disk) is
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

duration=${WDRBE_BENCH_DURATION:-10}
warmup=${WDRBE_BENCH_WARMUP:-2}
connections=${WDRBE_BENCH_CONNECTIONS:-64}
server_threads=${WDRBE_BENCH_SERVER_THREADS:-0}
read_connections=${WDRBE_BENCH_READ_CONNECTIONS:-}
server_core=${WDRBE_BENCH_SERVER_CORE:-0}
client_core=${WDRBE_BENCH_CLIENT_CORE:-1}
users=${WDRBE_BENCH_USERS:-10}
items_per_user=${WDRBE_BENCH_ITEMS_PER_USER:-2000}
categories=${WDRBE_BENCH_CATEGORIES:-5}
baseline_seconds=${WDRBE_BENCH_BASELINE_SECONDS:-5}
lua_dir=$bench_root/bench/lua

bench_require cmake ninja wrk taskset jq awk od curl pgrep getconf
[[ $(nproc --all) -ge 2 ]] || bench_die "needs 2 cores (server and client are pinned apart)"

bench_make_work bench

bench_build_tools
bench_new_secret

# Scenarios during which a compiler, build or test process was seen (at the
# scenario's start or end), and what was seen first.
disturbed=()
intruders_seen=
note_intruders() {
  local seen
  seen=$(bench_intruders)
  [[ -n $seen ]] || return 0
  [[ -n $intruders_seen ]] || intruders_seen=$seen
  [[ " ${disturbed[*]} " == *" $1 "* ]] || disturbed+=("$1")
}
load_start=$(bench_loadavg)
note_intruders "start"

serve_flags=(--data-dir "$work/data" --threads "$server_threads" --durability full)
[[ -z $read_connections ]] || serve_flags+=(--read-connections "$read_connections")
bench_start_server "$work/server.log" taskset -c "$server_core" -- "${serve_flags[@]}"
url=http://127.0.0.1:$bench_port
echo "bench: server pid $bench_server_pid on $url (core $server_core, --threads $server_threads)" >&2
# The external ceiling: nginx answering /healthz's body, on the same core.
bench_start_nginx "$work/nginx" "$server_core" '{"status":"ok"}'
nginx_url=http://127.0.0.1:$bench_nginx_port
echo "bench: nginx (pids $bench_nginx_pids) on $nginx_url (core $server_core)" >&2

echo "bench: seeding $users users x $items_per_user items" >&2
seed_line=$(taskset -c "$client_core" "$bench_seed" --port "$bench_port" --users "$users" \
  --items-per-user "$items_per_user" --categories "$categories" --connections "$connections") ||
  bench_die "seeding failed"
echo "bench: $seed_line" >&2
seed_rate=$(sed -n 's/.*(\([0-9]*\) items\/s).*/\1/p' <<<"$seed_line")

WDRBE_BENCH_TOKENS=$(bench_tokens "$users")
export WDRBE_BENCH_TOKENS WDRBE_BENCH_ITEMS_PER_USER=$items_per_user WDRBE_BENCH_CATEGORIES=$categories

# run_wrk NAME SCRIPT [URL PIDS]: bench_wrk against URL (default: the
# server), charging PIDS (default: the server); leaves $work/NAME.json.
run_wrk() {
  local name=$1
  note_intruders "$name"
  bench_wrk "$work/$name" "$lua_dir/$2" "${3:-$url}" "${4:-$bench_server_pid}" "$client_core" "$connections" \
    "$warmup" "$duration"
  note_intruders "$name"
}

run_wrk nginx healthz.lua "$nginx_url" "$bench_nginx_pids"
bench_stop_nginx
run_wrk healthz healthz.lua
run_wrk get_item get_item.lua
run_wrk list list.lua
run_wrk list_category list_category.lua

# The baseline on the same disk, next to the server's data directory, while
# the server is idle: SQLite alone, one row per transaction, WAL, FULL.
echo "bench: sqlite_commit_rate (${baseline_seconds}s)" >&2
mkdir -p "$work/baseline"
baseline=$(taskset -c "$server_core" "$bench_commit_rate" "$work/baseline" "$baseline_seconds" |
  awk '/^sqlite_commits_per_second/ {print $2}')
[[ -n $baseline ]] || bench_die "sqlite_commit_rate printed nothing"

run_wrk create create.lua
rss=$(bench_rss_kib "$bench_server_pid")
bench_stop_server
load_end=$(bench_loadavg)
note_intruders "end"

# ---- report -------------------------------------------------------------
field() { jq -r "$2" "$work/$1.json"; }
rps() { field "$1" '.requests_per_s'; }
ms() { awk -v us="$(field "$1" ".$2")" 'BEGIN {printf "%.2f", us / 1000}'; }
errors() { field "$1" '.errors | [.connect, .read, .write, .status, .timeout] | add'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
  ok = (op == ">=") ? v >= t : v < t; print ok ? "met" : "**missed**" }'; }

cpu_us() { field "$1" '.cpu_us_per_request | . * 10 | round / 10'; }

row() {
  printf '| %s | %.0f | %s | %s | %s | %s | %s | %s |\n' "$2" "$(rps "$1")" "$(cpu_us "$1")" \
    "$(ratio "$(rps "$1")" "$(rps nginx)")" "$(ms "$1" p50_us)" "$(ms "$1" p90_us)" "$(ms "$1" p99_us)" \
    "$(errors "$1")"
}

healthz_nginx_ratio=$(ratio "$(rps healthz)" "$(rps nginx)")
get_ratio=$(ratio "$(rps get_item)" "$(rps healthz)")
list_ratio=$(ratio "$(rps list)" "$(rps healthz)")
category_ratio=$(ratio "$(rps list_category)" "$(rps healthz)")
create_ratio=$(ratio "$(rps create)" "$baseline")

echo
echo "### wdrbe benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "$(nproc --all) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1));" \
  "server on core $server_core (--threads $server_threads${read_connections:+, --read-connections $read_connections}," \
  "--durability full), wrk on core $client_core (-t1 -c$connections, ${warmup} s warm-up + ${duration} s per scenario);" \
  "seeded $users users x $items_per_user items in $categories categories through the API ($seed_rate items/s);" \
  "load average $load_start at start, $load_end at end."
echo
echo "| scenario | requests/s | CPU us/request | x nginx | p50 ms | p90 ms | p99 ms | errors |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
row nginx 'nginx 1 worker, return 200 (external ceiling)'
row healthz 'GET /healthz (in-run ceiling)'
row get_item 'GET /items/{id}'
row list 'GET /users/{u}/items?limit=20'
row list_category 'GET /users/{u}/items?limit=20&category=catK'
row create 'POST /users/{u}/items (durable, full)'
printf '| sqlite_commit_rate: 1 row per transaction, WAL, synchronous=FULL (same disk) | %.0f | | | | | | |\n' "$baseline"
echo
echo "| target | measured | goal | |"
echo "|---|---:|---:|---|"
echo "| healthz / nginx | $healthz_nginx_ratio | >= 0.8 | $(verdict "$healthz_nginx_ratio" '>=' 0.8) |"
echo "| GET item / healthz | $get_ratio | >= 0.6 | $(verdict "$get_ratio" '>=' 0.6) |"
echo "| GET item p99 | $(ms get_item p99_us) ms | < 3 ms | $(verdict "$(ms get_item p99_us)" '<' 3) |"
echo "| list20 / healthz | $list_ratio | >= 0.35 | $(verdict "$list_ratio" '>=' 0.35) |"
echo "| list20 p99 | $(ms list p99_us) ms | < 5 ms | $(verdict "$(ms list p99_us)" '<' 5) |"
echo "| list20 with category / healthz | $category_ratio | >= 0.3 | $(verdict "$category_ratio" '>=' 0.3) |"
echo "| list20 with category p99 | $(ms list_category p99_us) ms | < 5 ms | $(verdict "$(ms list_category p99_us)" '<' 5) |"
echo "| durable creates / sqlite FULL commits | ${create_ratio}x | >= 4x | $(verdict "$create_ratio" '>=' 4) |"
echo "| create p99 | $(ms create p99_us) ms | < 10 ms | $(verdict "$(ms create p99_us)" '<' 10) |"
echo
echo "Server RSS after the run: $((${rss% *} / 1024)) MiB (peak $((${rss#* } / 1024)) MiB)."
if [[ ${#disturbed[@]} -gt 0 ]]; then
  echo
  echo "**Disturbed:** compiler, build or test processes were running at: ${disturbed[*]} (first seen: $intruders_seen); these figures are not clean."
else
  echo
  echo "No compiler, build or test process was seen at any scenario boundary."
fi

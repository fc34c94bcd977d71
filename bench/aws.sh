#!/usr/bin/env bash
# The AWS backend's benchmark: `wdrbe serve --backend aws` on the local AWS
# engines (DynamoDB Local and fauxqs, scripts/aws-local.sh), the read and
# write scenarios of bench/run.sh driven by wrk, and, per scenario, the
# DynamoDB and SQS calls the server made per request (its
# wdrbe_aws_*_calls_total counters before and after). The same scenarios on
# the embedded backend, in the same run, are the baseline.
#
# Absolute figures on DynamoDB Local say nothing about AWS (a JVM over
# SQLite on this machine, sharing a core with wrk); the calls per request
# do: they are what AWS bills and what its latency multiplies.
#
#   bench/aws.sh                      # about 2 minutes on 2 cores
#   WDRBE_BENCH_DURATION=3 WDRBE_BENCH_WARMUP=1 bench/aws.sh
#
# Settings (environment): as bench/run.sh (WDRBE_BENCH_DURATION, _WARMUP,
# _CONNECTIONS, _SERVER_THREADS, _SERVER_CORE, _CLIENT_CORE, _USERS,
# _CATEGORIES, _BUILD_DIR, _SKIP_BUILD, _KEEP), plus
#   WDRBE_BENCH_ITEMS_PER_USER=200   fewer than run.sh: DynamoDB Local is slow to seed
# The engines run on the client core (beside wrk), so the server's core is its own.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

duration=${WDRBE_BENCH_DURATION:-10}
warmup=${WDRBE_BENCH_WARMUP:-2}
connections=${WDRBE_BENCH_CONNECTIONS:-32}
server_threads=${WDRBE_BENCH_SERVER_THREADS:-2}
server_core=${WDRBE_BENCH_SERVER_CORE:-0}
client_core=${WDRBE_BENCH_CLIENT_CORE:-1}
users=${WDRBE_BENCH_USERS:-10}
items_per_user=${WDRBE_BENCH_ITEMS_PER_USER:-200}
categories=${WDRBE_BENCH_CATEGORIES:-5}
lua_dir=$bench_root/bench/lua

bench_require cmake ninja wrk taskset jq awk od curl
[[ $(nproc --all) -ge 2 ]] || bench_die "needs 2 cores (server and client are pinned apart)"

work=$(mktemp -d "${TMPDIR:-/tmp}/wdrbe-bench-aws.XXXXXX")
engines_state=$work/engines
cleanup() {
  bench_stop_server
  AWS_LOCAL_STATE_DIR=$engines_state "$bench_root/scripts/aws-local.sh" stop 2>/dev/null || true
  if [[ ${WDRBE_BENCH_KEEP:-0} == 1 ]]; then echo "bench: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bench_build_tools
bench_new_secret

echo "bench: starting the local AWS engines on core $client_core" >&2
"$bench_root/scripts/aws-local.sh" install
mkdir -p "$engines_state"
eval "$(AWS_LOCAL_STATE_DIR=$engines_state taskset -c "$client_core" "$bench_root/scripts/aws-local.sh" start)"
setup=$("$bench_wdrbe" aws setup --table "bench-$$" --queue-name "bench-$$") || bench_die "aws setup failed"
queue_url=$(jq -r .queueUrl <<<"$setup")
dead_letter_queue_url=$(jq -r .deadLetterQueueUrl <<<"$setup")

# A scenario's counters: "requests dynamodb_calls sqs_calls".
aws_calls() {
  curl -sf "$url/metrics" | awk '/^wdrbe_aws_dynamodb_calls_total / {d = $2} /^wdrbe_aws_sqs_calls_total / {s = $2}
    END {printf "%d %d\n", d, s}'
}

# run_wrk BACKEND NAME SCRIPT: warm-up, then the measured run; leaves
# $work/BACKEND-NAME.json (and .calls: DynamoDB and SQS calls during it).
run_wrk() {
  local backend=$1 name=$2 script=$lua_dir/$3 before after
  echo "bench: $backend $name (${warmup}s warm-up, ${duration}s measured)" >&2
  if [[ $warmup != 0 ]]; then
    taskset -c "$client_core" wrk -t1 -c"$connections" -d"${warmup}s" --timeout 10s -s "$script" "$url" \
      >"$work/$backend-$name.warmup.txt" 2>&1 || bench_die "wrk warm-up of $name failed"
  fi
  before=$(aws_calls)
  taskset -c "$client_core" wrk -t1 -c"$connections" -d"${duration}s" --timeout 10s --latency -s "$script" \
    "$url" >"$work/$backend-$name.txt" 2>&1 || bench_die "wrk $name failed: $(cat "$work/$backend-$name.txt")"
  after=$(aws_calls)
  echo "$before $after" | awk '{print $3 - $1, $4 - $2}' >"$work/$backend-$name.calls"
  sed -n 's/^WRK_JSON //p' "$work/$backend-$name.txt" >"$work/$backend-$name.json"
  [[ -s $work/$backend-$name.json ]] || bench_die "no report from wrk for $name"
}

run_backend() {
  local backend=$1
  shift
  bench_start_server "$work/$backend.log" taskset -c "$server_core" -- --threads "$server_threads" "$@"
  url=http://127.0.0.1:$bench_port
  echo "bench: $backend server pid $bench_server_pid on $url; seeding $users users x $items_per_user items" >&2
  taskset -c "$client_core" "$bench_seed" --port "$bench_port" --users "$users" \
    --items-per-user "$items_per_user" --categories "$categories" --connections "$connections" >&2 ||
    bench_die "seeding failed"
  run_wrk "$backend" get_item get_item.lua
  run_wrk "$backend" list list.lua
  run_wrk "$backend" list_category list_category.lua
  run_wrk "$backend" create create.lua
  run_wrk "$backend" share share.lua
  bench_stop_server
}

WDRBE_BENCH_TOKENS=$(bench_tokens "$users")
export WDRBE_BENCH_TOKENS WDRBE_BENCH_ITEMS_PER_USER=$items_per_user WDRBE_BENCH_CATEGORIES=$categories

run_backend aws --backend aws --table "bench-$$" --queue-url "$queue_url" \
  --dead-letter-queue-url "$dead_letter_queue_url"
run_backend embedded --data-dir "$work/data" --durability full

# ---- report -------------------------------------------------------------
field() { jq -r "$2" "$work/$1.json"; }
rps() { field "$1" '.requests_per_s'; }
ms() { awk -v us="$(field "$1" ".$2")" 'BEGIN {printf "%.2f", us / 1000}'; }
per_request() { # NAME COLUMN(1 dynamodb, 2 sqs)
  awk -v n="$(field "$1" .requests)" -v col="$2" '{printf "%.2f", (n > 0 ? $col / n : 0)}' "$work/$1.calls"
}

echo
echo "### wdrbe AWS backend benchmark (DynamoDB Local, fauxqs), $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "server on core $server_core (--threads $server_threads), wrk and the engines on core $client_core" \
  "(-t1 -c$connections, ${warmup} s warm-up + ${duration} s per scenario); $users users x $items_per_user items" \
  "in $categories categories, seeded through the API. Absolute figures on local engines say nothing about AWS;" \
  "the calls per request do."
echo
echo "| scenario | aws requests/s | aws p50 ms | aws p99 ms | DynamoDB calls/request | SQS calls/request | embedded requests/s | aws / embedded |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for scenario in get_item list list_category create share; do
  printf '| %s | %.0f | %s | %s | %s | %s | %.0f | %.2f |\n' "$scenario" "$(rps "aws-$scenario")" \
    "$(ms "aws-$scenario" p50_us)" "$(ms "aws-$scenario" p99_us)" "$(per_request "aws-$scenario" 1)" \
    "$(per_request "aws-$scenario" 2)" "$(rps "embedded-$scenario")" \
    "$(awk -v a="$(rps "aws-$scenario")" -v b="$(rps "embedded-$scenario")" 'BEGIN {printf "%.2f", a / b}')"
done
echo
echo "Share calls include the worker's (receive, apply, delete), amortised over the shares of the run."

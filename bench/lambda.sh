#!/usr/bin/env bash
# What a Lambda invocation costs wdrbe beyond the work itself: cold starts,
# and the time from handing an event to the function over the Runtime API
# to reading its answer, for API Gateway events and SQS batches, against
# the same requests through `wdrbe serve` over HTTP in the same run
# (bench/lambda_invocations.cpp). The functions and the server run on one
# core, the tool on the other; the embedded backend, --durability normal by
# default (the invocation's own cost, not the disk's fsync). See
# docs/performance.md.
#
#   bench/lambda.sh      # about 30 s
#
# Settings (environment): WDRBE_BENCH_LAMBDA_EVENTS=2000 (per kind),
# WDRBE_BENCH_LAMBDA_BATCHES=200, WDRBE_BENCH_DURABILITY=normal, and those
# of run.sh (SERVER_CORE, CLIENT_CORE, BUILD_DIR, SKIP_BUILD, KEEP).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

events=${WDRBE_BENCH_LAMBDA_EVENTS:-2000}
batches=${WDRBE_BENCH_LAMBDA_BATCHES:-200}
durability=${WDRBE_BENCH_DURABILITY:-normal}
server_core=${WDRBE_BENCH_SERVER_CORE:-0}
client_core=${WDRBE_BENCH_CLIENT_CORE:-1}

bench_require cmake ninja taskset
[[ $(nproc --all) -ge 2 ]] || bench_die "needs 2 cores (functions and client are pinned apart)"
bench_build_tools
bench_make_work lambda

echo "## Lambda invocations ($(date -u +%Y-%m-%dT%H:%MZ), load average $(cut -d' ' -f1 /proc/loadavg))"
echo
taskset -c "$client_core" "$bench_lambda_invocations" --binary "$bench_wdrbe" --data-dir "$work/data" \
  --events "$events" --batches "$batches" --durability "$durability" --function-cpu "$server_core"

#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) and runs each for a
# bounded time: scripts/fuzz.sh [SECONDS_PER_TARGET] (default 30).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}

scripts/install-deps.sh
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target item_body_fuzzer cursor_fuzzer jwt_fuzzer jwk_fuzzer trace_context_fuzzer http_request_fuzzer lambda_event_fuzzer webp_chunks_fuzzer
for target in item_body_fuzzer cursor_fuzzer jwt_fuzzer jwk_fuzzer trace_context_fuzzer http_request_fuzzer lambda_event_fuzzer webp_chunks_fuzzer; do
  corpus=build-fuzz/corpus/$target
  mkdir -p "$corpus"
  echo "== $target (${seconds}s)"
  # The HTTP reader's limits (8 KiB header, 16 KiB buffer, 64 KiB body)
  # are only reached by inputs longer than the other parsers need.
  max_len=4096
  [[ $target == http_request_fuzzer ]] && max_len=131072
  build-fuzz/fuzz/$target -max_total_time="$seconds" -max_len="$max_len" "$corpus" fuzz/seeds/$target 2>&1 | tail -n 3
done

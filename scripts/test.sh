#!/usr/bin/env bash
# Builds and runs the whole test suite (unit and API tests) with CTest.
#   scripts/test.sh            optimised build in build/, warnings as errors
#   scripts/test.sh asan       AddressSanitizer + UBSan build in build-asan/
#   scripts/test.sh tsan       ThreadSanitizer build in build-tsan/
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-ci}

scripts/install-deps.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
ctest --preset "$preset" -j "$(nproc)"

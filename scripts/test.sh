#!/usr/bin/env bash
# Builds and runs the whole test suite with CTest: unit and API tests, and
# in the unsanitized builds also the AWS backend's tests on the local AWS
# engines (installed here by scripts/aws-local.sh, started by CTest) and
# the CDK app's synth and template tests (scripts/cdk.sh) and the check of
# every API response against the OpenAPI description (scripts/openapi-check.sh)
# and the web page in a real browser (scripts/browser-test.sh; screenshots
# in build/browser-artifacts/).
#   scripts/test.sh            optimised build in build/, warnings as errors
#   scripts/test.sh asan       AddressSanitizer + UBSan build in build-asan/ (no AWS engines)
#   scripts/test.sh tsan       ThreadSanitizer build in build-tsan/ (no AWS engines)
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-ci}

scripts/install-deps.sh
case $preset in
  asan | tsan) ;;
  *)
    scripts/aws-local.sh install
    scripts/cdk.sh install
    scripts/openapi-check.sh install
    scripts/browser-test.sh install
    # Every test runs: the OpenAPI check may demand every operation (tests/CMakeLists.txt).
    export WDRBE_OPENAPI_FULL_SUITE=1
    ;;
esac
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
ctest --preset "$preset" -j "$(nproc)"

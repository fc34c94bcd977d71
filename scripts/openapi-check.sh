#!/usr/bin/env bash
# Holds the API test suite's responses to the service's OpenAPI description
# (src/wdrbe/web/assets/openapi.json) with the checker in tools/openapi.
#   scripts/openapi-check.sh install     npm ci in tools/openapi (skipped when the lock file is unchanged)
#   scripts/openapi-check.sh check DIR   validate the description, then every response recorded in DIR
#                                        (WDRBE_TEST_RESPONSE_LOG_DIR of the API tests); extra flags pass through
#   scripts/openapi-check.sh self-test   the checker's own tests (no server needed)
# CTest runs `check` after the API suite (tests/CMakeLists.txt). With
# WDRBE_OPENAPI_FULL_SUITE=1 (scripts/test.sh, which runs every test) the
# check also demands a response for every documented operation and at least
# 1,000 responses; a run of a few tests (ctest -R ...) checks only what they
# received.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools=$root/tools/openapi

# shellcheck source=scripts/lib/installing.sh
source "$root/scripts/lib/installing.sh"

say() { echo "openapi-check: $*" >&2; }

install() {
  command -v node >/dev/null || "$root/scripts/aws-local.sh" install
  npm_ci_when_changed "$tools"
}

case ${1:-} in
  install) install ;;
  check)
    [[ $# -ge 2 ]] || {
      say "usage: scripts/openapi-check.sh check DIR [flags]"
      exit 2
    }
    dir=$2
    shift 2
    install
    full_suite=()
    [[ ${WDRBE_OPENAPI_FULL_SUITE:-0} == 1 ]] && full_suite=(--require-every-operation --min-records 1000)
    node "$tools/check-responses.mjs" --document "$root/src/wdrbe/web/assets/openapi.json" --responses "$dir" \
      "${full_suite[@]}" "$@"
    ;;
  self-test)
    install
    node "$tools/self-test.mjs"
    ;;
  *)
    say "usage: scripts/openapi-check.sh install|check DIR|self-test"
    exit 2
    ;;
esac

#!/usr/bin/env bash
# The web wardrobe page's real-browser test (tests/browser): Debian's
# Chromium, driven by the pinned playwright-core, against a wdrbe binary.
#   scripts/browser-test.sh install           Debian's chromium (when it is missing) and
#                                             npm ci in tests/browser (skipped when the lock is unchanged)
#   scripts/browser-test.sh test [BUILD_DIR]  install, then run the test against BUILD_DIR/wdrbe
#                                             (default: $WDRBE_BUILD_DIR, else build/)
# WDRBE_CHROMIUM names another Chromium binary (default /usr/bin/chromium);
# WDRBE_BROWSER_ARTIFACTS where the screenshots go (default BUILD_DIR/browser-artifacts).
set -euo pipefail
caller=$PWD # a relative BUILD_DIR is the caller's
cd "$(dirname "$0")/.."

repo=$PWD
browser_dir=$repo/tests/browser
chromium=${WDRBE_CHROMIUM:-/usr/bin/chromium}

# shellcheck source=scripts/lib/installing.sh
source "$repo/scripts/lib/installing.sh"

say() { echo "browser-test: $*" >&2; }
die() {
  say "$*"
  exit 1
}

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

install_packages() {
  local packages=()
  # Debian's own build: playwright-core never downloads a browser. Its
  # fonts are only recommended, and the screenshots need readable text.
  [[ -x $chromium ]] || packages+=(chromium fonts-liberation)
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
  apt_install_missing "${packages[@]}"
  [[ -x $chromium ]] || die "no Chromium at $chromium"
  (($(node_major) >= 20)) || die "playwright-core needs Node.js >= 20, found $(node --version 2>/dev/null || echo none)"
}

install() {
  install_packages
  npm_ci_when_changed "$browser_dir"
}

case ${1:-} in
  install) install ;;
  test)
    build_dir=${2:-${WDRBE_BUILD_DIR:-$repo/build}}
    [[ $build_dir == /* ]] || build_dir=$caller/$build_dir
    [[ -d $build_dir ]] || die "no build directory $build_dir"
    build_dir=$(cd "$build_dir" && pwd)
    [[ -x $build_dir/wdrbe ]] || die "no wdrbe binary in $build_dir (build the wdrbe target first)"
    install
    WDRBE_CHROMIUM=$chromium node "$browser_dir/wardrobe.test.mjs" "$build_dir"
    ;;
  *)
    say "usage: scripts/browser-test.sh install|test [BUILD_DIR]"
    exit 2
    ;;
esac

#!/usr/bin/env bash
# Installs the Debian 12 packages wdrbe needs to build, test and benchmark.
# Safe to run again: does nothing when everything is present.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev openssl libsqlite3-dev libicu-dev libcli11-dev libgtest-dev
  clang clang-format libclang-rt-14-dev  # sanitizers, libFuzzer, formatting
  curl wrk util-linux jq sqlite3  # the README tour, benchmarks (taskset)
  libvips-dev  # item photos: decoding, metadata stripping, thumbnails
  ca-certificates  # configure fetches the /docs page's pinned bundle over HTTPS
)

# shellcheck source=scripts/lib/installing.sh
source "$(dirname "$0")/lib/installing.sh"
apt_install_missing "${packages[@]}"

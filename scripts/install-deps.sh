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
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0

sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# Configures and builds Frontier in build/ (Release, with tests). Sourced or run by
# start.sh and test.sh; installs missing Debian packages first.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/setup-deps.sh"

build_dir=${FRONTIER_BUILD_DIR:-$root/build}
werror=OFF
if [[ "${CI:-}" == "true" ]]; then
    werror=ON # warnings are errors in CI
fi

cmake -S "$root" -B "$build_dir" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DFRONTIER_BUILD_TESTS=ON \
    -DFRONTIER_WERROR=$werror >/dev/null
cmake --build "$build_dir" -- -k 0

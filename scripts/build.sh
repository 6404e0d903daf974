#!/usr/bin/env bash
# Configures and builds Frontier in build/ (Release, with tests configured). Run by
# start.sh (which builds only the targets it names: frontier, frontier-gui) and test.sh
# (everything); installs missing Debian packages first.
#   scripts/build.sh [TARGET...]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/setup-deps.sh"

build_dir=${FRONTIER_BUILD_DIR:-$root/build}
# Warnings are errors in CI. Elsewhere the cached setting is kept, so that start.sh and
# test.sh share one configuration and one build.
werror=()
if [[ "${CI:-}" == "true" ]]; then
    werror=(-DFRONTIER_WERROR=ON)
fi

cmake -S "$root" -B "$build_dir" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DFRONTIER_BUILD_TESTS=ON \
    -DFRONTIER_NATIVE="${FRONTIER_NATIVE:-OFF}" \
    "${werror[@]}" >/dev/null
targets=()
if (($# > 0)); then
    targets=(--target "$@")
fi
cmake --build "$build_dir" "${targets[@]}" -- -k 0

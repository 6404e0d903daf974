#!/usr/bin/env bash
# Runs every test: installs what is missing, builds with tests, runs CTest.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/build.sh"

build_dir=${FRONTIER_BUILD_DIR:-$root/build}
cd "$build_dir"
QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j2 "$@"

#!/usr/bin/env bash
# The main job on the built-in data: installs what is missing, builds, generates the
# built-in synth-digits dataset, trains the default models, evaluates them and prints a
# summary. Opens the desktop workbench afterwards when a display is available.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/build.sh"

build_dir=${FRONTIER_BUILD_DIR:-$root/build}
out=${FRONTIER_OUT:-$root/out}
mkdir -p "$out"
"$build_dir/bin/frontier" demo --out "$out" "$@"

if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" && -x "$build_dir/bin/frontier-gui" ]]; then
    "$build_dir/bin/frontier-gui" "$out" &
fi

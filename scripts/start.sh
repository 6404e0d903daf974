#!/usr/bin/env bash
# The main job on the built-in data: installs what is missing, builds, and runs the
# default study (synth-digits; mlp and lenet; int2..int8, fp16 and sc variants; ARI and
# HI policies on asic45 and a Cortex-M4F) into out/default.frontier, printing its Pareto
# front, and writes its report (out/default-report.html and .pdf). Opens the desktop
# workbench on that project when a display is available.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Only what the main job needs (the workbench only where it can be shown); scripts/test.sh
# builds the tests.
targets=(frontier)
if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
    targets+=(frontier-gui)
fi
"$root/scripts/build.sh" "${targets[@]}"

build_dir=${FRONTIER_BUILD_DIR:-$root/build}
out=${FRONTIER_OUT:-$root/out}
mkdir -p "$out"
"$build_dir/bin/frontier" demo --out "$out" "$@"

# The default study's report, for reading and handing on.
if (($# == 0)); then
    for ext in html pdf; do
        "$build_dir/bin/frontier" report --project "$out/default.frontier" --study default \
            --out "$out/default-report.$ext" >/dev/null
    done
    echo "report: $out/default-report.html and $out/default-report.pdf"
fi

if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" && -x "$build_dir/bin/frontier-gui" ]]; then
    "$build_dir/bin/frontier-gui" "$out/default.frontier" &
fi

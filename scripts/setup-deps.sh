#!/usr/bin/env bash
# Installs the Debian packages Frontier needs to build, test and run.
# Idempotent: when everything is present it only runs dpkg-query and exits.
set -euo pipefail

packages=(
    cmake ninja-build g++ pkg-config ccache clang-format git
    qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-svg-dev
    libtbb-dev libeigen3-dev libsqlite3-dev zlib1g-dev
    libonnx-dev libprotobuf-dev protobuf-compiler
    libgl-dev libqt6opengl6-dev fonts-dejavu-core
    poppler-utils
)

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
    exit 0
fi

echo "frontier: installing missing packages: ${missing[*]}" >&2
sudo=""
if [[ $(id -u) -ne 0 ]]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
# An out-of-date or empty package list makes installs fail; refresh it once.
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# Builds everything with AddressSanitizer and UndefinedBehaviorSanitizer in build-sanitize/
# and runs the unit tests there (all but the fuzz suite, whose per-case time limits are set
# for the plain build; the libFuzzer targets fuzz under the sanitizers by hand). Any report
# of either sanitizer fails the test that triggered it. Run by .ci/run after
# scripts/test.sh; by hand: scripts/test-sanitize.sh [CTEST ARGS...]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/setup-deps.sh"

build_dir=${FRONTIER_SANITIZE_BUILD_DIR:-$root/build-sanitize}
cmake -S "$root" -B "$build_dir" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DFRONTIER_BUILD_TESTS=ON \
    -DFRONTIER_BUILD_GUI=ON \
    -DFRONTIER_SANITIZE=ON >/dev/null
cmake --build "$build_dir" -- -k 0

# Leak checking is off: Qt, oneTBB and protobuf keep process-lifetime allocations that
# LeakSanitizer reports at exit. Everything else stops the test at the first report.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The sanitizers slow the tests three to five times: QtTest's 5-minute limit per function
# would cut the full MNIST training short.
export QTEST_FUNCTION_TIMEOUT=1500000
cd "$build_dir"
# The Slurm test starts daemons that run the (sanitized) binary as jobs of their own,
# outside these options; the shard tests cover the same code under the sanitizers.
QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j2 -LE 'fuzz|slurm' "$@"

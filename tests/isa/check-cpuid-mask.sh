#!/usr/bin/env bash
# Runs frontier on a CPU that hides instruction sets (libfrontier_cpuidmask.so, CPUID
# faulting) and checks what a user of an AVX2-only or a pre-AVX2 machine sees: the path
# picked by default, the kernels `--version --json` reports, FRONTIER_ISA refusing a path
# the CPU lacks (one line, non-zero exit), and `bench --isa all` measuring only the paths
# the CPU has. Exits 77 (skipped) where the host has no CPUID faulting.
#
#   check-cpuid-mask.sh FRONTIER MASKLIB
set -euo pipefail
frontier=${1:?usage: check-cpuid-mask.sh FRONTIER MASKLIB}
lib=${2:?usage: check-cpuid-mask.sh FRONTIER MASKLIB}
fail() {
    echo "check-cpuid-mask: $*" >&2
    exit 1
}
masked() {
    local mask=$1
    shift
    FRONTIER_CPUID_MASK=$mask LD_PRELOAD=$lib "$@"
}

set +e
masked avx2 "$frontier" --version >/dev/null 2>&1
rc=$?
set -e
if ((rc == 77)); then
    echo "check-cpuid-mask: no CPUID faulting on this host; skipped"
    exit 77
fi
((rc == 0)) || fail "frontier --version under the avx2 mask exited $rc"

host_best=$(FRONTIER_ISA= "$frontier" --version --json | sed -n 's/.*"best_isa": "\(.*\)".*/\1/p')
for mask in avx2 portable; do
    want=$mask
    [[ $mask == avx2 && $host_best == portable ]] && want=portable
    json=$(FRONTIER_ISA= masked "$mask" "$frontier" --version --json)
    best=$(sed -n 's/.*"best_isa": "\(.*\)".*/\1/p' <<<"$json")
    [[ $best == "$want" ]] || fail "mask $mask: best_isa is '$best', expected $want"
    grep -q '"avx512": false' <<<"$json" || fail "mask $mask: AVX-512 still reported"
    for k in sgemm int8gemm popcount quantize conv; do
        got=$(sed -n "s/.*\"$k\": \"\([a-z0-9+]*\)\".*/\1/p" <<<"$json")
        [[ $got == "$want" ]] || fail "mask $mask: kernel $k runs '$got', expected $want"
    done

    # A path the CPU lacks is refused, in one line naming it, with a non-zero exit.
    for refused in avx512 $([[ $want == portable ]] && echo avx2); do
        set +e
        err=$(FRONTIER_ISA=$refused masked "$mask" "$frontier" --version 2>&1 >/dev/null)
        rc=$?
        set -e
        ((rc != 0)) || fail "mask $mask: FRONTIER_ISA=$refused was accepted"
        [[ $(wc -l <<<"$err") == 1 && $err == *"has no $refused support"* ]] ||
            fail "mask $mask: FRONTIER_ISA=$refused gave '$err'"
    done

    # bench --isa all measures exactly the paths the CPU has.
    paths=$(FRONTIER_ISA= masked "$mask" "$frontier" bench --isa all --seconds 0.05 --threads 1 \
        --json | sed -n 's/.*"isa": "\([a-z0-9]*\)".*/\1/p' | sort -u | tr '\n' ' ')
    expect=$([[ $want == avx2 ]] && echo "avx2 portable " || echo "portable ")
    [[ $paths == "$expect" ]] || fail "mask $mask: bench --isa all measured '$paths', expected '$expect'"
    echo "mask $mask: best path $best; kernels $want; refusals and bench paths as expected"
done

#!/usr/bin/env bash
# Fails if a per-instruction-set kernel object defines a weak or unique global symbol, or
# a strong one outside its path's namespace: the linker keeps one copy of such a symbol
# for the whole program, which could be the one compiled for AVX-512.
set -euo pipefail
if (($# == 0)); then
    echo "check-kernel-objects: no object files given" >&2
    exit 1
fi
status=0
for object in "$@"; do
    case "$object" in
    *_kernels_portable.dir/*) isa=portable ;;
    *_kernels_avx2.dir/*) isa=avx2 ;;
    *_kernels_avx512.dir/*) isa=avx512 ;;
    *) isa="" ;;
    esac
    while read -r type name; do
        case "$type" in
        W | V | u)
            # DW.ref.__gxx_personality_v0: a pointer to the C++ runtime's unwinder, the
            # same in every object (the sanitizers' landing pads need it); no kernel code.
            [[ "$name" == DW.ref.* ]] && continue
            echo "$object: weak symbol $name" >&2
            status=1
            ;;
        T | D | B | R)
            if [[ -n "$isa" && "$name" != *"::${isa}::"* ]]; then
                echo "$object: global symbol outside namespace $isa: $name" >&2
                status=1
            fi
            ;;
        esac
    done < <(nm -C --defined-only "$object" | awk '{ t = $2; $1 = ""; $2 = ""; sub(/^  */, ""); print t, $0 }')
done
if ((status == 0)); then
    echo "check-kernel-objects: $# objects, no weak symbols, entry points in their namespaces"
fi
exit $status

#!/bin/sh
# Reduced-precision throughput in one run (docs/bench-notes/numeric.md): for each model,
# Frontier's fp32 engine, its int8 variant and sc variants (`frontier bench --formats`),
# then the PyTorch fake-quantize peer on the same model and batch
# (bench/torch_fakequant.py: OpenBLAS with this CPU's own kernels, 1 BLAS thread).
#
#   bench/numeric_vs_torch.sh FRONTIER_BINARY MODEL.fmodel [MODEL.fmodel ...]
#
# Environment: SECONDS_PER (default 1.0) minimum seconds per measurement; FORMATS
# (default int8,sc8,sc12).
set -eu
frontier=$1
shift
seconds=${SECONDS_PER:-1.0}
formats=${FORMATS:-int8,sc8,sc12}
here=$(dirname "$0")
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -m), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
for model in "$@"; do
    echo "## $model"
    "$frontier" bench --model "$model" --seconds "$seconds" --formats "$formats"
    echo
    env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$here/torch_fakequant.py" \
        --model "$model" --seconds "$seconds" --threads 1 2
    echo
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"

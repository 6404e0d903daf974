#!/usr/bin/env bash
# The MNIST ARI study, Frontier against the straightforward PyTorch + numpy script
# (bench/ari_numpy.py) doing the same thing: the same trained mlp (.fmodel), the same split
# (calibration 7000..7999, test 8000..9999), fp32 full, int2..int8 and sc reduced
# variants, the M and PDF 0.99 rules and 1,000 thresholds; results as CSV.
# Usage: bench/ari_bench.sh [BUILD_DIR] [FORMATS]   (docs/bench-notes/study.md)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
formats=${2:-int2..int8,sc6,sc8}
frontier=$build/bin/frontier
work=$(mktemp -d /tmp/ari-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

"$frontier" train --recipe mlp --dataset mnist --out "$work/mlp.fmodel" --seed 1 > /dev/null
json_formats=$(printf '"%s"' "$formats" | sed 's/,/","/g')
cat > "$work/spec.json" <<JSON
{
    "name": "mnist-ari-bench",
    "dataset": {"name": "mnist"},
    "models": [{"name": "mlp", "path": "$work/mlp.fmodel"}],
    "policies": [{"kind": "ari", "models": ["mlp"], "reduced": [$json_formats],
                  "taus": ["M", "PDF 0.99", "0:1:1000"]}],
    "devices": ["asic45"]
}
JSON

echo "== Frontier: study run + CSV export (fresh project file)"
start=$(date +%s.%N)
"$frontier" study run "$work/spec.json" --project "$work/p.frontier" --threads 2 --json \
    | grep -E '"(trials|seconds)"'
"$frontier" study trials --project "$work/p.frontier" --study mnist-ari-bench --csv \
    > "$work/frontier.csv"
end=$(date +%s.%N)
frontier_s=$(echo "$end - $start" | bc)
echo "frontier end to end: $frontier_s s, $(($(wc -l < "$work/frontier.csv") - 1)) rows"

echo "== PyTorch + numpy (2 threads)"
start=$(date +%s.%N)
env OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$root/bench/ari_numpy.py" --model "$work/mlp.fmodel" \
    --mnist "$root/../shared/datasets/mnist" --formats "$formats" --taus 1000 --threads 2 \
    --out "$work/numpy.csv"
end=$(date +%s.%N)
python_s=$(echo "$end - $start" | bc)
echo "python end to end: $python_s s"
echo "speed-up: $(echo "scale=1; $python_s / $frontier_s" | bc)x"

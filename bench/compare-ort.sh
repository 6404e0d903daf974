#!/usr/bin/env bash
# FP32 inference throughput of Frontier's engine against ONNX Runtime (onnxruntime-node,
# CPU execution provider) on the same .onnx files, measured in one run.
#
#   bench/compare-ort.sh [--frontier PATH] [--rounds N] [--seconds S] [--batch B]
#                        [--threads T] [--cpu-mask avx2|portable] [--json] [MODEL.onnx...]
#
# Defaults: the MLP (784-256-128-10) and LeNet-5 fixtures of tests/model/onnx/fixtures,
# batch 256, 2 threads, 5 rounds of 1 s per measurement, frontier from $FRONTIER or
# build/bin/frontier. Each round runs `frontier bench --model M --threads T` and then
# bench/ort/run.mjs on the same file, alternating, so that both see the same machine
# load; the table gives the medians over the rounds of both engines' samples/s and of
# the per-round ratio (ours / ORT; >= 1 means Frontier is faster), then the best round of
# each engine and their ratio (on a shared machine the best round is the one least
# disturbed by other processes). ORT's GFLOP/s use the MAC count frontier reports.
#
# --cpu-mask avx2 runs both engines with the AVX-512 (and AMX) CPUID bits hidden, through
# build/lib/libfrontier_cpuidmask.so (tests/isa/cpuidmask.cpp; needs CPUID faulting, as
# on Intel CPUs and KVM guests that pass it on), so that an AVX-512 host measures both
# engines' AVX2 kernels as an AVX2-only machine would pick them; portable hides AVX too.
#
# onnxruntime-node (version pinned in bench/ort/package-lock.json) is installed on
# demand with npm into bench/ort/node_modules. Needs node >= 18 and npm.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
frontier=${FRONTIER:-$root/build/bin/frontier}
rounds=5
seconds=1
batch=256
threads=2
json=0
mask=
models=()

die() {
    echo "compare-ort.sh: $*" >&2
    exit 1
}

while (($#)); do
    case $1 in
    --frontier) frontier=${2:?--frontier needs a path}; shift 2 ;;
    --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
    --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
    --batch) batch=${2:?--batch needs a number}; shift 2 ;;
    --threads) threads=${2:?--threads needs a number}; shift 2 ;;
    --cpu-mask) mask=${2:?--cpu-mask needs avx2 or portable}; shift 2 ;;
    --json) json=1; shift ;;
    -h | --help) sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) models+=("$1"); shift ;;
    esac
done
if ((${#models[@]} == 0)); then
    models=("$root/tests/model/onnx/fixtures/mlp.onnx" "$root/tests/model/onnx/fixtures/lenet.onnx")
fi
[[ -x $frontier ]] || die "no frontier binary at $frontier (build it, or pass --frontier / set FRONTIER)"
command -v node >/dev/null || die "node is not installed"
for m in "${models[@]}"; do
    [[ -f $m ]] || die "no such model: $m"
done
# The environment of the two measured commands (empty unless --cpu-mask).
measured_env=()
if [[ -n $mask ]]; then
    [[ $mask == avx2 || $mask == portable ]] || die "--cpu-mask: expected avx2 or portable, not $mask"
    masklib=${FRONTIER_CPUIDMASK:-$(dirname "$frontier")/../lib/libfrontier_cpuidmask.so}
    [[ -f $masklib ]] || die "no CPUID mask library at $masklib (build target frontier_cpuidmask)"
    measured_env=(env FRONTIER_CPUID_MASK="$mask" LD_PRELOAD="$(realpath "$masklib")")
    "${measured_env[@]}" "$frontier" --version >/dev/null ||
        die "--cpu-mask $mask does not work on this machine (see the message above)"
fi

if [[ ! -d $here/ort/node_modules/onnxruntime-node ]]; then
    command -v npm >/dev/null || die "npm is not installed"
    echo "compare-ort.sh: installing onnxruntime-node into bench/ort/node_modules" >&2
    (cd "$here/ort" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi

# One JSON line per measurement: {"model", "engine", "samples_per_s", "gflops"|null}.
measurements=$(mktemp)
trap 'rm -f "$measurements"' EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 1; r <= rounds; ++r)); do
    for m in "${models[@]}"; do
        echo "compare-ort.sh: round $r/$rounds, $(basename "$m")" >&2
        "${measured_env[@]}" "$frontier" bench --model "$m" --threads "$threads" --batch "$batch" \
            --seconds "$seconds" --json |
            node -e '
                const o = JSON.parse(require("fs").readFileSync(0, "utf8"));
                const r = o.results.find((x) => x.engine === "parallel");
                console.log(JSON.stringify({ model: process.argv[1], round: +process.argv[2],
                    engine: "frontier", samples_per_s: r.samples_per_s, gflops: r.gflops }));
            ' "$m" "$r" >>"$measurements"
        "${measured_env[@]}" node "$here/ort/run.mjs" --threads "$threads" --batch "$batch" --seconds "$seconds" \
            --json "$m" |
            node -e '
                const o = JSON.parse(require("fs").readFileSync(0, "utf8"));
                const r = o.results[0];
                console.log(JSON.stringify({ model: process.argv[1], round: +process.argv[2],
                    engine: "onnxruntime", samples_per_s: r.samples_per_s, gflops: null }));
            ' "$m" "$r" >>"$measurements"
    done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
[[ -z $mask ]] || cpu="$cpu, CPUID masked to $mask"
node -e '
    const fs = require("fs");
    const [file, json, batch, threads, cpu, loadBefore, loadAfter] = process.argv.slice(1);
    const rows = fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const median = (v) => {
        const s = [...v].sort((a, b) => a - b);
        const h = Math.floor(s.length / 2);
        return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
    };
    const models = [...new Set(rows.map((r) => r.model))];
    const results = models.map((m) => {
        const ours = rows.filter((r) => r.model === m && r.engine === "frontier");
        const ort = rows.filter((r) => r.model === m && r.engine === "onnxruntime");
        const ratios = ours.map((o) => o.samples_per_s
            / ort.find((x) => x.round === o.round).samples_per_s);
        const flopsPerSample = median(ours.map((o) => o.gflops * 1e9 / o.samples_per_s));
        const oursSps = median(ours.map((o) => o.samples_per_s));
        const ortSps = median(ort.map((o) => o.samples_per_s));
        const oursBest = Math.max(...ours.map((o) => o.samples_per_s));
        const ortBest = Math.max(...ort.map((o) => o.samples_per_s));
        return {
            model: m, batch: +batch, threads: +threads, rounds: ours.length,
            frontier_samples_per_s: oursSps, onnxruntime_samples_per_s: ortSps,
            frontier_gflops: oursSps * flopsPerSample * 1e-9,
            onnxruntime_gflops: ortSps * flopsPerSample * 1e-9,
            ratio_median: median(ratios), ratio_min: Math.min(...ratios),
            ratio_max: Math.max(...ratios),
            frontier_best_samples_per_s: oursBest, onnxruntime_best_samples_per_s: ortBest,
            ratio_of_bests: oursBest / ortBest,
        };
    });
    const machine = { cpu, load_before: loadBefore, load_after: loadAfter };
    if (json === "1") {
        console.log(JSON.stringify({ machine, results }, null, 1));
        process.exit(0);
    }
    console.log(`${cpu}; load average before ${loadBefore}, after ${loadAfter}`);
    console.log(`batch ${batch}, ${threads} threads; medians over ${results[0].rounds} rounds\n`);
    const head = ["model", "frontier samples/s", "GFLOP/s", "ORT samples/s", "GFLOP/s",
                  "ratio (min-max)", "best rounds", "ratio"];
    const fmt = (v) => Math.round(v).toLocaleString("en-US");
    const body = results.map((r) => [
        require("path").basename(r.model),
        fmt(r.frontier_samples_per_s),
        r.frontier_gflops.toFixed(1),
        fmt(r.onnxruntime_samples_per_s),
        r.onnxruntime_gflops.toFixed(1),
        `${r.ratio_median.toFixed(2)}x (${r.ratio_min.toFixed(2)}-${r.ratio_max.toFixed(2)})`,
        `${fmt(r.frontier_best_samples_per_s)} / ${fmt(r.onnxruntime_best_samples_per_s)}`,
        `${r.ratio_of_bests.toFixed(2)}x`,
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const line = (cells) => cells.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i])))
        .join("  ");
    console.log(line(head));
    console.log(widths.map((w) => "-".repeat(w)).join("  "));
    body.forEach((b) => console.log(line(b)));
' "$measurements" "$json" "$batch" "$threads" "$cpu" "$load_before" "$load_after"

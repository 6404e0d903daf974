#!/usr/bin/python3
"""The straightforward PyTorch + numpy peer of a Frontier ARI study (docs/bench-notes/study.md).

Does what `frontier study run` does for the study bench/ari_bench.sh writes, on the same
MNIST split and the same trained .fmodel:
  1. reads the model and MNIST (calibration 7000..7999, test 8000..9999, normalised with
     the model's own normalisation, x/255);
  2. runs the full model (fp32) and every reduced variant over both splits:
       int<b>  TFLite-style fake quantization (DESIGN.md, Numerics): weights symmetric per
               output channel, narrow range; activations asymmetric per tensor at the input
               of every weighted layer and at the output of the last one, ranges = min/max
               over the first 512 calibration samples; float32 GEMMs (PyTorch);
       sc<k>   stochastic computing, bit level: bipolar streams of L = 2^k bits from k-bit
               comparators against a random permutation of 0..L-1 started at a random
               offset per stream, per-layer max-abs scaling, XNOR products, an exact
               counter (popcount through a byte table), bias and ReLU in binary (numpy);
  3. takes margins (top-1 minus top-2 softmax score), the threshold rules M and PDF 0.99 on
     the calibration split (each just above its bound, as Frontier's ThresholdRule), and sweeps 1,000 thresholds in [0, 1] on the test split:
     accuracy, fidelity, escalation and energy (E_reduced + escalated * E_full) per point;
  4. writes one CSV row per (variant, threshold).
Only sequential dense/relu/flatten/softmax models (the mlp recipe) are supported.

    /usr/bin/python3 bench/ari_numpy.py --model mlp.fmodel --formats int2..int8,sc6,sc8 \
        --mnist ../shared/datasets/mnist --taus 1000 --out /tmp/ari_numpy.csv
"""

import argparse
import gzip
import json
import re
import struct
import sys
import time

import numpy as np
import torch


def read_fmodel(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:16] != b"FRONTIER-MODEL\n\0":
        sys.exit(f"{path}: not a Frontier model file")
    _version, json_len, blob_count = struct.unpack_from("<IQQ", data, 16)
    arch = json.loads(data[36:36 + json_len])
    blob = np.frombuffer(data, dtype="<f4", count=blob_count, offset=36 + json_len)
    layers = []
    for layer in arch["layers"]:
        params = {p["name"]: blob[p["offset"]:p["offset"] + p["count"]].reshape(p["shape"]).copy()
                  for p in layer["params"]}
        layers.append((layer["type"], params))
    return arch, layers


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_mnist(folder, arch):
    x = read_idx(f"{folder}/t10k-images-idx3-ubyte.gz").reshape(10000, -1).astype(np.float32)
    y = read_idx(f"{folder}/t10k-labels-idx1-ubyte.gz").astype(np.int64)
    # The model carries the normalisation it was trained with (x/255 for MNIST) and is fed
    # raw pixels through it, as Frontier does.
    norm = arch.get("normalization", {})
    if norm.get("kind") == "global":
        x = (x - np.float32(norm["offset"][0])) * np.float32(norm["scale"][0])
    elif norm.get("kind") == "per-feature":
        x = (x - np.asarray(norm["offset"], np.float32)) * np.asarray(norm["scale"], np.float32)
    return (x[7000:8000], y[7000:8000]), (x[8000:10000], y[8000:10000])


def expand_formats(text):
    out = []
    for part in text.split(","):
        m = re.fullmatch(r"([a-z]+)(\d+)\.\.([a-z]+)(\d+)", part.strip())
        if m:
            out += [f"{m[1]}{b}" for b in range(int(m[2]), int(m[4]) + 1)]
        else:
            out.append(part.strip())
    return out


# ---- fp32 and integer fake quantization (PyTorch) ----

def weighted_indices(layers):
    return [i for i, (t, _) in enumerate(layers) if t == "dense"]


def forward(layers, x, quant=None):
    """quant: None, or (bits, ranges) with ranges[i] = (min, max) of weighted layer i's input
    and ranges["out"] for the last weighted layer's output."""
    weighted = weighted_indices(layers)
    h = torch.from_numpy(x)
    for i, (kind, p) in enumerate(layers):
        if kind == "dense":
            w = torch.from_numpy(p["weight"])
            b = torch.from_numpy(p["bias"])
            if quant:
                bits, ranges = quant
                h = fake_quant_act(h, *ranges[i], bits)
                w = fake_quant_weight(w, bits)
            h = h @ w.T + b
            if quant and i == weighted[-1]:
                h = fake_quant_act(h, *ranges["out"], bits)
        elif kind == "relu":
            h = torch.relu(h)
        elif kind == "softmax":
            h = torch.softmax(h, dim=1)
        elif kind in ("flatten", "reshape"):
            h = h.reshape(h.shape[0], -1)
        else:
            sys.exit(f"unsupported layer type {kind}")
    return h.numpy()


def observe_ranges(layers, x):
    ranges = {}
    weighted = weighted_indices(layers)
    h = torch.from_numpy(x)
    for i, (kind, p) in enumerate(layers):
        if kind == "dense":
            ranges[i] = (float(h.min()), float(h.max()))
            h = h @ torch.from_numpy(p["weight"]).T + torch.from_numpy(p["bias"])
            if i == weighted[-1]:
                ranges["out"] = (float(h.min()), float(h.max()))
        elif kind == "relu":
            h = torch.relu(h)
        elif kind in ("flatten", "reshape"):
            h = h.reshape(h.shape[0], -1)
    return ranges


def fake_quant_act(h, mn, mx, bits):
    mn, mx = min(mn, 0.0), max(mx, 0.0)
    qmin, qmax = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    scale = np.float32((mx - mn) / (qmax - qmin)) if mx > mn else np.float32(1)
    zp = int(np.clip(np.rint(qmin - mn / scale), qmin, qmax))
    return torch.fake_quantize_per_tensor_affine(h, float(scale), zp, qmin, qmax)


def fake_quant_weight(w, bits):
    qmax = (1 << (bits - 1)) - 1
    scale = w.abs().amax(dim=1) / qmax
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))
    return torch.fake_quantize_per_channel_affine(w, scale, torch.zeros(w.shape[0], dtype=torch.int32),
                                                  0, -qmax, qmax)


# ---- stochastic computing, bit level (numpy) ----

POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint16)


def levels(v, scale, k):
    length = 1 << k
    p = (np.clip(v / scale, -1, 1) + 1) / 2
    return np.clip(np.rint(p * length), 0, length - 1).astype(np.int64)


def streams(c, k, rng):
    """Packed bit streams (uint8, little bit order) of values c: bit t = r_t < c, r a random
    permutation of 0..L-1 rotated by a random offset per stream."""
    length = 1 << k
    cycle = rng.permutation(length)
    offsets = rng.integers(0, length, size=c.shape)
    t = np.arange(length)
    r = cycle[(offsets[..., None] + t) % length]
    bits = r < c[..., None]
    return np.packbits(bits, axis=-1, bitorder="little")


def sc_forward(layers, x, k, input_ranges, seed=0):
    rng = np.random.default_rng(seed)
    length = 1 << k
    h = x
    for i, (kind, p) in enumerate(layers):
        if kind == "dense":
            w, b = p["weight"], p["bias"]
            sw = float(np.abs(w).max()) or 1.0
            sx = max(abs(input_ranges[i][0]), abs(input_ranges[i][1])) or 1.0
            wbits = streams(levels(w, sw, k), k, rng)               # [out, K, L/8]
            out = np.empty((h.shape[0], w.shape[0]), np.float32)
            xoffsets_rng = np.random.default_rng(seed + 1 + i)
            xcycle = xoffsets_rng.permutation(length)
            xoff = xoffsets_rng.integers(0, length, size=w.shape[1])
            t = np.arange(length)
            rx = xcycle[(xoff[:, None] + t) % length]                # [K, L]
            for n in range(h.shape[0]):
                c = levels(h[n], sx, k)
                xbits = np.packbits(rx < c[:, None], axis=-1, bitorder="little")  # [K, L/8]
                agree = POPCOUNT[~(wbits ^ xbits[None])].sum(axis=(1, 2), dtype=np.int64)
                total = 2 * agree - w.shape[1] * length
                out[n] = total.astype(np.float32) * np.float32(sx * sw / length) + b
            h = out
        elif kind == "relu":
            h = np.maximum(h, 0)
        elif kind == "softmax":
            e = np.exp(h - h.max(axis=1, keepdims=True))
            h = e / e.sum(axis=1, keepdims=True)
        elif kind in ("flatten", "reshape"):
            h = h.reshape(h.shape[0], -1)
    return h


# ---- ARI from the scores ----

def margins(scores):
    top = np.sort(scores, axis=1)
    return top[:, -1] - top[:, -2]


# Both rules return "just above" their bound (the next double), so that every mismatch at
# the bound escalates too (ties included), capped at 1; 0 without mismatches.
def rule_m(m_red, p_red, p_full):
    mism = m_red[p_red != p_full].astype(np.float64)
    return min(1.0, float(np.nextafter(mism.max(), np.inf))) if mism.size else 0.0


def rule_pdf(m_red, p_red, p_full, q):
    mism = m_red[p_red != p_full].astype(np.float64)
    if mism.size == 0:
        return 0.0
    lo, mean = float(mism.min()), float(mism.mean())
    return min(1.0, float(np.nextafter(lo - (mean - lo) * np.log(1 - q), np.inf)))


def sweep(taus, m_red, p_red, p_full, y, e_red, e_full):
    rows = []
    for tau in taus:
        esc = m_red < tau
        final = np.where(esc, p_full, p_red)
        f = float(esc.mean())
        rows.append((tau, float((final == y).mean()), float((final == p_full).mean()), f,
                     e_red + f * e_full))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--mnist", default="../shared/datasets/mnist")
    ap.add_argument("--formats", default="int2..int8,sc6,sc8")
    ap.add_argument("--taus", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default="/tmp/ari_numpy.csv")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    start = time.perf_counter()
    arch, layers = read_fmodel(args.model)
    (xc, yc), (xt, yt) = load_mnist(args.mnist, arch)
    full_c, full_t = forward(layers, xc), forward(layers, xt)
    pf_c, pf_t = full_c.argmax(1), full_t.argmax(1)
    ranges = observe_ranges(layers, xc[:512])
    taus = np.linspace(0, 1, args.taus)
    e_full = 1.0  # per-inference energies: the arithmetic is what counts here
    rows = []
    timings = {}
    for fmt in expand_formats(args.formats):
        t0 = time.perf_counter()
        m = re.fullmatch(r"(int|sc)(\d+)", fmt)
        if not m:
            sys.exit(f"unsupported format {fmt}")
        bits = int(m[2])
        if m[1] == "int":
            red_c = forward(layers, xc, (bits, ranges))
            red_t = forward(layers, xt, (bits, ranges))
        else:
            red_c = sc_forward(layers, xc, bits, ranges)
            red_t = sc_forward(layers, xt, bits, ranges)
        mc, mt = margins(red_c), margins(red_t)
        pc, pt = red_c.argmax(1), red_t.argmax(1)
        e_red = bits / 32
        for name, tau in (("M", rule_m(mc, pc, pf_c)), ("PDF 0.99", rule_pdf(mc, pc, pf_c, 0.99))):
            for r in sweep([tau], mt, pt, pf_t, yt, e_red, e_full):
                rows.append((fmt, name) + r)
        for r in sweep(taus, mt, pt, pf_t, yt, e_red, e_full):
            rows.append((fmt, "value") + r)
        timings[fmt] = time.perf_counter() - t0
    with open(args.out, "w") as f:
        f.write("format,rule,tau,accuracy,fidelity,escalated,energy\n")
        for r in rows:
            f.write(",".join(str(v) for v in r) + "\n")
    total = time.perf_counter() - start
    print(json.dumps({"seconds": total, "rows": len(rows), "per_format_seconds": timings,
                      "fp32_test_accuracy": float((pf_t == yt).mean())}))


if __name__ == "__main__":
    main()

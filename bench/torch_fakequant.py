#!/usr/bin/python3
"""PyTorch fake-quantize peer for `frontier bench --formats int8` (docs/bench-notes/numeric.md).

Builds the same network as a Frontier .fmodel (dense, conv2d, relu, maxpool, flatten,
softmax; BatchNorm is not supported here), with the weights read from the file, and
measures inference throughput of:
  fp32            the plain float model
  int8-cached     TFLite-style int8 simulation as Frontier's contract says it: weights
                  fake-quantized once (symmetric, per output channel, narrow range
                  [-127, 127]), activations fake-quantized per tensor at the input of every
                  weighted layer and at the output of the last one (asymmetric [-128, 127],
                  ranges = min/max over the benchmark batch); float32 GEMMs in between
  int8-qat        the same with the weights fake-quantized on every forward, as a
                  torch.ao QAT model does
The batch is uniform random in [0, 1), the same as `frontier bench` uses.

Run it the way the notes say (OpenBLAS on this CPU's AVX-512 kernels, 1 BLAS thread,
2 PyTorch threads):
    env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/torch_fakequant.py \
        --model /tmp/numeric/mlp.fmodel --threads 2
Prints one JSON object per measurement.
"""

import argparse
import json
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def read_fmodel(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:16] != b"FRONTIER-MODEL\n\0":
        sys.exit(f"{path}: not a Frontier model file")
    _version, json_len, blob_count = struct.unpack_from("<IQQ", data, 16)
    arch = json.loads(data[36:36 + json_len])
    blob = np.frombuffer(data, dtype="<f4", count=blob_count, offset=36 + json_len)
    return arch, blob


class Net:
    """The layer list of an .fmodel as torch ops; `quant` switches the int8 simulation."""

    def __init__(self, arch, blob):
        self.layers = []
        for layer in arch["layers"]:
            if layer["inputs"] not in ([], [-1], [len(self.layers) - 1]):
                sys.exit("only sequential models are supported")
            params = {p["name"]: torch.from_numpy(
                blob[p["offset"]:p["offset"] + p["count"]].reshape(p["shape"]).copy())
                for p in layer["params"]}
            self.layers.append((layer["type"], layer["attributes"], params))
        self.input_shape = arch["input_shape"]
        self.weighted = [i for i, (t, _, _) in enumerate(self.layers) if t in ("dense", "conv2d")]
        self.ranges = {}
        self.qweights = {}

    def op(self, i, x, weight):
        kind, a, p = self.layers[i]
        if kind == "dense":
            return F.linear(x.flatten(1), weight, p["bias"])
        if kind == "conv2d":
            pad = [int(v) for v in a.get("pad", [0])]
            if len(pad) == 4 and (pad[0] != pad[2] or pad[1] != pad[3]):
                sys.exit("asymmetric padding is not supported")
            return F.conv2d(x, weight, p["bias"], stride=[int(v) for v in a.get("stride", [1, 1])],
                            padding=(pad[0], pad[1] if len(pad) > 1 else pad[0]),
                            groups=int(a.get("groups", [1])[0]))
        if kind == "relu":
            return F.relu(x)
        if kind == "maxpool":
            k = [int(v) for v in a["kernel"]]
            s = [int(v) for v in a.get("stride", k)]
            return F.max_pool2d(x, k, s)
        if kind == "flatten":
            return x.flatten(1)
        if kind == "softmax":
            return F.softmax(x, dim=1)
        sys.exit(f"layer type {kind} is not supported")

    @staticmethod
    def act_qparams(lo, hi):
        lo, hi = min(lo, 0.0), max(hi, 0.0)
        scale = (hi - lo) / 255.0 or 1.0
        zp = int(np.clip(np.rint(-128 - lo / scale), -128, 127))
        return float(np.float32(scale)), zp

    def calibrate(self, x):
        def observe(i, t):
            lo, hi = self.ranges.get(i, (np.inf, -np.inf))
            self.ranges[i] = (min(lo, t.min().item()), max(hi, t.max().item()))
        with torch.inference_mode():
            for i, (_, _, p) in enumerate(self.layers):
                if i in self.weighted:
                    observe(("in", i), x)
                x = self.op(i, x, p.get("weight"))
                if i == self.weighted[-1]:
                    observe(("out", i), x)
        self.qparams = {key: self.act_qparams(*r) for key, r in self.ranges.items()}
        for i in self.weighted:
            self.qweights[i] = self.fake_weight(i)

    def fake_weight(self, i):
        w = self.layers[i][2]["weight"]
        amax = w.reshape(w.shape[0], -1).abs().amax(dim=1)
        scale = torch.where(amax > 0, amax / 127.0, torch.ones_like(amax))
        return torch.fake_quantize_per_channel_affine(
            w, scale, torch.zeros(w.shape[0], dtype=torch.int32), 0, -127, 127)

    def forward(self, x, mode):
        for i, (_, _, p) in enumerate(self.layers):
            weight = p.get("weight")
            if mode != "fp32" and i in self.weighted:
                s, zp = self.qparams[("in", i)]
                x = torch.fake_quantize_per_tensor_affine(x, s, zp, -128, 127)
                weight = self.qweights[i] if mode == "int8-cached" else self.fake_weight(i)
            x = self.op(i, x, weight)
            if mode != "fp32" and i == self.weighted[-1]:
                s, zp = self.qparams[("out", i)]
                x = torch.fake_quantize_per_tensor_affine(x, s, zp, -128, 127)
        return x


def median_seconds(fn, min_seconds):
    fn()
    times = []
    start = time.perf_counter()
    while len(times) < 3 or time.perf_counter() - start < min_seconds:
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, help="a Frontier .fmodel")
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seconds", type=float, default=1.0)
    args = parser.parse_args()

    arch, blob = read_fmodel(args.model)
    net = Net(arch, blob)
    gen = torch.Generator().manual_seed(7)
    x = torch.rand([args.batch] + list(net.input_shape), generator=gen)
    net.calibrate(x)
    for threads in args.threads:
        torch.set_num_threads(threads)
        for mode in ("fp32", "int8-cached", "int8-qat"):
            with torch.inference_mode():
                seconds = median_seconds(lambda: net.forward(x, mode), args.seconds)
            print(json.dumps({"peer": "pytorch " + torch.__version__, "model": arch["name"],
                              "mode": mode, "threads": threads, "batch": args.batch,
                              "samples_per_s": args.batch / seconds,
                              "blas": torch.__config__.show().count("mkl") > 0 and "see config"
                              or "system"}))


if __name__ == "__main__":
    main()

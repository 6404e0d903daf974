#pragma once

// A straightforward implementation of the numerics contract (DESIGN.md, "Numerics"),
// written from the text and independent of core/numeric's quantizers and kernels: its own
// round-half-to-even, its own minifloat rounding (integer operations on float64 bits),
// direct convolution loops, int64 accumulation with saturation after every addition.
// It reads only the format description (FormatSpec) and the calibration ranges that the
// variant stores. Layers without weights run their own forwardNaive().

#include "model/layers/batchnorm.h"
#include "model/model.h"
#include "numeric/calibration.h"
#include "numeric/formatspec.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace frontier::test::contract {

using numeric::FormatSpec;

// Round half to even without nearbyint.
inline double roundEven(double t)
{
    const double r = std::floor(t);
    const double d = t - r;
    if (d > 0.5)
        return r + 1;
    if (d < 0.5)
        return r;
    return std::fmod(r, 2.0) == 0.0 ? r : r + 1;
}

struct Affine
{
    float s = 1, inv = 1;
    int zp = 0, qmin = 0, qmax = 0;

    int64_t q(float x) const
    {
        const float t = x * inv; // float32, as the contract says
        if (std::isnan(t))
            return zp;
        if (std::isinf(t))
            return t > 0 ? qmax : qmin;
        const double r = double(zp) + roundEven(double(t));
        return int64_t(std::min(std::max(r, double(qmin)), double(qmax)));
    }
    float dq(int64_t v) const { return float(v - zp) * s; }
};

inline float fixScale(float s)
{
    return s >= std::numeric_limits<float>::min() && std::isfinite(s) ? s : 1.0f;
}

inline Affine activation(float mn, float mx, int b, bool symmetric)
{
    mn = std::min(mn, 0.0f);
    mx = std::max(mx, 0.0f);
    Affine a;
    a.qmin = -(1 << (b - 1));
    a.qmax = (1 << (b - 1)) - 1;
    if (symmetric) {
        a.s = fixScale(std::max(-mn, mx) / float(a.qmax));
    } else {
        a.s = fixScale((mx - mn) / float(a.qmax - a.qmin));
        const float t = float(a.qmin) - mn / a.s;
        a.zp = int(std::min(std::max(roundEven(double(t)), double(a.qmin)), double(a.qmax)));
    }
    a.inv = 1.0f / a.s;
    return a;
}

inline Affine weight(float maxAbs, int b)
{
    Affine a;
    a.qmax = (1 << (b - 1)) - 1;
    a.qmin = -a.qmax;
    a.s = fixScale(maxAbs / float(a.qmax));
    a.inv = 1.0f / a.s;
    return a;
}

inline Affine fixed(int b, int n)
{
    Affine a;
    a.qmin = -(1 << (b - 1));
    a.qmax = (1 << (b - 1)) - 1;
    a.s = std::ldexp(1.0f, -n);
    a.inv = std::ldexp(1.0f, n);
    return a;
}

// Minifloat rounding on the bits of a float64 (every float32 converts exactly).
inline float minifloat(double x, const FormatSpec &f)
{
    const int bias = (1 << (f.exponentBits - 1)) - 1;
    const double maxFinite
        = f.ocpE4M3 ? 448.0 : std::ldexp(2.0 - std::ldexp(1.0, -f.mantissaBits), bias);
    const bool saturate = f.saturate || f.ocpE4M3;
    if (std::isnan(x))
        return float(x);
    if (std::isinf(x))
        return saturate ? float(std::copysign(maxFinite, x)) : float(x);
    const uint64_t bits = std::bit_cast<uint64_t>(x);
    const bool negative = bits >> 63;
    const int exponent = int((bits >> 52) & 0x7FF);
    double magnitude = 0;
    if (exponent != 0) { // float64 subnormals are far below every target's range: 0
        const uint64_t significand = (bits & ((uint64_t(1) << 52) - 1)) | (uint64_t(1) << 52);
        const int e = exponent - 1023;
        const int emin = 1 - bias;
        const int shift = 52 - f.mantissaBits + (e < emin ? emin - e : 0);
        if (shift <= 53) {
            uint64_t r = significand >> shift;
            const uint64_t rem = significand & ((uint64_t(1) << shift) - 1);
            const uint64_t half = uint64_t(1) << (shift - 1);
            if (rem > half || (rem == half && (r & 1)))
                ++r;
            magnitude = std::ldexp(double(r), e - 52 + shift);
        }
    }
    if (magnitude > maxFinite)
        magnitude = saturate ? maxFinite : std::numeric_limits<double>::infinity();
    return float(negative ? -magnitude : magnitude);
}

struct Conv
{
    int c, h, w, f, groups, kh, kw, sh, sw, pt, pl, oh, ow;
};

inline Conv convOf(const model::Layer &layer, const model::Shape &in)
{
    const model::Attributes a = layer.attributes();
    Conv g{};
    g.c = in[0];
    g.h = in[1];
    g.w = in[2];
    g.f = int(a.at("filters")[0]);
    g.groups = int(a.at("groups")[0]);
    g.kh = int(a.at("kernel")[0]);
    g.kw = int(a.at("kernel")[1]);
    g.sh = int(a.at("stride")[0]);
    g.sw = int(a.at("stride")[1]);
    g.pt = int(a.at("pad")[0]);
    g.pl = int(a.at("pad")[1]);
    g.oh = (g.h + g.pt + int(a.at("pad")[2]) - g.kh) / g.sh + 1;
    g.ow = (g.w + g.pl + int(a.at("pad")[3]) - g.kw) / g.sw + 1;
    return g;
}

// One term of a weighted layer's dot products: the input element (or -1 for padding)
// for output channel `o`, position `p`, term `t`, in the weight's own order.
inline int64_t inputOf(const model::Layer &layer, const Conv &g, int o, int64_t p, int64_t t,
                       int64_t inSize)
{
    if (layer.type() == "dense")
        return t < inSize ? t : -1;
    const int cg = g.c / g.groups;
    const int group = o / (g.f / g.groups);
    const int kj = int(t % g.kw);
    const int ki = int((t / g.kw) % g.kh);
    const int c = int(t / (int64_t(g.kw) * g.kh));
    const int y = int(p / g.ow) * g.sh - g.pt + ki;
    const int x = int(p % g.ow) * g.sw - g.pl + kj;
    if (y < 0 || y >= g.h || x < 0 || x >= g.w || c >= cg)
        return -1;
    return (int64_t(group * cg + c) * g.h + y) * g.w + x;
}

// The weighted layer `layer` on one sample `x` (shape `in`), per the contract.
inline std::vector<float> weighted(const model::Layer &layer, const model::Shape &in,
                                   const float *x, const FormatSpec &f,
                                   const numeric::LayerCalibration &cal, bool last)
{
    const std::vector<float> &w = layer.param("weight")->value;
    const std::vector<float> &bias = layer.param("bias")->value;
    const int outputs = int(bias.size());
    const int64_t k = int64_t(w.size()) / outputs;
    int64_t inSize = 1;
    for (int d : in)
        inSize *= d;
    const bool conv = layer.type() == "conv2d";
    const Conv g = conv ? convOf(layer, in) : Conv{};
    const int64_t pixels = conv ? int64_t(g.oh) * g.ow : 1;
    std::vector<float> y(size_t(outputs * pixels));

    if (f.kind == FormatSpec::Kind::Minifloat) {
        for (int o = 0; o < outputs; ++o) {
            const float b = minifloat(bias[size_t(o)], f);
            for (int64_t p = 0; p < pixels; ++p) {
                float acc = 0.0f;
                for (int64_t t = 0; t < k; ++t) {
                    const int64_t at = inputOf(layer, g, o, p, t, inSize);
                    const float xr = at < 0 ? 0.0f : minifloat(x[at], f);
                    const float wr = minifloat(w[size_t(o * k + t)], f);
                    if (f.accumulateInFormat)
                        acc = minifloat(double(acc) + double(minifloat(double(xr) * wr, f)), f);
                    else
                        acc = std::fma(xr, wr, acc);
                }
                y[size_t(o * pixels + p)] = f.accumulateInFormat
                                                ? minifloat(double(acc) + double(b), f)
                                                : minifloat(acc + b, f);
            }
        }
        return y;
    }

    // Integer affine and fixed point.
    const bool isFixed = f.kind == FormatSpec::Kind::FixedPoint;
    const Affine ain = isFixed ? fixed(f.activationBits, f.fractionBits)
                               : activation(cal.input.min, cal.input.max, f.activationBits,
                                            f.symmetricActivations);
    const Affine aout = isFixed ? ain
                                : activation(cal.output.min, cal.output.max, f.activationBits,
                                             f.symmetricActivations);
    const int64_t accMax = f.accumulatorBits >= 64 ? std::numeric_limits<int64_t>::max()
                                                   : (int64_t(1) << (f.accumulatorBits - 1)) - 1;
    const int64_t accMin = f.accumulatorBits >= 64 ? std::numeric_limits<int64_t>::min()
                                                   : -(int64_t(1) << (f.accumulatorBits - 1));
    float tensorMax = 0;
    for (float v : w)
        tensorMax = std::max(tensorMax, std::abs(v));
    for (int o = 0; o < outputs; ++o) {
        float channelMax = 0;
        for (int64_t t = 0; t < k; ++t)
            channelMax = std::max(channelMax, std::abs(w[size_t(o * k + t)]));
        const Affine aw = isFixed
                              ? fixed(f.weightBits, f.fractionBits)
                              : weight(f.perChannelWeights ? channelMax : tensorMax, f.weightBits);
        const float scale = ain.s * aw.s;
        const float tb = bias[size_t(o)] * (1.0f / scale);
        const int64_t qb
            = std::isnan(tb)
                  ? 0
                  : int64_t(std::min(std::max(roundEven(double(tb)), -2147483648.0), 2147483647.0));
        for (int64_t p = 0; p < pixels; ++p) {
            int64_t acc = std::min(std::max(qb, accMin), accMax);
            for (int64_t t = 0; t < k; ++t) {
                const int64_t at = inputOf(layer, g, o, p, t, inSize);
                const int64_t xq = at < 0 ? 0 : ain.q(x[at]) - ain.zp;
                acc = std::min(std::max(acc + xq * aw.q(w[size_t(o * k + t)]), accMin), accMax);
            }
            float v = float(acc) * scale;
            if (last)
                v = aout.dq(aout.q(v));
            y[size_t(o * pixels + p)] = v;
        }
    }
    return y;
}

// The whole model, one sample at a time; returns the final head's values [n, width].
// `formats` has one entry per layer; `calibration` is matched by layer name.
inline std::vector<float> run(const model::Model &source, const std::vector<FormatSpec> &formats,
                              const std::vector<numeric::LayerCalibration> &calibration,
                              const float *x, int n)
{
    model::Model m = source;
    const int count = int(m.layers.size());
    auto isWeighted = [&](int i) {
        const std::string t = m.layers[size_t(i)]->type();
        return t == "dense" || t == "conv2d";
    };
    // BatchNorm folding first (only BN fed by a weighted layer nothing else reads).
    std::vector<int> readers(static_cast<size_t>(count), 0);
    for (const auto &l : m.layers)
        for (int in : l->inputs)
            if (in >= 0)
                ++readers[size_t(in)];
    for (const model::Head &h : m.heads)
        ++readers[size_t(h.layer)];
    std::vector<int> source_(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
        source_[size_t(i)] = i;
        const model::Layer &l = *m.layers[size_t(i)];
        if (l.type() == "batchnorm" && l.inputs.size() == 1 && l.inputs[0] >= 0
            && isWeighted(l.inputs[0]) && readers[size_t(l.inputs[0])] == 1
            && source_[size_t(l.inputs[0])] == l.inputs[0]
            && model::foldBatchNormInto(*m.layers[size_t(l.inputs[0])], l))
            source_[size_t(i)] = l.inputs[0];
    }
    // Last weighted layers: no weighted layer downstream.
    std::vector<bool> downstream(static_cast<size_t>(count), false);
    for (int i = count - 1; i >= 0; --i)
        for (int in : m.layers[size_t(i)]->inputs)
            if (in >= 0 && (isWeighted(i) || downstream[size_t(i)]))
                downstream[size_t(in)] = true;

    const std::vector<model::Shape> shapes = m.layerShapes();
    const int head = m.heads.back().layer;
    std::vector<float> out;
    std::vector<model::Tensor> acts(static_cast<size_t>(count));
    model::Tensor input;
    for (int s = 0; s < n; ++s) {
        input.resize(1, m.inputShape);
        std::copy(x + s * input.data.size(), x + (s + 1) * input.data.size(), input.data.begin());
        for (int i = 0; i < count; ++i) {
            if (source_[size_t(i)] != i) {
                acts[size_t(i)] = acts[size_t(source_[size_t(i)])];
                continue;
            }
            const model::Layer &l = *m.layers[size_t(i)];
            std::vector<const model::Tensor *> ins;
            for (int in : l.inputs)
                ins.push_back(in < 0 ? &input : &acts[size_t(in)]);
            acts[size_t(i)].resize(1, shapes[size_t(i)]);
            const FormatSpec &f = formats[size_t(i)];
            if (isWeighted(i)
                && (f.kind == FormatSpec::Kind::Integer || f.kind == FormatSpec::Kind::FixedPoint
                    || f.kind == FormatSpec::Kind::Minifloat)) {
                numeric::LayerCalibration cal;
                for (const auto &c : calibration)
                    if (c.layer == l.name)
                        cal = c;
                const model::Shape inShape
                    = l.inputs[0] < 0 ? m.inputShape : shapes[size_t(l.inputs[0])];
                acts[size_t(i)].data
                    = weighted(l, inShape, ins[0]->data.data(), f, cal, !downstream[size_t(i)]);
            } else {
                l.forwardNaive(ins, acts[size_t(i)]);
            }
        }
        out.insert(out.end(), acts[size_t(head)].data.begin(), acts[size_t(head)].data.end());
    }
    return out;
}

} // namespace frontier::test::contract

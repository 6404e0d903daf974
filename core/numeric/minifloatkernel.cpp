#include "minifloatkernel.h"

#include "common/detmath.h"
#include "common/error.h"

#include <algorithm>
#include <cmath>

namespace frontier::numeric {

MinifloatKernel::MinifloatKernel(const KernelSetup &setup)
    : WeightedKernel(WeightedGeometry::of(*setup.layer, setup.input))
    , m_name(setup.format.name)
    , m_format(Minifloat::fromSpec(setup.format))
    , m_custom(setup.format.custom)
    , m_accumulateInFormat(setup.format.accumulateInFormat && !m_custom)
{
    const std::vector<float> &w = setup.layer->param("weight")->value;
    const std::vector<float> &b = setup.layer->param("bias")->value;
    for (float v : w) {
        if (!std::isfinite(v))
            throw Error(setup.layer->where(), "has non-finite weights; cannot round to " + m_name);
    }
    m_weights.resize(w.size());
    for (size_t i = 0; i < w.size(); ++i)
        m_weights[i] = roundValue(w[i]);
    for (float v : b)
        m_bias.push_back(roundValue(v));
    if (!m_g.conv)
        m_packed = packWeights(m_weights.data(), m_g.outputs, int(m_g.k));
}

float MinifloatKernel::roundValue(float x) const
{
    return m_custom ? m_custom->round(x) : m_format.round(x);
}

void MinifloatKernel::roundMany(const float *in, float *out, size_t count) const
{
    if (m_custom)
        m_custom->roundMany(in, out, count);
    else
        m_format.round(in, out, count);
}

std::string MinifloatKernel::describe() const
{
    return m_name
           + (m_accumulateInFormat ? ": accumulation in the format"
                                   : ": ordered float32 fma accumulation");
}

// The final bias addition: a float32 add then one rounding (float32 accumulation), or one
// rounding of the exact sum (:acc).
float MinifloatKernel::addBias(float acc, int channel) const
{
    const float b = m_bias[size_t(channel)];
    if (m_accumulateInFormat)
        return m_format.roundDouble(double(acc) + double(b));
    return roundValue(acc + b);
}

// The :acc chain over k terms of x (stride apart) and w.
float MinifloatKernel::dot(const float *x, int64_t stride, const float *w, int64_t k) const
{
    float acc = 0.0f;
    for (int64_t j = 0; j < k; ++j) {
        const float p = m_format.roundDouble(double(x[j * stride]) * double(w[j]));
        acc = m_format.roundDouble(double(acc) + double(p));
    }
    return acc;
}

void MinifloatKernel::sequentialDense(const float *xr, int n, float *out) const
{
    const int u = m_g.outputs;
    for (int i = 0; i < n; ++i) {
        for (int c = 0; c < u; ++c) {
            const float acc = dot(xr + int64_t(i) * m_g.k, 1, m_weights.data() + c * m_g.k, m_g.k);
            out[int64_t(i) * u + c] = addBias(acc, c);
        }
    }
}

// One sample of a convolution with :acc, output channel by channel.
void MinifloatKernel::convInFormat(const float *x, std::vector<float> &col, float *y) const
{
    const int64_t p = m_g.pixels;
    const int64_t k = m_g.k;
    const int fg = m_g.outputsPerGroup();
    col.resize(size_t(k * p));
    for (int g = 0; g < m_g.groups; ++g) {
        im2col(m_g, g, x, col.data(), 0.0f);
        for (int c = g * fg; c < (g + 1) * fg; ++c) {
            for (int64_t j = 0; j < p; ++j)
                y[c * p + j] = addBias(dot(col.data() + j, p, m_weights.data() + c * k, k), c);
        }
    }
}

void MinifloatKernel::forward(const model::Tensor &in, model::Tensor &out, KernelScratch &s,
                              int64_t) const
{
    const int n = in.n;
    const int64_t total = int64_t(n) * m_g.inSize;
    s.f0.resize(size_t(total));
    roundMany(in.data.data(), s.f0.data(), size_t(total));
    const int64_t k = m_g.k;
    if (!m_g.conv) {
        const int u = m_g.outputs;
        float *y = out.data.data();
        if (m_accumulateInFormat) {
            sequentialDense(s.f0.data(), n, y);
            return;
        }
        orderedGemmPacked(n, s.f0.data(), k, m_packed, y, u);
        // addBias() of float32 accumulation: the float32 add, then one batch of roundings.
        for (int i = 0; i < n; ++i) {
            for (int c = 0; c < u; ++c)
                y[int64_t(i) * u + c] += m_bias[size_t(c)];
        }
        roundMany(y, y, size_t(n) * size_t(u));
        return;
    }
    if (m_accumulateInFormat) {
        for (int i = 0; i < n; ++i)
            convInFormat(s.f0.data() + int64_t(i) * m_g.inSize, s.f1, out.sample(i));
        return;
    }
    // float32 accumulation: the columns of a block of samples, one ordered GEMM per group
    // and block (the chain of every element is the same whatever the block), then the bias
    // and one batch of roundings. Maps of fewer than 64 pixels are batched over samples,
    // as Conv2d batches them, to give the GEMM enough columns.
    const int64_t p = m_g.pixels;
    const int fg = m_g.outputsPerGroup();
    const int64_t rows = int64_t(m_g.groups) * k;
    const int block = m_g.sampleBlock(n);
    const int64_t ld = (int64_t(block) * p + 15) / 16 * 16;
    s.f1.resize(size_t(rows * ld));
    if (block > 1)
        s.f2.resize(size_t(m_g.outSize()) * size_t(block));
    for (int n0 = 0; n0 < n; n0 += block) {
        const int count = std::min(block, n - n0);
        const int64_t cols = int64_t(count) * p;
        im2colSamples(m_g, s.f0.data() + int64_t(n0) * m_g.inSize, count, s.f1.data(), ld, s.ws.c);
        // [outputs, cols]: the output sample itself for one sample, else a block to scatter.
        float *y = block == 1 ? out.sample(n0) : s.f2.data();
        for (int g = 0; g < m_g.groups; ++g) {
            const int c0 = g * fg;
            orderedGemm(fg, cols, k, m_weights.data() + int64_t(c0) * k, k,
                        s.f1.data() + int64_t(g) * k * ld, ld, y + int64_t(c0) * cols, cols);
        }
        for (int i = 0; i < count; ++i) {
            float *dst = out.sample(n0 + i);
            for (int c = 0; c < m_g.outputs; ++c) {
                const float *src = y + int64_t(c) * cols + int64_t(i) * p;
                const float b = m_bias[size_t(c)];
                for (int64_t j = 0; j < p; ++j)
                    dst[int64_t(c) * p + j] = src[j] + b;
            }
        }
        roundMany(out.sample(n0), out.sample(n0), size_t(count) * size_t(m_g.outSize()));
    }
}

void MinifloatKernel::forwardNaive(const model::Tensor &in, model::Tensor &out, int64_t) const
{
    const int fg = m_g.outputsPerGroup();
    const int64_t k = m_g.k;
    for (int i = 0; i < in.n; ++i) {
        const float *x = in.sample(i);
        float *y = out.sample(i);
        for (int c = 0; c < m_g.outputs; ++c) {
            const int g = c / fg;
            for (int64_t p = 0; p < m_g.pixels; ++p) {
                float acc = 0.0f;
                for (int64_t j = 0; j < k; ++j) {
                    const int64_t at = inputIndex(m_g, g, j, p);
                    const float xr = at < 0 ? 0.0f : roundValue(x[at]);
                    const float w = m_weights[size_t(c * k + j)];
                    if (m_accumulateInFormat) {
                        const float prod = m_format.roundDouble(double(xr) * double(w));
                        acc = m_format.roundDouble(double(acc) + double(prod));
                    } else {
                        acc = dmath::fma(xr, w, acc);
                    }
                }
                y[int64_t(c) * m_g.pixels + p] = addBias(acc, c);
            }
        }
    }
}

} // namespace frontier::numeric

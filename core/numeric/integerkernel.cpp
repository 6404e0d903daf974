#include "integerkernel.h"

#include "saturatinggemm.h"

#include "common/cpu.h"
#include "common/error.h"
#include "common/random.h"

#include "model/layers/eigen.h"

#include <algorithm>
#include <cmath>

namespace frontier::numeric {

namespace {

using RowMatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixMapD = Eigen::Map<RowMatrixD>;
using ConstMatrixMapD = Eigen::Map<const RowMatrixD>;

constexpr double kFloatExact = 16777216.0;          // 2^24
constexpr double kDoubleExact = 9007199254740992.0; // 2^53

} // namespace

IntegerKernel::IntegerKernel(const KernelSetup &setup)
    : WeightedKernel(WeightedGeometry::of(*setup.layer, setup.input))
    , m_name(setup.format.name)
    , m_quantizeOutput(setup.quantizeOutput)
    , m_acc(Accumulator::ofBits(setup.format.accumulatorBits))
{
    const FormatSpec &f = setup.format;
    const model::Layer &layer = *setup.layer;
    const bool fixed = f.kind == FormatSpec::Kind::FixedPoint;
    const std::vector<float> &w = layer.param("weight")->value;
    const std::vector<float> &b = layer.param("bias")->value;
    for (float v : w) {
        if (!std::isfinite(v))
            throw Error(layer.where(), "has non-finite weights; cannot quantize to " + f.name);
    }
    const LayerCalibration &cal = setup.calibration;
    if (fixed) {
        m_in = fixedPointParams(f.activationBits, f.fractionBits);
        m_out = m_in;
    } else {
        for (const Range &r : {cal.input, cal.output}) {
            if (!std::isfinite(r.min) || !std::isfinite(r.max) || r.min > r.max)
                throw Error(layer.where(), "has a bad calibration range");
        }
        m_in = activationParams(cal.input.min, cal.input.max, f.activationBits,
                                f.symmetricActivations);
        m_out = activationParams(cal.output.min, cal.output.max, f.activationBits,
                                 f.symmetricActivations);
    }

    // Weight parameters per channel (or one for the tensor), then the codes.
    const int outputs = m_g.outputs;
    const int64_t k = m_g.k;
    float tensorMax = 0.0f;
    for (float v : w)
        tensorMax = std::max(tensorMax, std::fabs(v));
    m_w.resize(size_t(outputs));
    for (int c = 0; c < outputs; ++c) {
        if (fixed) {
            m_w[size_t(c)] = fixedPointParams(f.weightBits, f.fractionBits);
            continue;
        }
        float channelMax = 0.0f;
        for (int64_t i = 0; i < k; ++i)
            channelMax = std::max(channelMax, std::fabs(w[size_t(c * k + i)]));
        m_w[size_t(c)]
            = numeric::weightParams(f.perChannelWeights ? channelMax : tensorMax, f.weightBits);
    }
    Random rng = Random(f.seed).split(setup.streamId);
    m_codes.resize(w.size());
    for (int c = 0; c < outputs; ++c) {
        for (int64_t i = 0; i < k; ++i) {
            const size_t at = size_t(c * k + i);
            m_codes[at] = f.stochasticRounding
                              ? quantizeStochastic(w[at], m_w[size_t(c)], rng.uniformF())
                              : quantize(w[at], m_w[size_t(c)]);
        }
    }
    m_codesF.assign(m_codes.begin(), m_codes.end());
    if (!m_g.conv)
        m_packed = packWeights(m_codesF.data(), outputs, int(k));

    // Bias, output scale and the bound on every partial sum.
    const double a = double(std::max(m_in.zeroPoint - m_in.qmin, m_in.qmax - m_in.zeroPoint));
    m_bias.resize(size_t(outputs));
    m_scale.resize(size_t(outputs));
    for (int c = 0; c < outputs; ++c) {
        m_scale[size_t(c)] = m_in.scale * m_w[size_t(c)].scale;
        m_bias[size_t(c)] = quantizeBias(b[size_t(c)], m_scale[size_t(c)]);
        double sum = 0;
        for (int64_t i = 0; i < k; ++i)
            sum += std::fabs(double(m_codes[size_t(c * k + i)]));
        m_bound = std::max(m_bound, std::fabs(double(m_bias[size_t(c)])) + a * sum);
    }
    m_biasF.assign(m_bias.begin(), m_bias.end());

    const bool canSaturate = m_bound > double(m_acc.hi);
    if (!canSaturate && m_bound <= kFloatExact) {
        m_path = Path::Float32;
    } else if (!canSaturate && m_bound <= kDoubleExact) {
        m_path = Path::Float64;
        m_codesD.assign(m_codes.begin(), m_codes.end());
    } else {
        m_path = Path::Saturating;
    }
    // The integer GEMM's chains start from the bias (saturated: it may lie outside a
    // narrow accumulator).
    for (int c = 0; c < outputs; ++c)
        m_start.push_back(m_acc.saturate(m_bias[size_t(c)]));
    // Exact sums below 2^31 of codes that fit in 16 bits: int16 pairs (saturatinggemm.h).
    // (Input codes q - zp span [qmin - zp, qmax - zp]; padding is 0.)
    if (m_path == Path::Float64 && m_bound < 2147483648.0 && m_in.qmin - m_in.zeroPoint >= -32768
        && m_in.qmax - m_in.zeroPoint <= 32767) {
        const auto [lowest, highest] = std::minmax_element(m_codes.begin(), m_codes.end());
        if (*lowest >= -32768 && *highest <= 32767) {
            m_codePairs.resize(size_t(outputs * pairCount(k)));
            pairs16(m_codes.data(), outputs, k, m_codePairs.data());
        }
    }

    // The VNNI int8 path for dense layers (see the header).
    if (m_path != Path::Saturating && Int8Weights::available() && f.activationBits <= 8
        && f.weightBits <= 8) {
        double worst = 0;
        const double top = double(m_in.qmax - m_in.qmin);
        for (int c = 0; c < outputs; ++c) {
            double sum = 0;
            for (int64_t i = 0; i < k; ++i)
                sum += std::fabs(double(m_codes[size_t(c * k + i)]));
            worst = std::max(worst, top * sum);
        }
        if (worst < 2147483648.0) {
            m_vnni = true;
            if (m_g.conv) {
                const int64_t padded = (k + 3) / 4 * 4;
                m_int8Rows.assign(size_t(outputs * padded), 0);
                for (int c = 0; c < outputs; ++c) {
                    for (int64_t i = 0; i < k; ++i)
                        m_int8Rows[size_t(c * padded + i)] = int8_t(m_codes[size_t(c * k + i)]);
                }
            } else {
                m_int8 = Int8Weights(m_codes.data(), outputs, int(k));
            }
            for (int c = 0; c < outputs; ++c) {
                int64_t sum = 0;
                for (int64_t i = 0; i < k; ++i)
                    sum += m_codes[size_t(c * k + i)];
                m_offset.push_back(int64_t(m_in.qmin - m_in.zeroPoint) * sum + m_bias[size_t(c)]);
            }
        }
    }
}

std::string IntegerKernel::describe() const
{
    const char *path = m_vnni                    ? "int8 VNNI GEMM, exact"
                       : m_path == Path::Float32 ? "float32 GEMM, exact"
                       : m_path == Path::Float64 ? "int16/int64/float64 GEMM, exact"
                                                 : "int64 GEMM, saturating";
    return m_name + ": " + path + " (partial sums <= " + std::to_string((long long)m_bound) + ")";
}

float IntegerKernel::finish(double acc, int channel) const
{
    const float y = float(acc) * m_scale[size_t(channel)];
    return m_quantizeOutput ? fakeQuantize(y, m_out) : y;
}

// In place on exact float32 sums without bias: y = (acc + bias) * scale, then the output
// fake-quantization. Rows are samples (dense: column j is channel c0 + j) or channels
// (conv: row r is channel c0 + r).
void IntegerKernel::finishRows(float *y, int rows, int64_t cols, int c0, bool perRowChannel) const
{
    for (int r = 0; r < rows; ++r) {
        float *row = y + r * cols;
        if (perRowChannel) {
            const float b = m_biasF[size_t(c0 + r)];
            const float s = m_scale[size_t(c0 + r)];
            for (int64_t j = 0; j < cols; ++j)
                row[j] = (row[j] + b) * s;
        } else {
            const float *b = m_biasF.data() + c0;
            const float *s = m_scale.data() + c0;
            for (int64_t j = 0; j < cols; ++j)
                row[j] = (row[j] + b[j]) * s[j];
        }
        if (m_quantizeOutput) {
            quantizeCodes(row, cols, m_out, row);
            for (int64_t j = 0; j < cols; ++j)
                row[j] = row[j] * m_out.scale;
        }
    }
}

// Rows c0..c1 of codes times b [k, cols] (int32 codes, leading dimension ldb) as integers,
// from the bias: the clamping chains of Path::Saturating, else the exact sums (int16 pairs
// where they fit); acc [c1 - c0, cols].
void IntegerKernel::integerRows(const int32_t *b, int64_t cols, int64_t ldb, int c0, int c1,
                                int64_t *acc, KernelScratch &s) const
{
    const int64_t k = m_g.k;
    if (!m_codePairs.empty() && pairsAvailable()) {
        const int64_t kp = pairCount(k);
        s.i1.resize(size_t(kp * cols));
        packPairs16(b, k, cols, ldb, s.i1.data());
        pairGemm(c1 - c0, cols, kp, m_codePairs.data() + int64_t(c0) * kp, s.i1.data(),
                 m_start.data() + c0, acc, cols);
        return;
    }
    // Without saturation (Path::Float64 on the vector paths) the chains need no clamps.
    const bool clamps = m_path == Path::Saturating;
    saturatingGemm(c1 - c0, cols, k, m_codes.data() + int64_t(c0) * k, b, ldb, m_start.data() + c0,
                   clamps ? m_acc.lo : INT64_MIN, clamps ? m_acc.hi : INT64_MAX, acc, cols);
}

// Path::Float64 through the int64 GEMM rather than Eigen's float64 one: the same exact
// sums, faster with the vector paths' 64-bit integer lanes; the portable path keeps Eigen.
bool IntegerKernel::integerSums() const
{
    return m_path == Path::Saturating || cpu::activeIsa() != cpu::Isa::Portable;
}

void IntegerKernel::vnniDense(const float *xq, int n, float *out, KernelScratch &s) const
{
    const int u = m_g.outputs;
    const int64_t k = m_g.k;
    const int64_t lda = m_int8.paddedK();
    const int shift = m_in.zeroPoint - m_in.qmin; // q - zp -> q - qmin
    s.u0.assign(size_t(int64_t(n) * lda), 0);
    for (int i = 0; i < n; ++i) {
        const float *row = xq + int64_t(i) * k;
        uint8_t *dst = s.u0.data() + int64_t(i) * lda;
        for (int64_t j = 0; j < k; ++j)
            dst[j] = uint8_t(int(row[j]) + shift);
    }
    s.i0.resize(size_t(int64_t(n) * u));
    m_int8.multiply(n, s.u0.data(), s.i0.data(), u);
    for (int i = 0; i < n; ++i) {
        const int32_t *acc = s.i0.data() + int64_t(i) * u;
        float *y = out + int64_t(i) * u;
        for (int c = 0; c < u; ++c)
            y[c] = float(int64_t(acc[c]) + m_offset[size_t(c)]) * m_scale[size_t(c)];
        if (m_quantizeOutput) {
            quantizeCodes(y, u, m_out, y);
            for (int c = 0; c < u; ++c)
                y[c] = y[c] * m_out.scale;
        }
    }
}

void IntegerKernel::gemmDense(const float *xq, int n, float *out, KernelScratch &s) const
{
    if (m_vnni) {
        vnniDense(xq, n, out, s);
        return;
    }
    const int u = m_g.outputs;
    const int64_t k = m_g.k;
    if (m_path == Path::Float32) {
        orderedGemmPacked(n, xq, k, m_packed, out, u);
        finishRows(out, n, u, 0, false);
    } else if (!integerSums()) {
        s.d0.assign(xq, xq + int64_t(n) * k);
        s.d1.resize(size_t(int64_t(n) * u));
        const ConstMatrixMapD x(s.d0.data(), n, k);
        const ConstMatrixMapD w(m_codesD.data(), u, k);
        MatrixMapD y(s.d1.data(), n, u);
        y.noalias() = x * w.transpose();
        for (int i = 0; i < n; ++i) {
            for (int c = 0; c < u; ++c)
                out[int64_t(i) * u + c]
                    = finish(s.d1[size_t(int64_t(i) * u + c)] + double(m_bias[size_t(c)]), c);
        }
    } else {
        s.i0.resize(size_t(k * n)); // transposed codes [k, n]
        for (int i = 0; i < n; ++i) {
            for (int64_t j = 0; j < k; ++j)
                s.i0[size_t(j * n + i)] = int32_t(xq[int64_t(i) * k + j]);
        }
        s.l0.resize(size_t(int64_t(u) * n));
        integerRows(s.i0.data(), n, n, 0, u, s.l0.data(), s);
        for (int i = 0; i < n; ++i) {
            for (int c = 0; c < u; ++c)
                out[int64_t(i) * u + c] = finish(double(s.l0[size_t(int64_t(c) * n + i)]), c);
        }
    }
}

// One sample through the VNNI int8 GEMM, group by group.
void IntegerKernel::vnniConvSample(const float *xq, float *out, KernelScratch &s) const
{
    const int64_t p = m_g.pixels;
    const int64_t k = m_g.k;
    const int fg = m_g.outputsPerGroup();
    s.f1.resize(size_t(4 * p));
    for (int g = 0; g < m_g.groups; ++g) {
        float *y = out + int64_t(g) * fg * p;
        const int c0 = g * fg;
        // im2col four rows at a time straight into the packed u8 columns; padding
        // (code 0 relative to zp) becomes zp - qmin like every other input.
        s.columns.reset(int(k), p);
        for (int64_t r = 0; r < k; r += 4) {
            const int count = int(std::min<int64_t>(4, k - r));
            im2colRows(m_g, g, xq, s.f1.data(), 0.0f, r, r + count);
            s.columns.packRows(int(r / 4), s.f1.data(), count, m_in.zeroPoint - m_in.qmin);
        }
        s.i0.resize(size_t(fg * p));
        const int64_t padded = (k + 3) / 4 * 4;
        s.columns.multiply(fg, m_int8Rows.data() + int64_t(c0) * padded, s.i0.data(), p);
        for (int f = 0; f < fg; ++f) {
            const int64_t offset = m_offset[size_t(c0 + f)];
            const float scale = m_scale[size_t(c0 + f)];
            float *row = y + int64_t(f) * p;
            const int32_t *acc = s.i0.data() + int64_t(f) * p;
            for (int64_t j = 0; j < p; ++j)
                row[j] = float(int64_t(acc[j]) + offset) * scale;
            if (m_quantizeOutput) {
                quantizeCodes(row, p, m_out, row);
                for (int64_t j = 0; j < p; ++j)
                    row[j] = row[j] * m_out.scale;
            }
        }
    }
}

// `count` consecutive samples: their columns (im2colSamples), one GEMM per group over all
// of them, the output finished per channel, then scattered back to NCHW when count > 1.
void IntegerKernel::gemmConvBlock(const float *xq, int count, float *out, KernelScratch &s) const
{
    const int64_t p = m_g.pixels;
    const int64_t k = m_g.k;
    const int fg = m_g.outputsPerGroup();
    const int64_t cols = int64_t(count) * p;
    const int64_t ld = (cols + 15) / 16 * 16;
    const int64_t rows = int64_t(m_g.groups) * k;
    s.f1.resize(size_t(rows * ld));
    im2colSamples(m_g, xq, count, s.f1.data(), ld, s.ws.c);
    float *y = out; // [outputs, cols]
    if (count > 1) {
        s.f2.resize(size_t(m_g.outSize()) * size_t(count));
        y = s.f2.data();
    }
    if (m_path == Path::Float32) {
        for (int g = 0; g < m_g.groups; ++g) {
            const int c0 = g * fg;
            orderedGemm(fg, cols, k, m_codesF.data() + int64_t(c0) * k, k,
                        s.f1.data() + int64_t(g) * k * ld, ld, y + int64_t(c0) * cols, cols);
            finishRows(y + int64_t(c0) * cols, fg, cols, c0, true);
        }
    } else if (!integerSums()) {
        s.d0.assign(s.f1.begin(), s.f1.end());
        s.d1.resize(size_t(int64_t(fg) * cols));
        for (int g = 0; g < m_g.groups; ++g) {
            const int c0 = g * fg;
            const ConstMatrixMapD w(m_codesD.data() + int64_t(c0) * k, fg, k);
            const Eigen::Map<const RowMatrixD, 0, Eigen::OuterStride<>> col(
                s.d0.data() + int64_t(g) * k * ld, k, cols, Eigen::OuterStride<>(ld));
            MatrixMapD ym(s.d1.data(), fg, cols);
            ym.noalias() = w * col;
            for (int f = 0; f < fg; ++f) {
                for (int64_t j = 0; j < cols; ++j)
                    y[(c0 + f) * cols + j] = finish(
                        s.d1[size_t(f * cols + j)] + double(m_bias[size_t(c0 + f)]), c0 + f);
            }
        }
    } else {
        // The codes as int32, only the columns the block has (the rest of ld is stale).
        s.i0.resize(size_t(rows * ld));
        for (int64_t r = 0; r < rows; ++r) {
            const float *src = s.f1.data() + r * ld;
            int32_t *dst = s.i0.data() + r * ld;
            for (int64_t j = 0; j < cols; ++j)
                dst[j] = int32_t(src[j]);
        }
        s.l0.resize(size_t(int64_t(fg) * cols));
        for (int g = 0; g < m_g.groups; ++g) {
            const int c0 = g * fg;
            integerRows(s.i0.data() + int64_t(g) * k * ld, cols, ld, c0, c0 + fg, s.l0.data(), s);
            for (int f = 0; f < fg; ++f) {
                for (int64_t j = 0; j < cols; ++j)
                    y[(c0 + f) * cols + j] = finish(double(s.l0[size_t(f * cols + j)]), c0 + f);
            }
        }
    }
    if (count == 1)
        return;
    const int64_t outSize = m_g.outSize();
    for (int i = 0; i < count; ++i) {
        for (int c = 0; c < m_g.outputs; ++c)
            std::copy_n(y + c * cols + i * p, p, out + i * outSize + c * p);
    }
}

void IntegerKernel::forward(const model::Tensor &in, model::Tensor &out, KernelScratch &s,
                            int64_t) const
{
    const int n = in.n;
    const int64_t total = int64_t(n) * m_g.inSize;
    s.f0.resize(size_t(total));
    quantizeCodes(in.data.data(), total, m_in, s.f0.data());
    if (!m_g.conv) {
        gemmDense(s.f0.data(), n, out.data.data(), s);
        return;
    }
    if (m_vnni) {
        for (int i = 0; i < n; ++i)
            vnniConvSample(s.f0.data() + int64_t(i) * m_g.inSize, out.sample(i), s);
        return;
    }
    const int block = m_g.sampleBlock(n);
    for (int n0 = 0; n0 < n; n0 += block) {
        const int count = std::min(block, n - n0);
        gemmConvBlock(s.f0.data() + int64_t(n0) * m_g.inSize, count, out.sample(n0), s);
    }
}

void IntegerKernel::forwardNaive(const model::Tensor &in, model::Tensor &out, int64_t) const
{
    const int fg = m_g.outputsPerGroup();
    for (int i = 0; i < in.n; ++i) {
        const float *x = in.sample(i);
        float *y = out.sample(i);
        for (int c = 0; c < m_g.outputs; ++c) {
            const int g = c / fg;
            for (int64_t p = 0; p < m_g.pixels; ++p) {
                int64_t acc = m_acc.saturate(m_bias[size_t(c)]);
                for (int64_t j = 0; j < m_g.k; ++j) {
                    const int64_t at = inputIndex(m_g, g, j, p);
                    const int64_t xq = at < 0 ? 0 : quantize(x[at], m_in) - m_in.zeroPoint;
                    acc = m_acc.add(acc, xq * m_codes[size_t(c * m_g.k + j)]);
                }
                y[int64_t(c) * m_g.pixels + p] = finish(double(acc), c);
            }
        }
    }
}

} // namespace frontier::numeric

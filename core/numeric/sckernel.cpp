#include "sckernel.h"

#include "common/detmath.h"
#include "common/error.h"
#include "common/random.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace frontier::numeric {

// Implementation notes. Bit-level forward(): the block's input streams are generated per
// sample (inSize * words words each); a dense layer is one xorPopcount() of up to
// kSampleTile samples against all weight streams; a conv layer gathers the streams of
// kPixelTile output pixels into columns (zero words for padding, corrected with
// m_padOnes: a zero word disagrees with exactly the ones of the weight stream, and every
// stream of level c has exactly c ones) and counts against the group's filters.

namespace {

constexpr int kSampleTile = 16;
constexpr int64_t kPixelTile = 32;
constexpr double kMaxWeightStreamBytes = 1024.0 * 1024.0 * 1024.0;

float maxAbsScale(float m)
{
    return m > 0.0f && std::isfinite(m) ? m : 1.0f;
}

} // namespace

ScKernel::ScKernel(const KernelSetup &setup)
    : WeightedKernel(WeightedGeometry::of(*setup.layer, setup.input))
    , m_name(setup.format.name)
    , m_k(setup.format.scBits)
    , m_length(int64_t(1) << setup.format.scBits)
    , m_words(streamWords(setup.format.scBits))
    , m_statistical(setup.format.statistical)
    , m_seed(setup.format.seed)
    , m_layerId(setup.streamId)
    , m_xSource(setup.format.scBits, 0, setup.format.lowDiscrepancy)
    , m_wSource(setup.format.scBits, 1, setup.format.lowDiscrepancy)
{
    const model::Layer &layer = *setup.layer;
    const std::vector<float> &w = layer.param("weight")->value;
    float wmax = 0.0f;
    for (float v : w) {
        if (!std::isfinite(v))
            throw Error(layer.where(), "has non-finite weights; cannot encode as " + m_name);
        wmax = std::max(wmax, std::fabs(v));
    }
    const Range &in = setup.calibration.input;
    if (!std::isfinite(in.min) || !std::isfinite(in.max))
        throw Error(layer.where(), "has a bad calibration range");
    m_weightScale = maxAbsScale(wmax);
    m_inScale = maxAbsScale(std::max(std::fabs(in.min), std::fabs(in.max)));
    m_outScale = (m_inScale * m_weightScale) * std::ldexp(1.0f, -m_k);
    m_bias = layer.param("bias")->value;

    m_wLevels.resize(w.size());
    for (size_t i = 0; i < w.size(); ++i)
        m_wLevels[i] = bipolarLevel(double(w[i]) / double(m_weightScale), m_k);
    if (m_statistical)
        return;
    const double bytes = double(w.size()) * m_words * 8.0;
    if (bytes > kMaxWeightStreamBytes)
        throw Error(layer.where(), m_name + " needs " + std::to_string(int64_t(bytes / 1048576))
                                       + " MiB of weight streams (limit 1024 MiB); use a "
                                         "smaller k or :stat");
    m_wStreams.resize(w.size() * size_t(m_words));
    for (size_t i = 0; i < w.size(); ++i)
        m_wSource.generate(offset(1, int64_t(i)), m_wLevels[i], m_wStreams.data() + i * m_words);

    if (m_g.conv) {
        m_validTerms.assign(size_t(m_g.pixels), 0);
        m_padOnes.assign(size_t(m_g.outputs * m_g.pixels), 0);
        for (int64_t p = 0; p < m_g.pixels; ++p) {
            for (int64_t j = 0; j < m_g.k; ++j) {
                const bool padded = inputIndex(m_g, 0, j, p) < 0;
                if (!padded)
                    ++m_validTerms[size_t(p)];
                for (int c = 0; padded && c < m_g.outputs; ++c)
                    m_padOnes[size_t(c * m_g.pixels + p)] += m_wLevels[size_t(c * m_g.k + j)];
            }
        }
    }
}

std::string ScKernel::describe() const
{
    return m_name
           + (m_statistical
                  ? ": statistical (independent Bernoulli streams)"
                  : ": bit-level, " + std::to_string(m_length) + "-bit streams, XNOR + popcount");
}

uint32_t ScKernel::offset(int role, int64_t index) const
{
    uint64_t state = m_seed ^ (m_layerId * 0x9E3779B97F4A7C15ull) ^ (uint64_t(role) << 62);
    state += uint64_t(index) * 0xD1B54A32D192ED03ull;
    return uint32_t(splitMix64(state) & uint64_t(m_length - 1));
}

void ScKernel::encodeSample(const float *x, uint64_t *streams) const
{
    for (int64_t j = 0; j < m_g.inSize; ++j) {
        const uint32_t level = bipolarLevel(double(x[j]) / double(m_inScale), m_k);
        m_xSource.generate(offset(0, j), level, streams + j * m_words);
    }
}

float ScKernel::output(int64_t sum, int channel) const
{
    return dmath::fma(float(sum), m_outScale, m_bias[size_t(channel)]);
}

void ScKernel::statistical(const float *x, float *y, int64_t sample) const
{
    // Bipolar levels of the inputs, then per group the columns [k, pixels] (NaN marks
    // padding, which contributes nothing), and per output the mean and variance of the
    // counter in float64, summed in ascending k (pixels vectorise).
    const double length = double(m_length);
    std::vector<double> vx(static_cast<size_t>(m_g.inSize));
    for (int64_t j = 0; j < m_g.inSize; ++j)
        vx[size_t(j)] = 2.0 * bipolarLevel(double(x[j]) / double(m_inScale), m_k) / length - 1.0;
    const int64_t p = m_g.pixels;
    const int fg = m_g.outputsPerGroup();
    std::vector<double> col(static_cast<size_t>(m_g.k * p));
    std::vector<double> mean(static_cast<size_t>(p)), variance(static_cast<size_t>(p));
    for (int g = 0; g < m_g.groups; ++g) {
        if (m_g.conv)
            im2col(m_g, g, vx.data(), col.data(), std::numeric_limits<double>::quiet_NaN());
        else
            col = vx;
        for (int c = g * fg; c < (g + 1) * fg; ++c) {
            std::fill(mean.begin(), mean.end(), 0.0);
            std::fill(variance.begin(), variance.end(), 0.0);
            for (int64_t j = 0; j < m_g.k; ++j) {
                const double vw = 2.0 * m_wLevels[size_t(c * m_g.k + j)] / length - 1.0;
                const double *row = col.data() + j * p;
                for (int64_t q = 0; q < p; ++q) {
                    const double v = row[q] * vw;
                    if (v == v) { // not padding
                        mean[size_t(q)] += v;
                        variance[size_t(q)] += 1.0 - v * v;
                    }
                }
            }
            for (int64_t q = 0; q < p; ++q) {
                uint64_t state = m_seed ^ (m_layerId * 0x9E3779B97F4A7C15ull);
                state += uint64_t(sample) * 0xD1B54A32D192ED03ull
                         + uint64_t(c * p + q) * 0x8CB92BA72F3D8DD7ull;
                Random rng(splitMix64(state));
                const double sum
                    = mean[size_t(q)] + std::sqrt(variance[size_t(q)] / length) * rng.normal();
                y[int64_t(c) * p + q]
                    = dmath::fma(float(sum * length), m_outScale, m_bias[size_t(c)]);
            }
        }
    }
}

void ScKernel::bitLevelDense(const model::Tensor &in, model::Tensor &out, KernelScratch &s) const
{
    const int64_t rowWords = m_g.k * m_words;
    const int u = m_g.outputs;
    for (int i0 = 0; i0 < in.n; i0 += kSampleTile) {
        const int rows = std::min(kSampleTile, in.n - i0);
        s.w0.resize(size_t(rows * rowWords));
        for (int r = 0; r < rows; ++r)
            encodeSample(in.sample(i0 + r), s.w0.data() + r * rowWords);
        s.l0.resize(size_t(rows * u));
        xorPopcount(rows, u, rowWords, s.w0.data(), rowWords, m_wStreams.data(), rowWords,
                    s.l0.data(), u);
        for (int r = 0; r < rows; ++r) {
            float *y = out.sample(i0 + r);
            for (int c = 0; c < u; ++c)
                y[c] = output(m_g.k * m_length - 2 * s.l0[size_t(r * u + c)], c);
        }
    }
}

void ScKernel::bitLevelConv(const model::Tensor &in, model::Tensor &out, KernelScratch &s) const
{
    const int fg = m_g.outputsPerGroup();
    const int64_t colWords = m_g.k * m_words;
    s.w0.resize(size_t(m_g.inSize * m_words));
    s.w1.resize(size_t(kPixelTile * colWords));
    s.l0.resize(size_t(kPixelTile * fg));
    for (int i = 0; i < in.n; ++i) {
        encodeSample(in.sample(i), s.w0.data());
        float *y = out.sample(i);
        for (int g = 0; g < m_g.groups; ++g) {
            for (int64_t p0 = 0; p0 < m_g.pixels; p0 += kPixelTile) {
                const int64_t pixels = std::min(kPixelTile, m_g.pixels - p0);
                for (int64_t p = 0; p < pixels; ++p) {
                    uint64_t *col = s.w1.data() + p * colWords;
                    for (int64_t j = 0; j < m_g.k; ++j) {
                        const int64_t at = inputIndex(m_g, g, j, p0 + p);
                        uint64_t *dst = col + j * m_words;
                        if (at < 0)
                            std::fill(dst, dst + m_words, uint64_t(0));
                        else
                            std::copy(s.w0.data() + at * m_words, s.w0.data() + (at + 1) * m_words,
                                      dst);
                    }
                }
                const int c0 = g * fg;
                xorPopcount(pixels, fg, colWords, s.w1.data(), colWords,
                            m_wStreams.data() + int64_t(c0) * colWords, colWords, s.l0.data(), fg);
                for (int64_t p = 0; p < pixels; ++p) {
                    const int64_t pixel = p0 + p;
                    for (int f = 0; f < fg; ++f) {
                        const int c = c0 + f;
                        const int64_t d
                            = s.l0[size_t(p * fg + f)] - m_padOnes[size_t(c * m_g.pixels + pixel)];
                        y[int64_t(c) * m_g.pixels + pixel]
                            = output(m_validTerms[size_t(pixel)] * m_length - 2 * d, c);
                    }
                }
            }
        }
    }
}

void ScKernel::forward(const model::Tensor &in, model::Tensor &out, KernelScratch &s,
                       int64_t firstSample) const
{
    if (m_statistical) {
        for (int i = 0; i < in.n; ++i)
            statistical(in.sample(i), out.sample(i), firstSample + i);
        return;
    }
    if (m_g.conv)
        bitLevelConv(in, out, s);
    else
        bitLevelDense(in, out, s);
}

void ScKernel::forwardNaive(const model::Tensor &in, model::Tensor &out, int64_t firstSample) const
{
    if (m_statistical) {
        for (int i = 0; i < in.n; ++i)
            statistical(in.sample(i), out.sample(i), firstSample + i);
        return;
    }
    std::vector<uint64_t> xs(size_t(m_g.inSize * m_words));
    const int fg = m_g.outputsPerGroup();
    for (int i = 0; i < in.n; ++i) {
        encodeSample(in.sample(i), xs.data());
        float *y = out.sample(i);
        for (int c = 0; c < m_g.outputs; ++c) {
            for (int64_t p = 0; p < m_g.pixels; ++p) {
                int64_t sum = 0;
                for (int64_t j = 0; j < m_g.k; ++j) {
                    const int64_t at = inputIndex(m_g, c / fg, j, p);
                    if (at < 0)
                        continue;
                    const uint64_t *a = xs.data() + at * m_words;
                    const uint64_t *b = m_wStreams.data() + (int64_t(c) * m_g.k + j) * m_words;
                    int64_t disagree = 0;
                    for (int w = 0; w < m_words; ++w)
                        disagree += std::popcount(a[w] ^ b[w]);
                    sum += m_length - 2 * disagree;
                }
                y[int64_t(c) * m_g.pixels + p] = output(sum, c);
            }
        }
    }
}

} // namespace frontier::numeric

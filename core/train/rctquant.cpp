#include "rctquant.h"

#include <algorithm>
#include <cmath>

namespace frontier::train {

int64_t stochasticRound(double t, double u)
{
    const double lower = std::floor(t);
    return int64_t(lower) + (u < t - lower ? 1 : 0);
}

IntegerTensor IntegerTensor::quantize(const float *values, int64_t n, int bits)
{
    IntegerTensor t;
    t.bits = bits;
    float maxAbs = 0.0f;
    for (int64_t i = 0; i < n; ++i)
        maxAbs = std::max(maxAbs, std::fabs(values[i]));
    const int32_t qmax = t.maxCode();
    t.scale = maxAbs > 0.0f ? maxAbs / float(qmax) : 1.0f;
    const float inverse = 1.0f / t.scale;
    t.codes.resize(size_t(n));
    for (int64_t i = 0; i < n; ++i) {
        const float q = std::nearbyint(values[i] * inverse);
        t.codes[size_t(i)] = std::clamp(int32_t(q), -qmax, qmax);
    }
    return t;
}

void IntegerTensor::dequantize(float *out) const
{
    for (size_t i = 0; i < codes.size(); ++i)
        out[i] = float(codes[i]) * scale;
}

double IntegerTensor::applyUpdate(const float *delta, Random &rng)
{
    const int32_t qmax = maxCode();
    const double inverse = 1.0 / double(scale);
    double steps = 0;
    for (size_t i = 0; i < codes.size(); ++i) {
        const double t = double(delta[i]) * inverse;
        steps += std::fabs(t);
        const double u = rng.uniform();
        // Updates beyond the whole code range saturate anyway; clamping t first keeps the
        // integer conversion in range.
        const double bounded = std::clamp(t, -2.0 * qmax, 2.0 * qmax);
        const int64_t q = int64_t(codes[i]) + stochasticRound(bounded, u);
        codes[i] = int32_t(std::clamp<int64_t>(q, -qmax, qmax));
    }
    return steps;
}

void IntegerTensor::addBit()
{
    if (bits >= 16)
        return;
    ++bits;
    scale *= 0.5f;
    for (int32_t &q : codes)
        q *= 2;
}

void IntegerTensor::removeBit(Random &rng)
{
    if (bits <= 2)
        return;
    --bits;
    scale *= 2.0f;
    const int32_t qmax = maxCode();
    for (int32_t &q : codes) {
        const int64_t r = stochasticRound(double(q) * 0.5, rng.uniform());
        q = int32_t(std::clamp<int64_t>(r, -qmax, qmax));
    }
}

int bitwidthChange(double gAvg, int bits, double tMin, double tMax, int minBits, int maxBits)
{
    if (gAvg < tMin && bits < maxBits)
        return +1;
    if (gAvg > tMax && bits > minBits)
        return -1;
    return 0;
}

} // namespace frontier::train

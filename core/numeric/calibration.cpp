#include "calibration.h"

#include "affine.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>

namespace frontier::numeric {

namespace {

Range minMax(const std::vector<float> &values)
{
    Range r{values.front(), values.front()};
    for (float v : values) {
        r.min = std::min(r.min, v);
        r.max = std::max(r.max, v);
    }
    return r;
}

float percentile(std::vector<float> &values, double q)
{
    const size_t index = size_t(std::llround(q * double(values.size() - 1)));
    std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(index), values.end());
    return values[index];
}

Range mseRange(const std::vector<float> &values, int bits, bool symmetric)
{
    const Range full = minMax(values);
    Range best = full;
    double bestError = INFINITY;
    for (int step = 100; step >= 1; --step) {
        const float a = float(step) / 100.0f;
        const Range r{full.min * a, full.max * a};
        const AffineParams p = activationParams(r.min, r.max, bits, symmetric);
        double error = 0;
        for (float v : values) {
            const double d = double(fakeQuantize(v, p)) - double(v);
            error += d * d;
        }
        if (error < bestError) {
            bestError = error;
            best = r;
        }
    }
    return best;
}

} // namespace

Range chooseRange(std::vector<float> &values, const std::string &method, int bits, bool symmetric)
{
    if (values.empty())
        return {};
    for (float v : values) {
        if (!std::isfinite(v))
            throw Error("calibration", "the fp32 model produced a non-finite activation");
    }
    if (method == "minmax")
        return minMax(values);
    if (method == "percentile") {
        const float lo = percentile(values, 0.0001);
        const float hi = percentile(values, 0.9999);
        return {lo, hi};
    }
    if (method == "mse")
        return mseRange(values, bits, symmetric);
    throw Error("calibration", "unknown method '" + method + "' (minmax, percentile or mse)");
}

} // namespace frontier::numeric

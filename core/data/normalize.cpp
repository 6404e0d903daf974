#include "normalize.h"

#include "common/error.h"

#include <charconv>
#include <cmath>
#include <vector>

namespace frontier::data {

namespace {

// "x/<d>" -> d, or 0 when `mode` is not of that form.
double divisor(const std::string &mode)
{
    if (mode.size() < 3 || mode.compare(0, 2, "x/") != 0)
        return 0.0;
    double d = 0.0;
    const char *begin = mode.data() + 2;
    const char *end = mode.data() + mode.size();
    const auto [ptr, ec] = std::from_chars(begin, end, d);
    if (ec != std::errc() || ptr != end || !(d > 0.0) || !std::isfinite(d))
        return 0.0;
    return d;
}

} // namespace

void checkNormalizationMode(const std::string &mode)
{
    if (mode == "none" || mode == "global" || mode == "per-feature" || divisor(mode) > 0.0)
        return;
    throw Error("normalization", "unknown mode '" + mode
                                     + "' (expected none, global, per-feature or x/<divisor> "
                                       "such as x/255)");
}

Normalization fitNormalization(const Dataset &train, const std::string &mode)
{
    checkNormalizationMode(mode);
    if (mode == "none")
        return Normalization::none();
    if (const double d = divisor(mode); d > 0.0)
        return Normalization::global(0.0f, float(1.0 / d));

    const int64_t n = train.size();
    const int64_t features = train.sampleSize();
    if (n == 0 || features == 0)
        throw Error("normalization", "cannot fit '" + mode + "' on an empty training set");
    auto scaleOf = [](double variance) {
        const double sd = std::sqrt(std::max(0.0, variance));
        return sd > 1e-12 ? float(1.0 / sd) : 1.0f;
    };
    if (mode == "global") {
        double sum = 0.0;
        for (float v : train.x)
            sum += v;
        const double mean = sum / double(train.x.size());
        double sq = 0.0;
        for (float v : train.x)
            sq += (double(v) - mean) * (double(v) - mean);
        return Normalization::global(float(mean), scaleOf(sq / double(train.x.size())));
    }
    std::vector<double> mean(size_t(features), 0.0);
    std::vector<double> sq(size_t(features), 0.0);
    for (int64_t i = 0; i < n; ++i) {
        const float *row = train.sample(int(i));
        for (int64_t j = 0; j < features; ++j)
            mean[size_t(j)] += row[j];
    }
    for (double &m : mean)
        m /= double(n);
    for (int64_t i = 0; i < n; ++i) {
        const float *row = train.sample(int(i));
        for (int64_t j = 0; j < features; ++j) {
            const double d = double(row[j]) - mean[size_t(j)];
            sq[size_t(j)] += d * d;
        }
    }
    Normalization out;
    out.kind = Normalization::Kind::PerFeature;
    for (int64_t j = 0; j < features; ++j) {
        out.offset.push_back(float(mean[size_t(j)]));
        out.scale.push_back(scaleOf(sq[size_t(j)] / double(n)));
    }
    return out;
}

void applyNormalization(Dataset &set, const Normalization &n)
{
    n.apply(set.x.data(), set.size(), set.sampleSize());
}

std::string describeNormalization(const std::string &mode)
{
    if (mode == "global")
        return "global standardisation (fitted on train)";
    if (mode == "per-feature")
        return "per-feature standardisation (fitted on train)";
    return mode;
}

} // namespace frontier::data

#include "tieroutputs.h"

#include "common/detmath.h"
#include "common/error.h"

#include <algorithm>
#include <cmath>

namespace frontier::policy {

namespace {

void checkShape(size_t values, int classes, const char *what)
{
    if (classes < 1)
        throw Error(what,
                    "the number of classes must be at least 1, not " + std::to_string(classes));
    if (values % size_t(classes) != 0)
        throw Error(what, std::to_string(values) + " scores is not a multiple of "
                              + std::to_string(classes) + " classes");
}

// The two largest of a row (p1 >= p2); a single output p reads as (1 - p, p).
std::pair<float, float> topTwoOf(const float *row, int k)
{
    if (k == 1) {
        const float p = row[0];
        return {std::max(p, 1.0f - p), std::min(p, 1.0f - p)};
    }
    float p1 = -INFINITY;
    float p2 = -INFINITY;
    for (int c = 0; c < k; ++c) {
        const float v = row[c];
        if (v > p1) {
            p2 = p1;
            p1 = v;
        } else if (v > p2) {
            p2 = v;
        }
    }
    return {p1, p2};
}

} // namespace

int argMax(const float *row, int k)
{
    if (k == 1)
        return row[0] >= 0.5f ? 1 : 0;
    int best = 0;
    for (int c = 1; c < k; ++c) {
        if (row[c] > row[best])
            best = c;
    }
    return best;
}

float marginOf(const float *row, int k)
{
    if (k == 1)
        return std::abs(2.0f * row[0] - 1.0f);
    const auto [p1, p2] = topTwoOf(row, k);
    return p1 - p2;
}

float maxProbabilityOf(const float *row, int k)
{
    return topTwoOf(row, k).first;
}

float entropyConfidenceOf(const float *row, int k)
{
    const int kk = k == 1 ? 2 : k;
    double h = 0;
    for (int c = 0; c < kk; ++c) {
        const double p = k == 1 ? (c == 0 ? 1.0 - double(row[0]) : double(row[0])) : row[c];
        if (p > 0)
            h -= p * dmath::log(p);
    }
    return float(1.0 - h / dmath::log(double(kk)));
}

std::vector<float> softmax(const std::vector<float> &logits, int classes)
{
    checkShape(logits.size(), classes, "softmax");
    std::vector<float> out(logits.size());
    const size_t n = logits.size() / size_t(classes);
    for (size_t i = 0; i < n; ++i) {
        const float *x = logits.data() + i * size_t(classes);
        float *y = out.data() + i * size_t(classes);
        if (classes == 1) {
            y[0] = float(1.0 / (1.0 + dmath::exp(-double(x[0]))));
            continue;
        }
        const float mx = *std::max_element(x, x + classes);
        double sum = 0;
        for (int c = 0; c < classes; ++c)
            sum += dmath::exp(double(x[c] - mx));
        for (int c = 0; c < classes; ++c)
            y[c] = float(dmath::exp(double(x[c] - mx)) / sum);
    }
    return out;
}

TierOutputs TierOutputs::fromScores(std::vector<float> scores, int classes)
{
    checkShape(scores.size(), classes, "tier outputs");
    TierOutputs t;
    t.classes = classes;
    t.scores = std::move(scores);
    const size_t n = t.scores.size() / size_t(classes);
    t.predictions.resize(n);
    t.margins.resize(n);
    for (size_t i = 0; i < n; ++i) {
        const float *row = t.scores.data() + i * size_t(classes);
        t.predictions[i] = argMax(row, classes);
        t.margins[i] = marginOf(row, classes);
    }
    return t;
}

TierOutputs TierOutputs::fromLogits(const std::vector<float> &logits, int classes,
                                    bool marginOnLogits)
{
    TierOutputs t = fromScores(softmax(logits, classes), classes);
    if (marginOnLogits && classes > 1) {
        for (size_t i = 0; i < t.margins.size(); ++i)
            t.margins[i] = marginOf(logits.data() + i * size_t(classes), classes);
    }
    return t;
}

TierOutputs TierOutputs::fromPredictions(std::vector<int> predictions, std::vector<float> margins)
{
    TierOutputs t;
    t.predictions = std::move(predictions);
    t.margins = std::move(margins);
    return t;
}

std::pair<float, float> TierOutputs::topTwo(int i) const
{
    if (!hasScores())
        throw Error("tier outputs", "probabilities are needed but only predictions are cached");
    return topTwoOf(scores.data() + size_t(i) * size_t(classes), classes);
}

std::vector<float> TierOutputs::maxProbabilities() const
{
    if (!hasScores())
        throw Error("tier outputs", "probabilities are needed but only predictions are cached");
    std::vector<float> out(predictions.size());
    for (size_t i = 0; i < out.size(); ++i)
        out[i] = maxProbabilityOf(scores.data() + i * size_t(classes), classes);
    return out;
}

std::vector<float> TierOutputs::entropyConfidences() const
{
    if (!hasScores())
        throw Error("tier outputs", "probabilities are needed but only predictions are cached");
    std::vector<float> out(predictions.size());
    for (size_t i = 0; i < out.size(); ++i)
        out[i] = entropyConfidenceOf(scores.data() + i * size_t(classes), classes);
    return out;
}

void TierOutputs::validate(const std::string &where) const
{
    if (margins.size() != predictions.size())
        throw Error(where, std::to_string(margins.size()) + " margins for "
                               + std::to_string(predictions.size()) + " predictions");
    if (hasScores()) {
        if (classes < 1 || scores.size() != predictions.size() * size_t(classes))
            throw Error(where, std::to_string(scores.size()) + " scores for "
                                   + std::to_string(predictions.size()) + " samples of "
                                   + std::to_string(classes) + " classes");
    }
    for (size_t i = 0; i < predictions.size(); ++i) {
        if (predictions[i] < 0)
            throw Error(where, "negative prediction at sample " + std::to_string(i));
        if (!(margins[i] >= 0) || !std::isfinite(margins[i]))
            throw Error(where,
                        "margin of sample " + std::to_string(i) + " is negative or not finite");
    }
}

} // namespace frontier::policy

#include "tempscale.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace frontier::tempscale {

namespace {

// log p, with p clamped away from 0 (a probability of 0 in float32 is below 1e-45).
double logOf(float p)
{
    return std::log(std::max(double(p), 1e-45));
}

} // namespace

double meanNll(const std::vector<float> &scores, int classes, const std::vector<int> &labels,
               double t)
{
    const size_t n = labels.size();
    double sum = 0;
    for (size_t i = 0; i < n; ++i) {
        const float *p = scores.data() + i * size_t(classes);
        double top = -INFINITY;
        for (int j = 0; j < classes; ++j)
            top = std::max(top, logOf(p[j]) / t);
        double z = 0;
        for (int j = 0; j < classes; ++j)
            z += std::exp(logOf(p[j]) / t - top);
        sum += -(logOf(p[labels[i]]) / t - top - std::log(z));
    }
    return sum / double(n);
}

double fitTemperature(const std::vector<float> &scores, int classes, const std::vector<int> &labels)
{
    if (classes < 2)
        throw std::invalid_argument("needs at least two classes");
    if (labels.empty())
        throw std::invalid_argument("the calibration split is empty");
    if (scores.size() != labels.size() * size_t(classes))
        throw std::invalid_argument(std::to_string(scores.size()) + " scores for "
                                    + std::to_string(labels.size()) + " samples of "
                                    + std::to_string(classes) + " classes");
    for (int y : labels) {
        if (y < 0 || y >= classes)
            throw std::invalid_argument("label " + std::to_string(y) + " outside 0.."
                                        + std::to_string(classes - 1));
    }
    for (float p : scores) {
        if (!std::isfinite(p) || p < 0)
            throw std::invalid_argument("scores must be probabilities (finite, >= 0)");
    }
    // Golden-section search on u = log T (the NLL is unimodal in T for this family).
    const double phi = (std::sqrt(5.0) - 1) / 2;
    double a = std::log(1.0 / 20), b = std::log(20.0);
    double c = b - phi * (b - a), d = a + phi * (b - a);
    double fc = meanNll(scores, classes, labels, std::exp(c));
    double fd = meanNll(scores, classes, labels, std::exp(d));
    for (int step = 0; step < 80; ++step) {
        if (fc <= fd) {
            b = d;
            d = c;
            fd = fc;
            c = b - phi * (b - a);
            fc = meanNll(scores, classes, labels, std::exp(c));
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + phi * (b - a);
            fd = meanNll(scores, classes, labels, std::exp(d));
        }
    }
    return std::exp((a + b) / 2);
}

double scaledMaxProbability(const float *scores, int classes, double t)
{
    double top = -INFINITY;
    for (int j = 0; j < classes; ++j)
        top = std::max(top, logOf(scores[j]) / t);
    double z = 0;
    for (int j = 0; j < classes; ++j)
        z += std::exp(logOf(scores[j]) / t - top);
    return 1.0 / z;
}

} // namespace frontier::tempscale

#pragma once

// Random cached outputs for the policy suites: tiers whose scores are noisy softmax
// distributions that lean towards the label, rounded to multiples of 1/64 so that many
// margins and probabilities tie (the edge cases of the threshold comparisons).

#include "common/random.h"
#include "policy/policies.h"

#include <cmath>
#include <vector>

namespace frontier::test {

inline std::vector<int> randomLabels(Random &r, int n, int classes)
{
    std::vector<int> labels(static_cast<size_t>(n));
    for (int &l : labels)
        l = int(r.below(classes));
    return labels;
}

// skill: how strongly the scores lean towards the label (0 = none).
inline policy::TierOutputs randomTier(Random &r, const std::vector<int> &labels, int classes,
                                      double skill, bool coarse = true)
{
    std::vector<float> scores(labels.size() * size_t(classes));
    for (size_t i = 0; i < labels.size(); ++i) {
        std::vector<double> z(static_cast<size_t>(classes));
        double mx = -1e300;
        for (int c = 0; c < classes; ++c) {
            z[size_t(c)] = 1.5 * r.normal() + (c == labels[i] ? skill : 0.0);
            mx = std::max(mx, z[size_t(c)]);
        }
        double sum = 0;
        for (double &v : z) {
            v = std::exp(v - mx);
            sum += v;
        }
        for (int c = 0; c < classes; ++c) {
            double p = z[size_t(c)] / sum;
            if (coarse)
                p = std::round(p * 64.0) / 64.0;
            scores[i * size_t(classes) + size_t(c)] = float(p);
        }
    }
    return policy::TierOutputs::fromScores(std::move(scores), classes);
}

inline policy::StageCost randomCost(Random &r, bool remote = false)
{
    policy::StageCost c;
    c.deviceEnergy_pj = r.uniform(10.0, 1000.0);
    c.remoteEnergy_pj = remote ? r.uniform(1000.0, 5000.0) : 0.0;
    c.latency_us = r.uniform(1.0, 100.0);
    c.memory_bytes = remote ? 0 : int64_t(r.below(100000));
    return c;
}

} // namespace frontier::test

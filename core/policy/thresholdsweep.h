#pragma once

#include "cascade.h"

#include <cstdint>
#include <vector>

namespace frontier::policy {

struct SweepPoint
{
    double tau = 0;
    Metrics metrics;
};

// The metrics of a cascade as a function of one stage's threshold τ, all other thresholds
// fixed: ARI with two tiers, HI with a scalar decision score, one head of EE, any stage
// of a longer cascade. Construction sorts the confidences of the samples that reach the
// stage and builds prefix sums of their two possible outcomes (stop here, or go on with
// the later stages' fixed thresholds): O(n · stages + n log n). Each at(τ) is then one
// binary search plus O(stages) arithmetic, and equals, to the bit, setting τ on the
// cascade and calling evaluate().
//
// Keeps its own copy of the cascade. Immutable after construction: at() and run() may be
// called concurrently.
class ThresholdSweep
{
public:
    // Throws Error when `stage` is not a stage with a threshold (the last never has one).
    explicit ThresholdSweep(const Cascade &cascade, int stage = 0);

    // Throws Error for a NaN τ.
    Metrics at(double tau) const;
    std::vector<SweepPoint> run(const std::vector<double> &taus) const;

    // Sorted confidences of the samples that reach the stage (for histograms).
    const std::vector<double> &sortedConfidence() const { return m_keys; }

private:
    Cascade m_cascade;
    int m_stage = 0;
    int m_later = 0;             // stages after m_stage
    std::vector<double> m_keys;  // ascending
    std::vector<int64_t> m_base; // answered per stage by samples not reaching m_stage
    int64_t m_baseCorrect = 0;
    int64_t m_baseAgree = 0;
    // Prefix sums over the first k sorted samples (k = 0 .. m), m + 1 entries each.
    std::vector<int32_t> m_goOnStage; // [m_later][m + 1] answered by stage m_stage + 1 + j
    std::vector<int32_t> m_goOnCorrect;
    std::vector<int32_t> m_goOnAgree;
    std::vector<int32_t> m_stopCorrect;
    std::vector<int32_t> m_stopAgree;
};

// One call: ThresholdSweep(cascade, stage).run(taus).
std::vector<SweepPoint> sweep(const Cascade &cascade, const std::vector<double> &taus,
                              int stage = 0);

// count values from lo to hi inclusive, evenly spaced (count = 1: lo). count >= 1.
std::vector<double> tauGrid(double lo, double hi, int count);

} // namespace frontier::policy

#pragma once

#include "metrics.h"

#include <cstdint>
#include <string>
#include <vector>

namespace frontier::policy {

// What running one stage costs for one sample that reaches it, on top of the stages
// before it (costs add up along the cascade). All values finite and >= 0.
struct StageCost
{
    double deviceEnergy_pj = 0; // spent on the device (inference, decision, radio, waiting)
    double remoteEnergy_pj = 0; // spent off the device (the server); in total energy only
    double latency_us = 0;
    int64_t memory_bytes = 0; // resident on the device while the policy is deployed
};

// One stage: the answers it would give and the confidence that lets a sample stop here.
// A sample stops at the first stage s with confidence[s][i] >= threshold[s]; the last
// stage always answers (its confidence and threshold are not used and may be empty).
struct Stage
{
    std::string name;
    std::vector<int> predictions;   // [n]
    std::vector<double> confidence; // [n], e.g. margin, max probability, LR probability
    double threshold = 0;
    StageCost cost;
    bool onDevice = true; // false: an offload stage (its memory is not resident)
};

// Every policy (single, ARI, HI, EE and their combinations) is a cascade of stages over
// cached outputs; see policies.h for the builders. A Cascade is a value: thresholds can
// be changed and the cascade evaluated again in O(n · stages), or swept over many
// thresholds with ThresholdSweep (one sort, then O(log n) per threshold).
//
// Not thread-safe for mutation; const methods may run concurrently.
class Cascade
{
public:
    // The cost of running the full model for every sample, the base of the savings.
    struct Reference
    {
        double deviceEnergy_pj = 0;
        double energy_pj = 0;
        double latency_us = 0;
    };

    // labels: [n]. fullPredictions: [n] the full model's answers, for fidelity; empty =
    // the last stage's predictions. The reference defaults to the last stage's own cost.
    // Throws Error naming the stage for sizes that disagree, negative or non-finite costs,
    // NaN thresholds, negative labels, or no stage at all.
    Cascade(std::vector<Stage> stages, std::vector<int> labels,
            std::vector<int> fullPredictions = {});

    int size() const { return int(m_labels.size()); }
    int stageCount() const { return int(m_stages.size()); }
    const Stage &stage(int s) const { return m_stages[size_t(s)]; }
    const std::vector<int> &labels() const { return m_labels; }
    const std::vector<int> &fullPredictions() const { return m_full; }

    void setThreshold(int stage, double tau);
    std::vector<double> thresholds() const; // one per stage but the last

    void setReference(const Reference &reference) { m_reference = reference; }
    const Reference &reference() const { return m_reference; }

    // Index of the stage that answers sample i, and that for every sample.
    int stopStage(int i) const;
    std::vector<int> stopStages() const;

    Metrics evaluate() const;

    // The metrics of a given outcome: answered[s] samples answered by stage s, `correct`
    // of them equal to the label, `agree` equal to the full model. evaluate() and
    // ThresholdSweep both end here, so they agree to the bit.
    Metrics metricsFromCounts(const std::vector<int64_t> &answered, int64_t correct,
                              int64_t agree) const;

    // Per-sample cost of a sample answered by stage s (prefix sums of the stage costs).
    double cumulativeDeviceEnergy_pj(int s) const { return m_cumDevice[size_t(s)]; }
    double cumulativeEnergy_pj(int s) const { return m_cumTotal[size_t(s)]; }
    double cumulativeLatency_us(int s) const { return m_cumLatency[size_t(s)]; }
    int64_t residentMemory_bytes() const { return m_memory; }

private:
    std::vector<Stage> m_stages;
    std::vector<int> m_labels;
    std::vector<int> m_full;
    std::vector<double> m_cumDevice;
    std::vector<double> m_cumTotal;
    std::vector<double> m_cumLatency;
    int64_t m_memory = 0;
    Reference m_reference;
};

} // namespace frontier::policy

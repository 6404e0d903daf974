#include "cascade.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>

namespace frontier::policy {

namespace {

void checkCost(double v, const std::string &stage, const char *what)
{
    if (!std::isfinite(v) || v < 0)
        throw Error("stage '" + stage + "'",
                    std::string(what) + " must be finite and >= 0, not " + std::to_string(v));
}

// Nearest-rank percentile of the per-sample values cum[s], given how many samples take
// each value; cum is non-decreasing in s (costs are >= 0), so no sort is needed.
double percentile(const std::vector<double> &cum, const std::vector<int64_t> &answered, int64_t n,
                  int percent)
{
    if (n == 0)
        return 0;
    const int64_t rank = (int64_t(percent) * n + 99) / 100; // ceil(percent/100 * n)
    int64_t seen = 0;
    for (size_t s = 0; s < answered.size(); ++s) {
        seen += answered[s];
        if (seen >= rank)
            return cum[s];
    }
    return cum.back();
}

double saving(double value, double reference)
{
    return reference > 0 ? 1.0 - value / reference : 0.0;
}

} // namespace

Cascade::Cascade(std::vector<Stage> stages, std::vector<int> labels,
                 std::vector<int> fullPredictions)
    : m_stages(std::move(stages))
    , m_labels(std::move(labels))
    , m_full(std::move(fullPredictions))
{
    if (m_stages.empty())
        throw Error("policy", "a cascade needs at least one stage");
    const size_t n = m_labels.size();
    for (size_t i = 0; i < n; ++i) {
        if (m_labels[i] < 0)
            throw Error("policy", "negative label at sample " + std::to_string(i));
    }
    double device = 0, total = 0, latency = 0;
    for (size_t s = 0; s < m_stages.size(); ++s) {
        const Stage &st = m_stages[s];
        const std::string where = "stage '" + st.name + "'";
        if (st.predictions.size() != n)
            throw Error(where, std::to_string(st.predictions.size()) + " predictions for "
                                   + std::to_string(n) + " labels");
        const bool last = s + 1 == m_stages.size();
        if (!last && st.confidence.size() != n)
            throw Error(where, std::to_string(st.confidence.size()) + " confidence values for "
                                   + std::to_string(n) + " labels");
        if (!last && std::isnan(st.threshold))
            throw Error(where, "the threshold is not a number");
        checkCost(st.cost.deviceEnergy_pj, st.name, "device energy");
        checkCost(st.cost.remoteEnergy_pj, st.name, "remote energy");
        checkCost(st.cost.latency_us, st.name, "latency");
        if (st.cost.memory_bytes < 0)
            throw Error(where, "memory must be >= 0");
        device += st.cost.deviceEnergy_pj;
        total += st.cost.deviceEnergy_pj + st.cost.remoteEnergy_pj;
        latency += st.cost.latency_us;
        m_cumDevice.push_back(device);
        m_cumTotal.push_back(total);
        m_cumLatency.push_back(latency);
        if (st.onDevice)
            m_memory += st.cost.memory_bytes;
    }
    if (m_full.empty())
        m_full = m_stages.back().predictions;
    if (m_full.size() != n)
        throw Error("policy", std::to_string(m_full.size()) + " full-model predictions for "
                                  + std::to_string(n) + " labels");
    const StageCost &last = m_stages.back().cost;
    m_reference.deviceEnergy_pj = last.deviceEnergy_pj;
    m_reference.energy_pj = last.deviceEnergy_pj + last.remoteEnergy_pj;
    m_reference.latency_us = last.latency_us;
}

void Cascade::setThreshold(int stage, double tau)
{
    if (stage < 0 || stage + 1 >= stageCount())
        throw Error("policy", "stage " + std::to_string(stage) + " has no threshold (stages: "
                                  + std::to_string(stageCount()) + ")");
    if (std::isnan(tau))
        throw Error("stage '" + m_stages[size_t(stage)].name + "'",
                    "the threshold is not a number");
    m_stages[size_t(stage)].threshold = tau;
}

std::vector<double> Cascade::thresholds() const
{
    std::vector<double> out;
    for (size_t s = 0; s + 1 < m_stages.size(); ++s)
        out.push_back(m_stages[s].threshold);
    return out;
}

int Cascade::stopStage(int i) const
{
    const int last = stageCount() - 1;
    for (int s = 0; s < last; ++s) {
        const Stage &st = m_stages[size_t(s)];
        if (st.confidence[size_t(i)] >= st.threshold)
            return s;
    }
    return last;
}

std::vector<int> Cascade::stopStages() const
{
    std::vector<int> out(static_cast<size_t>(size()));
    for (int i = 0; i < size(); ++i)
        out[size_t(i)] = stopStage(i);
    return out;
}

Metrics Cascade::evaluate() const
{
    std::vector<int64_t> answered(m_stages.size(), 0);
    int64_t correct = 0, agree = 0;
    for (int i = 0; i < size(); ++i) {
        const int s = stopStage(i);
        const int p = m_stages[size_t(s)].predictions[size_t(i)];
        ++answered[size_t(s)];
        correct += p == m_labels[size_t(i)];
        agree += p == m_full[size_t(i)];
    }
    return metricsFromCounts(answered, correct, agree);
}

Metrics Cascade::metricsFromCounts(const std::vector<int64_t> &answered, int64_t correct,
                                   int64_t agree) const
{
    Metrics m;
    const int64_t n = size();
    m.samples = n;
    // Shares and means divide by n (correctly rounded, so callers can compare with them).
    const auto share = [n](double count) {
        return n > 0 ? count / double(n) : 0.0;
    };
    m.accuracy = share(double(correct));
    m.fidelity = share(double(agree));
    const size_t stages = m_stages.size();
    m.reached.assign(stages, 0.0);
    m.answered.assign(stages, 0.0);
    // Samples that reached stage s = those answered at s or later.
    int64_t later = 0;
    for (size_t s = stages; s-- > 0;) {
        later += answered[s];
        m.reached[s] = share(double(later));
        m.answered[s] = share(double(answered[s]));
        if (!m_stages[s].onDevice)
            m.offloaded = std::max(m.offloaded, m.reached[s]);
    }
    m.escalated = share(double(n - answered[0]));

    double device = 0, total = 0, latency = 0;
    for (size_t s = 0; s < stages; ++s) {
        const double count = double(answered[s]);
        device += count * m_cumDevice[s];
        total += count * m_cumTotal[s];
        latency += count * m_cumLatency[s];
    }
    m.deviceEnergy_pj = share(device);
    m.energy_pj = share(total);
    m.latency_us = share(latency);
    m.deviceEnergyP95_pj = percentile(m_cumDevice, answered, n, 95);
    m.energyP95_pj = percentile(m_cumTotal, answered, n, 95);
    m.latencyP95_us = percentile(m_cumLatency, answered, n, 95);
    m.memory_bytes = m_memory;
    m.energySaving = saving(m.energy_pj, m_reference.energy_pj);
    m.deviceEnergySaving = saving(m.deviceEnergy_pj, m_reference.deviceEnergy_pj);
    m.latencySaving = saving(m.latency_us, m_reference.latency_us);
    return m;
}

} // namespace frontier::policy

#include "thresholdsweep.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace frontier::policy {

ThresholdSweep::ThresholdSweep(const Cascade &cascade, int stage)
    : m_cascade(cascade)
    , m_stage(stage)
{
    const int stages = cascade.stageCount();
    if (stage < 0 || stage + 1 >= stages)
        throw Error("sweep", "stage " + std::to_string(stage)
                                 + " has no threshold (stages: " + std::to_string(stages) + ")");
    m_later = stages - 1 - stage;
    const int n = cascade.size();
    const std::vector<int> &labels = cascade.labels();
    const std::vector<int> &full = cascade.fullPredictions();

    // Split the samples: those stopped before the stage are fixed; the others reach it.
    m_base.assign(size_t(stages), 0);
    std::vector<int> reaching;
    reaching.reserve(size_t(n));
    for (int i = 0; i < n; ++i) {
        int s = 0;
        for (; s < stage; ++s) {
            const Stage &st = cascade.stage(s);
            if (st.confidence[size_t(i)] >= st.threshold)
                break;
        }
        if (s < stage) {
            const int p = cascade.stage(s).predictions[size_t(i)];
            ++m_base[size_t(s)];
            m_baseCorrect += p == labels[size_t(i)];
            m_baseAgree += p == full[size_t(i)];
        } else {
            reaching.push_back(i);
        }
    }

    // One sort: by confidence, ties by sample index (the order does not change any sum,
    // but a fixed order keeps everything reproducible).
    const std::vector<double> &conf = cascade.stage(stage).confidence;
    std::sort(reaching.begin(), reaching.end(), [&](int a, int b) {
        const double ca = conf[size_t(a)], cb = conf[size_t(b)];
        return ca < cb || (ca == cb && a < b);
    });

    const size_t m = reaching.size();
    m_keys.resize(m);
    m_goOnStage.assign(size_t(m_later) * (m + 1), 0);
    m_goOnCorrect.assign(m + 1, 0);
    m_goOnAgree.assign(m + 1, 0);
    m_stopCorrect.assign(m + 1, 0);
    m_stopAgree.assign(m + 1, 0);
    const std::vector<int> &here = cascade.stage(stage).predictions;
    for (size_t k = 0; k < m; ++k) {
        const int i = reaching[k];
        m_keys[k] = conf[size_t(i)];
        // Where the sample ends if it goes on: the later stages keep their thresholds.
        int s = stage + 1;
        for (; s < stages - 1; ++s) {
            const Stage &st = cascade.stage(s);
            if (st.confidence[size_t(i)] >= st.threshold)
                break;
        }
        const int goOn = cascade.stage(s).predictions[size_t(i)];
        for (int j = 0; j < m_later; ++j) {
            int32_t *row = m_goOnStage.data() + size_t(j) * (m + 1);
            row[k + 1] = row[k] + (s == stage + 1 + j ? 1 : 0);
        }
        m_goOnCorrect[k + 1] = m_goOnCorrect[k] + (goOn == labels[size_t(i)]);
        m_goOnAgree[k + 1] = m_goOnAgree[k] + (goOn == full[size_t(i)]);
        m_stopCorrect[k + 1] = m_stopCorrect[k] + (here[size_t(i)] == labels[size_t(i)]);
        m_stopAgree[k + 1] = m_stopAgree[k] + (here[size_t(i)] == full[size_t(i)]);
    }
}

Metrics ThresholdSweep::at(double tau) const
{
    if (std::isnan(tau))
        throw Error("sweep", "the threshold is not a number");
    const size_t m = m_keys.size();
    // Samples with confidence < τ go on; the rest stop at this stage.
    const size_t k = size_t(std::lower_bound(m_keys.begin(), m_keys.end(), tau) - m_keys.begin());
    std::vector<int64_t> answered = m_base;
    answered[size_t(m_stage)] += int64_t(m - k);
    for (int j = 0; j < m_later; ++j)
        answered[size_t(m_stage + 1 + j)] += m_goOnStage[size_t(j) * (m + 1) + k];
    const int64_t correct
        = m_baseCorrect + m_goOnCorrect[k] + (m_stopCorrect[m] - m_stopCorrect[k]);
    const int64_t agree = m_baseAgree + m_goOnAgree[k] + (m_stopAgree[m] - m_stopAgree[k]);
    return m_cascade.metricsFromCounts(answered, correct, agree);
}

std::vector<SweepPoint> ThresholdSweep::run(const std::vector<double> &taus) const
{
    std::vector<SweepPoint> out;
    out.reserve(taus.size());
    for (double tau : taus)
        out.push_back({tau, at(tau)});
    return out;
}

std::vector<SweepPoint> sweep(const Cascade &cascade, const std::vector<double> &taus, int stage)
{
    return ThresholdSweep(cascade, stage).run(taus);
}

std::vector<double> tauGrid(double lo, double hi, int count)
{
    if (count < 1 || !std::isfinite(lo) || !std::isfinite(hi))
        throw Error("sweep", "a threshold grid needs finite bounds and at least one value");
    std::vector<double> out(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i)
        out[size_t(i)] = count == 1 ? lo : lo + (hi - lo) * double(i) / double(count - 1);
    if (count > 1)
        out.back() = hi;
    return out;
}

} // namespace frontier::policy

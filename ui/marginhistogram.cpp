#include "marginhistogram.h"

#include <algorithm>
#include <cmath>

namespace frontier::ui {

MarginHistogram::MarginHistogram(const policy::Cascade &cascade, int stage, int bins, double lo,
                                 double hi)
    : m_bins(std::max(1, bins))
    , m_lo(lo)
    , m_width((hi - lo) / std::max(1, bins))
    , m_same(size_t(m_bins))
    , m_flip(size_t(m_bins))
{
    const int stages = cascade.stageCount();
    const policy::Stage &here = cascade.stage(stage);
    for (int i = 0; i < cascade.size(); ++i) {
        bool reaches = true;
        for (int s = 0; s < stage && reaches; ++s)
            reaches = cascade.stage(s).confidence[size_t(i)] < cascade.stage(s).threshold;
        if (!reaches)
            continue;
        ++m_reaching;
        int answerStage = stage + 1;
        while (answerStage < stages - 1
               && cascade.stage(answerStage).confidence[size_t(i)]
                      < cascade.stage(answerStage).threshold)
            ++answerStage;
        const bool flips
            = cascade.stage(answerStage).predictions[size_t(i)] != here.predictions[size_t(i)];
        const double c = here.confidence[size_t(i)];
        const int b = std::clamp(int(std::floor((c - m_lo) / m_width)), 0, m_bins - 1);
        (flips ? m_flip : m_same)[size_t(b)].push_back(c);
    }
    for (int b = 0; b < m_bins; ++b) {
        std::sort(m_same[size_t(b)].begin(), m_same[size_t(b)].end());
        std::sort(m_flip[size_t(b)].begin(), m_flip[size_t(b)].end());
    }
}

MarginHistogram::Counts MarginHistogram::at(double tau) const
{
    Counts c;
    c.kept.resize(size_t(m_bins));
    c.escalated.resize(size_t(m_bins));
    c.flipped.resize(size_t(m_bins));
    for (size_t b = 0; b < size_t(m_bins); ++b) {
        const auto below = [tau](const std::vector<double> &v) {
            return int(std::lower_bound(v.begin(), v.end(), tau) - v.begin());
        };
        const int sameBelow = below(m_same[b]);
        const int flipBelow = below(m_flip[b]);
        c.escalated[b] = sameBelow;
        c.flipped[b] = flipBelow;
        c.kept[b] = int(m_same[b].size() + m_flip[b].size()) - sameBelow - flipBelow;
        c.largest = std::max({c.largest, c.kept[b], c.escalated[b], c.flipped[b]});
    }
    return c;
}

} // namespace frontier::ui

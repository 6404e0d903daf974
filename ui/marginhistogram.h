#pragma once

#include "policy/cascade.h"

#include <vector>

namespace frontier::ui {

// The confidence histogram of one stage of a cascade, split by what τ does to each
// sample that reaches the stage:
//   kept       confidence >= τ: the stage answers;
//   escalated  confidence < τ and the later stages (with their current thresholds) give
//              the same answer: escalation cost energy and changed nothing;
//   flipped    confidence < τ and the later stages answer differently.
// Whether a sample would flip does not depend on this stage's τ, so construction sorts
// the confidences into bins once and at(τ) costs O(bins · log n). Bins are equal-width
// over [lo, hi]; values outside fall into the end bins. Value type, immutable.
class MarginHistogram
{
public:
    struct Counts
    {
        std::vector<int> kept;
        std::vector<int> escalated;
        std::vector<int> flipped;
        int largest = 0; // largest bar of any group
    };

    MarginHistogram(const policy::Cascade &cascade, int stage, int bins = 40, double lo = 0.0,
                    double hi = 1.0);

    Counts at(double tau) const;

    int bins() const { return m_bins; }
    double lo() const { return m_lo; }
    double binWidth() const { return m_width; }
    int reaching() const { return m_reaching; }

private:
    int m_bins;
    double m_lo;
    double m_width;
    int m_reaching = 0;
    std::vector<std::vector<double>> m_same; // per bin, sorted confidences
    std::vector<std::vector<double>> m_flip;
};

} // namespace frontier::ui

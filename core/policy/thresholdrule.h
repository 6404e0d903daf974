#pragma once

#include "tieroutputs.h"

#include <string>
#include <vector>

namespace frontier::policy {

// How ARI's margin threshold τ of one reduced tier is chosen (REFERENCE.md §1): always on
// the calibration split, from that tier's margins and predictions and the full model's
// predictions; the cascade is then evaluated on the test split with that τ. A sample
// stops at the reduced tier when its margin >= τ.
//   Value     τ as given
//   M         just above the largest margin among the samples whose reduced and full
//             predictions differ (the next double, so that every such sample escalates,
//             ties included); 0 when there is none
//   PDF q     a shifted exponential fitted to those margins (loc = min, scale = mean - min):
//             just above τ_q = min - (mean - min)·ln(1 - q), capped at 1; 0 when there is none
//   Fidelity  the smallest τ for which the two-tier cascade (this tier, then the full
//             model) agrees with the full model on at least a share x of the calibration
//             samples; fidelity only changes where τ passes a margin, so τ is 0 or the
//             next double above one of the margins
// A value type.
class ThresholdRule
{
public:
    enum class Kind { Value, MaxMismatch, Pdf, Fidelity };

    static ThresholdRule value(double tau);
    static ThresholdRule maxMismatch();
    static ThresholdRule pdf(double q);          // 0 < q < 1
    static ThresholdRule fidelity(double share); // 0 <= share <= 1

    // "0.25", "M", "PDF 0.99" (also "pdf:0.99", "PDF 99%"), "fidelity>=0.99"; case and
    // spaces do not matter. Throws Error("threshold rule", ...) quoting the text.
    static ThresholdRule parse(const std::string &text);
    std::string toString() const; // parse(toString()) gives the same rule

    Kind kind() const { return m_kind; }
    double parameter() const { return m_parameter; }

    // τ from calibration data: the reduced tier's margins and predictions, the full
    // model's predictions, all of one length. Throws Error for sizes that disagree.
    double resolve(const std::vector<float> &margins, const std::vector<int> &reduced,
                   const std::vector<int> &full) const;

private:
    ThresholdRule(Kind kind, double parameter)
        : m_kind(kind)
        , m_parameter(parameter)
    {}

    Kind m_kind = Kind::Value;
    double m_parameter = 0;
};

// The thresholds of an ARI cascade (tiers ordered by cost, the full model last): rule i
// applied to tier i against the last tier on the calibration split. rules.size() must be
// tiers - 1, or 1 (then the same rule for every reduced tier).
std::vector<double> resolveAriThresholds(const std::vector<ThresholdRule> &rules,
                                         const std::vector<TierOutputs> &calibration);

} // namespace frontier::policy

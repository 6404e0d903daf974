#pragma once

#include "decisionrule.h"
#include "logisticregression.h"
#include "tieroutputs.h"

#include <string>
#include <vector>

namespace frontier::policy {

// HI's accept-or-offload decision on the local tier's outputs. Every module maps a sample
// to a confidence; the local answer is accepted when confidence >= threshold, otherwise
// the sample is offloaded. Confidences:
//   MaxProbability  p1, the largest probability
//   Margin          p1 - p2 (the tier's cached margins)
//   Entropy         1 - H(p) / ln K  (1 = certain, 0 = uniform)
//   Logistic        sigmoid(β + w1·p1 + w2·p2), fixed or fitted on the calibration split;
//                   threshold 0.5 unless set otherwise (see LogisticRegression)
//   Oracle          1 when the local answer is right, else 0; threshold 0.5: offloads
//                   exactly the local errors (the lower bound of every module)
//   Custom          a plugin's rule (decisionrule.h), fitted on the calibration split
// A value type; immutable, so safe to share between threads.
class DecisionModule
{
public:
    enum class Kind { MaxProbability, Margin, Entropy, Logistic, Oracle, Custom };

    static DecisionModule maxProbability(double threshold);
    static DecisionModule margin(double threshold);
    static DecisionModule entropy(double threshold);
    static DecisionModule logistic(const LogisticRegression &model, double threshold = 0.5);
    static DecisionModule oracle();

    // Fits the logistic regression on the calibration split: features the local tier's
    // (p1, p2), target "local prediction == label". Needs scores. Throws Error.
    static DecisionModule fitLogistic(const TierOutputs &calibration,
                                      const std::vector<int> &calibrationLabels,
                                      double threshold = 0.5);

    // Fits the registered rule `name` (DecisionRuleRegistry) on the calibration split.
    // Needs scores. Throws Error naming the rule and its plugin.
    static DecisionModule fitCustom(const std::string &name, const TierOutputs &calibration,
                                    const std::vector<int> &calibrationLabels, double threshold);
    static DecisionModule custom(const std::string &name,
                                 std::shared_ptr<const FittedDecision> fitted, double threshold);

    // "maxprob", "margin", "entropy", "lr", "oracle" (also "logistic", "max-probability"),
    // or a registered rule's name (Custom). Throws Error naming the unknown word.
    static Kind kindFromName(const std::string &name);
    static std::string nameOf(Kind kind);
    // The module's name: nameOf(kind()), or the rule's for Custom.
    std::string name() const;
    const std::shared_ptr<const FittedDecision> &fitted() const { return m_fitted; }

    Kind kind() const { return m_kind; }
    double threshold() const { return m_threshold; }
    DecisionModule withThreshold(double threshold) const;
    const LogisticRegression &logisticModel() const { return m_model; }

    // Per-sample confidence on the evaluated split. labels are used by Oracle only.
    // Throws Error when the module needs scores and the tier has none.
    std::vector<double> confidence(const TierOutputs &local, const std::vector<int> &labels) const;

private:
    DecisionModule(Kind kind, double threshold)
        : m_kind(kind)
        , m_threshold(threshold)
    {}

    Kind m_kind = Kind::MaxProbability;
    double m_threshold = 0;
    LogisticRegression m_model;
    std::string m_customName;
    std::shared_ptr<const FittedDecision> m_fitted;
};

} // namespace frontier::policy

#include "decisionmodule.h"

#include "common/error.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace frontier::policy {

namespace {

void checkThreshold(double threshold)
{
    if (std::isnan(threshold))
        throw Error("decision module", "the threshold is not a number");
}

} // namespace

DecisionModule DecisionModule::maxProbability(double threshold)
{
    checkThreshold(threshold);
    return DecisionModule(Kind::MaxProbability, threshold);
}

DecisionModule DecisionModule::margin(double threshold)
{
    checkThreshold(threshold);
    return DecisionModule(Kind::Margin, threshold);
}

DecisionModule DecisionModule::entropy(double threshold)
{
    checkThreshold(threshold);
    return DecisionModule(Kind::Entropy, threshold);
}

DecisionModule DecisionModule::logistic(const LogisticRegression &model, double threshold)
{
    checkThreshold(threshold);
    DecisionModule d(Kind::Logistic, threshold);
    d.m_model = model;
    return d;
}

DecisionModule DecisionModule::oracle()
{
    return DecisionModule(Kind::Oracle, 0.5);
}

DecisionModule DecisionModule::fitLogistic(const TierOutputs &calibration,
                                           const std::vector<int> &calibrationLabels,
                                           double threshold)
{
    calibration.validate("calibration split");
    const size_t n = size_t(calibration.size());
    if (calibrationLabels.size() != n)
        throw Error("calibration split", std::to_string(calibrationLabels.size()) + " labels for "
                                             + std::to_string(n) + " samples");
    std::vector<double> p1(n), p2(n);
    std::vector<uint8_t> right(n);
    for (size_t i = 0; i < n; ++i) {
        const auto [a, b] = calibration.topTwo(int(i));
        p1[i] = a;
        p2[i] = b;
        right[i] = calibration.predictions[i] == calibrationLabels[i] ? 1 : 0;
    }
    return logistic(LogisticRegression::fit(p1, p2, right), threshold);
}

DecisionRuleRegistry &DecisionRuleRegistry::instance()
{
    static DecisionRuleRegistry registry;
    return registry;
}

void DecisionRuleRegistry::add(std::shared_ptr<const DecisionRule> rule,
                               const std::string &provider)
{
    if (!rule)
        throw Error("decision modules", "a rule is null");
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_rules.push_back({std::move(rule), provider});
}

const DecisionRuleRegistry::Entry *DecisionRuleRegistry::find(const std::string &name) const
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    for (const Entry &e : m_rules) {
        if (e.rule->name() == name)
            return &e;
    }
    return nullptr;
}

std::vector<DecisionRuleRegistry::Entry> DecisionRuleRegistry::rules() const
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_rules;
}

DecisionModule DecisionModule::custom(const std::string &name,
                                      std::shared_ptr<const FittedDecision> fitted,
                                      double threshold)
{
    checkThreshold(threshold);
    if (!fitted)
        throw Error("decision module '" + name + "'", "has no fitted rule");
    DecisionModule d(Kind::Custom, threshold);
    d.m_customName = name;
    d.m_fitted = std::move(fitted);
    return d;
}

DecisionModule DecisionModule::fitCustom(const std::string &name, const TierOutputs &calibration,
                                         const std::vector<int> &calibrationLabels,
                                         double threshold)
{
    const DecisionRuleRegistry::Entry *e = DecisionRuleRegistry::instance().find(name);
    if (!e)
        throw Error("decision module", "unknown module '" + name + "'");
    const std::string where = "decision module '" + name + "' (plugin " + e->provider + ")";
    calibration.validate("calibration split");
    if (!calibration.hasScores())
        throw Error(where, "needs the local tier's scores on the calibration split");
    if (calibrationLabels.size() != size_t(calibration.size()))
        throw Error("calibration split", std::to_string(calibrationLabels.size()) + " labels for "
                                             + std::to_string(calibration.size()) + " samples");
    std::shared_ptr<const FittedDecision> fitted;
    try {
        fitted = e->rule->fit(calibration.scores, calibration.classes, calibrationLabels);
    } catch (const std::exception &ex) {
        throw Error(where, std::string("fit failed: ").append(ex.what()));
    }
    if (!fitted)
        throw Error(where, "fit returned nothing");
    return custom(name, std::move(fitted), threshold);
}

std::string DecisionModule::name() const
{
    return m_kind == Kind::Custom ? m_customName : nameOf(m_kind);
}

DecisionModule::Kind DecisionModule::kindFromName(const std::string &name)
{
    std::string s = name;
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    if (s == "maxprob" || s == "max-probability" || s == "maxprobability")
        return Kind::MaxProbability;
    if (s == "margin")
        return Kind::Margin;
    if (s == "entropy")
        return Kind::Entropy;
    if (s == "lr" || s == "logistic")
        return Kind::Logistic;
    if (s == "oracle")
        return Kind::Oracle;
    if (DecisionRuleRegistry::instance().find(name))
        return Kind::Custom;
    std::string plugins;
    for (const DecisionRuleRegistry::Entry &e : DecisionRuleRegistry::instance().rules())
        plugins += ", " + e.rule->name();
    throw Error("decision module", "unknown module '" + name
                                       + "' (expected maxprob, margin, entropy, lr, oracle"
                                       + plugins + "; plugins add others, docs/plugins.md)");
}

std::string DecisionModule::nameOf(Kind kind)
{
    switch (kind) {
    case Kind::MaxProbability:
        return "maxprob";
    case Kind::Margin:
        return "margin";
    case Kind::Entropy:
        return "entropy";
    case Kind::Logistic:
        return "lr";
    case Kind::Oracle:
        return "oracle";
    case Kind::Custom:
        return "custom";
    }
    return "?";
}

DecisionModule DecisionModule::withThreshold(double threshold) const
{
    checkThreshold(threshold);
    DecisionModule d = *this;
    d.m_threshold = threshold;
    return d;
}

std::vector<double> DecisionModule::confidence(const TierOutputs &local,
                                               const std::vector<int> &labels) const
{
    const size_t n = size_t(local.size());
    std::vector<double> out(n);
    switch (m_kind) {
    case Kind::MaxProbability: {
        const std::vector<float> v = local.maxProbabilities();
        std::copy(v.begin(), v.end(), out.begin());
        break;
    }
    case Kind::Margin:
        std::copy(local.margins.begin(), local.margins.end(), out.begin());
        break;
    case Kind::Entropy: {
        const std::vector<float> v = local.entropyConfidences();
        std::copy(v.begin(), v.end(), out.begin());
        break;
    }
    case Kind::Logistic:
        for (size_t i = 0; i < n; ++i) {
            const auto [p1, p2] = local.topTwo(int(i));
            out[i] = m_model.probability(p1, p2);
        }
        break;
    case Kind::Oracle:
        if (labels.size() != n)
            throw Error("oracle decision", std::to_string(labels.size()) + " labels for "
                                               + std::to_string(n) + " samples");
        for (size_t i = 0; i < n; ++i)
            out[i] = local.predictions[i] == labels[i] ? 1.0 : 0.0;
        break;
    case Kind::Custom:
        if (!local.hasScores())
            throw Error("decision module '" + m_customName + "'", "needs the local tier's scores");
        for (size_t i = 0; i < n; ++i) {
            const double c = m_fitted->confidence(local.scores.data() + i * size_t(local.classes),
                                                  local.classes);
            if (!std::isfinite(c))
                throw Error("decision module '" + m_customName + "'",
                            "gave a non-finite confidence for sample " + std::to_string(i));
            out[i] = c;
        }
        break;
    }
    return out;
}

} // namespace frontier::policy

#include "policies.h"

#include "common/error.h"

namespace frontier::policy {

namespace {

enum class Confidence { Margin, MaxProbability };

double tauAt(const std::vector<double> &taus, size_t i, size_t needed, const char *policy)
{
    if (taus.size() != needed && taus.size() != 1)
        throw Error(policy, std::to_string(taus.size()) + " thresholds for "
                                + std::to_string(needed) + " tiers that take one");
    return taus.size() == 1 ? taus[0] : taus[i];
}

Stage makeStage(const Tier &tier, const char *policy)
{
    tier.outputs.validate(std::string(policy) + " tier '" + tier.name + "'");
    Stage s;
    s.name = tier.name;
    s.predictions = tier.outputs.predictions;
    s.cost = tier.cost;
    return s;
}

std::vector<double> toDouble(const std::vector<float> &v)
{
    return std::vector<double>(v.begin(), v.end());
}

// Device stages that stop on a per-tier threshold (all tiers but the last get one).
std::vector<Stage> thresholdStages(const std::vector<Tier> &tiers, const std::vector<double> &taus,
                                   Confidence confidence, const char *policy)
{
    std::vector<Stage> stages;
    for (size_t t = 0; t < tiers.size(); ++t) {
        Stage s = makeStage(tiers[t], policy);
        if (t + 1 < tiers.size()) {
            s.threshold = tauAt(taus, t, tiers.size() - 1, policy);
            s.confidence = confidence == Confidence::Margin
                               ? toDouble(tiers[t].outputs.margins)
                               : toDouble(tiers[t].outputs.maxProbabilities());
        }
        stages.push_back(std::move(s));
    }
    return stages;
}

// Turns the last stage into HI's local stage and appends the remote.
void appendOffload(std::vector<Stage> &stages, const Tier &local, const DecisionModule &decision,
                   const Tier &remote, const std::vector<int> &labels, const char *policy)
{
    Stage &last = stages.back();
    last.confidence = decision.confidence(local.outputs, labels);
    last.threshold = decision.threshold();
    Stage r = makeStage(remote, policy);
    r.onDevice = false;
    stages.push_back(std::move(r));
}

} // namespace

PolicyKind policyKindFromName(const std::string &name)
{
    if (name == "single")
        return PolicyKind::Single;
    if (name == "ari")
        return PolicyKind::Ari;
    if (name == "hi")
        return PolicyKind::Hi;
    if (name == "ee")
        return PolicyKind::Ee;
    if (name == "ee-hi")
        return PolicyKind::EeHi;
    if (name == "ari-hi")
        return PolicyKind::AriHi;
    if (name == "intermittent")
        return PolicyKind::Intermittent;
    throw Error("policy", "unknown policy '" + name
                              + "' (expected single, ari, hi, ee, ee-hi, ari-hi or intermittent)");
}

std::string policyName(PolicyKind kind)
{
    switch (kind) {
    case PolicyKind::Single:
        return "single";
    case PolicyKind::Ari:
        return "ari";
    case PolicyKind::Hi:
        return "hi";
    case PolicyKind::Ee:
        return "ee";
    case PolicyKind::EeHi:
        return "ee-hi";
    case PolicyKind::AriHi:
        return "ari-hi";
    case PolicyKind::Intermittent:
        return "intermittent";
    }
    return "?";
}

Cascade singlePolicy(const Tier &tier, const std::vector<int> &labels,
                     const std::vector<int> &fullPredictions)
{
    return Cascade({makeStage(tier, "single")}, labels, fullPredictions);
}

Cascade ariPolicy(const std::vector<Tier> &tiers, const std::vector<double> &taus,
                  const std::vector<int> &labels, const std::vector<int> &fullPredictions)
{
    if (tiers.size() < 2)
        throw Error("ari", "a cascade needs at least two tiers (reduced, then full)");
    return Cascade(thresholdStages(tiers, taus, Confidence::Margin, "ari"), labels,
                   fullPredictions);
}

Cascade hiPolicy(const Tier &local, const DecisionModule &decision, const Tier &remote,
                 const std::vector<int> &labels, const std::vector<int> &fullPredictions)
{
    std::vector<Stage> stages{makeStage(local, "hi")};
    appendOffload(stages, local, decision, remote, labels, "hi");
    return Cascade(std::move(stages), labels, fullPredictions);
}

Cascade eePolicy(const std::vector<Tier> &heads, const std::vector<double> &taus,
                 const std::vector<int> &labels, const std::vector<int> &fullPredictions)
{
    if (heads.size() < 2)
        throw Error("ee", "early exit needs at least two heads");
    return Cascade(thresholdStages(heads, taus, Confidence::MaxProbability, "ee"), labels,
                   fullPredictions);
}

Cascade eeHiPolicy(const std::vector<Tier> &heads, const std::vector<double> &taus,
                   const DecisionModule &decision, const Tier &remote,
                   const std::vector<int> &labels, const std::vector<int> &fullPredictions)
{
    if (heads.empty())
        throw Error("ee-hi", "needs at least one exit head");
    std::vector<Stage> stages = thresholdStages(heads, taus, Confidence::MaxProbability, "ee-hi");
    appendOffload(stages, heads.back(), decision, remote, labels, "ee-hi");
    return Cascade(std::move(stages), labels, fullPredictions);
}

Cascade ariHiPolicy(const std::vector<Tier> &tiers, const std::vector<double> &taus,
                    const DecisionModule &decision, const Tier &remote,
                    const std::vector<int> &labels, const std::vector<int> &fullPredictions)
{
    if (tiers.empty())
        throw Error("ari-hi", "needs at least one device tier");
    std::vector<Stage> stages = thresholdStages(tiers, taus, Confidence::Margin, "ari-hi");
    appendOffload(stages, tiers.back(), decision, remote, labels, "ari-hi");
    return Cascade(std::move(stages), labels, fullPredictions);
}

} // namespace frontier::policy

#include "trialevaluator.h"

#include "canonicaljson.h"
#include "intermittentknobs.h"
#include "specreader.h"

#include "common/error.h"
#include "policy/decisionmodule.h"
#include "policy/idealremote.h"
#include "policy/policies.h"
#include "policy/thresholdrule.h"
#include "policy/thresholdsweep.h"

#include <cmath>

namespace frontier::study {

using policy::PolicyKind;

namespace {

bool isAri(PolicyKind k)
{
    return k == PolicyKind::Ari || k == PolicyKind::AriHi;
}

bool isEe(PolicyKind k)
{
    return k == PolicyKind::Ee || k == PolicyKind::EeHi;
}

bool isPlainValue(const std::string &rule)
{
    return !rule.empty()
           && policy::ThresholdRule::parse(rule).kind() == policy::ThresholdRule::Kind::Value;
}

// The format of the reference ("full") model of a trial.
std::string referenceFormat(const TrialConfig &t)
{
    return isAri(t.kind) ? t.tiers.back().format : std::string("fp32");
}

} // namespace

double TrialResult::metric(const std::string &name, double fallback) const
{
    for (const auto &[k, v] : metrics) {
        if (k == name)
            return v;
    }
    return fallback;
}

policy::Cascade TrialEvaluator::build(const TrialConfig &t,
                                      std::vector<std::pair<std::string, double>> *thresholds) const
{
    using namespace policy;
    const StudyData &d = m_data;
    if (t.tiers.empty())
        throw Error("trial", "no tiers");
    const std::string &model = t.tiers.front().model;
    const std::vector<int> &labels = d.testLabels;
    const std::string refFormat = referenceFormat(t);
    const std::vector<int> &full = d.output(model, refFormat, kTestSplit).predictions;

    auto tierOf = [&](const TierRef &ref) {
        Tier tier;
        tier.name = ref.label();
        tier.outputs = d.output(ref.model, ref.format, kTestSplit);
        tier.cost = d.cost(ref.model, ref.format, t.device).total;
        return tier;
    };
    std::vector<Tier> tiers;
    std::vector<double> taus;
    if (isEe(t.kind)) {
        const TierRef &ref = t.tiers.front();
        const std::vector<TierOutputs> &heads = d.heads(ref.model, ref.format, kTestSplit);
        const VariantStageCosts &costs = d.cost(ref.model, ref.format, t.device);
        if (heads.size() < 2)
            throw Error("trial " + t.label(), "model '" + ref.model + "' has no early-exit head");
        for (size_t h = 0; h < heads.size(); ++h) {
            Tier tier;
            tier.name = ref.label() + "#" + std::to_string(h + 1);
            tier.outputs = heads[h];
            tier.cost = costs.heads.at(h);
            tiers.push_back(std::move(tier));
        }
        taus = {policy::ThresholdRule::parse(t.tauRule).parameter()};
    } else {
        for (const TierRef &ref : t.tiers)
            tiers.push_back(tierOf(ref));
    }
    if (isAri(t.kind)) {
        if (isPlainValue(t.tauRule)) {
            taus = {ThresholdRule::parse(t.tauRule).parameter()};
        } else {
            std::vector<TierOutputs> calibration;
            for (const TierRef &ref : t.tiers)
                calibration.push_back(d.output(ref.model, ref.format, kCalibrationSplit));
            taus = resolveAriThresholds({ThresholdRule::parse(t.tauRule)}, calibration);
        }
    }
    if (thresholds) {
        for (size_t i = 0; i < taus.size(); ++i)
            thresholds->push_back(
                {i == 0 ? std::string("tau") : "tau_" + std::to_string(i + 1), taus[i]});
    }

    std::optional<Cascade> cascade;
    if (t.offloads()) {
        const TierRef &last = t.tiers.back();
        DecisionModule decision = DecisionModule::oracle();
        if (t.decision.kind == "lr")
            decision = DecisionModule::logistic(d.logisticFit(last.model, last.format));
        else if (t.decision.kind == "fixed")
            decision = DecisionModule::logistic(
                LogisticRegression(t.decision.beta, t.decision.w1, t.decision.w2));
        else if (t.decision.kind == "maxprob")
            decision = DecisionModule::maxProbability(t.decisionTau);
        else if (t.decision.kind == "margin")
            decision = DecisionModule::margin(t.decisionTau);
        else if (t.decision.kind == "entropy")
            decision = DecisionModule::entropy(t.decisionTau);
        else if (t.decision.isCustom())
            decision = d.customFit(last.model, last.format, t.decision.kind)
                           .withThreshold(t.decisionTau);
        else if (t.decision.kind != "oracle")
            throw Error("trial " + t.label(), "unknown decision module '" + t.decision.kind + "'");
        if (thresholds)
            thresholds->push_back({"decision_tau", decision.threshold()});
        Tier remote;
        remote.name = t.remote.label();
        if (t.remote.ideal())
            remote.outputs
                = idealRemote(labels, d.classes.at(model), t.remote.accuracy, t.remote.seed);
        else
            remote.outputs = d.output(t.remote.model, t.remote.format, kTestSplit);
        remote.cost = d.offload(model, t.link, t.server, t.device);
        if (t.kind == PolicyKind::Hi)
            cascade.emplace(hiPolicy(tiers.front(), decision, remote, labels, full));
        else if (t.kind == PolicyKind::EeHi)
            cascade.emplace(eeHiPolicy(tiers, taus, decision, remote, labels, full));
        else
            cascade.emplace(ariHiPolicy(tiers, taus, decision, remote, labels, full));
    } else if (t.kind == PolicyKind::Single || t.kind == PolicyKind::Intermittent) {
        cascade.emplace(singlePolicy(tiers.front(), labels, full));
    } else if (t.kind == PolicyKind::Ari) {
        cascade.emplace(ariPolicy(tiers, taus, labels, full));
    } else {
        cascade.emplace(eePolicy(tiers, taus, labels, full));
    }
    const StageCost ref = d.cost(model, refFormat, t.device).total;
    Cascade::Reference reference;
    reference.deviceEnergy_pj = ref.deviceEnergy_pj;
    reference.energy_pj = ref.deviceEnergy_pj + ref.remoteEnergy_pj;
    reference.latency_us = ref.latency_us;
    cascade->setReference(reference);
    return std::move(*cascade);
}

void TrialEvaluator::addTrainingMetrics(const TrialConfig &trial, TrialResult &result) const
{
    // The on-device model is the first tier's; its training accounting on the trial's device.
    if (trial.tiers.empty())
        return;
    const auto it = m_data.training.find({trial.tiers.front().model, trial.device});
    if (it != m_data.training.end())
        result.metrics.insert(result.metrics.end(), it->second.begin(), it->second.end());
}

TrialResult TrialEvaluator::evaluate(const TrialConfig &trial) const
{
    TrialResult r;
    try {
        std::vector<std::pair<std::string, double>> thresholds;
        const policy::Cascade cascade = build(trial, &thresholds);
        r.metrics = cascade.evaluate().named();
        r.metrics.insert(r.metrics.end(), thresholds.begin(), thresholds.end());
        if (trial.harvested) {
            std::vector<int64_t> answered(size_t(cascade.stageCount()), 0);
            for (int s : cascade.stopStages())
                ++answered[size_t(s)];
            std::vector<double> shares;
            for (int64_t a : answered)
                shares.push_back(double(a) / double(cascade.size()));
            const auto extra = intermittentMetrics(m_data, trial, shares, m_cascades.get());
            r.metrics.insert(r.metrics.end(), extra.begin(), extra.end());
        }
        addTrainingMetrics(trial, r);
        r.ok = true;
    } catch (const Error &e) {
        r.error = e.what();
    } catch (const std::exception &e) {
        r.error = "trial " + trial.label() + ": " + e.what();
    }
    return r;
}

std::string TrialEvaluator::familyKey(const TrialConfig &t) const
{
    if (t.harvested)
        return {}; // every trial simulates its own shares of the paths (cached per family)
    QJsonObject knobs = t.knobs();
    try {
        if (t.kind == PolicyKind::Ari && t.tiers.size() == 2 && isPlainValue(t.tauRule)) {
            knobs.remove(QStringLiteral("tau_rule"));
        } else if (t.kind == PolicyKind::Ee && isPlainValue(t.tauRule)
                   && m_data.heads(t.tiers.front().model, t.tiers.front().format, kTestSplit).size()
                          == 2) {
            knobs.remove(QStringLiteral("tau_rule"));
        } else if (t.kind == PolicyKind::Hi && t.decision.takesThreshold()) {
            knobs.remove(QStringLiteral("decision_tau"));
        } else {
            return {};
        }
    } catch (const Error &) {
        return {}; // evaluate() reports it
    }
    knobs.remove(QStringLiteral("policy_index"));
    return canonicalJson(knobs);
}

std::vector<TrialResult> TrialEvaluator::evaluateFamily(
    const std::vector<const TrialConfig *> &trials) const
{
    std::vector<TrialResult> results(trials.size());
    if (trials.empty())
        return results;
    std::vector<std::pair<std::string, double>> thresholds;
    std::optional<policy::ThresholdSweep> sweep;
    try {
        sweep.emplace(build(*trials.front(), &thresholds), 0);
    } catch (const Error &) {
        for (size_t i = 0; i < trials.size(); ++i)
            results[i] = evaluate(*trials[i]);
        return results;
    }
    // The swept threshold is the first one named (tau, or decision_tau for HI).
    const bool decision = trials.front()->kind == PolicyKind::Hi;
    for (size_t i = 0; i < trials.size(); ++i) {
        const TrialConfig &t = *trials[i];
        const double tau
            = decision ? t.decisionTau : policy::ThresholdRule::parse(t.tauRule).parameter();
        TrialResult &r = results[i];
        r.metrics = sweep->at(tau).named();
        for (const auto &[name, value] : thresholds)
            r.metrics.push_back({name, name == (decision ? "decision_tau" : "tau") ? tau : value});
        addTrainingMetrics(t, r);
        r.ok = true;
    }
    return results;
}

} // namespace frontier::study

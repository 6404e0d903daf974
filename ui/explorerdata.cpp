#include "explorerdata.h"

#include "job.h"
#include "modelref.h"

#include "common/error.h"
#include "cost/costmodel.h"
#include "cost/offload.h"
#include "cost/opcounter.h"
#include "data/catalog.h"
#include "model/engine.h"
#include "model/onnx/onnximport.h"
#include "numeric/formatassignment.h"
#include "numeric/variant.h"
#include "numeric/variantengine.h"
#include "policy/decisionmodule.h"
#include "policy/idealremote.h"
#include "policy/thresholdrule.h"

#include <QString>

#include <numeric>
#include <set>

namespace frontier::ui {

namespace {

data::Dataset firstSamples(const data::Dataset &set, int limit)
{
    if (limit <= 0 || limit >= set.size())
        return set;
    std::vector<int> indices(static_cast<size_t>(limit));
    std::iota(indices.begin(), indices.end(), 0);
    return set.subset(indices);
}

policy::TierOutputs tierOutputs(const model::Model &m, const model::Outputs &out, int head)
{
    const auto it = m.metadata.find("scores");
    const bool raw = it != m.metadata.end() && it->second == "raw";
    const int h = head < 0 ? int(out.heads.size()) - 1 : head;
    const int width = out.headWidths[size_t(h)];
    return raw ? policy::TierOutputs::fromLogits(out.heads[size_t(h)], width)
               : policy::TierOutputs::fromScores(out.heads[size_t(h)], width);
}

// Outputs of one model in one format assignment on the calibration and test splits.
struct TierRun
{
    model::Outputs calibration;
    model::Outputs test;
};

TierRun runTier(const model::Model &m, const std::string &format, const data::Dataset &cal,
                const data::Dataset &test, JobContext &ctx)
{
    model::RunOptions options;
    options.progress = &ctx.progress();
    TierRun run;
    if (format == "fp32") {
        const model::Engine engine(m);
        run.calibration = engine.run(cal.x.data(), cal.size(), options);
        run.test = engine.run(test.x.data(), test.size(), options);
        return run;
    }
    const int n = std::min(cal.size(), numeric::kDefaultCalibrationSamples);
    const numeric::Variant variant
        = numeric::makeVariant(m, format, cal.x.data(), n, "calibration split", &ctx.progress());
    const numeric::VariantEngine engine(m, variant);
    run.calibration = engine.run(cal.x.data(), cal.size(), options);
    run.test = engine.run(test.x.data(), test.size(), options);
    return run;
}

policy::StageCost stageCost(const cost::VariantCost &c)
{
    policy::StageCost s;
    s.deviceEnergy_pj = c.total.energy_pj;
    s.latency_us = c.total.latency_us;
    s.memory_bytes = c.memory_bytes;
    return s;
}

cost::VariantCost priced(const cost::CostModel &costModel, const model::Model &m,
                         const std::string &format)
{
    return costModel.evaluate(m, numeric::FormatAssignment::parse(format).resolve(m));
}

// Layers each head needs (its layer and every ancestor).
std::set<int> ancestors(const model::Model &m, int layer)
{
    std::set<int> seen;
    std::vector<int> stack = {layer};
    while (!stack.empty()) {
        const int l = stack.back();
        stack.pop_back();
        if (l < 0 || !seen.insert(l).second)
            continue;
        for (int in : m.layers[size_t(l)]->inputs)
            stack.push_back(in);
    }
    return seen;
}

// EE: each head's stage costs the layers it needs beyond those of the earlier heads; the
// whole model's memory is resident from the first stage on.
std::vector<policy::StageCost> headCosts(const model::Model &m, const cost::VariantCost &c)
{
    std::vector<policy::StageCost> costs;
    std::set<int> done;
    for (size_t h = 0; h < m.heads.size(); ++h) {
        policy::StageCost s;
        for (int l : ancestors(m, m.heads[h].layer)) {
            if (!done.insert(l).second || size_t(l) >= c.layers.size())
                continue;
            s.deviceEnergy_pj += c.layers[size_t(l)].energy_pj;
            s.latency_us += c.layers[size_t(l)].latency_us;
        }
        if (h == 0)
            s.memory_bytes = c.memory_bytes;
        costs.push_back(s);
    }
    return costs;
}

policy::Cascade::Reference referenceOf(const cost::VariantCost &c)
{
    policy::Cascade::Reference r;
    r.deviceEnergy_pj = c.total.energy_pj;
    r.energy_pj = c.total.energy_pj;
    r.latency_us = c.total.latency_us;
    return r;
}

} // namespace

namespace {

// HI's decision module for `name`, fitted on the local tier's calibration outputs when it
// learns (lr, a plugin's rule). Throws Error for an unknown name or one without a
// threshold (the oracle).
policy::DecisionModule hiDecisionModule(const std::string &name,
                                        const policy::TierOutputs &calibration,
                                        const std::vector<int> &labels)
{
    using Kind = policy::DecisionModule::Kind;
    switch (policy::DecisionModule::kindFromName(name)) {
    case Kind::MaxProbability:
        return policy::DecisionModule::maxProbability(0.5);
    case Kind::Margin:
        return policy::DecisionModule::margin(0.5);
    case Kind::Entropy:
        return policy::DecisionModule::entropy(0.5);
    case Kind::Logistic:
        return policy::DecisionModule::fitLogistic(calibration, labels, 0.5);
    case Kind::Custom:
        return policy::DecisionModule::fitCustom(name, calibration, labels, 0.5);
    case Kind::Oracle:
        break;
    }
    throw Error("threshold explorer", "decision '" + name + "' has no threshold to explore");
}

} // namespace

int ExplorerData::thresholdCount() const
{
    return request.policy == ExplorerRequest::Policy::Hi ? 1 : int(tiers.size()) - 1;
}

std::string ExplorerData::confidenceName() const
{
    switch (request.policy) {
    case ExplorerRequest::Policy::Ari:
        return "margin (top-1 − top-2 probability)";
    case ExplorerRequest::Policy::Hi: {
        if (!hiDecision)
            return "margin (top-1 − top-2 probability)";
        switch (hiDecision->kind()) {
        case policy::DecisionModule::Kind::MaxProbability:
            return "max probability";
        case policy::DecisionModule::Kind::Entropy:
            return "1 − normalised entropy";
        case policy::DecisionModule::Kind::Logistic:
            return "P(on-device answer right), logistic regression";
        case policy::DecisionModule::Kind::Custom:
            return hiDecision->name()
                   + (hiDecision->fitted() ? " (" + hiDecision->fitted()->describe() + ")" : "");
        default:
            return "margin (top-1 − top-2 probability)";
        }
    }
    case ExplorerRequest::Policy::Ee:
        return "max probability";
    }
    return {};
}

policy::Cascade ExplorerData::cascade(const std::vector<double> &taus) const
{
    switch (request.policy) {
    case ExplorerRequest::Policy::Ari: {
        policy::Cascade c = policy::ariPolicy(tiers, taus, testLabels, fullPredictions);
        c.setReference(reference);
        return c;
    }
    case ExplorerRequest::Policy::Hi: {
        const double tau = taus.empty() ? 0.0 : taus[0];
        const policy::DecisionModule decision
            = hiDecision ? hiDecision->withThreshold(tau) : policy::DecisionModule::margin(tau);
        policy::Cascade c
            = policy::hiPolicy(tiers[0], decision, tiers[1], testLabels, fullPredictions);
        c.setReference(reference);
        return c;
    }
    case ExplorerRequest::Policy::Ee: {
        policy::Cascade c = policy::eePolicy(tiers, taus, testLabels, fullPredictions);
        c.setReference(reference);
        return c;
    }
    }
    throw Error("threshold explorer", "unknown policy");
}

std::vector<std::pair<std::string, double>> ExplorerData::ruleThresholds(int stage, double pdfQ,
                                                                         double fidelity) const
{
    std::vector<std::pair<std::string, double>> rules;
    if (request.policy != ExplorerRequest::Policy::Ari || stage < 0
        || stage >= int(calibration.size()) - 1)
        return rules;
    const policy::TierOutputs &reduced = calibration[size_t(stage)];
    for (const policy::ThresholdRule &rule :
         {policy::ThresholdRule::maxMismatch(), policy::ThresholdRule::pdf(pdfQ),
          policy::ThresholdRule::fidelity(fidelity)}) {
        rules.emplace_back(rule.toString(), rule.resolve(reduced.margins, reduced.predictions,
                                                         fullCalibrationPredictions));
    }
    return rules;
}

ExplorerData computeExplorerData(const ExplorerRequest &req, JobContext &ctx)
{
    ExplorerData d;
    d.request = req;
    const model::Model m = ModelRef::load(req.modelPath);
    d.dataset = req.dataset;
    if (d.dataset.empty()) {
        const auto it = m.metadata.find("dataset");
        if (it == m.metadata.end() || it->second.empty())
            throw Error(req.modelPath, "the model names no dataset; choose one");
        d.dataset = it->second;
    }
    ctx.log(QStringLiteral("preparing %1").arg(QString::fromStdString(d.dataset)));
    ctx.throwIfCancelled();
    const data::PreparedData prepared = data::prepare(d.dataset);
    const data::Dataset cal = firstSamples(prepared.calibration, req.maxCalibration);
    const data::Dataset test = firstSamples(prepared.test, req.maxTest);
    if (test.size() == 0 || !test.hasLabels())
        throw Error(d.dataset, "has no labelled test samples");
    if (cal.size() == 0)
        throw Error(d.dataset, "has no calibration samples");
    if (test.shape != m.inputShape)
        throw Error(req.modelPath, "the model's input shape does not match " + d.dataset);
    d.testLabels = test.y;
    d.calibrationLabels = cal.y;

    const cost::CostModel costModel = cost::CostModel::load(req.device);
    std::vector<std::string> formats = req.formats;
    if (formats.empty())
        throw Error("threshold explorer", "no format given");
    if (req.policy == ExplorerRequest::Policy::Ari)
        formats.push_back(req.fullFormat);
    const bool needFp32 = req.policy != ExplorerRequest::Policy::Ari && formats[0] != "fp32";
    const int64_t perRun = cal.size() + test.size();
    ctx.progress().reset(int64_t(formats.size() + (needFp32 ? 1 : 0)) * perRun
                         + int64_t(formats.size()) * std::min(cal.size(), 512));

    std::vector<TierRun> runs;
    for (const std::string &format : formats) {
        ctx.log(QStringLiteral("running %1 in %2")
                    .arg(QString::fromStdString(m.name), QString::fromStdString(format)));
        runs.push_back(runTier(m, format, cal, test, ctx));
    }
    const cost::VariantCost fp32Cost = priced(costModel, m, "fp32");

    switch (req.policy) {
    case ExplorerRequest::Policy::Ari: {
        for (size_t t = 0; t < formats.size(); ++t) {
            const cost::VariantCost c = priced(costModel, m, formats[t]);
            d.tiers.push_back(
                {m.name + "/" + formats[t], tierOutputs(m, runs[t].test, -1), stageCost(c)});
            d.calibration.push_back(tierOutputs(m, runs[t].calibration, -1));
            if (t + 1 == formats.size())
                d.reference = referenceOf(c);
        }
        d.fullPredictions = d.tiers.back().outputs.predictions;
        d.fullCalibrationPredictions = d.calibration.back().predictions;
        break;
    }
    case ExplorerRequest::Policy::Hi: {
        const cost::VariantCost local = priced(costModel, m, formats[0]);
        d.tiers.push_back(
            {m.name + "/" + formats[0], tierOutputs(m, runs[0].test, -1), stageCost(local)});
        d.calibration.push_back(tierOutputs(m, runs[0].calibration, -1));
        d.hiDecision = hiDecisionModule(req.decision, d.calibration[0], d.calibrationLabels);
        policy::Tier remote;
        if (req.remoteModelPath.empty()) {
            remote.name = "ideal(" + std::to_string(req.remoteAccuracy).substr(0, 5) + ")";
            remote.outputs
                = policy::idealRemote(d.testLabels, m.numClasses(), req.remoteAccuracy, 1);
        } else {
            const model::Model r = ModelRef::load(req.remoteModelPath);
            if (r.inputShape != m.inputShape)
                throw Error(req.remoteModelPath,
                            "the remote's input shape differs from the local model's");
            ctx.log(QStringLiteral("running remote %1").arg(QString::fromStdString(r.name)));
            model::RunOptions options;
            options.progress = &ctx.progress();
            ctx.progress().setTotal(ctx.progress().total() + test.size());
            remote.name = r.name + "/fp32";
            remote.outputs
                = tierOutputs(r, model::Engine(r).run(test.x.data(), test.size(), options), -1);
        }
        const cost::OffloadModel link = cost::OffloadModel::load(req.link, req.server);
        const cost::OffloadCost offload = link.cost(cost::inputBytes(m, 8), 4, costModel.idle_mw());
        remote.cost.deviceEnergy_pj = offload.deviceEnergy_pj;
        remote.cost.remoteEnergy_pj = offload.serverEnergy_pj;
        remote.cost.latency_us = offload.latency_us;
        d.tiers.push_back(std::move(remote));
        d.reference = referenceOf(fp32Cost);
        break;
    }
    case ExplorerRequest::Policy::Ee: {
        if (m.heads.size() < 2)
            throw Error(req.modelPath, "has no early-exit heads (EE needs at least two heads)");
        const cost::VariantCost c = priced(costModel, m, formats[0]);
        const std::vector<policy::StageCost> costs = headCosts(m, c);
        for (size_t h = 0; h < m.heads.size(); ++h) {
            d.tiers.push_back({m.heads[h].name, tierOutputs(m, runs[0].test, int(h)), costs[h]});
            d.calibration.push_back(tierOutputs(m, runs[0].calibration, int(h)));
        }
        d.reference = referenceOf(fp32Cost);
        break;
    }
    }
    if (req.policy != ExplorerRequest::Policy::Ari) {
        if (formats[0] == "fp32") {
            d.fullPredictions = runs[0].test.predictions();
            d.fullCalibrationPredictions = runs[0].calibration.predictions();
        } else {
            const TierRun full = runTier(m, "fp32", cal, test, ctx);
            d.fullPredictions = full.test.predictions();
            d.fullCalibrationPredictions = full.calibration.predictions();
        }
    }
    std::string tierNames;
    for (const policy::Tier &t : d.tiers)
        tierNames += (tierNames.empty() ? "" : " → ") + t.name;
    d.description = d.dataset + " test split (" + std::to_string(test.size())
                    + " samples): " + tierNames + " on " + req.device
                    + (req.policy == ExplorerRequest::Policy::Hi ? " over " + req.link : "");
    return d;
}

} // namespace frontier::ui

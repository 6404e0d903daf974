#include "variantoutputs.h"

#include "common/error.h"
#include "numeric/formatassignment.h"
#include "numeric/variant.h"
#include "numeric/variantengine.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numeric>
#include <set>

namespace frontier::study {

namespace {

std::atomic<int64_t> g_inferenceRuns{0};

bool areProbabilities(const std::vector<float> &values, int width)
{
    if (width < 2)
        return std::all_of(values.begin(), values.end(), [](float v) { return v >= 0 && v <= 1; });
    for (size_t i = 0; i + size_t(width) <= values.size(); i += size_t(width)) {
        double sum = 0;
        for (int c = 0; c < width; ++c) {
            const float v = values[i + size_t(c)];
            if (!(v >= 0 && v <= 1))
                return false;
            sum += v;
        }
        if (std::abs(sum - 1.0) > 1e-3)
            return false;
    }
    return true;
}

policy::TierOutputs toTier(std::vector<float> values, int width)
{
    if (areProbabilities(values, width))
        return policy::TierOutputs::fromScores(std::move(values), width);
    return policy::TierOutputs::fromLogits(values, width);
}

// Layers each head needs (the head's layer and everything it reads, transitively).
std::vector<std::vector<bool>> headLayers(const model::Model &model)
{
    std::vector<std::vector<bool>> out;
    for (const model::Head &head : model.heads) {
        std::vector<bool> need(model.layers.size(), false);
        std::vector<int> stack{head.layer};
        while (!stack.empty()) {
            const int l = stack.back();
            stack.pop_back();
            if (l < 0 || need[size_t(l)])
                continue;
            need[size_t(l)] = true;
            for (int in : model.layers[size_t(l)]->inputs)
                stack.push_back(in);
        }
        out.push_back(std::move(need));
    }
    return out;
}

} // namespace

data::Dataset firstSamples(const data::Dataset &set, int limit)
{
    if (limit <= 0 || limit >= set.size())
        return set;
    std::vector<int> indices(static_cast<size_t>(limit));
    std::iota(indices.begin(), indices.end(), 0);
    return set.subset(indices);
}

VariantOutputs computeVariantOutputs(const model::Model &model, const std::string &format,
                                     const data::Dataset &calibration,
                                     const std::vector<const data::Dataset *> &splits,
                                     Progress *progress)
{
    const int calibrationCount = std::min(calibration.size(), numeric::kDefaultCalibrationSamples);
    const numeric::Variant variant
        = numeric::makeVariant(model, format, calibration.x.data(), calibrationCount,
                               calibration.name + " calibration split", nullptr);
    const numeric::VariantEngine engine(model, variant);
    VariantOutputs result;
    for (const data::Dataset *split : splits) {
        model::RunOptions options;
        options.progress = progress;
        const model::Outputs out = engine.run(split->x.data(), split->size(), options);
        g_inferenceRuns.fetch_add(1);
        std::vector<policy::TierOutputs> heads;
        for (size_t h = 0; h < out.heads.size(); ++h)
            heads.push_back(toTier(out.heads[h], out.headWidths[h]));
        result.outputs.push_back(std::move(heads));
    }
    return result;
}

int64_t inferenceRuns()
{
    return g_inferenceRuns.load();
}

VariantStageCosts variantStageCosts(const model::Model &model, const std::string &format,
                                    const cost::CostModel &device)
{
    const std::vector<numeric::FormatSpec> formats
        = numeric::FormatAssignment::parse(format).resolve(model);
    const cost::VariantCost vc = device.evaluate(model, formats);
    VariantStageCosts c;
    c.total.deviceEnergy_pj = vc.total.energy_pj;
    c.total.latency_us = vc.total.latency_us;
    c.total.memory_bytes = vc.memory_bytes;
    const std::vector<std::vector<bool>> needs = headLayers(model);
    std::vector<bool> done(model.layers.size(), false);
    const bool perLayer = vc.layers.size() == model.layers.size() && !vc.measured;
    for (size_t h = 0; h < needs.size(); ++h) {
        policy::StageCost s;
        if (perLayer) {
            for (size_t l = 0; l < needs[h].size(); ++l) {
                if (!needs[h][l] || done[l])
                    continue;
                done[l] = true;
                s.deviceEnergy_pj += vc.layers[l].energy_pj;
                s.latency_us += vc.layers[l].latency_us;
            }
        } else if (h + 1 == needs.size()) {
            s.deviceEnergy_pj = c.total.deviceEnergy_pj; // measured: no per-layer split
            s.latency_us = c.total.latency_us;
        }
        if (h == 0)
            s.memory_bytes = vc.memory_bytes;
        c.heads.push_back(s);
    }
    return c;
}

policy::StageCost offloadStageCost(const model::Model &model, const cost::OffloadModel &link,
                                   const cost::CostModel &device, int inputBits, int answerBytes)
{
    const cost::OffloadCost oc
        = link.cost(cost::inputBytes(model, inputBits), answerBytes, device.idle_mw());
    policy::StageCost s;
    s.deviceEnergy_pj = oc.deviceEnergy_pj;
    s.remoteEnergy_pj = oc.serverEnergy_pj;
    s.latency_us = oc.latency_us;
    return s;
}

} // namespace frontier::study

#include "trainingcost.h"

#include "common/error.h"
#include "cost/costmodel.h"
#include "numeric/formatspec.h"

namespace frontier::train {

TrainingCostTable::TrainingCostTable(const model::Model &model,
                                     const std::vector<std::string> &presets, TrainMethod method,
                                     const QuantTrainOptions &options)
    : m_method(method)
    , m_qatBits(options.bits)
    , m_actBits(options.rct.activationBits)
    , m_gradBits(options.rct.gradientBits)
    , m_presets(presets)
{
    std::vector<std::string> formats = {"fp32"};
    if (method == TrainMethod::Qat)
        formats.push_back(format(Forward, m_qatBits));
    if (method == TrainMethod::Rct) {
        for (int b = options.rct.minBits; b <= options.rct.maxBits; ++b) {
            for (Pass p : {Forward, BackwardInput, BackwardWeight, Update})
                formats.push_back(format(p, b));
        }
    }
    for (const std::string &preset : presets) {
        const cost::CostModel costModel = cost::CostModel::load(preset);
        std::map<std::string, std::vector<Price>> &table = m_prices[preset];
        for (const std::string &f : formats) {
            if (table.count(f))
                continue;
            const cost::VariantCost vc = costModel.evaluate(model, numeric::parseFormat(f));
            std::vector<Price> prices(model.layers.size());
            for (size_t l = 0; l < vc.layers.size() && l < prices.size(); ++l) {
                const cost::LayerCost &lc = vc.layers[l];
                if (lc.counts.macs > 0) {
                    prices[l].gemmPerMac_pj = lc.computeEnergy_pj / double(lc.counts.macs);
                    prices[l].totalPerMac_pj = lc.energy_pj / double(lc.counts.macs);
                }
            }
            table[f] = std::move(prices);
        }
    }
}

std::string TrainingCostTable::format(Pass pass, int bits) const
{
    const auto wa = [](int w, int a) {
        std::string text = "w";
        text += std::to_string(w);
        text += 'a';
        text += std::to_string(a);
        return numeric::parseFormat(text).name;
    };
    switch (m_method) {
    case TrainMethod::Fp32:
        return "fp32";
    case TrainMethod::Qat:
        return pass == Forward ? wa(m_qatBits, m_qatBits) : "fp32";
    case TrainMethod::Rct:
        switch (pass) {
        case Forward:
            return wa(bits, m_actBits);
        case BackwardInput:
        case Update:
            return wa(bits, m_gradBits);
        case BackwardWeight:
            return wa(m_gradBits, m_actBits);
        }
    }
    return "fp32";
}

double TrainingCostTable::updateMacsPerParameter(const std::string &optimizer) const
{
    if (m_method == TrainMethod::Rct)
        return 1;
    if (optimizer == "adam")
        return 8;
    if (optimizer == "nesterov")
        return 3;
    return 2;
}

TrainingCostTable::Price TrainingCostTable::price(const std::string &preset,
                                                  const std::string &format, int layer) const
{
    const auto p = m_prices.find(preset);
    if (p == m_prices.end())
        throw Error("training cost", "preset '" + preset + "' was not priced");
    const auto f = p->second.find(format);
    if (f == p->second.end() || layer < 0 || size_t(layer) >= f->second.size())
        throw Error("training cost", "format '" + format + "' was not priced");
    return f->second[size_t(layer)];
}

TrainingAccumulator::TrainingAccumulator(std::vector<LayerInfo> layers)
    : m_layers(std::move(layers))
    , m_epoch(m_layers.size())
    , m_total(m_layers.size())
{}

void TrainingAccumulator::startEpoch()
{
    m_epoch.assign(m_layers.size(), {});
}

void TrainingAccumulator::addStep(const TrainingCostTable &costs, const std::vector<int> &bits,
                                  int batch, const std::string &optimizer)
{
    for (size_t w = 0; w < m_layers.size(); ++w) {
        const LayerInfo &info = m_layers[w];
        const double macs = double(info.macsPerSample) * batch;
        const double update = double(info.parameters) * costs.updateMacsPerParameter(optimizer);
        const double counts[4] = {macs, info.needGradIn ? macs : 0.0, macs, update};
        for (int p = 0; p < 4; ++p) {
            if (counts[p] == 0)
                continue;
            const std::string f = costs.format(TrainingCostTable::Pass(p), bits[w]);
            m_epoch[w][size_t(p)][f] += counts[p];
            m_total[w][size_t(p)][f] += counts[p];
        }
    }
}

EpochAccount TrainingAccumulator::finishEpoch(const TrainingCostTable &costs,
                                              const std::vector<int> &bits) const
{
    return price(costs, bits, m_epoch);
}

EpochAccount TrainingAccumulator::total(const TrainingCostTable &costs,
                                        const std::vector<int> &bits) const
{
    return price(costs, bits, m_total);
}

EpochAccount TrainingAccumulator::price(
    const TrainingCostTable &costs, const std::vector<int> &bits,
    const std::vector<std::array<std::map<std::string, double>, 4>> &macs) const
{
    EpochAccount e;
    for (size_t w = 0; w < m_layers.size(); ++w) {
        LayerAccount la;
        la.layer = m_layers[w].name;
        la.weightBits = bits[w];
        double *counts[4]
            = {&la.macs.forward, &la.macs.backwardInput, &la.macs.backwardWeight, &la.macs.update};
        for (int p = 0; p < 4; ++p) {
            for (const auto &[format, n] : macs[w][size_t(p)]) {
                *counts[p] += n;
                for (const std::string &preset : costs.presets()) {
                    const TrainingCostTable::Price price
                        = costs.price(preset, format, m_layers[w].layer);
                    PassEnergy &pe = la.energy[preset];
                    if (p == TrainingCostTable::Update) {
                        pe.update_pj += n * price.gemmPerMac_pj;
                        pe.total_pj += n * price.gemmPerMac_pj;
                    } else {
                        pe.gemm_pj += n * price.gemmPerMac_pj;
                        pe.total_pj += n * price.totalPerMac_pj;
                    }
                }
            }
        }
        e.macs.forward += la.macs.forward;
        e.macs.backwardInput += la.macs.backwardInput;
        e.macs.backwardWeight += la.macs.backwardWeight;
        e.macs.update += la.macs.update;
        for (const auto &[preset, pe] : la.energy) {
            PassEnergy &sum = e.energy[preset];
            sum.gemm_pj += pe.gemm_pj;
            sum.update_pj += pe.update_pj;
            sum.total_pj += pe.total_pj;
        }
        e.layers.push_back(std::move(la));
    }
    return e;
}

} // namespace frontier::train

#pragma once

// Pricing of training MACs with the cost model (core/cost/): each pass of a weighted layer
// is priced as that layer's GEMM in the format of the pass's operands.
//   pass             fp32   qat            rct (layer at b bits)
//   forward          fp32   int<q>         w<b>a<act>
//   backward input   fp32   fp32           w<b>a<grad>       (weights x output gradient)
//   backward weight  fp32   fp32           w<grad>a<act>     (output gradient x input)
//   update           fp32   fp32           w<b>a<grad>       (one MAC per parameter)
// Energy per MAC of a pass = the layer's energy for one inference in that format
// (CostModel::evaluate) divided by its MACs: computeEnergy_pj for "gemm", energy_pj
// (arithmetic, memory accesses and static power) for "total". Update MACs per parameter:
// sgd (heavy-ball momentum) 2, nesterov 3, adam 8 (an estimate of its element-wise
// arithmetic, with the square root and division counted as one MAC each), rct 1 (no state).

#include "quanttraining.h"

#include "model/model.h"

#include <array>
#include <map>
#include <string>
#include <vector>

namespace frontier::train {

class TrainingCostTable
{
public:
    // Evaluates every format the method can use, on every preset (names or paths), from
    // `model` (initialised). Throws Error naming the preset when one cannot be loaded or
    // has no timing for a format.
    TrainingCostTable(const model::Model &model, const std::vector<std::string> &presets,
                      TrainMethod method, const QuantTrainOptions &options);

    enum Pass { Forward = 0, BackwardInput = 1, BackwardWeight = 2, Update = 3 };

    // The format of `pass` for a layer at `bits` (see the table above).
    std::string format(Pass pass, int bits) const;
    double updateMacsPerParameter(const std::string &optimizer) const;

    struct Price
    {
        double gemmPerMac_pj = 0;
        double totalPerMac_pj = 0;
    };
    // The price of one MAC of model layer `layer` in `format` on `preset`.
    Price price(const std::string &preset, const std::string &format, int layer) const;
    const std::vector<std::string> &presets() const { return m_presets; }

private:
    TrainMethod m_method;
    int m_qatBits = 8;
    int m_actBits = 8;
    int m_gradBits = 8;
    std::vector<std::string> m_presets;
    std::map<std::string, std::map<std::string, std::vector<Price>>> m_prices; // preset, format
};

// MACs of every (weighted layer, pass, format), per epoch and over the run, priced on
// demand.
class TrainingAccumulator
{
public:
    struct LayerInfo
    {
        int layer = -1; // model index
        std::string name;
        bool needGradIn = false;
        int64_t parameters = 0;
        int64_t macsPerSample = 0;
    };

    explicit TrainingAccumulator(std::vector<LayerInfo> layers);

    void startEpoch();
    // One optimizer step over `batch` samples with the layers at `bits`.
    void addStep(const TrainingCostTable &costs, const std::vector<int> &bits, int batch,
                 const std::string &optimizer);
    EpochAccount finishEpoch(const TrainingCostTable &costs, const std::vector<int> &bits) const;
    EpochAccount total(const TrainingCostTable &costs, const std::vector<int> &bits) const;

private:
    EpochAccount price(const TrainingCostTable &costs, const std::vector<int> &bits,
                       const std::vector<std::array<std::map<std::string, double>, 4>> &macs) const;

    std::vector<LayerInfo> m_layers;
    // [layer][pass]: format -> MACs
    std::vector<std::array<std::map<std::string, double>, 4>> m_epoch;
    std::vector<std::array<std::map<std::string, double>, 4>> m_total;
};

} // namespace frontier::train

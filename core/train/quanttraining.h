#pragma once

// Training for the edge: FP32, quantization-aware training (QAT) and Resource-Constrained
// Training (RCT, REFERENCE.md §4), each with the accounting a device cares about: the MACs
// of forward, backward and update at the bitwidths used at every step, priced with the cost
// model, and the memory held for parameters and activations.
//
//   fp32  float32 weights, activations and gradients; the TrainOptions optimizer.
//   qat   float32 master weights and the TrainOptions optimizer on them; the forward pass
//         fake-quantizes as the numerics contract of int<b> does (weights symmetric per output
//         channel, the input of every weighted layer and the output of every last weighted
//         layer asymmetric per tensor with calibrated ranges, int32 bias at s_in · s_w);
//         backward is the straight-through estimator: the gradient of the float network at
//         the quantized values, passed to the master weights unchanged and to a quantized
//         input only where that input lies inside its quantization range.
//   rct   no float32 weights between steps: every weighted layer holds integer codes of its
//         current bitwidth with one scale per layer (biases: 16-bit fixed point), updated by
//         plain SGD (no optimizer state) with seeded stochastic rounding; activations at each
//         weighted layer's input quantized per micro-batch (asymmetric min/max,
//         activationBits), the gradient at each weighted layer's output quantized per
//         micro-batch (symmetric max-abs, gradientBits, stochastic rounding); the bitwidth rule
//         every `every` batches.
//
// Supported models: dense and conv2d are the only layers with parameters (no BatchNorm);
// the other layers are the usual parameter-free ones. Throws Error otherwise.

#include "trainer.h"
#include "workflow.h"

#include "data/catalog.h"
#include "data/dataset.h"
#include "model/model.h"
#include "numeric/variant.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace frontier::train {

enum class TrainMethod { Fp32, Qat, Rct };

std::string methodName(TrainMethod method);   // "fp32", "qat", "rct"
TrainMethod parseMethod(const std::string &); // throws Error("--method", ...) when unknown

// RCT's knobs. The paper does not publish its values (REFERENCE.md §4): every default here
// is Frontier's choice, made on the MNIST split with mlp and lenet (docs/benchmarks.md).
struct RctOptions
{
    int initialBits = 8;       // every layer starts here (clamped into [minBits, maxBits])
    int minBits = 2;           // b_min, 2..16
    int maxBits = 16;          // b_max, minBits..16
    int every = 100;           // K: batches between two applications of the rule, >= 1
    double tMin = 0.05;        // G_avg below: add a bit (updates underflow)
    double tMax = 2.0;         // G_avg above: remove a bit (updates far larger than a step)
    int activationBits = 8;    // weighted layers' inputs, 2..16
    int gradientBits = 8;      // gradients at weighted layers' outputs, 2..16
    int biasBits = 16;         // biases: fixed point of biasBits with biasFractionBits
    int biasFractionBits = 12; //   fraction bits (step 2^-12, range ±8)
};

// What the training state holds between two optimizer steps (see
// QuantTrainOptions::inspectStep): for rct no float32 weight may be among it. (The per
// micro-batch gradient buffers are scratch reused by the next step, not state: their values
// are dead between steps, and the accounting leaves them out of the parameter memory.)
struct StepInspection
{
    int64_t step = 0;                // optimizer steps done
    int64_t floatWeightBytes = 0;    // float32 weight and bias values alive (capacity)
    int64_t optimizerStateBytes = 0; // optimizer buffers alive
    int64_t integerCodes = 0;        // integer weight and bias codes held (rct)
    std::vector<int> bits;           // per weighted layer
};

struct QuantTrainOptions
{
    TrainMethod method = TrainMethod::Fp32;
    TrainOptions train;           // epochs, batch, rate, schedule, seed, progress, ...
    int bits = 8;                 // qat: w<bits>a<bits> (int<bits>), 2..16
    RctOptions rct;               // rct only
    int calibrationSamples = 512; // qat: ranges from the first samples of the calibration set
    // Cost presets the accounting prices the MACs with (device presets by name or path).
    std::vector<std::string> costPresets = {"asic45", "cortex-m4f"};
    // Called on the training thread after every optimizer step, when set (tests, GUI curves).
    std::function<void(const StepInspection &)> inspectStep;
};

// Validates everything that does not need the model; throws Error naming the option
// ("--bits", "--rct-min", "--rct-max", "--rct-t-min", ...), e.g. b_min > b_max or
// T_min >= T_max.
void validate(const QuantTrainOptions &options);

// MACs of one training pass type, summed.
struct PassMacs
{
    double forward = 0;
    double backwardInput = 0;  // dL/dx (not computed for the first weighted layer)
    double backwardWeight = 0; // dL/dw
    double update = 0;         // optimizer arithmetic, counted in MACs per parameter
    double total() const { return forward + backwardInput + backwardWeight + update; }
};

// The energy of a set of MACs on one preset, pJ. gemm = arithmetic of the forward and
// backward GEMMs (CostModel computeEnergy of the layer in the operands' format); total =
// gemm + update arithmetic + the layer's memory and static energy of every pass.
struct PassEnergy
{
    double gemm_pj = 0;
    double update_pj = 0;
    double total_pj = 0;
};

struct LayerAccount
{
    std::string layer;
    int weightBits = 32; // at the end of the period (RCT: the layer's bitwidth)
    PassMacs macs;
    std::map<std::string, PassEnergy> energy; // by preset name
};

// One epoch of training (or the whole run, see TrainingResult::total).
struct EpochAccount
{
    int epoch = 0; // 1-based; 0 for the total
    double loss = 0;
    double trainAccuracy = 0;
    double validationAccuracy = -1;
    double seconds = 0;
    std::vector<LayerAccount> layers;         // weighted layers in model order
    std::map<std::string, PassEnergy> energy; // sums over layers, by preset
    PassMacs macs;
};

// Bits resident on the device for the parameters (weights and biases). weights: the copy
// the forward pass reads (fp32: float32; qat: the quantized copy at b bits; rct: the codes at
// each layer's bitwidth plus biases and one float32 scale per layer); master: qat's float32
// copy; optimizer: the optimizer state (sgd 0, momentum 32, adam 64 bits per parameter).
struct ParameterMemory
{
    int64_t weightBits = 0;
    int64_t masterBits = 0;
    int64_t optimizerBits = 0;
    int64_t totalBits() const { return weightBits + masterBits + optimizerBits; }
    int64_t totalBytes() const { return (totalBits() + 7) / 8; }
};

// A sample of the per-layer bitwidths (RCT), taken at the start and after every rule check.
struct BitwidthSample
{
    int64_t step = 0; // optimizer steps done
    std::vector<int> bits;
};

struct TrainingResult
{
    TrainMethod method = TrainMethod::Fp32;
    std::string recipe;
    std::string dataset;
    std::string format; // inference format of the trained model ("fp32", "int8", ...)
    uint64_t seed = 1;
    int bits = 32; // qat: b; rct: initial bits; fp32: 32
    RctOptions rct;
    bool cancelled = false;
    double seconds = 0;
    double testAccuracy = -1;      // the saved model in `format` (fp32 engine or variant)
    double testAccuracyFloat = -1; // the trained float weights run in fp32
    std::vector<std::string> weightedLayers;
    std::vector<int> finalBits; // per weighted layer
    std::vector<EpochAccount> epochs;
    EpochAccount total;                  // the whole run, epoch = 0
    ParameterMemory parameterMemory;     // at the end of training
    ParameterMemory peakParameterMemory; // largest total over training (RCT bits rise)
    int64_t peakActivationBytes = 0;     // one mini-batch's stored activations
    std::vector<BitwidthSample> bitHistory;
    std::vector<double> stepLoss; // mean loss of every `lossEvery` steps (training curve)
    int lossEvery = 10;

    double gemmEnergy_pj(const std::string &preset) const;  // total.energy[preset].gemm_pj
    double trainEnergy_pj(const std::string &preset) const; // total.energy[preset].total_pj
    // Compact JSON object: every field above; energies by preset; the per-epoch, per-layer
    // accounting. Keys use snake_case (test_accuracy, train_energy_pj, train_gemm_energy_pj,
    // param_memory_bytes, final_bits, ...).
    std::string toJson() const;
};

struct QuantTrainedModel
{
    model::Model model;       // float weights (rct: the dequantized codes)
    bool hasVariant = false;  // qat, rct: the variant the model is meant to run in
    numeric::Variant variant; // qat: int<b> with the training's final ranges
    TrainingResult result;
};

// Trains `model` (initialised, e.g. makeRecipe) on `train`, measuring validation accuracy
// on `validation` (may be null) after every epoch and test accuracy on `test` (may be null)
// at the end. `calibration` (qat: ranges; rct: the variant's activation ranges) defaults to
// validation, then train. Deterministic for a seed whatever the thread count: the
// mini-batch split into micro-batches, their reduction order and every random draw depend
// on positions only. Cancellation (options.train.progress) is polled before every
// mini-batch; a cancelled run returns with result.cancelled set and the model of the last
// completed epoch. Throws Error for bad options or a model it cannot train.
QuantTrainedModel trainQuantized(model::Model model, const data::Dataset &train,
                                 const data::Dataset *validation, const data::Dataset *test,
                                 const QuantTrainOptions &options,
                                 const data::Dataset *calibration = nullptr,
                                 const std::function<void(const EpochAccount &)> &onEpoch = {});

// The mean loss over the first n samples of `data` as one batch (no augmentation) and its
// gradient with respect to the float weights, through the method's forward and backward
// (qat: the fake-quantized forward with the activation ranges of `ranges`, an int<bits>
// variant of `model`, and the straight-through estimator). fp32 and qat only (rct keeps no
// float weights to differentiate); grads[layer][param] like Layer::params(). Throws Error.
struct BatchGradients
{
    double loss = 0;
    std::vector<std::vector<std::vector<float>>> grads;
};
BatchGradients batchGradients(const model::Model &model, const data::Dataset &data, int n,
                              const QuantTrainOptions &options,
                              const numeric::Variant *ranges = nullptr);

// The recipe workflow (workflow.h) with a method: builds run.recipe for the prepared data
// (metadata as trainRecipe()), trains it with `options` (options.train is ignored: run.options
// is used), validation on the calibration part, test accuracy on the test part. rct without
// an explicit rate keeps run.options' (callers choose; see rctTrainOptions()).
QuantTrainedModel trainRecipeQuantized(const RecipeRun &run, QuantTrainOptions options,
                                       const data::PreparedData &data,
                                       const std::function<void(const EpochAccount &)> &onEpoch
                                       = {});

// Training settings for rct on a recipe: defaultTrainOptions(recipe) with plain SGD's rate
// (rct keeps no optimizer state) and no weight decay. Frontier's choice (docs/benchmarks.md).
TrainOptions rctTrainOptions(const std::string &recipe);

} // namespace frontier::train

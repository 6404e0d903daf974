#pragma once

#include "calibration.h"
#include "formatspec.h"
#include "layerkernel.h"

#include "model/engine.h"
#include "model/model.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace frontier::numeric {

struct Variant;

// Sum of squares of the fp32 reference activation and of the deviation from it, over all
// elements of one weighted layer's output (SQNR = 10 log10(signal / noise) dB).
struct LayerError
{
    double signal = 0;
    double noise = 0;
    double sqnrDb() const;
};

// Runs a model with a number format per weighted layer, through the same batched,
// parallel and deterministic structure as model::Engine: fixed blocks of
// RunOptions::blockSize samples, oneTBB parallel_for over the blocks, per-thread scratch,
// results bitwise identical whatever the number of threads, and a serial twin.
//
// The constructor copies the model, folds every BatchNorm that model::Engine folds (a
// BatchNorm whose only input is a dense/conv2d layer read by nothing else) into its
// producer *before* any weight is quantized, and builds one kernel per weighted layer
// (dense, conv2d) for its format. Layers without weights run their own float32 forward().
// Which activations are quantized is the kernels' business (DESIGN.md, Numerics): a
// weighted layer's own input (a skip branch that bypasses it stays float32), and the
// output of every *last* weighted layer, i.e. one from which no other weighted layer can be
// reached (the classifier before a final softmax, and every early-exit classifier).
//
// `layerFormats` holds one spec per model layer (entries of layers without weights are
// ignored; an empty vector means fp32 everywhere). `calibration` holds one entry per
// weighted layer that needs one (integer and sc formats), matched by layer name. Errors
// (bad graph, missing calibration, weights that cannot be quantized) throw Error.
// run() and runSerial() may be called concurrently; the engine is immutable.
class VariantEngine
{
public:
    VariantEngine(const model::Model &model, const std::vector<FormatSpec> &layerFormats,
                  const std::vector<LayerCalibration> &calibration = {});
    // The variant's formats and calibration; Error when the variant names layers the model
    // does not have.
    VariantEngine(const model::Model &model, const Variant &variant);
    ~VariantEngine();
    VariantEngine(VariantEngine &&) noexcept;
    VariantEngine &operator=(VariantEngine &&) noexcept;

    // Called after every weighted layer of every block with the layer's (unquantized)
    // input and its output: `weighted` indexes weightedLayers(), `start` is the block's
    // first sample. Runs on worker threads, concurrently for different blocks.
    using Tap = std::function<void(int weighted, int start, const model::Tensor &input,
                                   const model::Tensor &output)>;

    // x: n samples in the model's input layout, already normalised. Throws Cancelled, Error.
    model::Outputs run(const float *x, int n, const model::RunOptions &options = {},
                       const Tap &tap = {}) const;

    // The serial twin: one sample at a time, every kernel's forwardNaive() and every other
    // layer's forwardNaive(). Bitwise equal to run() for integer, fixed point, minifloat
    // and sc formats; within float rounding for fp32/fp64 layers.
    model::Outputs runSerial(const float *x, int n) const;

    // Runs `reference` (an engine of the same model, usually fp32) beside this one, block by
    // block, and returns per weighted layer the error of this engine's layer output against
    // the reference's (the cumulative effect of all layers quantized up to there).
    std::vector<LayerError> compare(const VariantEngine &reference, const float *x, int n,
                                    const model::RunOptions &options = {}) const;

    const model::Model &model() const;
    // Model layer indices of the weighted layers, in plan order.
    const std::vector<int> &weightedLayers() const;
    // Whether weighted layer w (index into weightedLayers()) is a last weighted layer.
    bool isLastWeighted(int w) const;
    const WeightedKernel &kernel(int w) const;
    const FormatSpec &format(int w) const;
    int foldedCount() const;

private:
    struct Plan;
    std::unique_ptr<Plan> m_plan;
};

} // namespace frontier::numeric

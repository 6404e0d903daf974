#pragma once

#include "model.h"

#include "common/progress.h"

#include <memory>
#include <string>
#include <vector>

namespace frontier::model {

struct RunOptions
{
    // Samples per block. The block split depends only on this number, never on the thread
    // count, so results are bitwise identical whatever the number of threads. >= 1.
    int blockSize = 64;
    // Optional: advanced by the number of samples of each finished block (the caller sets
    // the total); polled before every block, a cancel makes run() throw frontier::Cancelled.
    frontier::Progress *progress = nullptr;
};

// The per-sample outputs of every head of a model, in head order (earliest exit first,
// final head last). A head's values are its layer's raw output: probabilities when the
// head layer is a softmax, otherwise whatever the layer computes (logits, features).
struct Outputs
{
    int n = 0;
    std::vector<std::string> headNames;
    std::vector<int> headWidths;
    std::vector<std::vector<float>> heads; // heads[h][i * headWidths[h] + c]

    // Row of sample i of head `head` (-1 = final head): headWidths[head] values.
    const float *scores(int head, int i) const;
    // Arg-max per sample (the lowest index on ties) of `head` (-1 = final head).
    std::vector<int> predictions(int head = -1) const;
};

// FP32 inference for one model. The constructor copies the model and compiles a plan:
// it validates shapes and heads (Error on a bad graph), folds every BatchNorm whose only
// input is a dense or conv2d layer read by nothing else into that layer's weights, fuses
// every ReLU whose only input is such a layer (or its folded BatchNorm) into the layer's
// GEMM epilogue, packs dense weights once for the GEMM kernel (model/layers/gemm.h), and
// assigns activation buffers by liveness. run() may be called concurrently from several
// threads; the Engine itself is immutable after construction.
//
// Inputs are float32 samples in the model's input layout (sample-major, NCHW for images),
// already normalised with model().normalization; x holds n * numel(inputShape) floats.
class Engine
{
public:
    explicit Engine(const Model &model);
    ~Engine();
    Engine(Engine &&) noexcept;
    Engine &operator=(Engine &&) noexcept;
    Engine(const Engine &) = delete;
    Engine &operator=(const Engine &) = delete;

    // Batched and parallel (oneTBB): fixed blocks of options.blockSize samples, each run
    // through the whole folded plan with per-thread buffers that are reused (no steady-state
    // allocation). Bitwise identical for any thread count. Throws Cancelled, Error.
    Outputs run(const float *x, int n, const RunOptions &options = {}) const;

    // The serial twin: forwardNaive() of every layer of the unfolded model, one sample at a
    // time. Slow; the reference run() is tested against (equal within float rounding).
    Outputs runSerial(const float *x, int n) const;

    const Model &model() const;

    // Number of BatchNorm layers folded into their producer (for tests and reports).
    int foldedCount() const;

private:
    struct Plan;
    std::unique_ptr<Plan> m_plan;
};

// Share of predictions equal to the labels, in [0, 1] (0 for empty input).
// Throws Error when the sizes differ.
double accuracy(const std::vector<int> &predictions, const std::vector<int> &labels);

} // namespace frontier::model

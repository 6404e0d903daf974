#pragma once

#include "model/model.h"

#include "common/progress.h"
#include "data/dataset.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace frontier::train {

struct TrainOptions
{
    std::string optimizer = "adam";  // "adam" (decoupled weight decay), "sgd", "nesterov" (L2)
    int epochs = 10;                 // >= 0
    int batchSize = 64;              // samples per optimizer step, >= 1
    float learningRate = 1e-3f;      // peak rate, > 0
    float momentum = 0.9f;           // SGD momentum; Adam's beta1
    float weightDecay = 0.0f;        // applied to dense/conv weights only (see optimizer.h)
    std::string schedule = "cosine"; // "cosine" (from learningRate to 0 over all steps),
                                     // "constant"
    uint64_t seed = 1;               // shuffling and augmentation
    int microBatch = 32;             // fixed micro-batch size, >= 1 (see train())
    frontier::Progress *progress = nullptr;
    // Image inputs {C, H, W} only: every training sample is shifted by a seeded random offset
    // of up to ±s pixels in each direction (edge pixels replicated), where
    // s = min(augmentShift, min(H, W) / 14): 2 on 28x28 or 32x32, 1 on 16x16, none on 8x8
    // (a 2-pixel shift of an 8x8 digit destroys it). 0 = no augmentation.
    int augmentShift = 0;
};

struct EpochReport
{
    int epoch = 0;                  // 1-based
    double trainLoss = 0;           // mean over the epoch's samples of Σ_h weight_h · CE_h
    double trainAccuracy = 0;       // final head, measured during training (augmented input)
    double validationAccuracy = -1; // final head via Engine, -1 without validation data
    double seconds = 0;             // wall-clock, including validation
};

struct TrainReport
{
    std::vector<EpochReport> epochs; // completed epochs
    bool cancelled = false;
    double seconds = 0;
};

// The tuned training settings for a recipe (see recipes.h): epochs, batch size, rate,
// weight decay and augmentation chosen for MNIST-sized problems on a small machine. Unknown
// names get the TrainOptions defaults.
TrainOptions defaultTrainOptions(const std::string &recipe);

// Trains `model` (already initialised, e.g. by makeRecipe) in place on `train` (samples in
// the model's input layout, already normalised, labels required) with softmax cross-entropy
// on every head: loss = Σ_h lossWeight_h · CE_h, each CE computed from the logits feeding
// the head's softmax (loss.h), averaged over the mini-batch.
//
// Each epoch shuffles the samples with a generator seeded by (seed, epoch) and walks them in
// mini-batches of batchSize (the last partial batch is dropped when the set holds at least
// one full batch; different samples are dropped each epoch). Every mini-batch is cut into
// fixed micro-batches of microBatch samples that run forwardTrain/backward in parallel
// (oneTBB), each into its own gradient buffers, which are then summed in micro-batch order.
// The split never depends on the thread count, so the trained weights are bitwise identical
// with 1 or N threads. BatchNorm therefore normalises with per-micro-batch statistics
// ("ghost batch norm") and its running statistics are updated once per micro-batch, in
// order.
//
// After each epoch, validation accuracy (final head) is measured with an Engine when
// `validation` is given and non-empty, then onEpoch is called (on the calling thread).
// Progress: total = epochs · samples per epoch, advanced per mini-batch. Cancellation is
// polled before every mini-batch: train() then returns promptly with cancelled = true and
// the model holding the weights of the last completed epoch (the initial ones if none).
// Throws Error for bad options, a dataset that does not fit the model, an uninitialised
// model, or labels outside a head's width.
TrainReport train(model::Model &model, const data::Dataset &train, const data::Dataset *validation,
                  const TrainOptions &options,
                  const std::function<void(const EpochReport &)> &onEpoch = {});

} // namespace frontier::train

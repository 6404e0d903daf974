#pragma once

#include "model.h"

#include <memory>
#include <vector>

namespace frontier::model {

// The layers an inference engine runs after folding every BatchNorm into the dense or
// conv2d layer that produces its only input, when nothing else reads that layer's output
// (DESIGN.md, Numerics: "BatchNorm is folded into the preceding weighted layer").
// Shared by model::Engine and numeric::VariantEngine so both fold identically.
struct BatchNormFolding
{
    std::vector<int> consumers;                // readers of each layer's output; heads count
    std::vector<int> alias;                    // the layer whose output is layer i's output
    std::vector<const Layer *> run;            // what runs for layer i; nullptr when folded away
    std::vector<std::unique_ptr<Layer>> owned; // the folded copies `run` points to
    int folded = 0;                            // BatchNorm layers folded away
};

// Reads `model` (which must outlive the result: unfolded entries of `run` point into it).
BatchNormFolding foldBatchNorms(const Model &model);

} // namespace frontier::model

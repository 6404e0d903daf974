#pragma once

#include "model.h"

#include <cstdint>
#include <string>
#include <vector>

namespace frontier::model {

struct RecipeOptions
{
    // Recipe-specific widths (empty = the recipe's defaults; see recipeDescription()):
    //   mlp      hidden layer sizes, any count              (default 256, 128)
    //   lenet    conv1 filters, conv2 filters, dense units   (default 16, 32, 128)
    //   resnet8  filters of the three stages                (default 16, 32, 64)
    //   tiny     images: conv filters; vectors: hidden units (default 8 / 16)
    //   large    images: 3 conv filters + dense units;       (default 32, 64, 128, 256)
    //            vectors: hidden layer sizes                (default 256, 256)
    //   ee-cnn   3 conv filters + dense units                (default 16, 32, 64, 128)
    std::vector<int> widths;
    uint64_t seed = 1; // parameter initialisation
};

// Builds and initialises a model by recipe name for per-sample `inputShape` ({F} for
// vectors, {C, H, W} for images) and `numClasses` (>= 2) outputs. Every recipe ends in a
// softmax layer named "softmax" carrying the final head "final", so the final head's
// scores are probabilities; ee-cnn adds early-exit heads "exit1" and "exit2" (each a
// dense + softmax branch) before it. metadata["recipe"] and ["seed"] are set, classNames
// are "0".."numClasses-1" (the caller usually replaces them with the dataset's).
// Throws Error("recipe <name>", ...) for an unknown name, bad widths, or an input shape
// the recipe cannot take (CNNs need {C, H, W} large enough for their pooling).
Model makeRecipe(const std::string &name, const Shape &inputShape, int numClasses,
                 const RecipeOptions &options = {});

// Recipe names, sorted.
std::vector<std::string> recipeNames();

// One line: what the recipe builds and its widths. Throws Error for an unknown name.
std::string recipeDescription(const std::string &name);

} // namespace frontier::model

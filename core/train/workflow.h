#pragma once

#include "trainer.h"

#include "data/catalog.h"
#include "model/model.h"

#include <functional>
#include <string>
#include <vector>

namespace frontier::train {

// What the CLI's `train`, the main job and the GUI's training jobs share: build a recipe
// for a prepared dataset, train it, and measure it on the test part.
struct RecipeRun
{
    std::string recipe;      // a name from model::recipeNames()
    std::vector<int> widths; // hidden widths (mlp); empty = the recipe's default
    TrainOptions options;    // usually defaultTrainOptions(recipe) with overrides
};

struct TrainedModel
{
    model::Model model; // carries the data's normalisation, class names and metadata
    TrainReport report;
    double testAccuracy = -1; // -1 when the test part is empty or unlabelled
};

// Throws Error for an unknown recipe or a recipe that does not fit the data's shape;
// frontier::Cancelled is not thrown: a cancelled run returns with report.cancelled set.
TrainedModel trainRecipe(const RecipeRun &run, const data::PreparedData &data,
                         const std::function<void(const EpochReport &)> &onEpoch = {});

// Top-1 accuracy of the model's final head on a labelled, already normalised dataset.
double evaluateAccuracy(const model::Model &model, const data::Dataset &set,
                        Progress *progress = nullptr);

} // namespace frontier::train

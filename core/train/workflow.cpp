#include "workflow.h"

#include "common/error.h"
#include "model/engine.h"
#include "model/recipes.h"

namespace frontier::train {

TrainedModel trainRecipe(const RecipeRun &run, const data::PreparedData &data,
                         const std::function<void(const EpochReport &)> &onEpoch)
{
    const data::Dataset &trainSet = data.train;
    if (!trainSet.hasLabels() || trainSet.size() == 0)
        throw Error(trainSet.source, "has no labelled training samples");
    if (trainSet.numClasses() < 2)
        throw Error(trainSet.source, std::string("has ")
                                         .append(std::to_string(trainSet.numClasses()))
                                         .append(" class; training needs at least 2"));

    model::RecipeOptions recipeOptions;
    recipeOptions.widths = run.widths;
    recipeOptions.seed = run.options.seed;

    TrainedModel result;
    result.model
        = model::makeRecipe(run.recipe, trainSet.shape, trainSet.numClasses(), recipeOptions);
    model::Model &m = result.model;
    m.name = run.recipe;
    m.classNames = trainSet.classNames;
    m.normalization = data.normalization;
    m.metadata["recipe"] = run.recipe;
    m.metadata["dataset"] = trainSet.name;
    m.metadata["dataset_hash"] = trainSet.contentHash;
    m.metadata["seed"] = std::to_string(run.options.seed);
    m.metadata["optimizer"] = run.options.optimizer;

    const data::Dataset *validation = data.calibration.size() > 0 ? &data.calibration : nullptr;
    result.report = train(m, trainSet, validation, run.options, onEpoch);
    m.metadata["epochs"] = std::to_string(result.report.epochs.size());
    if (data.test.size() > 0 && data.test.hasLabels())
        result.testAccuracy = evaluateAccuracy(m, data.test, run.options.progress);
    return result;
}

double evaluateAccuracy(const model::Model &m, const data::Dataset &set, Progress *progress)
{
    const model::Engine engine(m);
    model::RunOptions options;
    options.progress = progress;
    if (progress)
        progress->reset(set.size());
    const model::Outputs out = engine.run(set.x.data(), set.size(), options);
    return model::accuracy(out.predictions(), set.y);
}

} // namespace frontier::train

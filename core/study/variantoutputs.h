#pragma once

#include "studydata.h"

#include "common/progress.h"
#include "cost/costmodel.h"
#include "cost/offload.h"
#include "data/dataset.h"
#include "model/model.h"
#include "policy/tieroutputs.h"

#include <cstdint>
#include <string>
#include <vector>

namespace frontier::study {

// The per-sample outputs of one variant on several splits: outputs[s][h] is head h (final
// head last) on splits[s].
struct VariantOutputs
{
    std::vector<std::vector<policy::TierOutputs>> outputs;
};

// Runs `model` in `format` (a numeric::FormatAssignment text, e.g. "int4" or
// "w4a8;last=int8") over each split: the variant is calibrated once on the first
// numeric::kDefaultCalibrationSamples samples of `calibration` (integer and sc formats),
// then numeric::VariantEngine runs every split (parallel, bitwise identical for any
// thread count). Head values that are probabilities (every row in [0, 1] summing to 1)
// are cached as scores, others as logits through softmax. Each split run counts as one
// inference run (inferenceRuns()). Throws Error, Cancelled (through `progress`, which
// is advanced by the samples run; the caller sets its total).
VariantOutputs computeVariantOutputs(const model::Model &model, const std::string &format,
                                     const data::Dataset &calibration,
                                     const std::vector<const data::Dataset *> &splits,
                                     Progress *progress = nullptr);

// How many split runs computeVariantOutputs() made in this process (for tests: a study
// run whose caches are all in the project file makes none).
int64_t inferenceRuns();

// The variant's cost per inference on a device, as policy stages: whole model, and per
// head the layers it needs that earlier heads did not (resident memory on the first head).
VariantStageCosts variantStageCosts(const model::Model &model, const std::string &format,
                                    const cost::CostModel &device);

// One offload of an input of `model` (numel(input) · inputBits bits up, answerBytes down)
// from `device` over the link: device energy (radio, waiting) and the server's energy.
policy::StageCost offloadStageCost(const model::Model &model, const cost::OffloadModel &link,
                                   const cost::CostModel &device, int inputBits, int answerBytes);

// The first `limit` samples of a dataset (all when limit <= 0 or larger than its size).
data::Dataset firstSamples(const data::Dataset &set, int limit);

} // namespace frontier::study

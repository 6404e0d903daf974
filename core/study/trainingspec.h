#pragma once

// The `training` section of a study spec: methods x bitwidths x seeds of one recipe,
// expanded into trained models (ModelSpec with a training method) that the policies then
// use like any other model. See docs/study-spec.md.
//
//   "training": {"recipe": "mlp", "name": "mlp", "widths": [256, 128], "epochs": 5,
//                "methods": ["fp32", "qat", "rct"], "bits": [8, 4], "seeds": [1, 2]}
//
// Model names: <name>-fp32-s<seed>, <name>-qat<bits>-s<seed>, <name>-rct<bits>-s<seed> (rct:
// bits is the initial bitwidth). Internal to core/study (studyspec.cpp).

#include "specreader.h"
#include "studyspec.h"

#include <vector>

namespace frontier::study {

// Reads the optional "training" key of `top`; empty when absent. Errors name the key path.
std::vector<ModelSpec> parseTrainingSection(SpecReader &top);

// Metric names a trained model adds to its trials (train_energy_pj, train_gemm_energy_pj,
// param_memory_bytes).
const std::vector<std::string> &trainingMetricNames();

} // namespace frontier::study

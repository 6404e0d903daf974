#pragma once

#include "intermittent/execution.h"
#include "intermittent/platform.h"
#include "intermittent/power.h"
#include "policy/cascade.h"
#include "policy/decisionmodule.h"
#include "policy/logisticregression.h"
#include "policy/tieroutputs.h"

#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace frontier::study {

// The splits a study caches outputs for: thresholds and decision modules are fitted on
// the calibration split, metrics are reported on the test split.
inline const char *const kCalibrationSplit = "calibration";
inline const char *const kTestSplit = "test";

// What one variant (model, format) costs per inference on one device, as policy stages
// need it: the whole model, and per head (early exits) the segment from the previous head.
// The whole model's resident memory is charged to the first head's stage.
struct VariantStageCosts
{
    policy::StageCost total;
    std::vector<policy::StageCost> heads; // one per model head, final head last
};

// Everything trials are evaluated from, gathered by the runner before the parallel phase:
// labels, per-sample output caches, costs and fitted decision modules. Immutable while
// trials run, so any number of threads may read it. Lookups of absent entries throw
// Error naming what is missing (a runner bug, not bad input).
struct StudyData
{
    using OutputKey = std::tuple<std::string, std::string, std::string>; // model, format, split
    using CostKey = std::tuple<std::string, std::string, std::string>;   // model, format, device
    // model, link, server, device
    using OffloadKey = std::tuple<std::string, std::string, std::string, std::string>;
    using FitKey = std::pair<std::string, std::string>; // model, format

    std::vector<int> calibrationLabels;
    std::vector<int> testLabels;
    std::map<std::string, int> classes;                            // per model: scores per sample
    std::map<OutputKey, std::vector<policy::TierOutputs>> outputs; // per head, final last
    std::map<CostKey, VariantStageCosts> costs;
    std::map<OffloadKey, policy::StageCost> offloads;          // device side + server, per sample
    std::map<FitKey, policy::LogisticRegression> logisticFits; // on the calibration split
    using CustomFitKey = std::tuple<std::string, std::string, std::string>; // model, format, rule
    std::map<CustomFitKey, policy::DecisionModule> customFits; // plugins' rules, fitted
    // Intermittent policies: execution layers per model, platforms per device preset,
    // harvested-power traces per (absolute) path.
    std::map<std::string, std::vector<intermittent::ExecLayer>> intermittentLayers;
    std::map<std::string, std::vector<intermittent::ExecStage>> intermittentStages; // per head
    std::map<std::string, intermittent::Platform> intermittentPlatforms;
    std::map<std::string, intermittent::Harvester> intermittentTraces;
    // Models trained with a method (ModelSpec::method): train_energy_pj, train_gemm_energy_pj
    // and param_memory_bytes on each device; trials on the model's first tier carry them.
    using TrainingKey = std::pair<std::string, std::string>; // model, device
    std::map<TrainingKey, std::vector<std::pair<std::string, double>>> training;

    const std::vector<policy::TierOutputs> &heads(const std::string &model,
                                                  const std::string &format,
                                                  const std::string &split) const;
    // The final head's outputs.
    const policy::TierOutputs &output(const std::string &model, const std::string &format,
                                      const std::string &split) const;
    const VariantStageCosts &cost(const std::string &model, const std::string &format,
                                  const std::string &device) const;
    const policy::StageCost &offload(const std::string &model, const std::string &link,
                                     const std::string &server, const std::string &device) const;
    const policy::LogisticRegression &logisticFit(const std::string &model,
                                                  const std::string &format) const;
    const policy::DecisionModule &customFit(const std::string &model, const std::string &format,
                                            const std::string &rule) const;
};

} // namespace frontier::study

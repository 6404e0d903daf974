#pragma once

#include "execution.h"
#include "search.h"
#include "simulator.h"

#include <string>
#include <vector>

namespace frontier::intermittent {

// A run-time policy on an intermittently powered device (docs/intermittent.md, "Policies
// on harvested power"): a sample runs stage 0, and stage s + 1 after stage s whenever
// stage s does not answer it. ARI's stages are the whole model in each tier's format (an
// escalated sample runs the reduced model, then the full one); early exit's stages are the
// blocks that each head adds (executionStages), in one format. Each stage is configured
// on its own (the per-task baseline or the searched tiling, as runInference does), and a
// sample answered by stage s runs the programs of stages 0..s back to back in one
// simulation: the capacitor's charge, the power cycles and the re-executed work carry
// over from one stage to the next. Every inference starts from a charged capacitor.

struct CascadeStage
{
    std::string name; // "int8", "exit1", ...
    std::vector<ExecLayer> layers;
    DataFormat format = DataFormat::Q15;
};

struct CascadeRequest
{
    std::string where; // names the model in errors
    std::vector<CascadeStage> stages;
    Platform platform;
    Capacitor capacitor;
    Harvester harvester;
    bool search = true; // else the per-task baseline
    SearchOptions searchOptions;
    SimOptions simOptions;
};

struct CascadeOutcome
{
    std::vector<Configuration> configurations; // per stage
    // paths[s]: a sample answered by stage s (stages 0..s). Layer names are prefixed by
    // the stage's name when stages share layer names (ARI: "int8/conv1").
    std::vector<SimResult> paths;
    std::vector<std::vector<std::string>> pathLayerNames;
};

// Throws Error(where, ...) for an empty request, a stage without layers, or a layer no
// tiling fits (as searchConfiguration does).
CascadeOutcome simulateCascade(const CascadeRequest &request);

// The expected cost per inference when share[s] of the samples are answered by stage s
// (shares sum to 1): means of the paths weighted by the shares, the slowest path that any
// sample takes, and whether every path that a sample takes finishes.
struct CascadeExpectation
{
    bool terminates = true;
    double latency_s = 0; // +inf when some path taken does not finish
    double worstLatency_s = 0;
    double active_s = 0;
    double recharge_s = 0;
    double powerCycles = 0;
    double reboots = 0;
    EnergySplit energy;
};
CascadeExpectation expectation(const CascadeOutcome &outcome, const std::vector<double> &share);

} // namespace frontier::intermittent

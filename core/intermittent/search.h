#pragma once

#include "execution.h"
#include "simulator.h"

#include <cstdint>
#include <string>
#include <vector>

namespace frontier::intermittent {

// The three configurations every intermittent run reports (docs/intermittent.md):
//
//   naive     the per-task baseline's tiles, but checkpoints only at layer boundaries: a
//             layer is one atomic task, so a layer that needs more than one power cycle
//             never finishes.
//   per-task  in the spirit of SONIC/TAILS: every tile is an atomic task (one checkpoint per
//             tile), loop order reuse_O, and the tile chosen as TAILS does: the longest
//             vector-unit operand first (largest tn), then the most output channels (tm),
//             then rows (tr), among the tiles that fit SRAM and are atomic (cold task plus
//             reboot within margin × the energy of one cycle); the smallest tile when none
//             is atomic.
//   searched  per layer, the tiling (tm, tr, tn, loop order, tiles per task) that minimises
//             the layer's simulated latency among the atomic ones that fit SRAM, and over
//             the candidate formats the one whose whole network finishes first.

// Whether every task of the tiling fits one power cycle under the margin: cold energy +
// reboot <= capacitor.usableEnergy_J(). `maxEnergy_J` receives the largest cold task.
bool atomic(const ExecLayer &layer, const Tiling &tiling, DataFormat format,
            const Platform &platform, const Capacitor &capacitor, double *maxEnergy_J = nullptr);

Configuration naiveConfiguration(const std::vector<ExecLayer> &layers, DataFormat format,
                                 const Platform &platform, const Capacitor &capacitor);
Configuration perTaskConfiguration(const std::vector<ExecLayer> &layers, DataFormat format,
                                   const Platform &platform, const Capacitor &capacitor);

struct SearchOptions
{
    // Exhaustive: every fitting, atomic tiling of a layer is simulated. When a layer's
    // candidates hold more tiles than this in all, a local search runs instead: start from
    // the per-task tiling and move to the best neighbour (each tile size one divisor up or
    // down, any loop order, any tiles-per-task) until none is faster.
    int64_t exhaustiveTileBudget = 4000000;
    bool forceExhaustive = false;
    bool forceLocal = false;
    double start_s = 0; // trace time of the simulations
};

struct LayerSearch
{
    std::string layer;
    Tiling tiling;
    double latency_s = 0;   // the layer alone from a full capacitor
    int64_t candidates = 0; // fitting tilings
    int64_t atomicCandidates = 0;
    int64_t evaluated = 0; // simulated
    bool exhaustive = true;
};

struct SearchOutcome
{
    Configuration configuration;
    std::vector<LayerSearch> layers;
    // Per candidate format: the simulated latency of its best configuration (inf when it
    // does not finish).
    std::vector<std::pair<DataFormat, double>> formats;
    int64_t evaluated = 0;
};

// Searches tilings for each format of `formats` and keeps the fastest. Throws Error(where,
// "layer '<name>': ...") when a layer has no tiling that fits SRAM at all.
SearchOutcome searchConfiguration(const std::vector<ExecLayer> &layers,
                                  const std::vector<DataFormat> &formats, const Platform &platform,
                                  const Capacitor &capacitor, const Harvester &harvester,
                                  const SearchOptions &options, const std::string &where);

// Throws Error(where, "layer '<name>': no tiling fits the N B of SRAM (the smallest needs M
// B)") for the first layer with no tiling at all.
void checkFitsSram(const std::vector<ExecLayer> &layers, const Platform &platform,
                   const std::string &where);

} // namespace frontier::intermittent

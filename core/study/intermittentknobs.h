#pragma once

#include "specreader.h"

#include "intermittent/cascade.h"

#include <QJsonObject>

#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace frontier::study {

struct StudyData;
struct TrialConfig;

// The knobs of an `intermittent` policy (docs/study-spec.md): every trial runs its model
// and format on the trial's device (an intermittent preset such as msp430fr5994) through
// the power-cycle simulator of core/intermittent, and adds its latency on harvested
// energy to the usual metrics.

// One trial's values.
struct IntermittentKnobs
{
    double capacitor_mF = NAN;    // NaN: the preset's
    std::string harvester = "rc"; // "rc" (the preset's R and V_sup), a power ("2mW"), or a
                                  // trace CSV (absolute path)
    double margin = NAN;          // NaN: the preset's
    bool search = true;           // searched configuration (else the per-task baseline)
    double traceStart_s = 0;

    QJsonObject toJson() const;
    static IntermittentKnobs fromJson(const QJsonObject &o);
    std::string label() const; // "C=5mF P=2mW margin=0.55 searched"
    bool operator==(const IntermittentKnobs &) const = default;
};

// The lists a policy sweeps (the grid is their product).
struct IntermittentSpec
{
    std::vector<double> capacitors_mF{NAN};
    std::vector<std::string> harvesters{"rc"};
    std::vector<double> margins{NAN};
    std::vector<bool> search{true};
    double traceStart_s = 0;

    std::vector<IntermittentKnobs> expand() const;
};

// Reads capacitors, harvesters, margins, search, trace_start_s of a policy object; trace
// files are taken relative to baseDir and must load (Error naming the key otherwise).
IntermittentSpec parseIntermittentSpec(SpecReader &r, const std::string &baseDir);
void intermittentSpecToJson(const IntermittentSpec &spec, QJsonObject &policy);

// The metrics a trial on harvested power adds: intermittent_latency_s (+inf when it never
// finishes), intermittent_latency_worst_s, intermittent_active_s, intermittent_recharge_s,
// power_cycles, reboots, terminates (1/0), intermittent_energy_j, reexecution_j,
// preservation_j, data_movement_j, intermittent_compute_j. For ARI and EE they are the
// expectation per inference over the samples (intermittent/cascade.h): shares[s] of them
// answered by stage s; worst is the slowest path a sample takes; terminates when every
// path taken finishes.
const std::vector<std::string> &intermittentMetricNames();

// Applies a trial's capacitor, margin and harvester knobs to the preset's `capacitor` and
// `harvester` ("rc" keeps the harvester given). A trace is taken from `traces` (the
// study's loaded ones; Error naming `where` when absent) or, when null, read from its file.
void applyIntermittentKnobs(const IntermittentKnobs &knobs, intermittent::Capacitor &capacitor,
                            intermittent::Harvester &harvester,
                            const std::map<std::string, intermittent::Harvester> *traces,
                            const std::string &where);

// The stages an ARI or EE trial on harvested power runs, from its model's execution stages
// (intermittent::executionStages): ARI, the whole model in each tier's format; EE, one
// stage per head in the trial's format. `pathNames` receives the name of each path a
// sample can take ("int8 only", "int8, then q1.15"; "exit at exit1", ...). Throws Error
// naming `where` for a format the vector unit does not run.
std::vector<intermittent::CascadeStage> cascadeStages(
    const TrialConfig &trial, const std::vector<intermittent::ExecStage> &stages,
    const std::string &where, std::vector<std::string> *pathNames = nullptr);

// The simulated paths of ARI / EE trials, shared by trials that differ in τ only.
// Thread-safe.
class CascadeCache
{
public:
    std::shared_ptr<const intermittent::CascadeOutcome> get(
        const std::string &key, const std::function<intermittent::CascadeOutcome()> &make);

private:
    std::mutex m_mutex;
    std::map<std::string, std::shared_ptr<const intermittent::CascadeOutcome>> m_outcomes;
};

// Throws Error naming the trial. `shares` (ARI, EE): the share of samples each stage
// answers; ignored for the intermittent kind. `cache` may be null.
std::vector<std::pair<std::string, double>> intermittentMetrics(const StudyData &data,
                                                                const TrialConfig &trial,
                                                                const std::vector<double> &shares,
                                                                CascadeCache *cache);

} // namespace frontier::study

#pragma once

#include "cascade.h"
#include "execution.h"
#include "search.h"
#include "simulator.h"

#include "model/model.h"

#include <QJsonObject>

#include <string>
#include <vector>

namespace frontier::intermittent {

// The one entry point for the CLI, the study runner, the GUI and reports: an inference of
// a model on an intermittently powered device, under the three configurations (naive,
// per-task, searched).

struct InferenceRequest
{
    std::string where; // names the model in errors (its file or recipe)
    std::string modelName;
    std::vector<ExecLayer> layers;
    Platform platform;
    Capacitor capacitor; // the platform's, possibly with another C or margin
    Harvester harvester; // the platform's RC harvester, a constant power or a trace
    std::vector<DataFormat> formats{DataFormat::Q15}; // the baselines run in formats[0]
    bool search = true;
    bool baselines = true; // naive and per-task
    SearchOptions searchOptions;
    SimOptions simOptions; // timeline on/off, trace start time
};

// From a model and a preset: the execution layers (Error naming `where` and the layer
// when unsupported or too big for SRAM at any tile size), the preset's platform,
// capacitor and RC harvester. `formats` are format names (dataFormatOf).
InferenceRequest makeRequest(const model::Model &model, const std::string &where,
                             const std::string &preset, const std::vector<std::string> &formats);

struct ConfigurationResult
{
    Configuration configuration;
    SimResult sim;
    std::vector<int64_t> sramBytes;      // per layer
    std::vector<double> maxTaskEnergy_J; // per layer: largest cold task + reboot
};

struct InferenceReport
{
    std::string model;
    std::string platform;
    Capacitor capacitor;
    Harvester harvester;
    std::vector<ExecLayer> layers;
    std::vector<ConfigurationResult> configurations; // naive, per-task, searched (as asked)
    SearchOutcome search;                            // when searched
    double cycleEnergy_J = 0;
    double usableEnergy_J = 0;

    // The searched configuration when there is one, else per-task; nullptr when empty.
    const ConfigurationResult *best() const;
    const ConfigurationResult *find(const std::string &name) const;
    // Everything as JSON (what `frontier intermittent simulate --json` prints), without
    // the timelines.
    QJsonObject toJson() const;
};

InferenceReport runInference(const InferenceRequest &request);

// A cascade's paths as the configurations of one report (for the timeline view and
// reports): configuration s is the path of a sample answered by stage s, named
// pathNames[s], with the tilings of stages 0..s; `layers` holds every stage's layers in
// turn (each path's layers are a prefix of it), prefixed by stage name when stages share
// layer names. best() is the longest path. Same errors as simulateCascade.
InferenceReport cascadeReport(const CascadeRequest &request, const std::string &modelName,
                              const std::vector<std::string> &pathNames);

// Writes a timeline as CSV (t_s, voltage_v, layer, tasks_done, event), atomically.
void writeTimelineCsv(const std::string &path, const SimResult &sim,
                      const std::vector<std::string> &layerNames);

QJsonObject toJson(const SimResult &sim);
QJsonObject toJson(const Tiling &tiling);

// Parses "5mF", "4.7 mF", "0.01F", "100uF" (Error naming `key` otherwise) and "2mW",
// "500uW", "0.002W".
double parseCapacitance_F(const std::string &text, const std::string &key);
double parsePower_W(const std::string &text, const std::string &key);

} // namespace frontier::intermittent

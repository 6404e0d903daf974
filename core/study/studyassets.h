#pragma once

#include "studydata.h"
#include "studyspec.h"
#include "trialconfig.h"

#include "common/progress.h"
#include "data/catalog.h"
#include "model/model.h"
#include "train/workflow.h"

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace frontier::store {
class Project;
}

namespace frontier::study {

// What a list of trials reads: models, variant outputs, costs, offloads, fitted modules.
struct AssetNeeds
{
    std::set<std::string> models;
    std::set<std::pair<std::string, std::string>> outputs;             // model, format
    std::set<std::tuple<std::string, std::string, std::string>> costs; // model, format, device
    std::set<std::tuple<std::string, std::string, std::string, std::string>> offloads;
    std::set<std::pair<std::string, std::string>> fits; // model, format (lr decisions)
    std::set<std::tuple<std::string, std::string, std::string>> customFits; // model, format, rule
    std::set<std::string> intermittentModels;  // intermittent policies: execution layers
    std::set<std::string> intermittentDevices; // ... platforms
    std::set<std::string> intermittentTraces;  // ... harvested-power traces

    static AssetNeeds of(const std::vector<TrialConfig> &trials);
};

struct AssetReport
{
    int modelsTrained = 0;
    int modelsReused = 0;    // found in the project file
    int outputsComputed = 0; // variants run (one per model and format, both splits)
    int outputsReused = 0;   // read from the project file's output caches
};

// Everything a study's trials are evaluated from, and where it comes from: the dataset
// (prepared from the spec), the models (trained by recipe or loaded, then kept in the
// project file under "<name>@<first 16 hex digits of the model key>"), per-sample outputs
// (read from the project file's output caches, or computed once per model, format and
// split and stored there), costs from the presets, logistic-regression fits.
//
// Used on one thread (the Project is not thread-safe); the inference and training it
// starts are parallel inside. Errors name the spec file and key where they can.
class StudyAssets
{
public:
    StudyAssets(const StudySpec &spec, store::Project &project);
    // Without a project file until attach(): prepareData() then touches no file, so that bad
    // input shows before a project file is created or changed.
    explicit StudyAssets(const StudySpec &spec);
    // Uses `project` from now on; registers the dataset in it when it is prepared already.
    void attach(store::Project &project);

    // Loads and splits the dataset, computes the identities (dataset, models, presets)
    // and registers the dataset in the project file (once attached). Throws Error.
    void prepareData();
    const StudyIdentity &identity() const { return m_identity; }
    const data::PreparedData &prepared() const { return m_prepared; }

    // Shares the assets with other processes computing the same project file (a worker
    // id from store::WorkerSession; 0, the default, computes alone): a model to train or a
    // variant to run is computed under a lease of this worker, and one leased by another
    // live worker is waited for, then read from the project file. Results are the same
    // bits whoever computes them.
    void setWorker(int64_t workerId) { m_worker = workerId; }

    // Progress units that prepare() will spend for `needs`: 200 per model to train,
    // 20 per variant to run (what is in the project file costs nothing).
    int64_t plannedUnits(const AssetNeeds &needs);

    // Gathers everything `needs` lists into data(). `progress` (may be null) is advanced
    // by plannedUnits(needs) in all and polled for cancellation (throws Cancelled).
    // `log` (may be empty) receives one line per model trained and variant run.
    void prepare(const AssetNeeds &needs, Progress *progress,
                 const std::function<void(const std::string &)> &log = {});

    const StudyData &data() const { return m_data; }
    const AssetReport &report() const { return m_report; }
    const model::Model &model(const std::string &name) const;
    int64_t modelId(const std::string &name) const;

    // The project file's name of a model of the spec: "<name>@<key prefix>".
    std::string storedModelName(const std::string &name) const;

private:
    std::string modelKey(const ModelSpec &m) const;
    void loadModel(const ModelSpec &m, Progress *progress,
                   const std::function<void(const std::string &)> &log);
    // A model of the spec with a training method (train/quanttraining.h): trains it and puts
    // its accounting into its metadata; recordTraining() copies that into the StudyData.
    model::Model trainWithMethod(const ModelSpec &m, train::RecipeRun run,
                                 const std::function<void(const std::string &)> &log);
    void recordTraining(const std::string &model);
    bool readStoredModel(const std::string &name);
    // With a worker set: waits until this worker holds the lease on `resource` (true) or
    // `ready()` says another one has stored the asset (false). Polls for cancellation.
    bool takeLease(const std::string &resource, const std::string &what, Progress *progress,
                   const std::function<bool()> &ready,
                   const std::function<void(const std::string &)> &log);
    bool outputsStored(const std::string &model, const std::string &format);
    void loadOutputs(const std::string &model, const std::string &format, Progress *progress,
                     const std::function<void(const std::string &)> &log);
    [[noreturn]] void failKey(const std::string &key, const std::string &problem) const;
    void registerDataset();
    store::Project &project() const;

    const StudySpec &m_spec;
    store::Project *m_project = nullptr;
    data::PreparedData m_prepared;
    data::Dataset m_calibration; // limited by max_calibration
    data::Dataset m_test;        // limited by max_test
    StudyIdentity m_identity;
    std::map<std::string, model::Model> m_models;
    std::map<std::string, model::Model> m_preloaded; // model files read by prepareData()
    std::map<std::string, int64_t> m_modelIds;
    StudyData m_data;
    AssetReport m_report;
    int64_t m_worker = 0;
};

} // namespace frontier::study

#include "studyassets.h"

#include "metricformat.h"

#include "canonicaljson.h"
#include "progressrelay.h"
#include "specreader.h"
#include "variantoutputs.h"

#include "common/error.h"
#include "common/fileutil.h"
#include "cost/presetlibrary.h"
#include "intermittent/search.h"
#include "model/modelfile.h"
#include "model/onnx/onnximport.h"
#include "model/recipes.h"
#include "numeric/formatassignment.h"
#include "policy/decisionmodule.h"
#include "store/project.h"
#include "train/quanttraining.h"
#include "train/workflow.h"

#include <QJsonArray>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace frontier::study {

namespace {

constexpr int64_t kTrainUnits = 200;
constexpr int64_t kVariantUnits = 20;

int storedHead(size_t h, size_t heads)
{
    return h + 1 == heads ? -1 : int(h);
}

// Releases a lease when the asset is stored or its computation failed.
class LeaseGuard
{
public:
    LeaseGuard(store::Project &project, std::string resource, int64_t worker)
        : m_project(project)
        , m_resource(std::move(resource))
        , m_worker(worker)
    {}
    ~LeaseGuard()
    {
        if (m_worker == 0)
            return;
        try {
            m_project.releaseLease(m_resource, m_worker);
        } catch (...) {
            // Reclaimed with the worker when it unregisters or is found gone.
        }
    }
    LeaseGuard(const LeaseGuard &) = delete;
    LeaseGuard &operator=(const LeaseGuard &) = delete;

private:
    store::Project &m_project;
    std::string m_resource;
    int64_t m_worker;
};

std::string presetHash(const std::string &name)
{
    const cost::Preset preset = cost::loadPreset(name);
    if (preset.path.empty())
        return canonicalHash(QString::fromStdString(name));
    const std::vector<uint8_t> bytes = readFileBytes(preset.path);
    return sha256Hex(bytes.data(), bytes.size());
}

} // namespace

AssetNeeds AssetNeeds::of(const std::vector<TrialConfig> &trials)
{
    AssetNeeds n;
    for (const TrialConfig &t : trials) {
        const std::string &model = t.tiers.front().model;
        const bool ari = t.kind == policy::PolicyKind::Ari || t.kind == policy::PolicyKind::AriHi;
        const std::string reference = ari ? t.tiers.back().format : "fp32";
        for (const TierRef &tier : t.tiers) {
            n.models.insert(tier.model);
            n.outputs.insert({tier.model, tier.format});
            n.costs.insert({tier.model, tier.format, t.device});
        }
        n.outputs.insert({model, reference});
        n.costs.insert({model, reference, t.device});
        if (t.offloads()) {
            if (!t.remote.ideal()) {
                n.models.insert(t.remote.model);
                n.outputs.insert({t.remote.model, t.remote.format});
            }
            n.offloads.insert({model, t.link, t.server, t.device});
            if (t.decision.kind == "lr")
                n.fits.insert({t.tiers.back().model, t.tiers.back().format});
            else if (t.decision.isCustom())
                n.customFits.insert({t.tiers.back().model, t.tiers.back().format, t.decision.kind});
        }
        if (t.harvested) {
            n.intermittentModels.insert(model);
            n.intermittentDevices.insert(t.device);
            const std::string &h = t.intermittent.harvester;
            if (h.size() > 4 && h.substr(h.size() - 4) == ".csv")
                n.intermittentTraces.insert(h);
        }
    }
    return n;
}

StudyAssets::StudyAssets(const StudySpec &spec, store::Project &project)
    : m_spec(spec)
    , m_project(&project)
{}

StudyAssets::StudyAssets(const StudySpec &spec)
    : m_spec(spec)
{}

void StudyAssets::attach(store::Project &project)
{
    m_project = &project;
    if (!m_identity.dataset.empty())
        registerDataset();
}

store::Project &StudyAssets::project() const
{
    if (!m_project)
        throw std::logic_error("StudyAssets: no project file attached");
    return *m_project;
}

void StudyAssets::registerDataset()
{
    project().addDataset(m_prepared.train.name, m_spec.dataset.name, m_identity.dataset);
}

void StudyAssets::failKey(const std::string &key, const std::string &problem) const
{
    throw Error(m_spec.path, "key '" + key + "': " + problem);
}

void StudyAssets::prepareData()
{
    try {
        m_prepared = data::prepare(m_spec.dataset.name, m_spec.dataset.loadOptions());
    } catch (const Error &e) {
        failKey("dataset", e.what());
    }
    if (!m_prepared.test.hasLabels() || m_prepared.test.size() == 0)
        failKey("dataset", "the test split is empty or unlabelled");
    if (m_prepared.calibration.size() == 0)
        failKey("dataset", "the calibration split is empty (raise calibration_fraction)");
    m_calibration = firstSamples(m_prepared.calibration, m_spec.dataset.maxCalibration);
    m_test = firstSamples(m_prepared.test, m_spec.dataset.maxTest);
    m_data.calibrationLabels = m_calibration.y;
    m_data.testLabels = m_test.y;

    QJsonObject id;
    id[QStringLiteral("spec")] = m_spec.toJson().value(QStringLiteral("dataset"));
    id[QStringLiteral("content")] = QString::fromStdString(m_prepared.train.contentHash);
    id[QStringLiteral("samples")]
        = QJsonArray{m_prepared.train.size(), m_calibration.size(), m_test.size()};
    m_identity.dataset = canonicalHash(id);
    for (const ModelSpec &m : m_spec.models)
        m_identity.models[m.name] = modelKey(m);
    std::vector<std::string> presets = m_spec.devices;
    presets.insert(presets.end(), m_spec.links.begin(), m_spec.links.end());
    presets.insert(presets.end(), m_spec.servers.begin(), m_spec.servers.end());
    for (const std::string &p : presets) {
        if (!p.empty())
            m_identity.presets[p] = presetHash(p);
    }
    // A recipe that cannot take this data, or a model file that does not load or takes
    // other input, shows here, before the project file is touched.
    auto shapeText = [](const model::Shape &s) {
        std::string t = "[";
        for (size_t i = 0; i < s.size(); ++i)
            t.append(i ? ", " : "").append(std::to_string(s[i]));
        return t.append("]");
    };
    for (const ModelSpec &m : m_spec.models) {
        if (!m.trained()) {
            try {
                model::Model loaded = model::loadAnyModel(m.path);
                if (loaded.inputShape != m_prepared.train.shape)
                    throw Error(m.path, "the model takes input " + shapeText(loaded.inputShape)
                                            + ", the dataset's samples are "
                                            + shapeText(m_prepared.train.shape));
                m_preloaded[m.name] = std::move(loaded);
            } catch (const Error &e) {
                failKey("models", "model '" + m.name + "': " + e.what());
            }
            continue;
        }
        model::RecipeOptions options;
        options.widths = m.widths;
        options.seed = m.seed;
        try {
            model::makeRecipe(m.recipe, m_prepared.train.shape, m_prepared.train.numClasses(),
                              options);
        } catch (const Error &e) {
            failKey("models", "model '" + m.name + "': " + e.what());
        }
    }
    if (m_project)
        registerDataset();
}

std::string StudyAssets::modelKey(const ModelSpec &m) const
{
    QJsonObject o;
    o[QStringLiteral("v")] = 1;
    if (m.trained()) {
        QJsonObject spec;
        spec[QStringLiteral("recipe")] = QString::fromStdString(m.recipe);
        QJsonArray widths;
        for (int w : m.widths)
            widths.append(w);
        spec[QStringLiteral("widths")] = widths;
        spec[QStringLiteral("epochs")] = m.epochs;
        spec[QStringLiteral("seed")] = double(m.seed);
        if (!m.method.empty()) {
            spec[QStringLiteral("method")] = QString::fromStdString(m.method);
            spec[QStringLiteral("bits")] = m.bits;
            QJsonArray devices;
            for (const std::string &d : m_spec.devices)
                devices.append(QString::fromStdString(d));
            spec[QStringLiteral("devices")] = devices;
        }
        o[QStringLiteral("recipe")] = spec;
        o[QStringLiteral("dataset")] = QString::fromStdString(m_identity.dataset);
    } else {
        const std::vector<uint8_t> bytes = readFileBytes(m.path);
        o[QStringLiteral("file")] = QString::fromStdString(sha256Hex(bytes.data(), bytes.size()));
    }
    return canonicalHash(o);
}

std::string StudyAssets::storedModelName(const std::string &name) const
{
    const auto it = m_identity.models.find(name);
    if (it == m_identity.models.end())
        throw Error(m_spec.path, "no model named '" + name + "'");
    return name + "@" + it->second.substr(0, 16);
}

const model::Model &StudyAssets::model(const std::string &name) const
{
    const auto it = m_models.find(name);
    if (it == m_models.end())
        throw Error(m_spec.path, "model '" + name + "' is not loaded");
    return it->second;
}

int64_t StudyAssets::modelId(const std::string &name) const
{
    const auto it = m_modelIds.find(name);
    if (it == m_modelIds.end())
        throw Error(m_spec.path, "model '" + name + "' is not loaded");
    return it->second;
}

bool StudyAssets::outputsStored(const std::string &model, const std::string &format)
{
    const auto record = project().findModel(storedModelName(model));
    if (!record)
        return false;
    const model::Model *loaded = m_models.count(model) ? &m_models.at(model) : nullptr;
    const size_t heads = loaded ? loaded->heads.size() : 1;
    const std::string cached = numeric::FormatAssignment::cacheIdentity(format);
    for (const char *split : {kCalibrationSplit, kTestSplit}) {
        for (size_t h = 0; h < heads; ++h) {
            if (!project().hasOutputs(
                    {record->id, cached, m_identity.dataset, split, storedHead(h, heads)}))
                return false;
        }
    }
    return true;
}

int64_t StudyAssets::plannedUnits(const AssetNeeds &needs)
{
    int64_t units = 0;
    for (const std::string &m : needs.models) {
        const ModelSpec *spec = m_spec.model(m);
        if (spec && spec->trained() && !project().findModel(storedModelName(m)))
            units += kTrainUnits;
    }
    for (const auto &[model, format] : needs.outputs) {
        if (!outputsStored(model, format))
            units += kVariantUnits;
    }
    return units;
}

bool StudyAssets::readStoredModel(const std::string &name)
{
    const std::string stored = storedModelName(name);
    const auto record = project().findModel(stored);
    if (!record)
        return false;
    m_models[name] = model::deserializeModel(project().modelBytes(record->id),
                                             project().path() + ": model " + stored);
    m_modelIds[name] = record->id;
    ++m_report.modelsReused;
    return true;
}

bool StudyAssets::takeLease(const std::string &resource, const std::string &what,
                            Progress *progress, const std::function<bool()> &ready,
                            const std::function<void(const std::string &)> &log)
{
    if (m_worker == 0)
        return true;
    bool told = false;
    for (;;) {
        if (ready())
            return false;
        if (project().acquireLease(resource, m_worker))
            return true;
        if (!told && log)
            log(std::string("waiting for ")
                    .append(what)
                    .append(", which another process is computing"));
        told = true;
        if (progress && progress->cancelRequested())
            throw Cancelled{};
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

void StudyAssets::loadModel(const ModelSpec &m, Progress *progress,
                            const std::function<void(const std::string &)> &log)
{
    const std::string stored = storedModelName(m.name);
    if (readStoredModel(m.name))
        return;
    const std::string resource = std::string("model:").append(stored);
    if (m.trained()
        && !takeLease(
            resource, std::string("model ").append(stored), progress,
            [&] { return project().findModel(stored).has_value(); }, log)) {
        readStoredModel(m.name); // trained and stored by another process
        if (progress)
            progress->advance(kTrainUnits);
        return;
    }
    const LeaseGuard lease(project(), resource, m.trained() ? m_worker : 0);
    if (readStoredModel(m.name)) // stored before the lease was ours
        return;
    model::Model loaded;
    if (m.trained()) {
        train::RecipeRun run;
        run.recipe = m.recipe;
        run.widths = m.widths;
        run.options = train::defaultTrainOptions(m.recipe);
        run.options.seed = m.seed;
        if (m.epochs >= 0)
            run.options.epochs = m.epochs;
        ProgressRelay relay(progress, kTrainUnits);
        run.options.progress = &relay.sub();
        if (!m.method.empty()) {
            loaded = trainWithMethod(m, run, log);
        } else {
            train::TrainedModel trained;
            try {
                trained = train::trainRecipe(run, m_prepared);
            } catch (const Error &e) {
                failKey("models", "model '" + m.name + "': " + e.what());
            }
            if (trained.report.cancelled)
                throw Cancelled{};
            loaded = std::move(trained.model);
            if (log)
                log("trained " + m.name + " (" + m.recipe + "): test accuracy "
                    + MetricFormat::of("accuracy").text(trained.testAccuracy) + " in "
                    + std::to_string(trained.report.seconds) + " s");
        }
        ++m_report.modelsTrained;
    } else {
        const auto pre = m_preloaded.find(m.name);
        loaded = pre != m_preloaded.end() ? std::move(pre->second) : model::loadAnyModel(m.path);
        if (pre != m_preloaded.end())
            m_preloaded.erase(pre);
        ++m_report.modelsReused;
    }
    if (loaded.name.empty())
        loaded.name = m.name;
    m_modelIds[m.name] = project().putModel(stored, model::serializeModel(loaded));
    m_models[m.name] = std::move(loaded);
}

model::Model StudyAssets::trainWithMethod(const ModelSpec &m, train::RecipeRun run,
                                          const std::function<void(const std::string &)> &log)
{
    train::QuantTrainOptions options;
    options.method = train::parseMethod(m.method);
    options.bits = m.bits;
    options.rct.initialBits = m.bits;
    options.costPresets = m_spec.devices;
    if (options.method == train::TrainMethod::Rct) {
        const train::TrainOptions rct = train::rctTrainOptions(m.recipe);
        run.options.optimizer = rct.optimizer;
        run.options.momentum = rct.momentum;
        run.options.learningRate = rct.learningRate;
        run.options.weightDecay = rct.weightDecay;
    }
    train::QuantTrainedModel trained;
    try {
        trained = train::trainRecipeQuantized(run, options, m_prepared);
    } catch (const Error &e) {
        failKey("models", "model '" + m.name + "': " + e.what());
    }
    if (trained.result.cancelled)
        throw Cancelled{};
    // The accounting travels with the model (its metadata is stored in the project), so a
    // resumed study reads it back instead of training again.
    model::Model &out = trained.model;
    for (const std::string &device : m_spec.devices) {
        out.metadata["train_energy_pj@" + device]
            = numberText(trained.result.trainEnergy_pj(device));
        out.metadata["train_gemm_energy_pj@" + device]
            = numberText(trained.result.gemmEnergy_pj(device));
    }
    out.metadata["param_memory_bytes"]
        = numberText(double(trained.result.parameterMemory.totalBytes()));
    out.metadata["train_test_accuracy"] = numberText(trained.result.testAccuracy);
    if (log)
        log("trained " + m.name + " (" + m.recipe + ", " + m.method + "): test accuracy "
            + MetricFormat::of("accuracy").text(trained.result.testAccuracy) + " as "
            + trained.result.format + " in " + std::to_string(trained.result.seconds) + " s");
    return std::move(out);
}

void StudyAssets::recordTraining(const std::string &name)
{
    const model::Model &m = model(name);
    const auto memory = m.metadata.find("param_memory_bytes");
    if (memory == m.metadata.end())
        return;
    for (const std::string &device : m_spec.devices) {
        const auto energy = m.metadata.find("train_energy_pj@" + device);
        const auto gemm = m.metadata.find("train_gemm_energy_pj@" + device);
        if (energy == m.metadata.end() || gemm == m.metadata.end())
            continue;
        m_data.training[{name, device}]
            = {{"train_energy_pj", QByteArray::fromStdString(energy->second).toDouble()},
               {"train_gemm_energy_pj", QByteArray::fromStdString(gemm->second).toDouble()},
               {"param_memory_bytes", QByteArray::fromStdString(memory->second).toDouble()}};
    }
}

void StudyAssets::loadOutputs(const std::string &name, const std::string &format,
                              Progress *progress,
                              const std::function<void(const std::string &)> &log)
{
    const model::Model &m = model(name);
    const int64_t id = modelId(name);
    const size_t heads = m.heads.size();
    const char *splits[] = {kCalibrationSplit, kTestSplit};
    // Outputs of a plugin's format are stored under the plugin's version too.
    const std::string cached = numeric::FormatAssignment::cacheIdentity(format);
    const std::string resource = std::string("outputs:")
                                     .append(std::to_string(id))
                                     .append("/")
                                     .append(cached)
                                     .append("/")
                                     .append(m_identity.dataset);
    int64_t leaseHolder = 0;
    if (!outputsStored(name, format)) {
        if (takeLease(
                resource, std::string("variant ").append(name).append("/").append(format), progress,
                [&] { return outputsStored(name, format); }, log))
            leaseHolder = m_worker;
        else if (progress)
            progress->advance(kVariantUnits); // computed and stored by another process
    }
    const LeaseGuard lease(project(), resource, leaseHolder);
    if (outputsStored(name, format)) {
        for (const char *split : splits) {
            std::vector<policy::TierOutputs> out;
            for (size_t h = 0; h < heads; ++h) {
                const auto cache = project().findOutputs(
                    {id, cached, m_identity.dataset, split, storedHead(h, heads)});
                policy::TierOutputs t;
                t.classes = cache->classes;
                t.scores = cache->scores;
                t.predictions.assign(cache->predictions.begin(), cache->predictions.end());
                t.margins = cache->margins;
                out.push_back(std::move(t));
            }
            m_data.outputs[{name, format, split}] = std::move(out);
        }
        ++m_report.outputsReused;
        return;
    }
    VariantOutputs computed;
    {
        ProgressRelay relay(progress, kVariantUnits);
        relay.sub().setTotal(m_calibration.size() + m_test.size());
        try {
            computed = computeVariantOutputs(m, format, m_calibration, {&m_calibration, &m_test},
                                             &relay.sub());
        } catch (const Error &e) {
            throw Error(m_spec.path, "variant " + name + "/" + format + ": " + e.what());
        }
    }
    auto transaction = project().begin();
    for (size_t s = 0; s < 2; ++s) {
        for (size_t h = 0; h < heads; ++h) {
            const policy::TierOutputs &t = computed.outputs[s][h];
            store::OutputCache cache;
            cache.key = {id, cached, m_identity.dataset, splits[s], storedHead(h, heads)};
            cache.samples = t.size();
            cache.classes = t.classes;
            cache.scores = t.scores;
            cache.predictions.assign(t.predictions.begin(), t.predictions.end());
            cache.margins = t.margins;
            project().putOutputs(cache);
        }
        m_data.outputs[{name, format, splits[s]}] = std::move(computed.outputs[s]);
    }
    transaction->commit();
    ++m_report.outputsComputed;
    if (log)
        log("ran " + name + "/" + format + " on " + std::to_string(m_calibration.size())
            + " calibration and " + std::to_string(m_test.size()) + " test samples");
}

void StudyAssets::prepare(const AssetNeeds &needs, Progress *progress,
                          const std::function<void(const std::string &)> &log)
{
    auto checkCancel = [&] {
        if (progress && progress->cancelRequested())
            throw Cancelled{};
    };
    for (const std::string &name : needs.models) {
        checkCancel();
        const ModelSpec *spec = m_spec.model(name);
        if (!spec)
            throw Error(m_spec.path, "no model named '" + name + "'");
        if (!m_models.count(name))
            loadModel(*spec, progress, log);
        m_data.classes[name] = model(name).numClasses();
        recordTraining(name);
    }
    for (const auto &[model, format] : needs.outputs) {
        checkCancel();
        if (!m_data.outputs.count({model, format, kTestSplit}))
            loadOutputs(model, format, progress, log);
    }
    std::map<std::string, cost::CostModel> devices;
    auto device = [&](const std::string &name) -> const cost::CostModel & {
        auto it = devices.find(name);
        if (it == devices.end())
            it = devices.emplace(name, cost::CostModel::load(name)).first;
        return it->second;
    };
    for (const auto &[model, format, dev] : needs.costs) {
        if (m_data.costs.count({model, format, dev}))
            continue;
        try {
            m_data.costs[{model, format, dev}]
                = variantStageCosts(this->model(model), format, device(dev));
        } catch (const Error &e) {
            const auto at = std::find(m_spec.devices.begin(), m_spec.devices.end(), dev);
            failKey(elementPath("devices", int(at - m_spec.devices.begin())),
                    model + "/" + format + ": " + e.what());
        }
    }
    for (const auto &[model, link, server, dev] : needs.offloads) {
        const cost::OffloadModel offload = cost::OffloadModel::load(link, server);
        m_data.offloads[{model, link, server, dev}]
            = offloadStageCost(this->model(model), offload, device(dev), m_spec.offloadInputBits,
                               m_spec.offloadAnswerBytes);
    }
    for (const std::string &dev : needs.intermittentDevices) {
        if (m_data.intermittentPlatforms.count(dev))
            continue;
        try {
            m_data.intermittentPlatforms[dev] = intermittent::Platform::load(dev);
        } catch (const Error &e) {
            const auto at = std::find(m_spec.devices.begin(), m_spec.devices.end(), dev);
            failKey(elementPath("devices", int(at - m_spec.devices.begin())),
                    std::string("an intermittent policy needs an intermittent platform: ")
                        + e.what());
        }
    }
    for (const std::string &name : needs.intermittentModels) {
        if (m_data.intermittentLayers.count(name))
            continue;
        std::vector<intermittent::ExecStage> stages
            = intermittent::executionStages(model(name), "model " + name);
        std::vector<intermittent::ExecLayer> layers;
        for (const intermittent::ExecStage &stage : stages)
            layers.insert(layers.end(), stage.layers.begin(), stage.layers.end());
        for (const std::string &dev : needs.intermittentDevices)
            intermittent::checkFitsSram(layers, m_data.intermittentPlatforms.at(dev),
                                        "model " + name + " on " + dev);
        m_data.intermittentLayers[name] = layers;
        m_data.intermittentStages[name] = std::move(stages);
    }
    for (const std::string &trace : needs.intermittentTraces)
        if (!m_data.intermittentTraces.count(trace))
            m_data.intermittentTraces[trace] = intermittent::Harvester::loadTrace(trace);
    for (const auto &[model, format] : needs.fits) {
        if (m_data.logisticFits.count({model, format}))
            continue;
        const policy::DecisionModule fitted = policy::DecisionModule::fitLogistic(
            m_data.output(model, format, kCalibrationSplit), m_data.calibrationLabels);
        m_data.logisticFits[{model, format}] = fitted.logisticModel();
    }
    for (const auto &[model, format, rule] : needs.customFits) {
        if (m_data.customFits.count({model, format, rule}))
            continue;
        m_data.customFits.emplace(
            StudyData::CustomFitKey{model, format, rule},
            policy::DecisionModule::fitCustom(rule, m_data.output(model, format, kCalibrationSplit),
                                              m_data.calibrationLabels, 0.5));
    }
}

} // namespace frontier::study

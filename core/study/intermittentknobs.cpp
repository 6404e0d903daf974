#include "intermittentknobs.h"

#include "studydata.h"
#include "trialconfig.h"

#include "canonicaljson.h"

#include "common/error.h"
#include "intermittent/report.h"

#include <QDir>
#include <QFileInfo>

#include <limits>

namespace frontier::study {

namespace {

// The problem of an Error, without its `where` (the caller names the key itself).
std::string problemOf(const Error &e)
{
    const std::string what = e.what();
    const std::string prefix = e.where() + ": ";
    return what.compare(0, prefix.size(), prefix) == 0 ? what.substr(prefix.size()) : what;
}

bool isTrace(const std::string &h)
{
    return h.size() > 4 && h.substr(h.size() - 4) == ".csv";
}

} // namespace

QJsonObject IntermittentKnobs::toJson() const
{
    QJsonObject o;
    if (!std::isnan(capacitor_mF))
        o[QStringLiteral("capacitor_mf")] = capacitor_mF;
    o[QStringLiteral("harvester")] = QString::fromStdString(harvester);
    if (!std::isnan(margin))
        o[QStringLiteral("margin")] = margin;
    o[QStringLiteral("search")] = search;
    if (traceStart_s != 0)
        o[QStringLiteral("trace_start_s")] = traceStart_s;
    return o;
}

IntermittentKnobs IntermittentKnobs::fromJson(const QJsonObject &o)
{
    IntermittentKnobs k;
    k.capacitor_mF = o.value(QStringLiteral("capacitor_mf")).toDouble(NAN);
    k.harvester = o.value(QStringLiteral("harvester")).toString(QStringLiteral("rc")).toStdString();
    k.margin = o.value(QStringLiteral("margin")).toDouble(NAN);
    k.search = o.value(QStringLiteral("search")).toBool(true);
    k.traceStart_s = o.value(QStringLiteral("trace_start_s")).toDouble(0);
    return k;
}

std::string IntermittentKnobs::label() const
{
    std::string s;
    if (!std::isnan(capacitor_mF))
        s += "C=" + numberText(capacitor_mF) + "mF ";
    s += "P="
         + (isTrace(harvester)
                ? QFileInfo(QString::fromStdString(harvester)).fileName().toStdString()
                : harvester);
    if (!std::isnan(margin))
        s += " margin=" + numberText(margin);
    s += search ? " searched" : " per-task";
    return s;
}

std::vector<IntermittentKnobs> IntermittentSpec::expand() const
{
    std::vector<IntermittentKnobs> out;
    for (double c : capacitors_mF)
        for (const std::string &h : harvesters)
            for (double m : margins)
                for (bool s : search)
                    out.push_back({c, h, m, s, traceStart_s});
    return out;
}

IntermittentSpec parseIntermittentSpec(SpecReader &r, const std::string &baseDir)
{
    IntermittentSpec spec;
    auto list = [&](const std::string &key) {
        const QJsonValue v = r.take(key);
        if (v.isUndefined())
            return QJsonArray{};
        const QJsonArray a = v.isArray() ? v.toArray() : QJsonArray{v};
        if (a.isEmpty())
            r.fail(key, "must not be empty");
        return a;
    };
    const QJsonArray caps = list("capacitors");
    if (!caps.isEmpty())
        spec.capacitors_mF.clear();
    for (int i = 0; i < caps.size(); ++i) {
        const std::string path = elementPath(r.keyPath("capacitors"), i);
        double mf = NAN;
        if (caps[i].isDouble()) {
            mf = caps[i].toDouble();
            if (!(mf > 0))
                r.failAt(path, "capacitance must be above 0 (got " + numberText(mf) + " mF)");
        } else if (caps[i].isString()) {
            try {
                mf = intermittent::parseCapacitance_F(caps[i].toString().toStdString(), path) * 1e3;
            } catch (const Error &e) {
                r.failAt(path, problemOf(e));
            }
        } else {
            r.failAt(path, "expected a capacitance such as \"5mF\" or a number of mF");
        }
        spec.capacitors_mF.push_back(mf);
    }
    const QJsonArray hs = list("harvesters");
    if (!hs.isEmpty())
        spec.harvesters.clear();
    for (int i = 0; i < hs.size(); ++i) {
        const std::string path = elementPath(r.keyPath("harvesters"), i);
        if (!hs[i].isString())
            r.failAt(path, "expected \"rc\", a power such as \"2mW\", or a trace .csv file");
        std::string h = hs[i].toString().trimmed().toStdString();
        if (isTrace(h)) {
            QString p = QString::fromStdString(h);
            if (QDir::isRelativePath(p) && !baseDir.empty())
                p = QDir(QString::fromStdString(baseDir)).filePath(p);
            h = QFileInfo(p).absoluteFilePath().toStdString();
            try {
                intermittent::Harvester::loadTrace(h);
            } catch (const Error &e) {
                r.failAt(path, e.what());
            }
        } else if (h != "rc") {
            try {
                // mW, rounded to 12 digits: "4.5mW", not "4.500000000000001mW".
                const double mw = intermittent::parsePower_W(h, path) * 1e3;
                h = numberText(std::stod(QString::number(mw, 'g', 12).toStdString())) + "mW";
            } catch (const Error &e) {
                r.failAt(path, problemOf(e));
            }
        }
        spec.harvesters.push_back(h);
    }
    const QJsonArray ms = list("margins");
    if (!ms.isEmpty())
        spec.margins.clear();
    for (int i = 0; i < ms.size(); ++i) {
        const std::string path = elementPath(r.keyPath("margins"), i);
        const double m = ms[i].toDouble(NAN);
        if (!(m > 0 && m <= 1))
            r.failAt(path, "a margin is a number in (0, 1]");
        spec.margins.push_back(m);
    }
    const QJsonArray ss = list("search");
    if (!ss.isEmpty())
        spec.search.clear();
    for (int i = 0; i < ss.size(); ++i) {
        if (!ss[i].isBool())
            r.failAt(elementPath(r.keyPath("search"), i), "expected true or false");
        spec.search.push_back(ss[i].toBool());
    }
    spec.traceStart_s = r.number("trace_start_s", 0, 0, 1e12);
    return spec;
}

void intermittentSpecToJson(const IntermittentSpec &spec, QJsonObject &o)
{
    QJsonArray caps, hs, ms, ss;
    for (double c : spec.capacitors_mF)
        if (!std::isnan(c))
            caps.append(c);
    for (const std::string &h : spec.harvesters)
        hs.append(QString::fromStdString(h));
    for (double m : spec.margins)
        if (!std::isnan(m))
            ms.append(m);
    for (bool s : spec.search)
        ss.append(s);
    if (!caps.isEmpty())
        o[QStringLiteral("capacitors")] = caps;
    o[QStringLiteral("harvesters")] = hs;
    if (!ms.isEmpty())
        o[QStringLiteral("margins")] = ms;
    o[QStringLiteral("search")] = ss;
    if (spec.traceStart_s != 0)
        o[QStringLiteral("trace_start_s")] = spec.traceStart_s;
}

const std::vector<std::string> &intermittentMetricNames()
{
    static const std::vector<std::string> names{"intermittent_latency_s",
                                                "intermittent_latency_worst_s",
                                                "intermittent_active_s",
                                                "intermittent_recharge_s",
                                                "power_cycles",
                                                "reboots",
                                                "terminates",
                                                "intermittent_energy_j",
                                                "reexecution_j",
                                                "preservation_j",
                                                "data_movement_j",
                                                "intermittent_compute_j"};
    return names;
}

namespace {

// The capacitor and harvester of a trial: the preset's, with the trial's knobs.
void applyKnobs(const StudyData &data, const TrialConfig &trial, const std::string &where,
                const intermittent::Platform &platform, intermittent::Capacitor &capacitor,
                intermittent::Harvester &harvester)
{
    capacitor = platform.capacitor;
    harvester = platform.harvester;
    applyIntermittentKnobs(trial.intermittent, capacitor, harvester, &data.intermittentTraces,
                           where);
}

const intermittent::Platform &platformOf(const StudyData &data, const TrialConfig &trial,
                                         const std::string &where)
{
    const auto platform = data.intermittentPlatforms.find(trial.device);
    if (platform == data.intermittentPlatforms.end())
        throw Error(where, "no intermittent platform for " + trial.device);
    return platform->second;
}

std::vector<std::pair<std::string, double>> metricsOf(bool terminates, double latency_s,
                                                      double worst_s, double active_s,
                                                      double recharge_s, double cycles,
                                                      double reboots,
                                                      const intermittent::EnergySplit &e)
{
    const double inf = std::numeric_limits<double>::infinity();
    return {{"intermittent_latency_s", terminates ? latency_s : inf},
            {"intermittent_latency_worst_s", terminates ? worst_s : inf},
            {"intermittent_active_s", active_s},
            {"intermittent_recharge_s", recharge_s},
            {"power_cycles", cycles},
            {"reboots", reboots},
            {"terminates", terminates ? 1.0 : 0.0},
            {"intermittent_energy_j", e.total_J()},
            {"reexecution_j", e.reexecution_J},
            {"preservation_j", e.preservation_J},
            {"data_movement_j", e.dataMovement_J},
            {"intermittent_compute_j", e.compute_J}};
}

// ARI or EE on harvested power: the stages' paths (cached: trials that differ in τ only
// share them) weighted by the shares of samples each stage answers.
std::vector<std::pair<std::string, double>> cascadeMetrics(const StudyData &data,
                                                           const TrialConfig &trial,
                                                           const std::vector<double> &shares,
                                                           CascadeCache *cache)
{
    using namespace intermittent;
    const std::string where = "trial " + trial.label();
    auto make = [&] {
        const Platform &platform = platformOf(data, trial, where);
        CascadeRequest request;
        request.where = where;
        request.platform = platform;
        applyKnobs(data, trial, where, platform, request.capacitor, request.harvester);
        request.search = trial.intermittent.search;
        request.simOptions.start_s = trial.intermittent.traceStart_s;
        const std::string &model = trial.tiers.front().model;
        const auto stages = data.intermittentStages.find(model);
        if (stages == data.intermittentStages.end())
            throw Error(where, "no intermittent data for " + model);
        request.stages = cascadeStages(trial, stages->second, where);
        return simulateCascade(request);
    };
    std::shared_ptr<const CascadeOutcome> outcome;
    if (cache) {
        QJsonObject key = trial.knobs();
        key.remove(QStringLiteral("tau_rule"));
        outcome = cache->get(canonicalJson(key), make);
    } else {
        outcome = std::make_shared<const CascadeOutcome>(make());
    }
    if (outcome->paths.size() != shares.size())
        throw Error(where, std::to_string(shares.size()) + " stages answer, but "
                               + std::to_string(outcome->paths.size()) + " run on the device");
    const CascadeExpectation e = expectation(*outcome, shares);
    return metricsOf(e.terminates, e.latency_s, e.worstLatency_s, e.active_s, e.recharge_s,
                     e.powerCycles, e.reboots, e.energy);
}

} // namespace

void applyIntermittentKnobs(const IntermittentKnobs &k, intermittent::Capacitor &capacitor,
                            intermittent::Harvester &harvester,
                            const std::map<std::string, intermittent::Harvester> *traces,
                            const std::string &where)
{
    using namespace intermittent;
    if (!std::isnan(k.capacitor_mF))
        capacitor.capacitance_F = k.capacitor_mF * 1e-3;
    if (!std::isnan(k.margin))
        capacitor.margin = k.margin;
    if (k.harvester == "rc")
        return; // the preset's RC harvester, as given
    if (!isTrace(k.harvester)) {
        harvester = Harvester::constant(parsePower_W(k.harvester, where));
    } else if (!traces) {
        harvester = Harvester::loadTrace(k.harvester);
    } else {
        const auto it = traces->find(k.harvester);
        if (it == traces->end())
            throw Error(where, "trace " + k.harvester + " was not loaded");
        harvester = it->second;
    }
}

std::vector<intermittent::CascadeStage> cascadeStages(
    const TrialConfig &trial, const std::vector<intermittent::ExecStage> &stages,
    const std::string &where, std::vector<std::string> *pathNames)
{
    using namespace intermittent;
    std::vector<CascadeStage> out;
    if (trial.kind == policy::PolicyKind::Ee) {
        const DataFormat format = dataFormatOf(trial.tiers.front().format, where);
        for (const ExecStage &s : stages) {
            out.push_back({s.head, s.layers, format});
            if (pathNames)
                pathNames->push_back("exit at " + s.head);
        }
        return out;
    }
    std::vector<ExecLayer> layers;
    for (const ExecStage &s : stages)
        layers.insert(layers.end(), s.layers.begin(), s.layers.end());
    std::string chain;
    for (const TierRef &tier : trial.tiers) {
        out.push_back({tier.format, layers, dataFormatOf(tier.format, where)});
        if (pathNames) {
            chain += chain.empty() ? tier.format : std::string(", then ").append(tier.format);
            pathNames->push_back(pathNames->empty() ? chain + " only" : chain);
        }
    }
    return out;
}

std::shared_ptr<const intermittent::CascadeOutcome> CascadeCache::get(
    const std::string &key, const std::function<intermittent::CascadeOutcome()> &make)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        const auto it = m_outcomes.find(key);
        if (it != m_outcomes.end())
            return it->second;
    }
    // Simulated outside the lock; two threads computing the same key get equal results.
    auto made = std::make_shared<const intermittent::CascadeOutcome>(make());
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_outcomes.emplace(key, std::move(made)).first->second;
}

std::vector<std::pair<std::string, double>> intermittentMetrics(const StudyData &data,
                                                                const TrialConfig &trial,
                                                                const std::vector<double> &shares,
                                                                CascadeCache *cache)
{
    using namespace intermittent;
    if (trial.kind != policy::PolicyKind::Intermittent)
        return cascadeMetrics(data, trial, shares, cache);
    const TierRef &tier = trial.tiers.front();
    const std::string where = "trial " + trial.label();
    const auto layers = data.intermittentLayers.find(tier.model);
    if (layers == data.intermittentLayers.end())
        throw Error(where, "no intermittent data for " + tier.model + " on " + trial.device);
    InferenceRequest request;
    request.where = where;
    request.modelName = tier.model;
    request.layers = layers->second;
    request.platform = platformOf(data, trial, where);
    applyKnobs(data, trial, where, request.platform, request.capacitor, request.harvester);
    request.formats = {dataFormatOf(tier.format, where)};
    request.search = trial.intermittent.search;
    request.baselines = !trial.intermittent.search; // the per-task baseline (naive comes with it)
    request.simOptions.start_s = trial.intermittent.traceStart_s;
    const InferenceReport report = runInference(request);
    const SimResult &s = report.best()->sim;
    return metricsOf(s.terminates, s.latency_s, s.latency_s, s.active_s, s.recharge_s,
                     double(s.powerCycles), double(s.reboots), s.energy);
}

} // namespace frontier::study

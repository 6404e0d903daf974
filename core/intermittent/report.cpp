#include "report.h"

#include "common/error.h"
#include "common/fileutil.h"

#include <QJsonArray>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace frontier::intermittent {

namespace {

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

// JSON has no infinity: a latency that never ends is null.
QJsonValue finite(double v)
{
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue();
}

double parseWithUnit(const std::string &text, const std::string &key, const char *base,
                     const char *what)
{
    std::string t;
    for (char ch : text)
        if (!std::isspace(static_cast<unsigned char>(ch)))
            t += ch;
    char *end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    const std::string unit(end ? end : "");
    double scale = 0;
    const std::string b(base);
    if (unit == b)
        scale = 1;
    else if (unit == "m" + b)
        scale = 1e-3;
    else if (unit == "u" + b || unit == "µ" + b)
        scale = 1e-6;
    else if (unit == "n" + b)
        scale = 1e-9;
    if (end == t.c_str() || scale == 0 || !std::isfinite(v))
        throw Error(key, "'" + text + "' is not " + what + " like 5m" + b + " or 100u" + b);
    if (!(v > 0))
        throw Error(key, "must be above 0 (got '" + text + "')");
    return v * scale;
}

} // namespace

double parseCapacitance_F(const std::string &text, const std::string &key)
{
    return parseWithUnit(text, key, "F", "a capacitance");
}

double parsePower_W(const std::string &text, const std::string &key)
{
    return parseWithUnit(text, key, "W", "a power");
}

InferenceRequest makeRequest(const model::Model &model, const std::string &where,
                             const std::string &preset, const std::vector<std::string> &formats)
{
    InferenceRequest r;
    r.where = where;
    r.modelName = model.name;
    r.platform = Platform::load(preset);
    r.capacitor = r.platform.capacitor;
    r.harvester = r.platform.harvester;
    r.layers = executionLayers(model, where);
    checkFitsSram(r.layers, r.platform, where);
    r.formats.clear();
    for (const std::string &f : formats)
        r.formats.push_back(dataFormatOf(f, where));
    if (r.formats.empty())
        r.formats.push_back(DataFormat::Q15);
    return r;
}

const ConfigurationResult *InferenceReport::find(const std::string &name) const
{
    for (const ConfigurationResult &c : configurations)
        if (c.configuration.name == name)
            return &c;
    return nullptr;
}

const ConfigurationResult *InferenceReport::best() const
{
    if (const ConfigurationResult *s = find("searched"))
        return s;
    if (const ConfigurationResult *p = find("per-task"))
        return p;
    return configurations.empty() ? nullptr : &configurations.back();
}

InferenceReport runInference(const InferenceRequest &request)
{
    request.capacitor.validate(request.where);
    request.harvester.validate(request.where);
    InferenceReport report;
    report.model = request.modelName;
    report.platform = request.platform.name;
    report.capacitor = request.capacitor;
    report.harvester = request.harvester;
    report.layers = request.layers;
    report.cycleEnergy_J = request.capacitor.cycleEnergy_J();
    report.usableEnergy_J = request.capacitor.usableEnergy_J();

    auto add = [&](const Configuration &config) {
        ConfigurationResult c;
        c.configuration = config;
        const Program program
            = buildProgram(request.layers, config, request.platform, request.where);
        c.sim = simulate(program, request.platform, request.capacitor, request.harvester,
                         request.simOptions);
        c.maxTaskEnergy_J.assign(request.layers.size(), 0);
        for (const Task &t : program.tasks)
            c.maxTaskEnergy_J[size_t(t.layer)] = std::max(
                c.maxTaskEnergy_J[size_t(t.layer)], t.cold.energy_J() + request.platform.reboot_J);
        for (size_t i = 0; i < request.layers.size(); ++i)
            c.sramBytes.push_back(
                sramBytes(request.layers[i], config.tilings[i], request.platform));
        report.configurations.push_back(std::move(c));
    };
    const DataFormat base = request.formats.front();
    if (request.baselines) {
        add(naiveConfiguration(request.layers, base, request.platform, request.capacitor));
        add(perTaskConfiguration(request.layers, base, request.platform, request.capacitor));
    }
    if (request.search) {
        SearchOptions so = request.searchOptions;
        so.start_s = request.simOptions.start_s;
        report.search
            = searchConfiguration(request.layers, request.formats, request.platform,
                                  request.capacitor, request.harvester, so, request.where);
        add(report.search.configuration);
    }
    return report;
}

InferenceReport cascadeReport(const CascadeRequest &request, const std::string &modelName,
                              const std::vector<std::string> &pathNames)
{
    const CascadeOutcome outcome = simulateCascade(request);
    InferenceReport report;
    report.model = modelName;
    report.platform = request.platform.name;
    report.capacitor = request.capacitor;
    report.harvester = request.harvester;
    report.cycleEnergy_J = request.capacitor.cycleEnergy_J();
    report.usableEnergy_J = request.capacitor.usableEnergy_J();
    const std::vector<std::string> &allNames = outcome.pathLayerNames.back();
    Configuration path;
    std::vector<double> maxTask;
    std::vector<int64_t> sram;
    for (size_t s = 0; s < request.stages.size(); ++s) {
        const CascadeStage &stage = request.stages[s];
        const Configuration &config = outcome.configurations[s];
        const Program program = buildProgram(stage.layers, config, request.platform, request.where);
        const size_t offset = report.layers.size();
        for (size_t i = 0; i < stage.layers.size(); ++i) {
            ExecLayer l = stage.layers[i];
            l.name = allNames[offset + i];
            report.layers.push_back(l);
            sram.push_back(sramBytes(stage.layers[i], config.tilings[i], request.platform));
            maxTask.push_back(0);
        }
        for (const Task &t : program.tasks)
            maxTask[offset + size_t(t.layer)] = std::max(
                maxTask[offset + size_t(t.layer)], t.cold.energy_J() + request.platform.reboot_J);
        path.tilings.insert(path.tilings.end(), config.tilings.begin(), config.tilings.end());
        path.format = stage.format;
        path.name = s < pathNames.size() ? pathNames[s] : stage.name;
        ConfigurationResult c;
        c.configuration = path;
        c.sim = outcome.paths[s];
        c.sramBytes = sram;
        c.maxTaskEnergy_J = maxTask;
        report.configurations.push_back(std::move(c));
    }
    return report;
}

QJsonObject toJson(const Tiling &t)
{
    QJsonObject o;
    o[QStringLiteral("tm")] = t.tm;
    o[QStringLiteral("tr")] = t.tr;
    o[QStringLiteral("tn")] = t.tn;
    o[QStringLiteral("loop_order")] = QString::fromLatin1(loopOrderName(t.order));
    o[QStringLiteral("tiles_per_task")]
        = t.tilesPerTask == 0 ? QJsonValue(QStringLiteral("layer")) : QJsonValue(t.tilesPerTask);
    return o;
}

QJsonObject toJson(const SimResult &s)
{
    QJsonObject o;
    o[QStringLiteral("terminates")] = s.terminates;
    if (!s.terminates)
        o[QStringLiteral("reason")] = qs(s.reason);
    o[QStringLiteral("latency_s")] = s.terminates ? finite(s.latency_s) : QJsonValue();
    o[QStringLiteral("simulated_s")] = s.latency_s;
    o[QStringLiteral("active_s")] = s.active_s;
    o[QStringLiteral("recharge_s")] = s.recharge_s;
    o[QStringLiteral("power_cycles")] = double(s.powerCycles);
    o[QStringLiteral("reboots")] = double(s.reboots);
    o[QStringLiteral("tasks")] = double(s.tasks);
    o[QStringLiteral("tasks_done")] = double(s.tasksDone);
    o[QStringLiteral("attempts")] = double(s.attempts);
    o[QStringLiteral("reexecuted_macs")] = double(s.reexecutedMacs);
    o[QStringLiteral("harvested_j")] = s.harvested_J;
    o[QStringLiteral("max_task_energy_j")] = s.maxTaskEnergy_J;
    QJsonObject e;
    e[QStringLiteral("compute_j")] = s.energy.compute_J;
    e[QStringLiteral("data_movement_j")] = s.energy.dataMovement_J;
    e[QStringLiteral("preservation_j")] = s.energy.preservation_J;
    e[QStringLiteral("reexecution_j")] = s.energy.reexecution_J;
    e[QStringLiteral("reboot_j")] = s.energy.reboot_J;
    e[QStringLiteral("total_j")] = s.energy.total_J();
    o[QStringLiteral("energy")] = e;
    QJsonArray layers;
    for (const LayerOutcome &l : s.layers) {
        QJsonObject lo;
        lo[QStringLiteral("name")] = qs(l.name);
        lo[QStringLiteral("tasks")] = double(l.tasks);
        lo[QStringLiteral("failures")] = double(l.failures);
        lo[QStringLiteral("start_s")] = l.start_s;
        lo[QStringLiteral("end_s")] = l.end_s;
        lo[QStringLiteral("energy_j")] = l.energy_J;
        lo[QStringLiteral("reexecution_j")] = l.reexecution_J;
        layers.append(lo);
    }
    o[QStringLiteral("layers")] = layers;
    return o;
}

QJsonObject InferenceReport::toJson() const
{
    QJsonObject o;
    o[QStringLiteral("model")] = qs(model);
    o[QStringLiteral("platform")] = qs(platform);
    QJsonObject cap;
    cap[QStringLiteral("capacitor_f")] = capacitor.capacitance_F;
    cap[QStringLiteral("v_on_v")] = capacitor.vOn_V;
    cap[QStringLiteral("v_off_v")] = capacitor.vOff_V;
    cap[QStringLiteral("energy_margin")] = capacitor.margin;
    cap[QStringLiteral("cycle_energy_j")] = cycleEnergy_J;
    cap[QStringLiteral("usable_energy_j")] = usableEnergy_J;
    o[QStringLiteral("capacitor")] = cap;
    QJsonObject h;
    h[QStringLiteral("kind")]
        = harvester.kind == Harvester::Kind::Rc ? QStringLiteral("rc") : QStringLiteral("power");
    h[QStringLiteral("description")] = qs(harvester.description);
    if (harvester.kind == Harvester::Kind::Rc) {
        h[QStringLiteral("supply_v")] = harvester.supply_V;
        h[QStringLiteral("resistance_ohm")] = harvester.resistance_Ohm;
    } else {
        h[QStringLiteral("mean_power_w")] = harvester.meanPower_W();
        h[QStringLiteral("samples")] = double(harvester.times_s.size());
    }
    o[QStringLiteral("harvester")] = h;
    QJsonArray layerArray;
    for (const ExecLayer &l : layers) {
        QJsonObject lo;
        lo[QStringLiteral("name")] = qs(l.name);
        lo[QStringLiteral("kind")] = l.kind == ExecLayer::Kind::Conv    ? QStringLiteral("conv")
                                     : l.kind == ExecLayer::Kind::Dense ? QStringLiteral("dense")
                                                                        : QStringLiteral("pool");
        lo[QStringLiteral("m")] = l.m * l.groups;
        lo[QStringLiteral("n")] = l.n;
        lo[QStringLiteral("r")] = l.r;
        lo[QStringLiteral("c")] = l.c;
        lo[QStringLiteral("kernel")] = QJsonArray{l.kh, l.kw};
        lo[QStringLiteral("stride")] = l.stride;
        lo[QStringLiteral("macs")] = double(l.macs());
        layerArray.append(lo);
    }
    o[QStringLiteral("layers")] = layerArray;
    QJsonArray configs;
    for (const ConfigurationResult &c : configurations) {
        QJsonObject co;
        co[QStringLiteral("name")] = qs(c.configuration.name);
        co[QStringLiteral("format")] = QString::fromLatin1(dataFormatName(c.configuration.format));
        QJsonArray tilings;
        for (size_t i = 0; i < c.configuration.tilings.size(); ++i) {
            QJsonObject t = intermittent::toJson(c.configuration.tilings[i]);
            t[QStringLiteral("layer")] = qs(layers[i].name);
            t[QStringLiteral("sram_bytes")] = double(c.sramBytes[i]);
            t[QStringLiteral("max_task_energy_j")] = c.maxTaskEnergy_J[i];
            tilings.append(t);
        }
        co[QStringLiteral("tilings")] = tilings;
        co[QStringLiteral("result")] = intermittent::toJson(c.sim);
        configs.append(co);
    }
    o[QStringLiteral("configurations")] = configs;
    if (!search.layers.empty()) {
        QJsonObject so;
        QJsonArray formats;
        for (const auto &[f, latency] : search.formats) {
            QJsonObject fo;
            fo[QStringLiteral("format")] = QString::fromLatin1(dataFormatName(f));
            fo[QStringLiteral("latency_s")] = finite(latency);
            formats.append(fo);
        }
        so[QStringLiteral("formats")] = formats;
        QJsonArray ls;
        for (const LayerSearch &l : search.layers) {
            QJsonObject lo;
            lo[QStringLiteral("layer")] = qs(l.layer);
            lo[QStringLiteral("candidates")] = double(l.candidates);
            lo[QStringLiteral("atomic_candidates")] = double(l.atomicCandidates);
            lo[QStringLiteral("evaluated")] = double(l.evaluated);
            lo[QStringLiteral("method")]
                = l.exhaustive ? QStringLiteral("exhaustive") : QStringLiteral("local");
            lo[QStringLiteral("latency_s")] = finite(l.latency_s);
            ls.append(lo);
        }
        so[QStringLiteral("layers")] = ls;
        so[QStringLiteral("evaluated")] = double(search.evaluated);
        o[QStringLiteral("search")] = so;
    }
    return o;
}

void writeTimelineCsv(const std::string &path, const SimResult &sim,
                      const std::vector<std::string> &layerNames)
{
    std::ostringstream out;
    out << "t_s,voltage_v,layer,tasks_done,event\n";
    char buffer[64];
    for (const TimelinePoint &p : sim.timeline) {
        std::snprintf(buffer, sizeof buffer, "%.9g,%.6f,", p.t_s, p.v_V);
        out << buffer;
        if (p.layer >= 0 && size_t(p.layer) < layerNames.size())
            out << layerNames[size_t(p.layer)];
        out << ',' << p.tasksDone << ',' << eventName(p.event) << '\n';
    }
    const std::string text = out.str();
    writeFileAtomic(path, text.data(), text.size());
}

} // namespace frontier::intermittent

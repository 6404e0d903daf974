// The report's details: per-layer costs of each knee, reproducibility, preset values.

#include "reportsections.h"

#include "common/cpu.h"
#include "common/error.h"
#include "cost/costmodel.h"
#include "cost/presetlibrary.h"
#include "numeric/formatassignment.h"
#include "policy/thresholdrule.h"
#include "study/hypervolume.h"
#include "study/specreader.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#ifndef FRONTIER_VERSION
#define FRONTIER_VERSION "unknown"
#endif
#ifndef FRONTIER_COMMIT
#define FRONTIER_COMMIT "unknown"
#endif

namespace frontier::report::detail {

// ---- 6. Per-layer breakdown -------------------------------------------------------------

Section layersSection(const Context &c, QJsonObject &json)
{
    Section s{"layers", "Per-layer breakdown", {}};
    s.blocks.push_back(Block::paragraph(
        "For each device's knee: the energy of every layer of the tier that always runs "
        "(compute, memory, static) and its latency, against the same model in fp32 on the "
        "same device, from the cost model."));
    QJsonArray layersJson;
    for (const FrontResult &f : c.fronts) {
        if (f.knee < 0)
            continue;
        const study::TrialConfig &cfg = c.results.config(f.knee);
        if (cfg.tiers.empty())
            continue;
        const study::TierRef tier = cfg.tiers.front();
        const auto it = c.models.find(tier.model);
        if (it == c.models.end()) {
            s.blocks.push_back(
                Block::paragraph("The model " + tier.model + " is not stored in the project."));
            continue;
        }
        cost::VariantCost variant, fp32;
        try {
            const cost::CostModel device = cost::CostModel::load(cfg.device);
            variant = device.evaluate(
                it->second, numeric::FormatAssignment::parse(tier.format).resolve(it->second));
            fp32 = device.evaluate(it->second,
                                   numeric::FormatAssignment::parse("fp32").resolve(it->second));
        } catch (const Error &e) {
            s.blocks.push_back(Block::paragraph(cfg.device + ": " + e.what()));
            continue;
        }
        std::vector<double> energies;
        for (const cost::LayerCost &l : fp32.layers)
            energies.push_back(l.energy_pj);
        const MetricFormat fe = MetricFormat::forValues("energy_pj", energies);
        std::vector<double> times;
        for (const cost::LayerCost &l : fp32.layers)
            times.push_back(l.latency_us);
        const MetricFormat ft = MetricFormat::forValues("latency_us", times);
        const std::string title = tier.label() + " on " + cfg.device + " (knee, trial "
                                  + std::to_string(c.results.table().trialIds[size_t(f.knee)])
                                  + ")";
        Chart bars;
        bars.id = "layers-" + cfg.device;
        bars.title = title + ": energy per layer";
        bars.xTitle = "layer";
        bars.yTitle = fe.header();
        bars.aspect = 0.45;
        ChartSeries mine{tier.format, ChartSeries::Style::Bars, 1, {}};
        ChartSeries base{"fp32", ChartSeries::Style::Bars, 0, {}};
        Table t = makeTable("layers-" + cfg.device, title,
                            {"layer", "type", "compute (" + fe.unit + ")",
                             "memory (" + fe.unit + ")", "static (" + fe.unit + ")",
                             "energy (" + fe.unit + ")", "fp32 energy (" + fe.unit + ")",
                             "latency (" + ft.unit + ")", "fp32 latency (" + ft.unit + ")"},
                            {false, false, true, true, true, true, true, true, true});
        QJsonArray layers;
        for (size_t i = 0; i < variant.layers.size() && i < fp32.layers.size(); ++i) {
            const cost::LayerCost &l = variant.layers[i], &b = fp32.layers[i];
            if (l.energy_pj == 0 && b.energy_pj == 0)
                continue;
            const std::string name = l.counts.name;
            bars.categories.push_back(name);
            const double x = double(bars.categories.size() - 1);
            mine.points.push_back({x, l.energy_pj * fe.scale});
            base.points.push_back({x, b.energy_pj * fe.scale});
            t.rows.push_back({{name},
                              {l.counts.type},
                              {fe.number(l.computeEnergy_pj), l.computeEnergy_pj},
                              {fe.number(l.memoryEnergy_pj), l.memoryEnergy_pj},
                              {fe.number(l.staticEnergy_pj), l.staticEnergy_pj},
                              {fe.number(l.energy_pj), l.energy_pj},
                              {fe.number(b.energy_pj), b.energy_pj},
                              {ft.number(l.latency_us), l.latency_us},
                              {ft.number(b.latency_us), b.latency_us}});
            QJsonObject lj;
            lj[QStringLiteral("layer")] = q(name);
            lj[QStringLiteral("compute_energy_pj")] = l.computeEnergy_pj;
            lj[QStringLiteral("memory_energy_pj")] = l.memoryEnergy_pj;
            lj[QStringLiteral("static_energy_pj")] = l.staticEnergy_pj;
            lj[QStringLiteral("energy_pj")] = l.energy_pj;
            lj[QStringLiteral("fp32_energy_pj")] = b.energy_pj;
            lj[QStringLiteral("latency_us")] = l.latency_us;
            lj[QStringLiteral("fp32_latency_us")] = b.latency_us;
            layers.append(lj);
        }
        const cost::LayerCost &l = variant.total, &b = fp32.total;
        t.rows.push_back({{"total"},
                          {},
                          {fe.number(l.computeEnergy_pj), l.computeEnergy_pj},
                          {fe.number(l.memoryEnergy_pj), l.memoryEnergy_pj},
                          {fe.number(l.staticEnergy_pj), l.staticEnergy_pj},
                          {fe.number(l.energy_pj), l.energy_pj},
                          {fe.number(b.energy_pj), b.energy_pj},
                          {ft.number(l.latency_us), l.latency_us},
                          {ft.number(b.latency_us), b.latency_us}});
        t.highlightRow = int(t.rows.size()) - 1;
        bars.series = {base, mine};
        bars.logY = true;
        for (const ChartPoint &p : base.points)
            bars.logY = bars.logY && p.y > 0;
        for (const ChartPoint &p : mine.points)
            bars.logY = bars.logY && p.y > 0;
        if (bars.logY) {
            double lo = INFINITY, hi = 0;
            for (const ChartSeries *series : {&base, &mine}) {
                for (const ChartPoint &p : series->points) {
                    lo = std::min(lo, p.y);
                    hi = std::max(hi, p.y);
                }
            }
            bars.logY = hi / lo >= 100;
        }
        s.blocks.push_back(Block::heading(title));
        s.blocks.push_back(Block::of(bars));
        s.blocks.push_back(Block::of(t));
        QJsonObject dj;
        dj[QStringLiteral("device")] = q(cfg.device);
        dj[QStringLiteral("tier")] = q(tier.label());
        dj[QStringLiteral("layers")] = layers;
        layersJson.append(dj);
        c.step();
    }
    json[QStringLiteral("layers")] = layersJson;
    return s;
}

// ---- 7. Reproducibility ----------------------------------------------------------------

Section reproducibilitySection(const Context &c, QJsonObject &json)
{
    Section s{"reproducibility", "Reproducibility", {}};
    std::vector<std::string> lines{
        std::string("report by Frontier ") + FRONTIER_VERSION + " (commit " + FRONTIER_COMMIT
            + "), kernels " + cpu::describe(),
        "project file: " + c.project->path() + " (schema "
            + std::to_string(c.project->schemaVersion()) + ")",
        "study created " + c.record.created + ", last updated " + c.record.updated + ", status "
            + store::toString(c.record.status),
        "seeds: dataset " + std::to_string(c.spec.dataset.seed) + ", search "
            + std::to_string(c.spec.search.seed)};
    for (const study::ModelSpec &m : c.spec.models)
        lines.back() += ", model " + m.name + " " + std::to_string(m.seed);
    QJsonArray runsJson;
    Table runs = makeTable("runs",
                           "Every run and resume of the study: which Frontier, instruction-set "
                           "path, CPU and thread count computed it.",
                           {"started", "Frontier", "path", "CPU", "threads"},
                           {false, false, false, false, true});
    for (const store::RunRecord &r : c.project->runs(c.record.id)) {
        runs.rows.push_back({{r.started},
                             {r.frontierVersion},
                             {r.isa},
                             {r.cpu},
                             {std::to_string(r.threads), double(r.threads)}});
        QJsonObject rj;
        rj[QStringLiteral("started")] = q(r.started);
        rj[QStringLiteral("frontier")] = q(r.frontierVersion);
        rj[QStringLiteral("isa")] = q(r.isa);
        rj[QStringLiteral("kernels")] = q(r.kernels);
        rj[QStringLiteral("cpu")] = q(r.cpu);
        rj[QStringLiteral("threads")] = r.threads;
        runsJson.append(rj);
    }
    s.blocks.push_back(Block::bullets(lines));
    if (!runs.rows.empty())
        s.blocks.push_back(Block::of(runs));
    s.blocks.push_back(Block::paragraph(
        "Every trial row above carries its trial hash (the SHA-256 of its resolved "
        "configuration with the identities of its data, models and presets); `frontier study "
        "trials --project P --study S --csv` lists them in full. The command that regenerates "
        "this report:"));
    s.blocks.push_back(Block::code(c.request->command));
    s.blocks.push_back(Block::heading("Study spec"));
    const QJsonDocument spec = QJsonDocument::fromJson(QByteArray::fromStdString(c.record.spec));
    s.blocks.push_back(Block::code(c.record.spec));
    QJsonObject rj;
    rj[QStringLiteral("frontier")] = QStringLiteral(FRONTIER_VERSION);
    rj[QStringLiteral("commit")] = QStringLiteral(FRONTIER_COMMIT);
    rj[QStringLiteral("kernels")] = q(cpu::describe());
    rj[QStringLiteral("runs")] = runsJson;
    rj[QStringLiteral("command")] = q(c.request->command);
    rj[QStringLiteral("spec")]
        = spec.isObject() ? QJsonValue(spec.object()) : QJsonValue(q(c.record.spec));
    json[QStringLiteral("reproducibility")] = rj;
    return s;
}

// ---- Appendix: preset values ------------------------------------------------------------

Section presetsSection(const Context &c)
{
    Section s{"presets", "Appendix: preset values", {}};
    std::vector<std::string> names = c.spec.devices;
    names.insert(names.end(), c.spec.links.begin(), c.spec.links.end());
    for (const std::string &server : c.spec.servers) {
        if (!server.empty())
            names.push_back(server);
    }
    s.blocks.push_back(Block::paragraph(
        "Every number of the presets the study's costs use: measured on hardware, cited from a "
        "publication or datasheet, or an estimate (Frontier's own, with its reasoning in the "
        "source)."));
    for (const std::string &name : names) {
        cost::Preset preset;
        try {
            preset = cost::loadPreset(name);
        } catch (const Error &e) {
            s.blocks.push_back(Block::paragraph(name + ": " + e.what()));
            continue;
        }
        Table values
            = makeTable("preset-" + name, name + " (" + preset.type + "): " + preset.description,
                        {"key", "value", "kind", "source"}, {false, true, false, false});
        std::set<std::string> used;
        for (const auto &[key, quantity] : preset.values) {
            values.rows.push_back({{key},
                                   {study::numberText(quantity.value), quantity.value},
                                   {cost::kindName(quantity.kind)},
                                   {quantity.source}});
            used.insert(quantity.source);
        }
        s.blocks.push_back(Block::heading(name));
        s.blocks.push_back(Block::of(values));
        Table sources = makeTable("sources-" + name, "The sources of " + name + "'s values.",
                                  {"source", "citation or reasoning"}, {false, false});
        for (const auto &[id, text] : preset.sources) {
            if (used.count(id))
                sources.rows.push_back({{id}, {text}});
        }
        if (!sources.rows.empty())
            s.blocks.push_back(Block::of(sources));
    }
    return s;
}

} // namespace frontier::report::detail

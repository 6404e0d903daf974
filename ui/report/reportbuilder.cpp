#include "reportsections.h"

#include "common/cpu.h"
#include "common/error.h"
#include "common/fileutil.h"
#include "cost/costmodel.h"
#include "cost/presetlibrary.h"
#include "model/modelfile.h"
#include "model/stats.h"
#include "numeric/formatassignment.h"
#include "policy/thresholdrule.h"
#include "store/project.h"
#include "store/statement.h"
#include "study/hypervolume.h"
#include "study/metricformat.h"
#include "study/reportsection.h"
#include "study/specreader.h"
#include "study/studyresults.h"
#include "study/studyspec.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#ifndef FRONTIER_VERSION
#define FRONTIER_VERSION "unknown"
#endif
#ifndef FRONTIER_COMMIT
#define FRONTIER_COMMIT "unknown"
#endif
namespace frontier::report {

namespace detail {

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

std::string join(const std::vector<std::string> &parts, const std::string &separator)
{
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i)
        out += (i ? separator : std::string()) + parts[i];
    return out;
}

std::string withThousands(long long v)
{
    // Built left to right (an insert into the middle trips GCC 12's -Wrestrict).
    const std::string digits = std::to_string(v < 0 ? -v : v);
    std::string out = v < 0 ? "-" : "";
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out.push_back(',');
        out.push_back(digits[i]);
    }
    return out;
}

// "adaptive resolution (ARI)" for "ari": the policy spelled out.
std::string policyTitle(const std::string &name)
{
    static const std::map<std::string, std::string> titles{
        {"single", "single model"},
        {"ari", "adaptive resolution (ARI)"},
        {"hi", "hierarchical offload (HI)"},
        {"ee", "early exit (EE)"},
        {"ee-hi", "early exit with offload (EE-HI)"},
        {"ari-hi", "adaptive resolution with offload (ARI-HI)"},
        {"intermittent", "intermittent power"},
    };
    const auto it = titles.find(name);
    return it == titles.end() ? name : it->second;
}

// "ARI" for "ari": the legend's short name.
std::string shortPolicy(const std::string &name)
{
    if (name == "single" || name == "intermittent")
        return name;
    std::string upper = name;
    for (char &ch : upper)
        ch = char(std::toupper(static_cast<unsigned char>(ch)));
    return upper;
}

int policyColour(const std::string &name)
{
    static const std::vector<std::string> order{"single", "ari", "hi", "ee", "ee-hi", "ari-hi"};
    const auto it = std::find(order.begin(), order.end(), name);
    return it == order.end() ? int(order.size()) : int(it - order.begin());
}

// "rule M", "PDF q = 0.99", "fidelity ≥ 0.99", "τ = 0.25" for a stored tau_rule text.
std::string ruleTitle(const std::string &rule)
{
    if (rule.empty())
        return {};
    try {
        const policy::ThresholdRule r = policy::ThresholdRule::parse(rule);
        switch (r.kind()) {
        case policy::ThresholdRule::Kind::MaxMismatch:
            return "rule M";
        case policy::ThresholdRule::Kind::Pdf:
            return "PDF q = " + study::numberText(r.parameter());
        case policy::ThresholdRule::Kind::Fidelity:
            return "fidelity ≥ " + study::numberText(r.parameter());
        case policy::ThresholdRule::Kind::Value: {
            char buffer[48];
            std::snprintf(buffer, sizeof buffer, "τ = %.4g", r.parameter());
            return buffer;
        }
        }
    } catch (const Error &) {
    }
    return rule;
}

std::string tiersTitle(const study::TrialConfig &c)
{
    std::vector<std::string> parts;
    for (const study::TierRef &t : c.tiers)
        parts.push_back(t.label());
    return join(parts, " → ");
}

Table makeTable(std::string id, std::string caption, std::vector<std::string> header,
                std::vector<bool> numeric)
{
    Table t;
    t.id = std::move(id);
    t.caption = std::move(caption);
    t.header = std::move(header);
    t.numeric = std::move(numeric);
    return t;
}

// Everything one section needs, read once.

std::string constraintsText(const std::vector<std::string> &constraints)
{
    return constraints.empty() ? std::string("no constraints") : join(constraints, " and ");
}

// The trial's configuration in words: "ARI mlp/int4 → mlp/fp32, τ by PDF q = 0.99".
std::string configText(const Context &c, int row)
{
    const study::TrialConfig &t = c.results.config(row);
    const std::string policy = policy::policyName(t.kind);
    std::string s = policyTitle(policy) + " " + tiersTitle(t);
    if (!t.tauRule.empty())
        s += ", threshold " + ruleTitle(t.tauRule);
    if (t.offloads()) {
        s += ", offloading by " + t.decision.label();
        if (!std::isnan(t.decisionTau))
            s += " at " + MetricFormat::of("decision_tau").number(t.decisionTau);
        s += " over " + t.link + " to " + t.remote.label();
    }
    return s;
}

std::vector<std::string> shownMetrics(const Context &c)
{
    std::vector<std::string> out;
    for (const std::string &m : study::knownMetrics()) {
        if (c.results.column(m) >= 0 && m != "tau" && m != "decision_tau"
            && m.rfind("reached_", 0) != 0)
            out.push_back(m);
    }
    for (const std::string &m : c.results.columns()) {
        if (std::find(out.begin(), out.end(), m) == out.end() && m != "tau" && m != "decision_tau"
            && m.rfind("reached_", 0) != 0)
            out.push_back(m);
    }
    if (c.results.column("tau") >= 0)
        out.push_back("tau");
    return out;
}

// A one-sentence account of a trial: what it is and what it costs.
std::string trialSentence(const Context &c, int row, const std::vector<int> &scope)
{
    (void)scope;
    // One value in a sentence: the unit that suits it (columns and axes share theirs).
    auto text = [&](const std::string &metric) {
        const double v = c.value(row, metric);
        return MetricFormat::of(metric, v).text(v);
    };
    std::string s = configText(c, row) + " (trial "
                    + std::to_string(c.results.table().trialIds[size_t(row)])
                    + "): " + text("accuracy") + " accuracy";
    if (!std::isnan(c.value(row, "fidelity")))
        s += ", " + text("fidelity") + " fidelity to the full model";
    if (c.value(row, "escalated") > 0)
        s += ", " + text("escalated") + " of samples escalated";
    if (c.value(row, "offloaded") > 0)
        s += ", " + text("offloaded") + " offloaded";
    s += ", " + text("energy_pj") + " per inference";
    if (!std::isnan(c.value(row, "energy_p95_pj")))
        s += " (p95 " + text("energy_p95_pj") + ")";
    if (!std::isnan(c.value(row, "latency_us")))
        s += ", " + text("latency_us") + " mean latency";
    if (!std::isnan(c.value(row, "memory_bytes")))
        s += ", " + text("memory_bytes") + " resident";
    const double saving = c.value(row, "energy_saving");
    if (!std::isnan(saving)) {
        if (saving >= 0)
            s += ", " + MetricFormat::of("energy_saving").text(saving)
                 + " less energy than the fp32 baseline";
        else
            s += ", " + MetricFormat::of("energy_saving").text(saving)
                 + " energy than the fp32 baseline";
    }
    return s + ".";
}

QJsonObject trialJson(const Context &c, int row)
{
    return study::trialJson(c.results, row);
}

// ---- 1. Summary ------------------------------------------------------------------------

Section summarySection(Context &c, QJsonObject &json)
{
    Section s{"summary", "Summary", {}};
    const study::StudySpec &spec = c.spec;
    s.blocks.push_back(Block::paragraph(
        spec.description.empty() ? "Study " + spec.name + " (no description)." : spec.description));

    // Dataset: the spec, the stored record and the split sizes the caches hold.
    s.blocks.push_back(Block::heading("Dataset"));
    std::vector<std::string> data;
    data.push_back("source: " + spec.dataset.name);
    QJsonObject dataJson;
    dataJson[QStringLiteral("name")] = q(spec.dataset.name);
    for (const store::DatasetRecord &d : c.project->datasets()) {
        data.push_back("stored as " + d.name + " (" + d.path + "), content SHA-256 "
                       + d.contentHash);
        dataJson[QStringLiteral("content_hash")] = q(d.contentHash);
    }
    {
        store::Statement st(c.project->database(),
                            "SELECT split, MAX(samples) FROM output_caches GROUP BY split "
                            "ORDER BY split");
        std::vector<std::string> splits;
        QJsonObject splitJson;
        while (st.step()) {
            splits.push_back(st.text(0) + " " + withThousands(st.int64(1)));
            splitJson[q(st.text(0))] = double(st.int64(1));
        }
        if (!splits.empty())
            data.push_back("evaluated samples: " + join(splits, ", "));
        dataJson[QStringLiteral("splits")] = splitJson;
    }
    data.push_back("split: " + study::numberText(spec.dataset.testFraction * 100) + " % test, "
                   + study::numberText(spec.dataset.calibrationFraction * 100)
                   + " % calibration, seed " + std::to_string(spec.dataset.seed));
    s.blocks.push_back(Block::bullets(data));
    json[QStringLiteral("dataset")] = dataJson;

    // Models.
    s.blocks.push_back(Block::heading("Models"));
    Table models = makeTable(
        "models", "Models of the study; fp32 accuracy from the study's own fp32 trial.",
        {"model", "source", "parameters", "MACs per inference", "fp32 accuracy (%)", "variants"},
        {false, false, true, true, true, false});
    QJsonArray modelsJson;
    for (const study::ModelSpec &m : spec.models) {
        double params = NAN, macs = NAN;
        const auto it = c.models.find(m.name);
        if (it != c.models.end()) {
            const model::LayerRow total = model::layerTotals(model::layerTable(it->second));
            params = double(total.params);
            macs = double(total.macs);
        }
        double fp32 = NAN;
        for (int row : c.allRows) {
            const study::TrialConfig &t = c.results.config(row);
            if (t.kind == policy::PolicyKind::Single && t.tiers.size() == 1
                && t.tiers[0].model == m.name && t.tiers[0].format == "fp32") {
                fp32 = c.value(row, "accuracy");
                break;
            }
        }
        std::set<std::string> variants;
        for (const study::PolicySpec &p : spec.policies) {
            if (std::find(p.models.begin(), p.models.end(), m.name) == p.models.end())
                continue;
            for (const std::vector<std::string> &chain : p.variants)
                variants.insert(chain.begin(), chain.end());
            if (p.kind == policy::PolicyKind::Ari || p.kind == policy::PolicyKind::AriHi)
                variants.insert(p.full);
        }
        const std::string source
            = m.trained() ? "recipe " + m.recipe + ", seed " + std::to_string(m.seed) : m.path;
        models.rows.push_back(
            {{m.name},
             {source},
             {std::isnan(params) ? "–" : withThousands((long long)params), params},
             {std::isnan(macs) ? "–" : withThousands((long long)macs), macs},
             {std::isnan(fp32) ? "–" : MetricFormat::of("accuracy").number(fp32), fp32},
             {join(std::vector<std::string>(variants.begin(), variants.end()), ", ")}});
        QJsonObject mj;
        mj[QStringLiteral("name")] = q(m.name);
        mj[QStringLiteral("source")] = q(source);
        if (!std::isnan(params)) {
            mj[QStringLiteral("parameters")] = params;
            mj[QStringLiteral("macs")] = macs;
        }
        if (!std::isnan(fp32))
            mj[QStringLiteral("fp32_accuracy")] = fp32;
        modelsJson.append(mj);
    }
    s.blocks.push_back(Block::of(models));
    json[QStringLiteral("models")] = modelsJson;

    // Policies and their knob ranges.
    s.blocks.push_back(Block::heading("Policies"));
    std::vector<std::string> policies;
    for (const study::PolicySpec &p : spec.policies) {
        std::string line = policyTitle(policy::policyName(p.kind)) + " on " + join(p.models, ", ");
        std::vector<std::string> variants;
        for (const auto &v : p.variants)
            variants.push_back(join(v, " → "));
        line += (p.kind == policy::PolicyKind::Ari || p.kind == policy::PolicyKind::AriHi
                     ? "; reduced tiers "
                     : "; formats ")
                + join(variants, ", ");
        if (p.kind != policy::PolicyKind::Single)
            line += "; full " + p.full;
        std::vector<std::string> taus;
        for (const study::TauOption &t : p.taus)
            taus.push_back(t.isRange
                               ? "τ " + study::numberText(t.from) + ".." + study::numberText(t.to)
                                     + " in " + std::to_string(t.count) + " steps"
                               : ruleTitle(t.rule));
        if (!taus.empty())
            line += "; thresholds " + join(taus, ", ");
        std::vector<std::string> decisions;
        for (const study::DecisionSpec &d : p.decisions)
            decisions.push_back(d.label());
        if (!decisions.empty())
            line += "; decisions " + join(decisions, ", ");
        std::vector<std::string> remotes;
        for (const study::RemoteSpec &r : p.remotes)
            remotes.push_back(r.label());
        if (!remotes.empty())
            line += "; remote " + join(remotes, ", ");
        policies.push_back(line);
    }
    s.blocks.push_back(Block::bullets(policies));

    // Presets with the provenance of every value.
    s.blocks.push_back(Block::heading("Devices, links and servers"));
    std::vector<std::string> presetNames = spec.devices;
    presetNames.insert(presetNames.end(), spec.links.begin(), spec.links.end());
    for (const std::string &server : spec.servers) {
        if (!server.empty())
            presetNames.push_back(server);
    }
    QJsonArray presetsJson;
    std::vector<std::string> presetLines;
    for (const std::string &name : presetNames) {
        try {
            const cost::Preset preset = cost::loadPreset(name);
            presetLines.push_back(name + " (" + preset.type + "): " + preset.description);
            QJsonObject pj;
            pj[QStringLiteral("name")] = q(name);
            pj[QStringLiteral("type")] = q(preset.type);
            pj[QStringLiteral("description")] = q(preset.description);
            presetsJson.append(pj);
        } catch (const Error &e) {
            presetLines.push_back(name + ": not available here (" + e.what() + ")");
        }
    }
    s.blocks.push_back(Block::bullets(presetLines));
    s.blocks.push_back(Block::paragraph(
        "Every value of these presets, with its kind and source, is listed in the appendix."));
    json[QStringLiteral("presets")] = presetsJson;

    // Objectives, constraints, trial counts.
    s.blocks.push_back(Block::heading("Objectives and trials"));
    const store::TrialCounts counts
        = c.project->trialCounts(c.record.id, c.project->studyShard(c.record.id));
    int bounds = 0;
    for (int row : c.allRows)
        bounds += c.results.isBound(row) ? 1 : 0;
    std::vector<std::string> objectives;
    for (const study::Objective &o : c.objectives)
        objectives.push_back(
            std::string(o.sense == study::Sense::Minimize ? "minimise " : "maximise ")
            + MetricFormat::titleOf(o.name) + " (" + o.name + ")");
    s.blocks.push_back(Block::bullets(
        {"objectives: " + join(objectives, ", "), "constraints: " + constraintsText(c.constraints),
         "trials: " + withThousands(counts.done) + " done, " + withThousands(counts.failed)
             + " failed, " + withThousands(counts.pending + counts.running) + " not run; "
             + withThousands(bounds)
             + " of the done trials are oracle bounds (kept off the fronts)",
         "devices: " + join(spec.devices, ", ")
             + " (a front per device: their energies do "
               "not compare)"}));
    QJsonObject trialsJson;
    trialsJson[QStringLiteral("done")] = double(counts.done);
    trialsJson[QStringLiteral("failed")] = double(counts.failed);
    trialsJson[QStringLiteral("pending")] = double(counts.pending + counts.running);
    trialsJson[QStringLiteral("bounds")] = bounds;
    json[QStringLiteral("trials")] = trialsJson;
    json[QStringLiteral("objectives")] = q(study::objectivesToString(c.objectives));
    QJsonArray constraintsJson;
    for (const std::string &t : c.constraints)
        constraintsJson.append(q(t));
    json[QStringLiteral("constraints")] = constraintsJson;
    return s;
}

// ---- 2. Recommendation -----------------------------------------------------------------

// The feasible, deployable row of a device with the least energy (-1 when none).
static int leastEnergyRow(const Context &c, const FrontResult &front)
{
    int best = -1;
    for (int row : front.rows) {
        const double e = c.value(row, "energy_pj");
        if (!std::isnan(e) && (best < 0 || e < c.value(best, "energy_pj")))
            best = row;
    }
    return best;
}

Section recommendationSection(const Context &c, QJsonObject &json)
{
    Section s{"recommendation", "Recommendation", {}};
    s.blocks.push_back(Block::paragraph(
        "Under " + constraintsText(c.constraints)
        + ", per device: the knee of the front (the "
          "balanced choice between "
        + study::objectivesToString(c.objectives)
        + ") and the configuration with the least energy. Oracle trials are bounds, not "
          "configurations, and are not recommended."));
    QJsonArray recommendations;
    for (const FrontResult &f : c.fronts) {
        const std::vector<int> &scope = c.rowsOfDevice.at(f.group);
        std::vector<std::string> lines;
        QJsonObject r;
        r[QStringLiteral("device")] = q(f.group);
        if (f.rows.empty()) {
            lines.push_back("No trial meets the constraints on " + f.group + ".");
        } else {
            if (f.knee >= 0) {
                lines.push_back("Knee on " + f.group + ": " + trialSentence(c, f.knee, scope));
                r[QStringLiteral("knee")] = trialJson(c, f.knee);
            }
            const int least = leastEnergyRow(c, f);
            if (least >= 0 && least != f.knee) {
                lines.push_back("Least energy on " + f.group + ": "
                                + trialSentence(c, least, scope));
                r[QStringLiteral("least_energy")] = trialJson(c, least);
            } else if (least >= 0) {
                lines.push_back("On " + f.group
                                + " the knee is also the configuration with the least energy.");
                r[QStringLiteral("least_energy")] = trialJson(c, least);
            }
        }
        s.blocks.push_back(Block::heading(f.group));
        s.blocks.push_back(Block::bullets(lines));
        recommendations.append(r);
    }
    json[QStringLiteral("recommendations")] = recommendations;
    return s;
}

} // namespace detail

namespace {

using namespace detail;

std::vector<FrontResult> devicesFronts(const StudyResults &r,
                                       const std::vector<study::Objective> &objectives,
                                       const std::vector<std::string> &constraints)
{
    study::FrontScope scope;
    scope.constraints = constraints;
    return study::computeGroupedFronts(r, objectives, scope, "device");
}

void loadModels(Context &c)
{
    const std::vector<store::ModelRecord> records = c.project->models();
    for (const study::ModelSpec &m : c.spec.models) {
        const store::ModelRecord *latest = nullptr;
        for (const store::ModelRecord &r : records) {
            if (r.name == m.name || r.name.rfind(m.name + "@", 0) == 0) {
                if (!latest || r.id > latest->id)
                    latest = &r;
            }
        }
        if (!latest)
            continue;
        try {
            c.models.emplace(
                m.name, model::deserializeModel(c.project->modelBytes(latest->id),
                                                c.project->path() + ": model " + latest->name));
        } catch (const Error &) {
            // Reported as "not stored" where the model is needed.
        }
    }
}

// The sections of plugins (study::ReportSectionRegistry), from the study's trials. A
// section that fails says so in the report instead of stopping it; one whose table rows
// do not match its header is refused the same way.
void pluginSections(const Context &c, ReportDocument &doc, QJsonObject &json)
{
    const std::vector<study::ReportSectionRegistry::Entry> entries
        = study::ReportSectionRegistry::instance().sections();
    if (entries.empty())
        return;
    const study::TrialTable trials = study::trialTableOf(c.results);
    QJsonArray list;
    for (const study::ReportSectionRegistry::Entry &e : entries) {
        const std::string name = e.section->name();
        Section section;
        section.id = "plugin-" + name;
        QJsonObject o;
        o[QStringLiteral("name")] = q(name);
        o[QStringLiteral("plugin")] = q(e.provider);
        std::string failure;
        study::SectionContent content;
        bool shown = false;
        try {
            shown = e.section->build(c.spec.name, trials, content);
            for (const study::SectionTable &t : content.tables) {
                for (const auto &row : t.rows) {
                    if (row.size() != t.header.size())
                        throw std::runtime_error("a row of table '" + t.caption + "' has "
                                                 + std::to_string(row.size()) + " cells for "
                                                 + std::to_string(t.header.size()) + " columns");
                }
            }
        } catch (const std::exception &ex) {
            failure = ex.what();
        }
        if (!failure.empty()) {
            section.title = "Section " + name + " (plugin " + e.provider + ")";
            section.blocks.push_back(Block::paragraph("This section failed: " + failure + "."));
            o[QStringLiteral("error")] = q(failure);
        } else if (!shown) {
            continue;
        } else {
            section.title = content.title.empty() ? name : content.title;
            for (const std::string &p : content.paragraphs)
                section.blocks.push_back(Block::paragraph(p));
            int index = 0;
            for (const study::SectionTable &t : content.tables) {
                Table table;
                table.id = "plugin-" + name + "-" + std::to_string(++index);
                table.caption = t.caption;
                table.header = t.header;
                // A column of numbers only is numeric (right-aligned, sorted by value).
                auto number = [](const std::string &text, double &value) {
                    bool ok = false;
                    value = QString::fromStdString(text).toDouble(&ok);
                    return ok;
                };
                table.numeric.assign(t.header.size(), !t.rows.empty());
                for (const auto &row : t.rows) {
                    for (size_t col = 0; col < row.size(); ++col) {
                        double v = 0;
                        if (!number(row[col], v))
                            table.numeric[col] = false;
                    }
                }
                for (const auto &row : t.rows) {
                    std::vector<Cell> cells;
                    for (size_t col = 0; col < row.size(); ++col) {
                        double v = NAN;
                        if (table.numeric[col])
                            number(row[col], v);
                        cells.push_back({row[col], v});
                    }
                    table.rows.push_back(std::move(cells));
                }
                section.blocks.push_back(Block::of(std::move(table)));
            }
            section.blocks.push_back(
                Block::paragraph("From the plugin " + e.provider + " (section " + name + ")."));
            o[QStringLiteral("title")] = q(section.title);
        }
        list.append(o);
        doc.sections.push_back(std::move(section));
    }
    json[QStringLiteral("plugin_sections")] = list;
}

} // namespace

ReportDocument buildReport(const ReportRequest &request, Progress *progress)
{
    Context c;
    c.request = &request;
    c.progress = progress;
    if (progress)
        progress->setTotal(4);
    if (!fileExists(request.project))
        throw Error(request.project, "no such project file");
    c.project = std::make_unique<store::Project>(request.project, store::Project::Access::ReadOnly);
    const auto record = c.project->findStudy(request.study);
    if (!record)
        throw Error(c.project->path(), "no study named '" + request.study + "'");
    c.record = *record;
    c.spec = study::parseStudySpec(QByteArray::fromStdString(record->spec),
                                   c.project->path() + ": study " + request.study);
    c.objectives = request.objectives ? *request.objectives : c.spec.objectives;
    c.constraints = request.constraints ? *request.constraints : c.spec.constraints;
    c.results = StudyResults::load(*c.project, record->id);
    if (c.results.rows() == 0)
        throw Error(c.project->path(), "study '" + request.study + "' has no done trials");
    c.step();
    for (int row = 0; row < c.results.rows(); ++row) {
        c.allRows.push_back(row);
        c.rowsOfDevice[c.results.groupValue(row, "device")].push_back(row);
    }
    c.fronts = devicesFronts(c.results, c.objectives, c.constraints);
    for (const FrontResult &f : c.fronts) {
        study::FrontScope scope;
        scope.constraints = c.constraints;
        scope.rows = &c.rowsOfDevice.at(f.group);
        c.bounds.push_back(study::computeBoundFront(c.results, c.objectives, scope));
    }
    for (const std::string &name : request.compare) {
        const auto other = c.project->findStudy(name);
        if (!other)
            throw Error(c.project->path(), "no study named '" + name + "' (--compare)");
        Context::Compared compared{name, StudyResults::load(*c.project, other->id), {}};
        compared.fronts = devicesFronts(compared.results, c.objectives, c.constraints);
        c.compared.push_back(std::move(compared));
    }
    loadModels(c);
    c.step();
    if (progress)
        progress->setTotal(progress->done() + int64_t(c.fronts.size()) * 3 + 8 + 2);

    ReportDocument doc;
    doc.title = "Study " + c.spec.name;
    doc.subtitle = c.project->path() + " · "
                   + QDateTime::currentDateTimeUtc()
                         .toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"))
                         .toStdString();
    QJsonObject json;
    json[QStringLiteral("study")] = q(c.spec.name);
    json[QStringLiteral("description")] = q(c.spec.description);
    json[QStringLiteral("project")] = q(c.project->path());
    doc.sections.push_back(summarySection(c, json));
    doc.sections.push_back(recommendationSection(c, json));
    doc.sections.push_back(frontsSection(c, json));
    doc.sections.push_back(frontTableSection(c, json));
    doc.sections.push_back(thresholdSection(c, json));
    doc.sections.push_back(layersSection(c, json));
    if (auto s = objectiveSection(
            c, "intermittent", "Intermittent power",
            "Trials on a battery-less device: inference runs in power cycles of a capacitor "
            "charged by a harvester, checkpointing its progress to non-volatile memory. The "
            "end-to-end latency counts active and recharge time; the energy splits into "
            "compute, data movement, preservation (checkpoints) and re-execution of work lost "
            "to power failures. ARI and early exit on the device give the mean over the "
            "samples (an escalated sample runs the reduced and then the full model, an early "
            "exit only the blocks before it) and the slowest path a sample takes.",
            "intermittent_latency_s",
            {"intermittent_latency_worst_s", "intermittent_active_s", "intermittent_recharge_s",
             "power_cycles", "reboots", "intermittent_compute_j", "data_movement_j",
             "preservation_j", "reexecution_j"},
            json))
        doc.sections.push_back(std::move(*s));
    if (auto s = objectiveSection(
            c, "training", "Training on the edge",
            "Models trained on the device: fp32, QAT (a float32 master copy and a quantized "
            "one) and RCT (integer weights only, per-layer bitwidths adjusted while training). "
            "Training energy prices the forward, backward and update MACs at the bitwidths of "
            "each step on the trial's device; parameter memory counts weights, master copies "
            "and optimizer state.",
            "train_energy_pj", {"train_gemm_energy_pj", "param_memory_bytes", "energy_pj"}, json))
        doc.sections.push_back(std::move(*s));
    pluginSections(c, doc, json);
    doc.sections.push_back(reproducibilitySection(c, json));
    doc.sections.push_back(presetsSection(c));
    doc.data = json;
    c.step();
    return doc;
}

} // namespace frontier::report

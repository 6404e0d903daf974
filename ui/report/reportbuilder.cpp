// Composes a study's report from the project file: one function per section, each turning
// what core computes (fronts, knees, costs) into plain blocks and the matching JSON.

#include "report.h"

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

namespace {

using study::FrontResult;
using study::MetricFormat;
using study::StudyResults;

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
    std::string digits = std::to_string(v < 0 ? -v : v);
    for (int i = int(digits.size()) - 3; i > 0; i -= 3)
        digits.insert(size_t(i), ",");
    return (v < 0 ? "-" : "") + digits;
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
struct Context
{
    const ReportRequest *request = nullptr;
    std::unique_ptr<store::Project> project;
    store::StudyRecord record;
    study::StudySpec spec;
    StudyResults results;
    std::vector<study::Objective> objectives;
    std::vector<std::string> constraints;
    std::vector<FrontResult> fronts; // one per device
    std::vector<FrontResult> bounds; // the oracle bound per device (may be empty fronts)
    struct Compared
    {
        std::string name;
        StudyResults results;
        std::vector<FrontResult> fronts; // per device
    };
    std::vector<Compared> compared;
    std::vector<int> allRows;
    std::map<std::string, std::vector<int>> rowsOfDevice;
    std::map<std::string, model::Model> models; // by the study's model name, when stored
    Progress *progress = nullptr;

    double value(int row, const std::string &metric) const
    {
        const int c = results.column(metric);
        return c < 0 ? NAN : results.table().at(row, c);
    }
    MetricFormat format(const std::string &metric, const std::vector<int> &rows) const
    {
        std::vector<double> values;
        for (int r : rows)
            values.push_back(value(r, metric));
        return MetricFormat::forValues(metric, values);
    }
    void step() const
    {
        if (progress) {
            if (progress->cancelRequested())
                throw Cancelled{};
            progress->advance();
        }
    }
};

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
    QJsonObject o;
    o[QStringLiteral("trial")] = double(c.results.table().trialIds[size_t(row)]);
    o[QStringLiteral("hash")] = q(c.results.hash(row));
    for (const auto &knob : c.results.config(row).knobColumns()) {
        if (!knob.second.empty())
            o[q(knob.first)] = q(knob.second);
    }
    QJsonObject metrics;
    for (const std::string &m : c.results.columns()) {
        const double v = c.value(row, m);
        if (!std::isnan(v))
            metrics[q(m)] = v;
    }
    o[QStringLiteral("metrics")] = metrics;
    return o;
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
    const store::TrialCounts counts = c.project->trialCounts(c.record.id);
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
int leastEnergyRow(const Context &c, const FrontResult &front)
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

// Points of a scatter that fall on the same spot of a chart (one cell of a fine grid over
// its axes, log where the axis is) are drawn once: tens of thousands of trials make the
// same picture from a few thousand marks, and the file stays small.
std::vector<ChartPoint> thinned(const std::vector<ChartPoint> &points, bool logX, bool logY,
                                int cellsX = 500, int cellsY = 300)
{
    if (points.size() <= 2000)
        return points;
    auto axis = [](double v, bool log) {
        return log ? std::log10(std::max(v, 1e-300)) : v;
    };
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (const ChartPoint &p : points) {
        x0 = std::min(x0, axis(p.x, logX));
        x1 = std::max(x1, axis(p.x, logX));
        y0 = std::min(y0, axis(p.y, logY));
        y1 = std::max(y1, axis(p.y, logY));
    }
    const double sx = x1 > x0 ? cellsX / (x1 - x0) : 0, sy = y1 > y0 ? cellsY / (y1 - y0) : 0;
    std::set<int64_t> seen;
    std::vector<ChartPoint> out;
    for (const ChartPoint &p : points) {
        const int64_t cx = int64_t((axis(p.x, logX) - x0) * sx);
        const int64_t cy = int64_t((axis(p.y, logY) - y0) * sy);
        if (seen.insert(cx * (cellsY + 1) + cy).second)
            out.push_back(p);
    }
    return out;
}

// ---- 3. Fronts -------------------------------------------------------------------------

bool spansDecades(const std::vector<double> &values)
{
    double lo = INFINITY, hi = 0;
    for (double v : values) {
        if (std::isfinite(v) && v > 0) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    }
    for (double v : values) {
        if (std::isfinite(v) && v <= 0)
            return false; // a log axis cannot show it
    }
    return hi > 0 && hi / lo >= 100;
}

// The hypervolume of a front in a box shared by every study compared on a device, so that
// the fractions compare.
double sharedHypervolume(const Context &c, const StudyResults &r, const FrontResult &f,
                         const std::vector<double> &ideal, const std::vector<double> &reference)
{
    const size_t k = c.objectives.size();
    std::vector<double> points;
    for (int row : f.rows) {
        for (size_t j = 0; j < k; ++j) {
            const int col = r.column(c.objectives[j].name);
            points.push_back(r.table().at(row, col));
        }
    }
    double box = 1;
    for (size_t j = 0; j < k; ++j)
        box *= std::abs(reference[j] - ideal[j]);
    if (points.empty() || !(box > 0))
        return NAN;
    return study::hypervolume(points, study::sensesOf(c.objectives), reference) / box;
}

Section frontsSection(const Context &c, QJsonObject &json)
{
    Section s{"fronts", "Pareto fronts", {}};
    if (c.objectives.size() < 2) {
        s.blocks.push_back(Block::paragraph("One objective: the front is the best trial."));
    }
    const std::string xm = c.objectives.front().name;
    const std::string ym = c.objectives.size() > 1 ? c.objectives[1].name : "accuracy";
    s.blocks.push_back(Block::paragraph(
        "One chart per device. Dots are every trial of the device in its policy family's colour, "
        "hollow grey ones break a constraint; the line is the front of deployable trials, the "
        "star its knee, the dashed line the oracle bound (offloading that knows which samples "
        "the device gets wrong: a limit, not a configuration). Hypervolume is the fraction of the "
        "box between the "
        "best and the worst feasible values that the front dominates."));
    QJsonArray frontsJson;
    for (size_t g = 0; g < c.fronts.size(); ++g) {
        const FrontResult &f = c.fronts[g];
        const std::vector<int> &scope = c.rowsOfDevice.at(f.group);
        const MetricFormat fx = c.format(xm, scope), fy = c.format(ym, scope);
        Chart chart;
        chart.id = "front-" + f.group;
        chart.title = "Front on " + f.group;
        chart.xTitle = fx.header();
        chart.yTitle = fy.header();
        std::vector<double> xs;
        for (int row : scope)
            xs.push_back(c.value(row, xm));
        chart.logX = spansDecades(xs);
        const std::set<int> feasible = [&] {
            const std::vector<int> rows = c.results.feasibleRows(c.constraints);
            return std::set<int>(rows.begin(), rows.end());
        }();
        // Every trial, coloured by policy family.
        std::map<std::string, ChartSeries> families;
        std::vector<std::string> familyOrder;
        ChartSeries broken{"breaks a constraint", ChartSeries::Style::Infeasible, 0, {}};
        for (int row : scope) {
            const double x = c.value(row, xm) * fx.scale, y = c.value(row, ym) * fy.scale;
            if (std::isnan(x) || std::isnan(y) || (chart.logX && x <= 0))
                continue;
            if (!feasible.count(row)) {
                broken.points.push_back({x, y});
                continue;
            }
            const std::string policy = policy::policyName(c.results.config(row).kind);
            auto it = families.find(policy);
            if (it == families.end()) {
                it = families
                         .emplace(policy, ChartSeries{shortPolicy(policy),
                                                      ChartSeries::Style::Faded,
                                                      policyColour(policy) + 8,
                                                      {}})
                         .first;
                familyOrder.push_back(policy);
            }
            it->second.points.push_back({x, y});
        }
        std::sort(familyOrder.begin(), familyOrder.end(),
                  [](const auto &a, const auto &b) { return policyColour(a) < policyColour(b); });
        for (const std::string &policy : familyOrder) {
            ChartSeries series = families.at(policy);
            series.points = thinned(series.points, chart.logX, chart.logY);
            chart.series.push_back(std::move(series));
        }
        broken.points = thinned(broken.points, chart.logX, chart.logY);
        // The y axis starts at the feasible region when constraints cut trials away.
        int below = 0;
        if (!c.constraints.empty() && !families.empty()) {
            double lo = INFINITY;
            for (const auto &[policy, series] : families) {
                for (const ChartPoint &p : series.points)
                    lo = std::min(lo, p.y);
            }
            for (const ChartPoint &p : broken.points)
                below += p.y < lo ? 1 : 0;
            if (below > 0)
                chart.yMin = lo;
        }
        if (!broken.points.empty())
            chart.series.push_back(broken);
        auto frontSeries = [&](const StudyResults &r, const FrontResult &front,
                               ChartSeries::Style style, const std::string &name, int colour) {
            ChartSeries series{name, style, colour, {}};
            const int cx = r.column(xm), cy = r.column(ym);
            for (int row : front.rows) {
                const double x = r.table().at(row, cx) * fx.scale;
                if (!(chart.logX && x <= 0))
                    series.points.push_back({x, r.table().at(row, cy) * fy.scale});
            }
            std::sort(series.points.begin(), series.points.end(),
                      [](const ChartPoint &a, const ChartPoint &b) { return a.x < b.x; });
            return series;
        };
        // The shared box of every compared front on this device.
        std::vector<double> ideal = f.ideal, reference = f.reference;
        for (const Context::Compared &other : c.compared) {
            for (const FrontResult &of : other.fronts) {
                if (of.group != f.group || of.ideal.size() != ideal.size())
                    continue;
                for (size_t j = 0; j < ideal.size(); ++j) {
                    const bool min = c.objectives[j].sense == study::Sense::Minimize;
                    ideal[j]
                        = min ? std::min(ideal[j], of.ideal[j]) : std::max(ideal[j], of.ideal[j]);
                    reference[j] = min ? std::max(reference[j], of.reference[j])
                                       : std::min(reference[j], of.reference[j]);
                }
            }
        }
        const double hv = c.compared.empty() || f.rows.empty()
                              ? f.normalisedHypervolume
                              : sharedHypervolume(c, c.results, f, ideal, reference);
        char hvText[64];
        std::snprintf(hvText, sizeof hvText, "%.3f", hv);
        chart.series.push_back(frontSeries(
            c.results, f, ChartSeries::Style::Front,
            (c.compared.empty() ? std::string("front") : c.spec.name) + " (HV " + hvText + ")", 1));
        if (g < c.bounds.size() && !c.bounds[g].rows.empty())
            chart.series.push_back(
                frontSeries(c.results, c.bounds[g], ChartSeries::Style::Bound, "oracle bound", 2));
        QJsonArray overlays;
        int colour = 3;
        for (const Context::Compared &other : c.compared) {
            for (const FrontResult &of : other.fronts) {
                if (of.group != f.group)
                    continue;
                const double ohv = sharedHypervolume(c, other.results, of, ideal, reference);
                std::snprintf(hvText, sizeof hvText, "%.3f", ohv);
                chart.series.push_back(frontSeries(other.results, of, ChartSeries::Style::Overlay,
                                                   other.name + " (HV " + hvText + ")", colour));
                QJsonObject oj;
                oj[QStringLiteral("study")] = q(other.name);
                oj[QStringLiteral("hypervolume_shared_box")] = ohv;
                oj[QStringLiteral("size")] = int(of.rows.size());
                overlays.append(oj);
            }
            ++colour;
        }
        if (f.knee >= 0) {
            chart.series.push_back(
                {"knee (trial " + std::to_string(c.results.table().trialIds[size_t(f.knee)]) + ")",
                 ChartSeries::Style::Knee,
                 1,
                 {{c.value(f.knee, xm) * fx.scale, c.value(f.knee, ym) * fy.scale}}});
        }
        s.blocks.push_back(Block::of(chart));
        std::string reference_;
        for (size_t j = 0; j < c.objectives.size(); ++j) {
            const MetricFormat fj = c.format(c.objectives[j].name, scope);
            reference_ += (j ? ", " : "") + fj.title + " " + fj.text(f.reference[j]);
        }
        char line[256];
        std::snprintf(line, sizeof line,
                      "%zu of %d feasible deployable trials on the front; "
                      "hypervolume %.3f of the box up to the reference (",
                      f.rows.size(), f.candidates, f.normalisedHypervolume);
        s.blocks.push_back(Block::paragraph(
            f.group + ": " + line + reference_ + ")."
            + (below > 0 ? " " + std::to_string(below)
                               + " trials that break the constraints lie below the chart."
                         : std::string())));
        QJsonObject fj;
        fj[QStringLiteral("device")] = q(f.group);
        fj[QStringLiteral("hypervolume")] = f.hypervolume;
        fj[QStringLiteral("hypervolume_normalised")] = f.normalisedHypervolume;
        QJsonArray ref, ide, rows;
        for (double v : f.reference)
            ref.append(v);
        for (double v : f.ideal)
            ide.append(v);
        for (int64_t id : f.trialIds(c.results))
            rows.append(double(id));
        fj[QStringLiteral("reference")] = ref;
        fj[QStringLiteral("ideal")] = ide;
        fj[QStringLiteral("trials")] = rows;
        fj[QStringLiteral("candidates")] = f.candidates;
        if (f.knee >= 0)
            fj[QStringLiteral("knee")] = double(c.results.table().trialIds[size_t(f.knee)]);
        if (!overlays.isEmpty())
            fj[QStringLiteral("compared")] = overlays;
        frontsJson.append(fj);
        c.step();
    }
    json[QStringLiteral("fronts")] = frontsJson;
    return s;
}

// ---- 4. Front table --------------------------------------------------------------------

Section frontTableSection(const Context &c, QJsonObject &json)
{
    Section s{"front-table", "Front table", {}};
    const std::vector<std::string> metrics = shownMetrics(c);
    std::vector<int> rows;
    const int first = c.results.column(c.objectives.front().name);
    for (const FrontResult &f : c.fronts) {
        std::vector<int> part = f.rows;
        std::stable_sort(part.begin(), part.end(), [&](int a, int b) {
            return c.results.table().at(a, first) < c.results.table().at(b, first);
        });
        rows.insert(rows.end(), part.begin(), part.end());
    }
    Table t;
    t.id = "front";
    t.caption = "The fronts of every device, sorted by " + c.objectives.front().name
                + "; the knee of each device in bold. Click a header to sort.";
    t.header = {"trial", "device", "policy", "tiers", "threshold", "offload"};
    t.numeric = {true, false, false, false, false, false};
    std::vector<MetricFormat> formats;
    for (const std::string &m : metrics) {
        formats.push_back(c.format(m, rows));
        t.header.push_back(formats.back().header());
        t.numeric.push_back(true);
    }
    t.header.push_back("trial hash");
    t.numeric.push_back(false);
    std::set<int> knees;
    for (const FrontResult &f : c.fronts)
        knees.insert(f.knee);
    QJsonArray rowsJson;
    for (int row : rows) {
        const study::TrialConfig &cfg = c.results.config(row);
        std::string offload;
        if (cfg.offloads())
            offload = cfg.decision.label()
                      + (std::isnan(cfg.decisionTau)
                             ? std::string()
                             : " " + MetricFormat::of("decision_tau").number(cfg.decisionTau))
                      + " over " + cfg.link + " to " + cfg.remote.label();
        const double id = double(c.results.table().trialIds[size_t(row)]);
        std::vector<Cell> cells{{std::to_string((long long)id), id},
                                {cfg.device},
                                {policyTitle(policy::policyName(cfg.kind))},
                                {tiersTitle(cfg)},
                                {ruleTitle(cfg.tauRule)},
                                {offload}};
        for (size_t m = 0; m < metrics.size(); ++m) {
            const double v = c.value(row, metrics[m]);
            cells.push_back({formats[m].number(v), v});
        }
        cells.push_back({c.results.hash(row).substr(0, 16)});
        if (knees.count(row))
            t.highlightRow = int(t.rows.size()); // the last knee shown; each is bold below
        t.rows.push_back(std::move(cells));
        rowsJson.append(trialJson(c, row));
    }
    // Every knee bold: the writers bold highlightRow only, so list them in the caption too.
    std::vector<std::string> kneeIds;
    for (const FrontResult &f : c.fronts) {
        if (f.knee >= 0)
            kneeIds.push_back(std::to_string(c.results.table().trialIds[size_t(f.knee)]) + " on "
                              + f.group);
    }
    if (!kneeIds.empty())
        t.caption += " Knees: trial " + join(kneeIds, ", trial ") + ".";
    t.highlightRow = -1;
    t.csv = study::trialsCsv(c.results, rows);
    // A printed page lists a long front by evenly spaced rows per device and the knee.
    const size_t kPrintedPerDevice = 40;
    if (rows.size() > kPrintedPerDevice * c.fronts.size()) {
        size_t start = 0;
        for (const FrontResult &f : c.fronts) {
            const size_t n = f.rows.size();
            for (size_t i = 0; i < n; ++i) {
                const bool even = n <= kPrintedPerDevice
                                  || i * (kPrintedPerDevice - 1) % (n - 1) < kPrintedPerDevice - 1;
                if (even || rows[start + i] == f.knee)
                    t.printRows.push_back(int(start + i));
            }
            start += n;
        }
        t.printNote = "This page lists " + std::to_string(t.printRows.size()) + " of the "
                      + std::to_string(rows.size())
                      + " front trials, evenly spaced along each device's front, and the knees; "
                        "the HTML report and front.csv (--csv) hold all of them.";
    }
    s.blocks.push_back(Block::of(t));
    json[QStringLiteral("front_table")] = rowsJson;
    return s;
}

// ---- 5. Threshold curves ---------------------------------------------------------------

// A family: the trials that differ only in their threshold.
std::string familyKey(const study::TrialConfig &cfg)
{
    std::string key;
    for (const auto &[name, value] : cfg.knobColumns()) {
        if (name != "tau_rule" && name != "decision_tau")
            key += name + "=" + value + ";";
    }
    return key;
}

Section thresholdSection(const Context &c, QJsonObject &json)
{
    Section s{"thresholds", "Threshold curves", {}};
    s.blocks.push_back(Block::paragraph(
        "For each thresholded policy on a front: accuracy, escalation (or offload) and energy "
        "against the threshold over every trial of that family; the vertical lines mark where "
        "the calibration rules (M, PDF q, fidelity) put it."));
    std::vector<std::string> families;
    std::map<std::string, int> example;
    for (const FrontResult &f : c.fronts) {
        for (int row : f.rows) {
            const study::TrialConfig &cfg = c.results.config(row);
            if (cfg.kind == policy::PolicyKind::Single)
                continue;
            const std::string key = familyKey(cfg);
            if (!example.count(key)) {
                example[key] = row;
                families.push_back(key);
            }
        }
    }
    const size_t kMaxFamilies = 8;
    if (families.size() > kMaxFamilies) {
        s.blocks.push_back(Block::paragraph(
            std::to_string(families.size()) + " families are on the fronts; the first "
            + std::to_string(kMaxFamilies) + " (in front order) are drawn."));
        families.resize(kMaxFamilies);
    }
    std::map<std::string, std::vector<int>> members;
    for (int row : c.allRows)
        members[familyKey(c.results.config(row))].push_back(row);
    QJsonArray familiesJson;
    for (const std::string &key : families) {
        const study::TrialConfig &cfg = c.results.config(example[key]);
        const bool offload = cfg.offloads();
        const bool useDecision = offload && cfg.tauRule.empty();
        const std::string share = offload ? "offloaded" : "escalated";
        struct Point
        {
            double tau, accuracy, share, energy;
            std::string rule;
        };
        std::vector<Point> points;
        for (int row : members[key]) {
            const study::TrialConfig &m = c.results.config(row);
            const double tau = useDecision ? m.decisionTau : c.value(row, "tau");
            if (std::isnan(tau))
                continue;
            const bool isRule = !m.tauRule.empty()
                                && policy::ThresholdRule::parse(m.tauRule).kind()
                                       != policy::ThresholdRule::Kind::Value;
            points.push_back({tau, c.value(row, "accuracy"), c.value(row, share),
                              c.value(row, "energy_pj"), isRule ? ruleTitle(m.tauRule) : ""});
        }
        std::sort(points.begin(), points.end(),
                  [](const Point &a, const Point &b) { return a.tau < b.tau; });
        if (points.size() < 2)
            continue;
        const std::string title = policyTitle(policy::policyName(cfg.kind)) + " " + tiersTitle(cfg)
                                  + " on " + cfg.device + (offload ? " via " + cfg.link : "");
        const std::string tauName = useDecision ? "decision threshold (" + cfg.decision.kind + ")"
                                                : "threshold τ (top-1 − top-2 margin)";
        Chart shares;
        shares.id = "tau-" + std::to_string(familiesJson.size()) + "-shares";
        shares.title = title + ": accuracy and " + share;
        shares.xTitle = tauName;
        shares.yTitle = "share of test samples (%)";
        shares.aspect = 0.42;
        ChartSeries acc{"accuracy", ChartSeries::Style::Line, 1, {}};
        ChartSeries esc{share, ChartSeries::Style::Line, 3, {}};
        Chart energy;
        energy.id = "tau-" + std::to_string(familiesJson.size()) + "-energy";
        energy.title = title + ": energy";
        energy.xTitle = tauName;
        std::vector<double> es;
        for (const Point &p : points)
            es.push_back(p.energy);
        const MetricFormat fe = MetricFormat::forValues("energy_pj", es);
        energy.yTitle = fe.header();
        energy.aspect = 0.42;
        ChartSeries en{"energy per inference", ChartSeries::Style::Line, 2, {}};
        QJsonArray curve;
        std::set<std::string> marked;
        for (const Point &p : points) {
            const double x = p.tau > 0 && p.tau < 1e-300 ? 0.0 : p.tau;
            if (p.rule.empty()) {
                acc.points.push_back({x, p.accuracy * 100});
                esc.points.push_back({x, p.share * 100});
                en.points.push_back({x, p.energy * fe.scale});
            } else if (marked.insert(p.rule).second) {
                shares.markers.push_back({x, p.rule});
                energy.markers.push_back({x, p.rule});
            }
            QJsonObject pj;
            pj[QStringLiteral("tau")] = p.tau;
            pj[QStringLiteral("accuracy")] = p.accuracy;
            pj[q(share)] = p.share;
            pj[QStringLiteral("energy_pj")] = p.energy;
            if (!p.rule.empty())
                pj[QStringLiteral("rule")] = q(p.rule);
            curve.append(pj);
        }
        if (acc.points.size() < 2) { // only rule-chosen trials: draw them as the curve
            acc.points.clear();
            esc.points.clear();
            en.points.clear();
            for (const Point &p : points) {
                const double x = p.tau > 0 && p.tau < 1e-300 ? 0.0 : p.tau;
                acc.points.push_back({x, p.accuracy * 100});
                esc.points.push_back({x, p.share * 100});
                en.points.push_back({x, p.energy * fe.scale});
            }
        }
        shares.series = {acc, esc};
        energy.series = {en};
        // The τ axis ends at the largest threshold (margins and probabilities: at most 1).
        double tauMax = 0;
        for (const Point &p : points)
            tauMax = std::max(tauMax, p.tau);
        if (tauMax > 0) {
            const double step = std::pow(10.0, std::floor(std::log10(tauMax)));
            shares.xMax = energy.xMax = std::ceil(tauMax / step - 1e-9) * step;
        }
        s.blocks.push_back(Block::heading(title));
        s.blocks.push_back(Block::of(shares));
        s.blocks.push_back(Block::of(energy));
        QJsonObject fj;
        fj[QStringLiteral("family")] = q(title);
        fj[QStringLiteral("points")] = curve;
        familiesJson.append(fj);
        c.step();
    }
    if (familiesJson.isEmpty())
        s.blocks.push_back(Block::paragraph("No thresholded policy is on a front."));
    json[QStringLiteral("threshold_curves")] = familiesJson;
    return s;
}

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

// ---- Seed ideas with their own objectives: intermittent power, training on the edge ------

// A section over the trials that carry `xMetric`: per device, the front of that metric
// (minimised) against accuracy, a chart and a table with `columns`. Empty when no trial
// has the metric.
std::optional<Section> objectiveSection(const Context &c, const std::string &id,
                                        const std::string &title, const std::string &intro,
                                        const std::string &xMetric,
                                        const std::vector<std::string> &columns, QJsonObject &json)
{
    const int xc = c.results.column(xMetric);
    if (xc < 0)
        return std::nullopt;
    Section s{id, title, {Block::paragraph(intro)}};
    const std::vector<study::Objective> objectives{{xMetric, study::Sense::Minimize},
                                                   {"accuracy", study::Sense::Maximize}};
    QJsonArray sectionJson;
    for (const auto &[device, all] : c.rowsOfDevice) {
        std::vector<int> rows;
        int notFinishing = 0;
        for (int r : all) {
            const double v = c.results.table().at(r, xc);
            if (std::isfinite(v))
                rows.push_back(r);
            else if (!std::isnan(v)
                     || (xMetric == "intermittent_latency_s" && c.value(r, "terminates") == 0))
                ++notFinishing;
        }
        if (rows.empty() && notFinishing == 0)
            continue;
        study::FrontScope scope;
        scope.constraints = c.constraints;
        scope.rows = &rows;
        FrontResult f;
        try {
            f = study::computeFront(c.results, objectives, scope);
        } catch (const Error &) {
            f = study::computeFront(c.results, objectives, study::FrontScope{{}, false, &rows});
        }
        const MetricFormat fx = c.format(xMetric, rows), fy = c.format("accuracy", rows);
        Chart chart;
        chart.id = id + "-" + device;
        chart.title = MetricFormat::titleOf(xMetric) + " against accuracy on " + device;
        chart.xTitle = fx.header();
        chart.yTitle = fy.header();
        std::vector<double> xs;
        ChartSeries all_{"trials", ChartSeries::Style::Faded, 0, {}};
        for (int r : rows) {
            xs.push_back(c.value(r, xMetric));
            all_.points.push_back(
                {c.value(r, xMetric) * fx.scale, c.value(r, "accuracy") * fy.scale});
        }
        chart.logX = spansDecades(xs);
        all_.points = thinned(all_.points, chart.logX, false);
        ChartSeries front{"front", ChartSeries::Style::Front, 1, {}};
        for (int r : f.rows)
            front.points.push_back(
                {c.value(r, xMetric) * fx.scale, c.value(r, "accuracy") * fy.scale});
        std::sort(front.points.begin(), front.points.end(),
                  [](const ChartPoint &a, const ChartPoint &b) { return a.x < b.x; });
        chart.series = {all_, front};
        if (f.knee >= 0)
            chart.series.push_back(
                {"knee",
                 ChartSeries::Style::Knee,
                 1,
                 {{c.value(f.knee, xMetric) * fx.scale, c.value(f.knee, "accuracy") * fy.scale}}});
        s.blocks.push_back(Block::heading(device));
        std::string summary = std::to_string(rows.size()) + " trials on " + device;
        if (notFinishing > 0)
            summary += " finish and " + std::to_string(notFinishing)
                       + " never do (a task needs more energy than one power cycle holds)";
        summary += "; " + std::to_string(f.rows.size()) + " on the front.";
        if (f.knee >= 0)
            summary += " Knee: " + trialSentence(c, f.knee, rows) + " "
                       + MetricFormat::titleOf(xMetric) + ": "
                       + MetricFormat::of(xMetric, c.value(f.knee, xMetric))
                             .text(c.value(f.knee, xMetric))
                       + ".";
        s.blocks.push_back(Block::paragraph(summary));
        if (!rows.empty())
            s.blocks.push_back(Block::of(chart));
        std::vector<int> tableRows = f.rows;
        std::stable_sort(tableRows.begin(), tableRows.end(),
                         [&](int a, int b) { return c.value(a, xMetric) < c.value(b, xMetric); });
        Table t;
        t.id = id + "-" + device;
        t.caption = "The front on " + device + ", by " + MetricFormat::titleOf(xMetric) + ".";
        t.header = {"trial", "configuration"};
        t.numeric = {true, false};
        std::vector<MetricFormat> formats;
        std::vector<std::string> shown{"accuracy", xMetric};
        for (const std::string &m : columns) {
            if (c.results.column(m) >= 0 && m != xMetric)
                shown.push_back(m);
        }
        for (const std::string &m : shown) {
            formats.push_back(c.format(m, tableRows));
            t.header.push_back(formats.back().columnHeader());
            t.numeric.push_back(true);
        }
        QJsonArray rowsJson;
        for (int r : tableRows) {
            const double trialId = double(c.results.table().trialIds[size_t(r)]);
            std::vector<Cell> cells{{std::to_string((long long)trialId), trialId},
                                    {c.results.config(r).label()}};
            for (size_t m = 0; m < shown.size(); ++m) {
                const double v = c.value(r, shown[m]);
                cells.push_back({formats[m].number(v), v});
            }
            if (r == f.knee)
                t.highlightRow = int(t.rows.size());
            t.rows.push_back(std::move(cells));
            rowsJson.append(trialJson(c, r));
        }
        s.blocks.push_back(Block::of(t));
        QJsonObject dj;
        dj[QStringLiteral("device")] = q(device);
        dj[QStringLiteral("finishing")] = int(rows.size());
        dj[QStringLiteral("never_finishing")] = notFinishing;
        dj[QStringLiteral("front")] = rowsJson;
        sectionJson.append(dj);
    }
    json[q(id)] = sectionJson;
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
            "to power failures.",
            "intermittent_latency_s",
            {"intermittent_active_s", "intermittent_recharge_s", "power_cycles", "reboots",
             "intermittent_compute_j", "data_movement_j", "preservation_j", "reexecution_j"},
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
    doc.sections.push_back(reproducibilitySection(c, json));
    doc.sections.push_back(presetsSection(c));
    doc.data = json;
    c.step();
    return doc;
}

} // namespace frontier::report

// The report's fronts: a chart per device, the front table, threshold curves, and the
// fronts of the seed ideas with objectives of their own.

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

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace frontier::report::detail {

// Points of a scatter that fall on the same spot of a chart (one cell of a fine grid over
// its axes, log where the axis is) are drawn once: tens of thousands of trials make the
// same picture from a few thousand marks, and the file stays small.
std::vector<ChartPoint> thinned(const std::vector<ChartPoint> &points, bool logX, bool logY,
                                int cellsX, int cellsY)
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
static double sharedHypervolume(const Context &c, const StudyResults &r, const FrontResult &f,
                                const std::vector<double> &ideal,
                                const std::vector<double> &reference)
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
static std::string familyKey(const study::TrialConfig &cfg)
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

} // namespace frontier::report::detail

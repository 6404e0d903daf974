#include "studyresults.h"

#include "constraint.h"
#include "hypervolume.h"
#include "specreader.h"
#include "studyspec.h"

#include "common/error.h"
#include "store/project.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>

namespace frontier::study {

StudyResults StudyResults::load(store::Project &project, const std::string &studyName)
{
    const auto study = project.findStudy(studyName);
    if (!study)
        throw Error(project.path(), "no study named '" + studyName + "'");
    return load(project, study->id);
}

StudyResults StudyResults::load(store::Project &project, int64_t studyId, bool withConfigs)
{
    StudyResults r;
    r.m_studyId = studyId;
    // One read snapshot: a run writing meanwhile cannot make the two reads disagree.
    auto snapshot = project.begin(store::Transaction::Kind::Deferred);
    r.m_table = project.metricTable(studyId, project.metricNames(studyId));
    if (!withConfigs) {
        snapshot->commit();
        return r;
    }
    std::map<int64_t, const store::TrialRecord *> byId;
    const std::vector<store::TrialRecord> trials
        = project.trials(studyId, store::TrialStatus::Done);
    for (const store::TrialRecord &t : trials)
        byId[t.id] = &t;
    for (int64_t id : r.m_table.trialIds) {
        const auto it = byId.find(id);
        if (it == byId.end())
            throw Error(project.path(), "trial " + std::to_string(id) + " changed while reading");
        const QJsonObject knobs
            = QJsonDocument::fromJson(QByteArray::fromStdString(it->second->config)).object();
        try {
            r.m_configs.push_back(TrialConfig::fromKnobs(knobs));
        } catch (const Error &e) {
            throw Error(project.path(), std::string("damaged trial ")
                                            .append(std::to_string(id))
                                            .append(": ")
                                            .append(e.what()));
        }
        r.m_hashes.push_back(it->second->configHash);
    }
    snapshot->commit();
    return r;
}

int StudyResults::column(const std::string &metric) const
{
    const auto it = std::find(m_table.columns.begin(), m_table.columns.end(), metric);
    return it == m_table.columns.end() ? -1 : int(it - m_table.columns.begin());
}

std::vector<int> StudyResults::feasibleRows(const std::vector<std::string> &constraints) const
{
    std::vector<Constraint> parsed;
    for (const std::string &text : constraints) {
        for (const Constraint &c : parseConstraints(text, m_table.columns))
            parsed.push_back(c);
    }
    std::vector<int> out;
    for (int r = 0; r < rows(); ++r) {
        bool ok = true;
        for (const Constraint &c : parsed)
            ok = ok && c.holds(m_table.at(r, c.column));
        if (ok)
            out.push_back(r);
    }
    return out;
}

std::vector<int64_t> FrontResult::trialIds(const StudyResults &results) const
{
    std::vector<int64_t> ids;
    for (int r : rows)
        ids.push_back(results.table().trialIds[size_t(r)]);
    std::sort(ids.begin(), ids.end());
    return ids;
}

bool StudyResults::isBound(int row) const
{
    if (m_configs.empty())
        return false;
    const TrialConfig &c = config(row);
    return c.offloads() && c.decision.kind == "oracle";
}

std::string StudyResults::groupValue(int row, const std::string &column) const
{
    if (m_configs.empty())
        throw Error("--group-by", "the trial configurations are not loaded");
    const TrialConfig &c = config(row);
    if (column == "model")
        return c.tiers.empty() ? std::string() : c.tiers.front().model;
    for (const auto &[name, value] : c.knobColumns()) {
        if (name == column)
            return value;
    }
    std::string known = "model";
    for (const auto &knob : c.knobColumns())
        known += ", " + knob.first;
    throw Error("--group-by", "unknown column '" + column + "' (one of " + known + ")");
}

FrontResult computeFront(const StudyResults &results, const std::vector<Objective> &objectives,
                         const std::vector<std::string> &constraints)
{
    FrontScope scope;
    scope.constraints = constraints;
    return computeFront(results, objectives, scope);
}

FrontResult computeFront(const StudyResults &results, const std::vector<Objective> &objectives,
                         const FrontScope &scope)
{
    FrontResult f;
    f.objectives = objectives;
    std::vector<int> cols;
    for (const Objective &o : objectives) {
        const int c = results.column(o.name);
        if (c < 0 && results.rows() > 0)
            throw Error("objectives", "no trial has the metric '" + o.name + "'");
        cols.push_back(c);
    }
    std::vector<int> feasible = results.feasibleRows(scope.constraints);
    if (scope.rows) {
        std::vector<int> within;
        std::set_intersection(feasible.begin(), feasible.end(), scope.rows->begin(),
                              scope.rows->end(), std::back_inserter(within));
        feasible = std::move(within);
    }
    std::vector<int> rows;
    for (int r : feasible) {
        bool finite = true;
        for (int c : cols)
            finite = finite && c >= 0 && !std::isnan(results.table().at(r, c));
        if (finite && (scope.includeBounds || !results.isBound(r)))
            rows.push_back(r);
    }
    f.candidates = int(rows.size());
    const std::vector<Sense> senses = sensesOf(objectives);
    const size_t k = objectives.size();
    std::vector<double> points;
    points.reserve(rows.size() * k);
    f.reference.assign(k, 0.0);
    f.ideal.assign(k, 0.0);
    for (size_t j = 0; j < k; ++j) {
        const bool maximize = senses[j] == Sense::Maximize;
        double worst = maximize ? INFINITY : -INFINITY;
        double best = -worst;
        for (int r : rows) {
            const double v = results.table().at(r, cols[j]);
            worst = maximize ? std::min(worst, v) : std::max(worst, v);
            best = maximize ? std::max(best, v) : std::min(best, v);
        }
        f.reference[j] = rows.empty() ? 0.0 : worst;
        f.ideal[j] = rows.empty() ? 0.0 : best;
    }
    for (int r : rows) {
        for (int c : cols)
            points.push_back(results.table().at(r, c));
    }
    if (rows.empty() || k == 0)
        return f;
    const std::vector<int> front = paretoFront(points, senses);
    std::vector<double> frontPoints;
    for (int i : front) {
        f.rows.push_back(rows[size_t(i)]);
        frontPoints.insert(frontPoints.end(), points.begin() + i * long(k),
                           points.begin() + (i + 1) * long(k));
    }
    f.hypervolume = hypervolume(frontPoints, senses, f.reference);
    double box = 1.0;
    for (size_t j = 0; j < k; ++j)
        box *= std::fabs(f.reference[j] - f.ideal[j]);
    f.normalisedHypervolume = box > 0 && std::isfinite(box) ? f.hypervolume / box : NAN;
    const int knee = kneePoint(frontPoints, senses);
    f.knee = knee >= 0 ? f.rows[size_t(knee)] : -1;
    return f;
}

std::vector<FrontResult> computeGroupedFronts(const StudyResults &results,
                                              const std::vector<Objective> &objectives,
                                              const FrontScope &scope, const std::string &groupBy)
{
    if (groupBy.empty())
        return {computeFront(results, objectives, scope)};
    std::vector<std::string> order;
    std::map<std::string, std::vector<int>> members;
    const std::vector<int> all = scope.rows ? *scope.rows : [&] {
        std::vector<int> v(size_t(results.rows()));
        for (int i = 0; i < results.rows(); ++i)
            v[size_t(i)] = i;
        return v;
    }();
    for (int r : all) {
        const std::string g = results.groupValue(r, groupBy);
        auto [it, inserted] = members.try_emplace(g);
        if (inserted)
            order.push_back(g);
        it->second.push_back(r);
    }
    std::vector<FrontResult> out;
    for (const std::string &g : order) {
        FrontScope s = scope;
        s.rows = &members[g];
        FrontResult f = computeFront(results, objectives, s);
        f.group = g;
        out.push_back(std::move(f));
    }
    return out;
}

FrontResult computeBoundFront(const StudyResults &results, const std::vector<Objective> &objectives,
                              const FrontScope &scope)
{
    std::vector<int> bounds;
    const std::vector<int> *within = scope.rows;
    for (int r = 0; r < results.rows(); ++r) {
        if (results.isBound(r)
            && (!within || std::binary_search(within->begin(), within->end(), r)))
            bounds.push_back(r);
    }
    FrontScope s = scope;
    s.rows = &bounds;
    s.includeBounds = true;
    if (bounds.empty())
        return {};
    return computeFront(results, objectives, s);
}

FrontResult storeFront(store::Project &project, int64_t studyId,
                       const std::vector<Objective> &objectives,
                       const std::vector<std::string> &constraints)
{
    // With configs: the stored front leaves out bound (oracle) trials, as every view does.
    const StudyResults results = StudyResults::load(project, studyId, true);
    const FrontResult f = computeFront(results, objectives, constraints);
    store::FrontRecord record;
    record.studyId = studyId;
    record.objectives = objectivesToString(objectives);
    record.trialIds = f.trialIds(results);
    record.hypervolume = f.hypervolume;
    record.kneeTrialId = f.knee >= 0 ? results.table().trialIds[size_t(f.knee)] : 0;
    project.putFront(record);
    return f;
}

std::vector<std::string> orderedMetrics(const StudyResults &results)
{
    std::vector<std::string> out;
    for (const std::string &m : knownMetrics()) {
        if (results.column(m) >= 0)
            out.push_back(m);
    }
    for (const std::string &c : results.columns()) {
        if (std::find(out.begin(), out.end(), c) == out.end())
            out.push_back(c);
    }
    return out;
}

std::string csvCell(const std::string &text)
{
    if (text.find_first_of(",\"\n") == std::string::npos)
        return text;
    std::string s = "\"";
    for (char ch : text) {
        if (ch == '"')
            s += '"';
        s += ch;
    }
    return s + "\"";
}

QJsonObject trialJson(const StudyResults &results, int row)
{
    QJsonObject o;
    o[QStringLiteral("trial")] = double(results.table().trialIds[size_t(row)]);
    o[QStringLiteral("hash")] = QString::fromStdString(results.hash(row));
    for (const auto &knob : results.config(row).knobColumns()) {
        if (!knob.second.empty())
            o[QString::fromStdString(knob.first)] = QString::fromStdString(knob.second);
    }
    QJsonObject metrics;
    for (const std::string &m : orderedMetrics(results)) {
        const double v = results.table().at(row, results.column(m));
        if (!std::isnan(v))
            metrics[QString::fromStdString(m)] = v;
    }
    o[QStringLiteral("metrics")] = metrics;
    return o;
}

std::string trialsCsv(const StudyResults &results, const std::vector<int> &rows)
{
    // A metric named like a knob column (decision_tau: the threshold a decision module
    // used) fills that column where the knob is not set, rather than repeating it.
    std::vector<std::string> metrics;
    std::vector<std::string> knobNames;
    for (const auto &knob : TrialConfig().knobColumns())
        knobNames.push_back(knob.first);
    for (const std::string &m : orderedMetrics(results)) {
        if (std::find(knobNames.begin(), knobNames.end(), m) == knobNames.end())
            metrics.push_back(m);
    }
    std::string out = "trial,hash";
    for (const auto &knob : TrialConfig().knobColumns())
        out.append(",").append(knob.first);
    for (const std::string &m : metrics)
        out.append(",").append(m);
    out += "\n";
    std::vector<int> columns;
    for (const std::string &m : metrics)
        columns.push_back(results.column(m));
    for (int row : rows) {
        out.append(std::to_string(results.table().trialIds[size_t(row)]))
            .append(",")
            .append(results.hash(row));
        for (const auto &knob : results.config(row).knobColumns()) {
            out.append(",");
            if (!knob.second.empty()) {
                out.append(csvCell(knob.second));
            } else if (const int c = results.column(knob.first); c >= 0) {
                const double v = results.table().at(row, c);
                if (!std::isnan(v))
                    out.append(numberText(v));
            }
        }
        for (int c : columns) {
            const double v = results.table().at(row, c);
            out.append(",");
            if (!std::isnan(v))
                out.append(numberText(v));
        }
        out += "\n";
    }
    return out;
}

} // namespace frontier::study

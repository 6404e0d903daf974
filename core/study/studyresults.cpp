#include "studyresults.h"

#include "constraint.h"
#include "hypervolume.h"

#include "common/error.h"
#include "store/project.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>

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
        r.m_configs.push_back(TrialConfig::fromKnobs(knobs));
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

FrontResult computeFront(const StudyResults &results, const std::vector<Objective> &objectives,
                         const std::vector<std::string> &constraints)
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
    std::vector<int> rows;
    for (int r : results.feasibleRows(constraints)) {
        bool finite = true;
        for (int c : cols)
            finite = finite && c >= 0 && !std::isnan(results.table().at(r, c));
        if (finite)
            rows.push_back(r);
    }
    const std::vector<Sense> senses = sensesOf(objectives);
    const size_t k = objectives.size();
    std::vector<double> points;
    points.reserve(rows.size() * k);
    f.reference.assign(k, 0.0);
    for (size_t j = 0; j < k; ++j) {
        const bool maximize = senses[j] == Sense::Maximize;
        double worst = maximize ? INFINITY : -INFINITY;
        for (int r : rows) {
            const double v = results.table().at(r, cols[j]);
            worst = maximize ? std::min(worst, v) : std::max(worst, v);
        }
        f.reference[j] = rows.empty() ? 0.0 : worst;
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
    const int knee = kneePoint(frontPoints, senses);
    f.knee = knee >= 0 ? f.rows[size_t(knee)] : -1;
    return f;
}

FrontResult storeFront(store::Project &project, int64_t studyId,
                       const std::vector<Objective> &objectives,
                       const std::vector<std::string> &constraints)
{
    const StudyResults results = StudyResults::load(project, studyId, false);
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

} // namespace frontier::study

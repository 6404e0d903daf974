// Project: trials and metrics (the rest is in project.cpp).

#include "project.h"

#include "metricjson.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>

namespace frontier::store {

namespace {

#define FRONTIER_NOW_SQL "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"

} // namespace

int Project::addTrials(int64_t studyId, const std::vector<TrialConfig> &configs)
{
    requireWritable("add trials");
    auto t = begin();
    Cached s = sql("INSERT INTO trials (study_id, config_hash, config) VALUES (?1, ?2, ?3)"
                   " ON CONFLICT (study_id, config_hash) DO NOTHING");
    int added = 0;
    for (const TrialConfig &c : configs) {
        s->bindInt64(1, studyId).bindText(2, c.hash).bindText(3, c.config).execute();
        added += m_db.changes();
    }
    t->commit();
    return added;
}

std::vector<TrialRecord> Project::readTrials(Statement &s)
{
    std::vector<TrialRecord> out;
    while (s.step()) {
        out.push_back({s.int64(0), s.int64(1), s.text(2), s.text(3),
                       trialStatusFromString(s.text(4)), s.text(5), s.text(6), s.text(7)});
    }
    return out;
}

std::vector<TrialRecord> Project::trials(int64_t studyId)
{
    Cached s = sql("SELECT id, study_id, config_hash, config, status, error, started, finished"
                   " FROM trials WHERE study_id = ?1 ORDER BY id");
    s->bindInt64(1, studyId);
    return readTrials(*s);
}

std::vector<TrialRecord> Project::trials(int64_t studyId, TrialStatus status, const Shard &shard)
{
    Cached s = sql("SELECT id, study_id, config_hash, config, status, error, started, finished"
                   " FROM trials WHERE study_id = ?1 AND status = ?2"
                   " AND (?3 = 0 OR frontier_shard(config_hash, ?3) = ?4) ORDER BY id");
    s->bindInt64(1, studyId)
        .bindText(2, toString(status))
        .bindInt64(3, shard.count)
        .bindInt64(4, shard.index);
    return readTrials(*s);
}

TrialCounts Project::trialCounts(int64_t studyId, const Shard &shard)
{
    Cached s = sql("SELECT status, count(*) FROM trials WHERE study_id = ?1"
                   " AND (?2 = 0 OR frontier_shard(config_hash, ?2) = ?3) GROUP BY status");
    s->bindInt64(1, studyId).bindInt64(2, shard.count).bindInt64(3, shard.index);
    TrialCounts c;
    while (s->step()) {
        const int64_t n = s->int64(1);
        switch (trialStatusFromString(s->text(0))) {
        case TrialStatus::Pending:
            c.pending = n;
            break;
        case TrialStatus::Running:
            c.running = n;
            break;
        case TrialStatus::Done:
            c.done = n;
            break;
        case TrialStatus::Failed:
            c.failed = n;
            break;
        }
    }
    return c;
}

int Project::resetRunningTrials(int64_t studyId)
{
    requireWritable("reset trials");
    auto t = begin();
    sql("UPDATE trials SET status = 'pending', started = NULL, worker_id = NULL"
        " WHERE study_id = ?1 AND status = 'running'")
        ->bindInt64(1, studyId)
        .execute();
    const int n = m_db.changes();
    t->commit();
    return n;
}

void Project::markTrialRunning(int64_t trialId)
{
    requireWritable("start a trial");
    auto t = begin();
    sql("UPDATE trials SET status = 'running', error = NULL, started = " FRONTIER_NOW_SQL
        " WHERE id = ?1")
        ->bindInt64(1, trialId)
        .execute();
    if (m_db.changes() != 1)
        throw Error(m_db.path(), "no trial with id " + std::to_string(trialId));
    t->commit();
}

void Project::finishTrial(int64_t trialId, const MetricValues &metrics)
{
    requireWritable("finish a trial");
    const std::string json = metricsToJson(metrics);
    auto t = begin();
    sql("UPDATE trials SET status = 'done', error = NULL, metrics = ?2, worker_id = NULL,"
        " finished = " FRONTIER_NOW_SQL " WHERE id = ?1")
        ->bindInt64(1, trialId)
        .bindText(2, json)
        .execute();
    if (m_db.changes() != 1)
        throw Error(m_db.path(), "no trial with id " + std::to_string(trialId));
    t->commit();
}

void Project::failTrial(int64_t trialId, const std::string &error)
{
    requireWritable("fail a trial");
    auto t = begin();
    sql("UPDATE trials SET status = 'failed', error = ?2, worker_id = NULL,"
        " finished = " FRONTIER_NOW_SQL " WHERE id = ?1")
        ->bindInt64(1, trialId)
        .bindText(2, error)
        .execute();
    if (m_db.changes() != 1)
        throw Error(m_db.path(), "no trial with id " + std::to_string(trialId));
    t->commit();
}

int Project::insertFinishedTrials(int64_t studyId, const std::vector<FinishedTrial> &trials)
{
    requireWritable("store trials");
    auto t = begin();
    Cached s = sql("INSERT INTO trials (study_id, config_hash, config, status, metrics,"
                   " started, finished) VALUES (?1, ?2, ?3, 'done', ?4, ?5, ?5)"
                   " ON CONFLICT (study_id, config_hash) DO NOTHING");
    std::string now;
    {
        Cached clock = sql("SELECT " FRONTIER_NOW_SQL);
        clock->step();
        now = clock->text(0);
    }
    int added = 0;
    std::string json;
    for (const FinishedTrial &f : trials) {
        json = metricsToJson(f.metrics);
        s->bindInt64(1, studyId)
            .bindText(2, f.trial.hash)
            .bindText(3, f.trial.config)
            .bindText(4, json)
            .bindText(5, now)
            .execute();
        added += m_db.changes();
    }
    t->commit();
    return added;
}

MetricValues Project::trialMetrics(int64_t trialId)
{
    Cached s = sql("SELECT metrics FROM trials WHERE id = ?1");
    s->bindInt64(1, trialId);
    if (!s->step() || s->isNull(0))
        return {};
    return metricsFromJson(s->text(0), m_db.path() + ": trial " + std::to_string(trialId));
}

std::vector<std::string> Project::metricNames(int64_t studyId)
{
    Cached s = sql("SELECT DISTINCT j.key FROM trials t, json_each(t.metrics) j"
                   " WHERE t.study_id = ?1 AND t.status = 'done' ORDER BY 1");
    s->bindInt64(1, studyId);
    std::vector<std::string> out;
    while (s->step())
        out.push_back(s->text(0));
    return out;
}

MetricTable Project::metricTable(int64_t studyId, const std::vector<std::string> &columns)
{
    MetricTable table;
    table.columns = columns;
    Cached s = sql("SELECT id, metrics FROM trials WHERE study_id = ?1 AND status = 'done'"
                   " ORDER BY id");
    s->bindInt64(1, studyId);
    const size_t k = columns.size();
    while (s->step()) {
        const int64_t id = s->int64(0);
        table.trialIds.push_back(id);
        table.values.resize(table.values.size() + k, std::nan(""));
        if (s->isNull(1))
            continue;
        double *row = table.values.data() + table.values.size() - k;
        const MetricValues values
            = metricsFromJson(s->text(1), m_db.path() + ": trial " + std::to_string(id));
        for (size_t c = 0; c < k; ++c) {
            for (const auto &[name, value] : values) {
                if (name == columns[c]) {
                    row[c] = value;
                    break;
                }
            }
        }
    }
    return table;
}

} // namespace frontier::store

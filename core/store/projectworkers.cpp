// Project: workers, leases and trial claims, so that processes computing one project at
// once share the work (docs/decisions/0010-writer-leases.md). The rest is in project.cpp.

#include "project.h"

#include "liveness.h"

#include "common/error.h"

#include <algorithm>

namespace frontier::store {

namespace {

#define FRONTIER_UNIX_NOW "CAST(strftime('%s', 'now') AS INTEGER)"

} // namespace

int64_t Project::registerWorker()
{
    requireWritable("register a worker");
    const liveness::ProcessId &self = liveness::self();
    auto t = begin();
    reclaimDeadWorkers();
    sql("INSERT INTO workers (host, pid, process_start, heartbeat)"
        " VALUES (?1, ?2, ?3, " FRONTIER_UNIX_NOW ")")
        ->bindText(1, self.host)
        .bindInt64(2, self.pid)
        .bindInt64(3, self.start)
        .execute();
    const int64_t id = m_db.lastInsertRowId();
    t->commit();
    return id;
}

void Project::heartbeat(int64_t workerId)
{
    requireWritable("renew a worker");
    auto t = begin();
    sql("UPDATE workers SET heartbeat = " FRONTIER_UNIX_NOW " WHERE id = ?1")
        ->bindInt64(1, workerId)
        .execute();
    t->commit();
}

void Project::unregisterWorker(int64_t workerId)
{
    requireWritable("unregister a worker");
    auto t = begin();
    sql("UPDATE trials SET status = 'pending', started = NULL, worker_id = NULL"
        " WHERE worker_id = ?1 AND status = 'running'")
        ->bindInt64(1, workerId)
        .execute();
    sql("DELETE FROM leases WHERE worker_id = ?1")->bindInt64(1, workerId).execute();
    sql("DELETE FROM workers WHERE id = ?1")->bindInt64(1, workerId).execute();
    t->commit();
}

int Project::reclaimDeadWorkers(int64_t studyId)
{
    requireWritable("reclaim workers");
    auto t = begin();
    std::vector<int64_t> dead;
    {
        Cached s = sql("SELECT id, host, pid, process_start, heartbeat, " FRONTIER_UNIX_NOW
                       " FROM workers ORDER BY id");
        while (s->step()) {
            const liveness::ProcessId process{s->text(1), s->int64(2), s->int64(3)};
            const int64_t age = s->int64(5) - s->int64(4);
            // On this host the process table is the truth (a live process that was
            // suspended for a while keeps its work); elsewhere only the heartbeat tells.
            const liveness::State state = liveness::check(process);
            if (state == liveness::State::Gone
                || (state == liveness::State::Unknown && age > liveness::kStaleSeconds))
                dead.push_back(s->int64(0));
        }
    }
    for (int64_t id : dead) {
        sql("UPDATE trials SET status = 'pending', started = NULL, worker_id = NULL"
            " WHERE worker_id = ?1 AND status = 'running'")
            ->bindInt64(1, id)
            .execute();
        sql("DELETE FROM leases WHERE worker_id = ?1")->bindInt64(1, id).execute();
        sql("DELETE FROM workers WHERE id = ?1")->bindInt64(1, id).execute();
    }
    if (studyId > 0) {
        // Left running by no worker at all: a run killed before workers were recorded.
        sql("UPDATE trials SET status = 'pending', started = NULL"
            " WHERE study_id = ?1 AND status = 'running' AND worker_id IS NULL")
            ->bindInt64(1, studyId)
            .execute();
    }
    t->commit();
    return int(dead.size());
}

std::vector<WorkerRecord> Project::workers()
{
    Cached s = sql("SELECT id, host, pid, process_start, started, heartbeat FROM workers"
                   " ORDER BY id");
    std::vector<WorkerRecord> out;
    while (s->step())
        out.push_back({s->int64(0), s->text(1), s->int64(2), s->int64(3), s->text(4), s->int64(5)});
    return out;
}

bool Project::acquireLease(const std::string &resource, int64_t workerId)
{
    requireWritable("take a lease");
    auto t = begin();
    reclaimDeadWorkers();
    sql("INSERT INTO leases (resource, worker_id) VALUES (?1, ?2)"
        " ON CONFLICT (resource) DO NOTHING")
        ->bindText(1, resource)
        .bindInt64(2, workerId)
        .execute();
    bool held = m_db.changes() == 1;
    if (!held) {
        Cached s = sql("SELECT worker_id FROM leases WHERE resource = ?1");
        s->bindText(1, resource);
        held = s->step() && s->int64(0) == workerId;
    }
    t->commit();
    return held;
}

void Project::releaseLease(const std::string &resource, int64_t workerId)
{
    requireWritable("release a lease");
    auto t = begin();
    sql("DELETE FROM leases WHERE resource = ?1 AND worker_id = ?2")
        ->bindText(1, resource)
        .bindInt64(2, workerId)
        .execute();
    t->commit();
}

std::vector<LeaseRecord> Project::leases()
{
    Cached s = sql("SELECT resource, worker_id, acquired FROM leases ORDER BY resource");
    std::vector<LeaseRecord> out;
    while (s->step())
        out.push_back({s->text(0), s->int64(1), s->text(2)});
    return out;
}

std::vector<ClaimedTrial> Project::claimTrials(int64_t studyId, int64_t workerId, int limit,
                                               const Shard &shard)
{
    requireWritable("claim trials");
    auto t = begin();
    std::vector<ClaimedTrial> out;
    {
        Cached s = sql("UPDATE trials SET status = 'running', error = NULL, worker_id = ?2,"
                       " started = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
                       " WHERE id IN (SELECT id FROM trials WHERE study_id = ?1"
                       " AND status = 'pending'"
                       " AND (?4 = 0 OR frontier_shard(config_hash, ?4) = ?5)"
                       " ORDER BY id LIMIT ?3)"
                       " RETURNING id, config_hash");
        s->bindInt64(1, studyId)
            .bindInt64(2, workerId)
            .bindInt64(3, std::max(1, limit))
            .bindInt64(4, shard.count)
            .bindInt64(5, shard.index);
        while (s->step())
            out.push_back({s->int64(0), s->text(1)});
    }
    t->commit();
    std::sort(out.begin(), out.end(),
              [](const ClaimedTrial &a, const ClaimedTrial &b) { return a.id < b.id; });
    return out;
}

int64_t Project::trialsRunningElsewhere(int64_t studyId, int64_t workerId)
{
    Cached s = sql("SELECT count(*) FROM trials WHERE study_id = ?1 AND status = 'running'"
                   " AND (worker_id IS NULL OR worker_id != ?2)");
    s->bindInt64(1, studyId).bindInt64(2, workerId);
    s->step();
    return s->int64(0);
}

} // namespace frontier::store

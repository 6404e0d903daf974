#pragma once

#include "database.h"
#include "records.h"
#include "shard.h"
#include "statement.h"
#include "transaction.h"

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace frontier::store {

// A project file (*.frontier): one SQLite database holding datasets, models, studies,
// trials, metrics, per-sample output caches and fronts (schema.h).
//
// Opening read-write creates a missing file, migrates an older one forward after a backup
// copy (backupPath()), and refuses one written by a newer Frontier with
// Error("<path>", "... schema version N ... up to M ...") without modifying it. Opening
// read-only never writes; it refuses older files too (they need one read-write open).
// Damaged, truncated or foreign files throw a one-line Error naming the file.
//
// The connection runs in WAL mode with foreign keys on and synchronous=NORMAL: a
// committed transaction survives a killed process, and readers (each with their own
// read-only Project) see a consistent snapshot while one writer writes.
//
// Every write method runs in its own Transaction (a savepoint when the caller already
// opened one with begin()); wrap several calls in begin()/commit() to batch them.
// Statements are prepared once per connection and reused.
//
// Not thread-safe: one Project per thread. For one writer thread shared by many
// producers, see Writer.
class Project
{
public:
    // ReadWrite creates the file when it is missing (what `study run` does); Existing
    // writes only to a project that is there (sweep, resume): a missing or empty file is
    // refused and nothing is created.
    enum class Access { ReadOnly, ReadWrite, Existing };

    explicit Project(const std::string &path, Access access = Access::ReadWrite);
    ~Project();
    Project(const Project &) = delete;
    Project &operator=(const Project &) = delete;

    const std::string &path() const { return m_db.path(); }
    bool readOnly() const { return m_db.readOnly(); }
    int schemaVersion() { return int(m_db.queryInt("PRAGMA user_version")); }
    // The backup made while opening (an older file was migrated), or empty.
    const std::string &backupPath() const { return m_backupPath; }
    Database &database() { return m_db; }

    // A transaction on this project's connection (a savepoint inside another); see
    // Transaction.
    std::unique_ptr<Transaction> begin(Transaction::Kind kind = Transaction::Kind::Immediate);

    // "ok", or SQLite's first complaint (PRAGMA integrity_check).
    std::string integrityCheck();

    // Datasets, by path and content hash (the same pair is stored once; returns its id).
    int64_t addDataset(const std::string &name, const std::string &path,
                       const std::string &contentHash);
    std::vector<DatasetRecord> datasets();

    // Models, content-addressed: the same bytes are stored once whatever the name.
    int64_t putModel(const std::string &name, const std::vector<uint8_t> &fmodelBytes);
    std::optional<ModelRecord> findModel(const std::string &name); // the latest by that name
    std::vector<ModelRecord> models();
    std::vector<uint8_t> modelBytes(int64_t modelId); // throws Error when there is none

    // Studies. createStudy returns the existing id when a study of that name has the same
    // spec, and throws Error when its spec differs.
    int64_t createStudy(const std::string &name, const std::string &specJson);
    std::optional<StudyRecord> findStudy(const std::string &name);
    std::vector<StudyRecord> studies();
    void setStudyStatus(int64_t studyId, StudyStatus status);
    // Records that this process (its Frontier version, active instruction-set path, CPU)
    // starts computing the study on `threads` threads; the runs of a study, oldest first.
    int64_t recordRun(int64_t studyId, int threads);
    std::vector<RunRecord> runs(int64_t studyId);
    // The shard of the study this file computes (docs/scale-out.md); not sharded() when it
    // holds the whole study. setStudyShard records it once: Error when the study already
    // has another one.
    Shard studyShard(int64_t studyId);
    void setStudyShard(int64_t studyId, const Shard &shard);

    // Trials. addTrials inserts the configurations not yet in the study (by hash) as
    // pending and returns how many were new: running a study twice adds nothing.
    int addTrials(int64_t studyId, const std::vector<TrialConfig> &configs);
    std::vector<TrialRecord> trials(int64_t studyId);
    // Of `shard` only, when sharded().
    std::vector<TrialRecord> trials(int64_t studyId, TrialStatus status, const Shard &shard = {});
    // Counts the trials of the study, or only those of `shard` when it is sharded().
    TrialCounts trialCounts(int64_t studyId, const Shard &shard = {});
    // After a killed run: every trial left 'running' goes back to 'pending' (whoever
    // claimed it; see reclaimDeadWorkers for the one that spares live workers). Returns
    // how many.
    int resetRunningTrials(int64_t studyId);
    void markTrialRunning(int64_t trialId);
    // Stores the metrics and marks the trial done, atomically.
    void finishTrial(int64_t trialId, const MetricValues &metrics);
    void failTrial(int64_t trialId, const std::string &error);
    // Inserts done trials with their metrics (skipping hashes already present).
    int insertFinishedTrials(int64_t studyId, const std::vector<FinishedTrial> &trials);

    // Workers (docs/decisions/0010-writer-leases.md). Every process computing the project
    // registers as a worker; an asset (a trained model, a variant's outputs) is computed
    // under a lease, so that a second process waits for it instead of computing it again,
    // and trials are claimed in batches, so that each is evaluated once. A worker whose
    // process is gone (its pid no longer runs on this host, or runs another program) or
    // whose heartbeat is older than liveness::kStaleSeconds is dead: reclaiming it drops
    // its row and its leases and puts the trials it claimed back to pending.
    int64_t registerWorker(); // this process; returns the worker id
    void heartbeat(int64_t workerId);
    // Releases the worker's leases and puts the trials it still claims back to pending.
    void unregisterWorker(int64_t workerId);
    // Removes the dead workers (returns how many), then puts the trials of `studyId` left
    // running by no live worker back to pending (0: no study).
    int reclaimDeadWorkers(int64_t studyId = 0);
    std::vector<WorkerRecord> workers();
    // True when the worker holds the lease on `resource` (now, or already); false while
    // a live worker holds it. Dead workers are reclaimed first.
    bool acquireLease(const std::string &resource, int64_t workerId);
    void releaseLease(const std::string &resource, int64_t workerId);
    std::vector<LeaseRecord> leases();
    // Marks up to `limit` pending trials of the study (of `shard` only, when sharded())
    // running for the worker, lowest ids first; returns them in id order (empty when none
    // is pending).
    std::vector<ClaimedTrial> claimTrials(int64_t studyId, int64_t workerId, int limit,
                                          const Shard &shard = {});
    // Trials of the study running for other workers.
    int64_t trialsRunningElsewhere(int64_t studyId, int64_t workerId);

    // Metrics are stored per trial as one JSON object (metricjson.h): one row per trial
    // keeps storing and scanning a study fast, and SQL can still reach every value.
    MetricValues trialMetrics(int64_t trialId);            // in the order they were stored
    std::vector<std::string> metricNames(int64_t studyId); // of its done trials, sorted
    MetricTable metricTable(int64_t studyId, const std::vector<std::string> &columns);

    // Per-sample output caches; putOutputs replaces an entry with the same key.
    void putOutputs(const OutputCache &cache);
    std::optional<OutputCache> findOutputs(const OutputKey &key);
    bool hasOutputs(const OutputKey &key);

    // Fronts, one per (study, objectives); putFront replaces. Returns the front's id.
    int64_t putFront(const FrontRecord &front);
    std::optional<FrontRecord> findFront(int64_t studyId, const std::string &objectives);

private:
    // A cached prepared statement, reset (bindings cleared) when the handle goes away.
    class Cached
    {
    public:
        explicit Cached(Statement &s)
            : m_s(s)
        {}
        ~Cached() { m_s.reset(true); }
        Statement *operator->() { return &m_s; }
        Statement &operator*() { return m_s; }

    private:
        Statement &m_s;
    };

    // `text` must be a string literal: statements are cached by its address.
    Cached sql(const char *text);
    std::vector<TrialRecord> readTrials(Statement &s);
    void requireWritable(const char *what) const;

    std::string m_backupPath; // before m_db: the constructor fills it while opening m_db
    Database m_db;
    std::unordered_map<const char *, std::unique_ptr<Statement>> m_statements;
};

} // namespace frontier::store

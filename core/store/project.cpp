#include "project.h"

#include "schema.h"

#include "common/cpu.h"
#include "common/error.h"
#include "common/fileutil.h"

#include <bit>
#include <cstring>
#include <filesystem>

// Trials and metrics are in projecttrials.cpp.

namespace frontier::store {

namespace {

static_assert(std::endian::native == std::endian::little,
              "output caches are stored as little-endian float32/int32 blobs");

void dropBackup(std::string &backupPath)
{
    if (backupPath.empty())
        return;
    std::error_code ec;
    std::filesystem::remove(backupPath, ec);
    backupPath.clear();
}

Database openProjectDatabase(const std::string &path, Project::Access access,
                             std::string &backupPath)
{
    const schema::FileState state = schema::inspect(path);
    const auto newer = [&](int version) {
        return Error(path, "written by a newer Frontier (schema version " + std::to_string(version)
                               + "; this Frontier reads versions up to "
                               + std::to_string(schema::kCurrentVersion)
                               + "); not opened, the file is unchanged");
    };
    if (state.version > schema::kCurrentVersion)
        throw newer(state.version);

    if (access != Project::Access::ReadWrite) {
        if (!state.exists)
            throw Error(path, "no such project file");
        if (state.empty)
            throw Error(path, "not a Frontier project file (an empty database)");
    }
    if (access == Project::Access::ReadOnly) {
        if (state.version < schema::kCurrentVersion)
            throw Error(path, "schema version " + std::to_string(state.version)
                                  + " is older than this Frontier's "
                                  + std::to_string(schema::kCurrentVersion)
                                  + "; open it once for writing to migrate it");
        return Database(path, Database::Mode::ReadOnly);
    }

    // The backup comes first, through a read-only connection, so that it holds the old
    // file as it was, byte for byte in content, before anything (even WAL mode) changes.
    if (state.version > 0 && state.version < schema::kCurrentVersion && !state.empty) {
        Database source(path, Database::Mode::ReadOnly);
        backupPath = schema::backup(source, state.version);
    }
    try {
        Database db(path, Database::Mode::Create);
        // Connection settings first: these pragmas do not work inside a transaction. The
        // writer keeps up to 64 MiB of pages, so big batches do not spill to the WAL
        // early. Another process may be creating or migrating the file at this moment:
        // the switch to WAL and the migration wait for it instead of failing.
        db.retryWhileBusy([&] { db.exec("PRAGMA journal_mode = WAL"); });
        db.exec("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
                " PRAGMA cache_size = -65536");
        bool migrated = false;
        if (state.version < schema::kCurrentVersion) {
            db.retryWhileBusy([&] {
                // Look again under the write lock: another process may have migrated
                // meanwhile.
                Transaction t(db);
                const int version = int(db.queryInt("PRAGMA user_version"));
                const bool empty = db.queryInt("SELECT count(*) FROM sqlite_master") == 0;
                if (version > schema::kCurrentVersion)
                    throw newer(version);
                if (version < schema::kCurrentVersion)
                    schema::migrate(db, empty ? 0 : version);
                t.commit();
                migrated = version < schema::kCurrentVersion && !empty;
            });
        }
        if (!migrated)
            dropBackup(backupPath); // another process migrated it first and kept its own
        return db;
    } catch (...) {
        // The migration was rolled back and the file is as it was: a backup kept by every
        // failed attempt would only pile up.
        dropBackup(backupPath);
        throw;
    }
}

template<typename T>
std::vector<T> fromBlob(const Statement &s, int column, size_t count, const std::string &path,
                        const char *what)
{
    if (s.blobSize(column) != count * sizeof(T))
        throw Error(path, std::string("damaged output cache: ") + what + " has "
                              + std::to_string(s.blobSize(column)) + " bytes, expected "
                              + std::to_string(count * sizeof(T)));
    std::vector<T> out(count);
    if (count)
        std::memcpy(out.data(), s.blobData(column), count * sizeof(T));
    return out;
}

} // namespace

Project::Project(const std::string &path, Access access)
    : m_db(openProjectDatabase(path, access, m_backupPath))
{}

Project::~Project() = default;

Project::Cached Project::sql(const char *text)
{
    std::unique_ptr<Statement> &s = m_statements[text];
    if (!s)
        s = std::make_unique<Statement>(m_db, text);
    return Cached(*s);
}

void Project::requireWritable(const char *what) const
{
    if (m_db.readOnly())
        throw Error(m_db.path(), std::string("opened read-only; cannot ") + what);
}

std::unique_ptr<Transaction> Project::begin(Transaction::Kind kind)
{
    return std::make_unique<Transaction>(m_db, kind);
}

std::string Project::integrityCheck()
{
    Statement s(m_db, "PRAGMA integrity_check");
    std::string first;
    if (s.step())
        first = s.text(0);
    return first;
}

int64_t Project::addDataset(const std::string &name, const std::string &path,
                            const std::string &contentHash)
{
    requireWritable("add a dataset");
    auto t = begin();
    sql("INSERT INTO datasets (name, path, content_hash) VALUES (?1, ?2, ?3)"
        " ON CONFLICT (content_hash, path) DO NOTHING")
        ->bindText(1, name)
        .bindText(2, path)
        .bindText(3, contentHash)
        .execute();
    int64_t id = 0;
    {
        Cached s = sql("SELECT id FROM datasets WHERE content_hash = ?1 AND path = ?2");
        s->bindText(1, contentHash).bindText(2, path);
        s->step();
        id = s->int64(0);
    } // reset: a statement still running would block the commit
    t->commit();
    return id;
}

std::vector<DatasetRecord> Project::datasets()
{
    Cached s = sql("SELECT id, name, path, content_hash, added FROM datasets ORDER BY id");
    std::vector<DatasetRecord> out;
    while (s->step())
        out.push_back({s->int64(0), s->text(1), s->text(2), s->text(3), s->text(4)});
    return out;
}

int64_t Project::putModel(const std::string &name, const std::vector<uint8_t> &fmodelBytes)
{
    requireWritable("store a model");
    const std::string hash = sha256Hex(fmodelBytes.data(), fmodelBytes.size());
    auto t = begin();
    sql("INSERT INTO models (name, content_hash, weights) VALUES (?1, ?2, ?3)"
        " ON CONFLICT (content_hash) DO NOTHING")
        ->bindText(1, name)
        .bindText(2, hash)
        .bindBlob(3, fmodelBytes.data(), fmodelBytes.size())
        .execute();
    int64_t id = 0;
    {
        Cached s = sql("SELECT id FROM models WHERE content_hash = ?1");
        s->bindText(1, hash);
        s->step();
        id = s->int64(0);
    }
    t->commit();
    return id;
}

std::optional<ModelRecord> Project::findModel(const std::string &name)
{
    Cached s = sql("SELECT id, name, content_hash, length(weights), added FROM models"
                   " WHERE name = ?1 ORDER BY id DESC LIMIT 1");
    s->bindText(1, name);
    if (!s->step())
        return std::nullopt;
    return ModelRecord{s->int64(0), s->text(1), s->text(2), s->int64(3), s->text(4)};
}

std::vector<ModelRecord> Project::models()
{
    Cached s = sql("SELECT id, name, content_hash, length(weights), added FROM models"
                   " ORDER BY id");
    std::vector<ModelRecord> out;
    while (s->step())
        out.push_back({s->int64(0), s->text(1), s->text(2), s->int64(3), s->text(4)});
    return out;
}

std::vector<uint8_t> Project::modelBytes(int64_t modelId)
{
    Cached s = sql("SELECT weights FROM models WHERE id = ?1");
    s->bindInt64(1, modelId);
    if (!s->step())
        throw Error(m_db.path(), "no model with id " + std::to_string(modelId));
    return s->blob(0);
}

int64_t Project::createStudy(const std::string &name, const std::string &specJson)
{
    requireWritable("create a study");
    auto t = begin();
    {
        Cached s = sql("SELECT id, spec FROM studies WHERE name = ?1");
        s->bindText(1, name);
        if (s->step()) {
            if (s->text(1) != specJson)
                throw Error(m_db.path(),
                            "study '" + name + "' already exists with a different spec");
            const int64_t id = s->int64(0);
            return id; // nothing written: the rollback is a no-op
        }
    }
    sql("INSERT INTO studies (name, spec) VALUES (?1, ?2)")
        ->bindText(1, name)
        .bindText(2, specJson)
        .execute();
    const int64_t id = m_db.lastInsertRowId();
    t->commit();
    return id;
}

std::optional<StudyRecord> Project::findStudy(const std::string &name)
{
    Cached s = sql("SELECT id, name, spec, status, created, updated FROM studies"
                   " WHERE name = ?1");
    s->bindText(1, name);
    if (!s->step())
        return std::nullopt;
    return StudyRecord{s->int64(0), s->text(1), s->text(2), studyStatusFromString(s->text(3)),
                       s->text(4),  s->text(5)};
}

std::vector<StudyRecord> Project::studies()
{
    Cached s = sql("SELECT id, name, spec, status, created, updated FROM studies ORDER BY id");
    std::vector<StudyRecord> out;
    while (s->step()) {
        out.push_back({s->int64(0), s->text(1), s->text(2), studyStatusFromString(s->text(3)),
                       s->text(4), s->text(5)});
    }
    return out;
}

void Project::setStudyStatus(int64_t studyId, StudyStatus status)
{
    requireWritable("change a study");
    auto t = begin();
    sql("UPDATE studies SET status = ?2, updated = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
        " WHERE id = ?1")
        ->bindInt64(1, studyId)
        .bindText(2, toString(status))
        .execute();
    if (m_db.changes() != 1)
        throw Error(m_db.path(), "no study with id " + std::to_string(studyId));
    t->commit();
}

int64_t Project::recordRun(int64_t studyId, int threads)
{
    requireWritable("record a run");
    std::string kernels = "{";
    for (const char *family : cpu::kernelFamilies) {
        if (kernels.size() > 1)
            kernels += ",";
        kernels += std::string("\"") + family + "\":\"" + cpu::kernelName(family) + "\"";
    }
    kernels += "}";
    auto t = begin();
    sql("INSERT INTO runs (study_id, frontier_version, isa, kernels, cpu, threads)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        ->bindInt64(1, studyId)
        .bindText(2, FRONTIER_VERSION)
        .bindText(3, cpu::isaName(cpu::activeIsa()))
        .bindText(4, kernels)
        .bindText(5, cpu::features().brand)
        .bindInt64(6, threads)
        .execute();
    const int64_t id = m_db.lastInsertRowId();
    t->commit();
    return id;
}

Shard Project::studyShard(int64_t studyId)
{
    Cached s = sql("SELECT shard_index, shard_count FROM study_shards WHERE study_id = ?1");
    s->bindInt64(1, studyId);
    Shard shard;
    if (s->step())
        shard = {int(s->int64(0)), int(s->int64(1))};
    return shard;
}

void Project::setStudyShard(int64_t studyId, const Shard &shard)
{
    requireWritable("record a shard");
    if (!shard.sharded())
        throw Error(m_db.path(), "no shard to record");
    auto t = begin();
    const Shard stored = studyShard(studyId);
    if (stored.sharded()) {
        if (stored != shard)
            throw Error(m_db.path(),
                        "computes shard " + stored.text() + " of the study, not " + shard.text());
        return; // nothing written
    }
    sql("INSERT INTO study_shards (study_id, shard_index, shard_count) VALUES (?1, ?2, ?3)")
        ->bindInt64(1, studyId)
        .bindInt64(2, shard.index)
        .bindInt64(3, shard.count)
        .execute();
    t->commit();
}

std::vector<RunRecord> Project::runs(int64_t studyId)
{
    Cached s = sql("SELECT id, study_id, frontier_version, isa, kernels, cpu, threads, started"
                   " FROM runs WHERE study_id = ?1 ORDER BY id");
    s->bindInt64(1, studyId);
    std::vector<RunRecord> out;
    while (s->step()) {
        RunRecord r;
        r.id = s->int64(0);
        r.studyId = s->int64(1);
        r.frontierVersion = s->text(2);
        r.isa = s->text(3);
        r.kernels = s->text(4);
        r.cpu = s->text(5);
        r.threads = int(s->int64(6));
        r.started = s->text(7);
        out.push_back(std::move(r));
    }
    return out;
}

void Project::putOutputs(const OutputCache &c)
{
    requireWritable("store outputs");
    if (c.samples < 0 || c.classes < 0 || c.scores.size() != size_t(c.samples) * size_t(c.classes)
        || c.predictions.size() != size_t(c.samples) || c.margins.size() != size_t(c.samples))
        throw Error(m_db.path(), "output cache for '" + c.key.format
                                     + "': arrays do not match samples x classes");
    auto t = begin();
    sql("INSERT INTO output_caches (model_id, format, dataset_hash, split, head, samples,"
        " classes, scores, predictions, margins, isa)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
        " ON CONFLICT (model_id, format, dataset_hash, split, head) DO UPDATE SET"
        " samples = excluded.samples, classes = excluded.classes, scores = excluded.scores,"
        " predictions = excluded.predictions, margins = excluded.margins, isa = excluded.isa,"
        " created = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')")
        ->bindInt64(1, c.key.modelId)
        .bindText(2, c.key.format)
        .bindText(3, c.key.datasetHash)
        .bindText(4, c.key.split)
        .bindInt64(5, c.key.head)
        .bindInt64(6, c.samples)
        .bindInt64(7, c.classes)
        .bindBlob(8, c.scores.data(), c.scores.size() * sizeof(float))
        .bindBlob(9, c.predictions.data(), c.predictions.size() * sizeof(int32_t))
        .bindBlob(10, c.margins.data(), c.margins.size() * sizeof(float))
        .bindText(11, cpu::isaName(cpu::activeIsa()))
        .execute();
    t->commit();
}

std::optional<OutputCache> Project::findOutputs(const OutputKey &key)
{
    Cached s = sql("SELECT samples, classes, scores, predictions, margins, isa FROM output_caches"
                   " WHERE model_id = ?1 AND format = ?2 AND dataset_hash = ?3 AND split = ?4"
                   " AND head = ?5");
    s->bindInt64(1, key.modelId)
        .bindText(2, key.format)
        .bindText(3, key.datasetHash)
        .bindText(4, key.split)
        .bindInt64(5, key.head);
    if (!s->step())
        return std::nullopt;
    OutputCache c;
    c.key = key;
    c.samples = int(s->int64(0));
    c.classes = int(s->int64(1));
    const size_t n = size_t(c.samples);
    c.scores = fromBlob<float>(*s, 2, n * size_t(c.classes), m_db.path(), "scores");
    c.predictions = fromBlob<int32_t>(*s, 3, n, m_db.path(), "predictions");
    c.margins = fromBlob<float>(*s, 4, n, m_db.path(), "margins");
    c.isa = s->isNull(5) ? std::string() : s->text(5);
    return c;
}

bool Project::hasOutputs(const OutputKey &key)
{
    Cached s = sql("SELECT 1 FROM output_caches WHERE model_id = ?1 AND format = ?2"
                   " AND dataset_hash = ?3 AND split = ?4 AND head = ?5");
    s->bindInt64(1, key.modelId)
        .bindText(2, key.format)
        .bindText(3, key.datasetHash)
        .bindText(4, key.split)
        .bindInt64(5, key.head);
    return s->step();
}

int64_t Project::putFront(const FrontRecord &front)
{
    requireWritable("store a front");
    auto t = begin();
    int64_t id = 0;
    {
        Cached s = sql("INSERT INTO fronts (study_id, objectives, hypervolume, knee_trial_id)"
                       " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (study_id, objectives) DO UPDATE SET"
                       " hypervolume = excluded.hypervolume,"
                       " knee_trial_id = excluded.knee_trial_id,"
                       " computed = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') RETURNING id");
        s->bindInt64(1, front.studyId)
            .bindText(2, front.objectives)
            .bindDouble(3, front.hypervolume);
        if (front.kneeTrialId > 0)
            s->bindInt64(4, front.kneeTrialId);
        else
            s->bindNull(4);
        s->step();
        id = s->int64(0);
        while (s->step()) {
        }
    }
    sql("DELETE FROM front_members WHERE front_id = ?1")->bindInt64(1, id).execute();
    Cached add = sql("INSERT INTO front_members (front_id, trial_id) VALUES (?1, ?2)");
    for (int64_t trial : front.trialIds)
        add->bindInt64(1, id).bindInt64(2, trial).execute();
    t->commit();
    return id;
}

std::optional<FrontRecord> Project::findFront(int64_t studyId, const std::string &objectives)
{
    auto t = begin(Transaction::Kind::Deferred);
    FrontRecord f;
    {
        Cached s = sql("SELECT id, hypervolume, knee_trial_id, computed FROM fronts"
                       " WHERE study_id = ?1 AND objectives = ?2");
        s->bindInt64(1, studyId).bindText(2, objectives);
        if (!s->step())
            return std::nullopt;
        f = {s->int64(0), studyId, objectives, {}, s->real(1), s->int64(2), s->text(3)};
    }
    Cached m = sql("SELECT trial_id FROM front_members WHERE front_id = ?1 ORDER BY trial_id");
    m->bindInt64(1, f.id);
    while (m->step())
        f.trialIds.push_back(m->int64(0));
    t->commit();
    return f;
}

} // namespace frontier::store

#include "schema.h"

#include "database.h"
#include "statement.h"
#include "transaction.h"

#include "common/error.h"
#include "common/fileutil.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <thread>

namespace frontier::store::schema {

namespace {

#define FRONTIER_NOW "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"

// Migration i takes the schema from version i - 1 to i. Never edit a released step:
// add a new one.
const char *const kMigrations[] = {
    // 1: the study store.
    "CREATE TABLE datasets ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  path TEXT NOT NULL,"
    "  content_hash TEXT NOT NULL,"
    "  added TEXT NOT NULL DEFAULT " FRONTIER_NOW ","
    "  UNIQUE (content_hash, path));"
    "CREATE TABLE models ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  content_hash TEXT NOT NULL UNIQUE,"
    "  weights BLOB NOT NULL,"
    "  added TEXT NOT NULL DEFAULT " FRONTIER_NOW ");"
    "CREATE INDEX models_by_name ON models (name);"
    "CREATE TABLE studies ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  spec TEXT NOT NULL,"
    "  status TEXT NOT NULL DEFAULT 'pending'"
    "    CHECK (status IN ('pending', 'running', 'done', 'failed', 'cancelled')),"
    "  created TEXT NOT NULL DEFAULT " FRONTIER_NOW ","
    "  updated TEXT NOT NULL DEFAULT " FRONTIER_NOW ");"
    "CREATE TABLE trials ("
    "  id INTEGER PRIMARY KEY,"
    "  study_id INTEGER NOT NULL REFERENCES studies (id) ON DELETE CASCADE,"
    "  config_hash TEXT NOT NULL,"
    "  config TEXT NOT NULL,"
    "  status TEXT NOT NULL DEFAULT 'pending'"
    "    CHECK (status IN ('pending', 'running', 'done', 'failed')),"
    "  error TEXT,"
    "  started TEXT,"
    "  finished TEXT,"
    "  metrics TEXT," // a done trial's metrics, one JSON object (metricjson.h)
    "  UNIQUE (study_id, config_hash));",

    // 2: per-sample output caches, fronts.
    "CREATE TABLE output_caches ("
    "  id INTEGER PRIMARY KEY,"
    "  model_id INTEGER NOT NULL REFERENCES models (id) ON DELETE CASCADE,"
    "  format TEXT NOT NULL,"
    "  dataset_hash TEXT NOT NULL,"
    "  split TEXT NOT NULL,"
    "  head INTEGER NOT NULL DEFAULT -1,"
    "  samples INTEGER NOT NULL CHECK (samples >= 0),"
    "  classes INTEGER NOT NULL CHECK (classes >= 0),"
    "  scores BLOB NOT NULL,"
    "  predictions BLOB NOT NULL,"
    "  margins BLOB NOT NULL,"
    "  created TEXT NOT NULL DEFAULT " FRONTIER_NOW ","
    "  UNIQUE (model_id, format, dataset_hash, split, head));"
    "CREATE TABLE fronts ("
    "  id INTEGER PRIMARY KEY,"
    "  study_id INTEGER NOT NULL REFERENCES studies (id) ON DELETE CASCADE,"
    "  objectives TEXT NOT NULL,"
    "  hypervolume REAL,"
    "  knee_trial_id INTEGER REFERENCES trials (id) ON DELETE SET NULL,"
    "  computed TEXT NOT NULL DEFAULT " FRONTIER_NOW ","
    "  UNIQUE (study_id, objectives));"
    "CREATE TABLE front_members ("
    "  front_id INTEGER NOT NULL REFERENCES fronts (id) ON DELETE CASCADE,"
    "  trial_id INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,"
    "  PRIMARY KEY (front_id, trial_id)) WITHOUT ROWID;"
    "CREATE INDEX trials_by_status ON trials (study_id, status);",

    // 3: which Frontier, kernels and CPU computed each run of a study and each output
    // cache (docs/decisions/0007-runtime-isa-dispatch.md).
    "CREATE TABLE runs ("
    "  id INTEGER PRIMARY KEY,"
    "  study_id INTEGER NOT NULL REFERENCES studies (id) ON DELETE CASCADE,"
    "  frontier_version TEXT NOT NULL,"
    "  isa TEXT NOT NULL,"
    "  kernels TEXT NOT NULL,"
    "  cpu TEXT NOT NULL,"
    "  threads INTEGER NOT NULL,"
    "  started TEXT NOT NULL DEFAULT " FRONTIER_NOW ");"
    "CREATE INDEX runs_by_study ON runs (study_id);"
    "ALTER TABLE output_caches ADD COLUMN isa TEXT;",

    // 4: processes computing the project at once share the work
    // (docs/decisions/0010-writer-leases.md): each registers as a worker, leases the asset
    // it computes and claims the trials it evaluates.
    "CREATE TABLE workers ("
    "  id INTEGER PRIMARY KEY,"
    "  host TEXT NOT NULL,"
    "  pid INTEGER NOT NULL,"
    "  process_start INTEGER NOT NULL DEFAULT 0," // ticks since boot (Linux); 0: unknown
    "  started TEXT NOT NULL DEFAULT " FRONTIER_NOW ","
    "  heartbeat INTEGER NOT NULL);" // Unix seconds, renewed while the worker lives
    "CREATE TABLE leases ("
    "  resource TEXT PRIMARY KEY,"
    "  worker_id INTEGER NOT NULL REFERENCES workers (id) ON DELETE CASCADE,"
    "  acquired TEXT NOT NULL DEFAULT " FRONTIER_NOW ") WITHOUT ROWID;"
    "CREATE INDEX leases_by_worker ON leases (worker_id);"
    "ALTER TABLE trials ADD COLUMN worker_id INTEGER REFERENCES workers (id) ON DELETE SET NULL;"
    "CREATE INDEX trials_by_worker ON trials (worker_id);",

    // 5: a study computed in shards on several machines and merged (docs/scale-out.md):
    // the shard of the study this project file computes (store/shard.h).
    "CREATE TABLE study_shards ("
    "  study_id INTEGER PRIMARY KEY REFERENCES studies (id) ON DELETE CASCADE,"
    "  shard_index INTEGER NOT NULL,"
    "  shard_count INTEGER NOT NULL,"
    "  CHECK (shard_count >= 1 AND shard_index >= 0 AND shard_index < shard_count));",
};

static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == size_t(kCurrentVersion),
              "one migration per schema version");

uint32_t bigEndian(const unsigned char *p, int bytes)
{
    uint32_t v = 0;
    for (int i = 0; i < bytes; ++i)
        v = (v << 8) | p[i];
    return v;
}

} // namespace

FileState inspect(const std::string &path)
{
    FileState state;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return state;
    state.exists = true;
    if (!std::filesystem::is_regular_file(path, ec))
        throw Error(path, "not a regular file (a pipe, socket, device or folder); give a "
                          "project file");
    const uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec)
        throw Error(path, "cannot read the file size: " + ec.message());
    if (size == 0)
        return state; // SQLite reads a zero-length file as an empty database

    // The header is read through SQLite's own handle of the file: a descriptor opened and
    // closed here would drop the locks that other connections of this process hold on it
    // (POSIX locks belong to the process), and another process could then take the file
    // for unused and delete its WAL under them.
    Database db(path, Database::Mode::ReadOnly);
    unsigned char header[100] = {};
    sqlite3_file *file = nullptr;
    if (sqlite3_file_control(db.handle(), "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK
        || !file || !file->pMethods)
        throw Error(path, "cannot open for reading");
    {
        const int rc = file->pMethods->xRead(file, header, int(sizeof header), 0);
        if (rc != SQLITE_OK && !(rc == SQLITE_IOERR_SHORT_READ && size < sizeof header))
            throw Error(path, "cannot read the file header");
    }
    static const char magic[] = "SQLite format 3"; // and a NUL: 16 bytes
    if (size < 16 || std::memcmp(header, magic, 16) != 0)
        throw Error(path, "not a Frontier project file (not an SQLite database)");
    if (size < sizeof header)
        throw Error(path, "truncated project file (" + std::to_string(size)
                              + " bytes, shorter than its header)");
    uint32_t pageSize = bigEndian(header + 16, 2);
    if (pageSize == 1)
        pageSize = 65536;
    if (pageSize < 512 || (pageSize & (pageSize - 1)) != 0)
        throw Error(path, "damaged project file (page size " + std::to_string(pageSize) + ")");
    // After a killed process a WAL or a rollback journal may still complete the file (a
    // checkpoint interrupted half-way leaves it shorter than its header says); SQLite
    // recovers from those, so the size checks only apply when there is none.
    const auto pending = [&](const char *suffix) {
        std::error_code e;
        const std::string side = path + suffix;
        return std::filesystem::exists(side, e) && std::filesystem::file_size(side, e) > 0;
    };
    // Another process may be writing the file at this moment (a checkpoint copies the WAL
    // into it and then resets the WAL): the size, the header and the WAL are read again a
    // few times before a short file is called truncated, which a damaged file stays.
    std::string shortFile;
    for (int attempt = 0; attempt < 4; ++attempt) {
        if (attempt > 0) { // 10, 20, 40 ms
            std::this_thread::sleep_for(std::chrono::milliseconds(10 << (attempt - 1)));
            const int rc = file->pMethods->xRead(file, header, int(sizeof header), 0);
            if (rc != SQLITE_OK)
                break;
        }
        std::error_code e;
        const uintmax_t now = std::filesystem::file_size(path, e);
        if (e)
            break;
        const uint32_t counter = bigEndian(header + 24, 4);
        const uint32_t count = bigEndian(header + 28, 4);
        const uint32_t valid = bigEndian(header + 92, 4);
        shortFile.clear();
        if (!pending("-wal") && !pending("-journal")) {
            // The in-header size is valid when the change counter matches "version-valid-for".
            if (counter == valid && count > 0 && now < uintmax_t(count) * pageSize) {
                shortFile = "truncated project file (" + std::to_string(now)
                            + " bytes, its header says "
                            + std::to_string(uintmax_t(count) * pageSize) + ")";
            } else if (now % pageSize != 0) {
                shortFile = "truncated project file (" + std::to_string(now)
                            + " bytes is not a whole number of " + std::to_string(pageSize)
                            + "-byte pages)";
            }
        }
        if (shortFile.empty())
            break;
    }
    if (!shortFile.empty())
        throw Error(path, shortFile);

    // One snapshot: another process may be creating the schema at this moment.
    db.retryWhileBusy([&] {
        Transaction t(db, Transaction::Kind::Deferred);
        state.version = int(db.queryInt("PRAGMA user_version"));
        state.applicationId = int32_t(db.queryInt("PRAGMA application_id"));
        state.empty = db.queryInt("SELECT count(*) FROM sqlite_master") == 0;
        t.commit();
    });
    if (state.applicationId != kApplicationId && !(state.applicationId == 0 && state.empty)) {
        throw Error(path, "not a Frontier project file (an SQLite database of another "
                          "program)");
    }
    return state;
}

void migrate(Database &db, int fromVersion, int toVersion)
{
    if (fromVersion < 0 || toVersion > kCurrentVersion || fromVersion > toVersion)
        throw Error(db.path(), "no migration from schema version " + std::to_string(fromVersion)
                                   + " to " + std::to_string(toVersion));
    for (int v = fromVersion + 1; v <= toVersion; ++v)
        db.exec(kMigrations[v - 1]);
    // Pragmas take no parameters; both values are integers we produce.
    db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
    db.exec("PRAGMA user_version = " + std::to_string(toVersion));
}

std::string backup(Database &db, int version)
{
    const std::string base = db.path() + ".v" + std::to_string(version) + ".bak";
    // The name is reserved by creating the file exclusively, so that processes migrating
    // the same file at once never write into one backup.
    std::string target = base;
    for (int i = 1;; ++i) {
        if (std::FILE *f = std::fopen(target.c_str(), "wbx")) {
            std::fclose(f);
            break;
        }
        if (!fileExists(target))
            throw Error(db.path(), std::string("cannot create the backup ").append(target));
        target = base + "." + std::to_string(i);
    }

    Database copy(target, Database::Mode::Create);
    sqlite3_backup *b = sqlite3_backup_init(copy.handle(), "main", db.handle(), "main");
    if (!b)
        copy.fail("cannot start the backup");
    const int rc = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        const std::string message = sqlite3_errstr(rc);
        std::error_code ec;
        std::filesystem::remove(target, ec);
        throw Error(db.path(), "cannot write the backup " + target + ": " + message);
    }
    return target;
}

} // namespace frontier::store::schema

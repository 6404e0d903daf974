#pragma once

#include <cstdint>
#include <string>

namespace frontier::store {

class Database;

// The project file's schema: its versions and the migrations between them.
//
// PRAGMA user_version holds the schema version, PRAGMA application_id marks the file as
// a Frontier project ('FRNT'). Migration i takes version i - 1 to i; a new file is made
// by running all of them from 0, so every step runs on every fresh file. The history:
//   1  datasets, models (weights inside), studies, trials with their metrics (JSON)
//   2  output caches, fronts and their members, an index of trials by status
//   3  runs (which Frontier and CPU computed a study), the ISA of each output cache
//   4  workers, leases on assets, the worker claiming each running trial
//   5  study_shards: the shard of a study a project file computes
namespace schema {

constexpr int kCurrentVersion = 5;
constexpr int32_t kApplicationId = 0x46524e54; // "FRNT"

// What a file on disk is, read without writing to it.
struct FileState
{
    bool exists = false;
    bool empty = true; // no table at all (a new or zero-length file)
    int version = 0;   // PRAGMA user_version
    int32_t applicationId = 0;
};

// Checks the 100-byte SQLite header and the file size against it, then reads the
// version through a read-only connection. Throws Error("<path>", reason) for a file that
// is not an SQLite database, is truncated, or is an SQLite database of another program.
FileState inspect(const std::string &path);

// Runs migrations fromVersion + 1 .. toVersion inside the caller's transaction and sets
// user_version and application_id. toVersion <= kCurrentVersion (tests create old files
// with a smaller one).
void migrate(Database &db, int fromVersion, int toVersion = kCurrentVersion);

// A backup copy of the file as it is (SQLite's online backup, so a WAL is included),
// at "<path>.v<version>.bak", or with ".1", ".2", ... appended when that exists.
// Returns the path of the copy. Throws Error naming the file. Project removes the copy
// again when the migration it was made for fails or another process migrated first, so
// failed attempts leave no backups behind.
std::string backup(Database &db, int version);

} // namespace schema

} // namespace frontier::store

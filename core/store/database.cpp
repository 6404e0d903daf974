#include "database.h"

#include "shard.h"
#include "statement.h"

#include "common/error.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>
#include <utility>

namespace frontier::store {

namespace {

void shardFunction(sqlite3_context *context, int, sqlite3_value **argv)
{
    const unsigned char *hash = sqlite3_value_text(argv[0]);
    const int bytes = sqlite3_value_bytes(argv[0]);
    const int64_t count = sqlite3_value_int64(argv[1]);
    if (!hash || count <= 0 || count > Shard::kMaxCount) {
        sqlite3_result_null(context);
        return;
    }
    sqlite3_result_int(
        context,
        shardOf(std::string_view(reinterpret_cast<const char *>(hash), size_t(bytes)), int(count)));
}

} // namespace

Database::Database(const std::string &path, Mode mode)
    : m_path(path)
    , m_mode(mode)
{
    int flags = SQLITE_OPEN_FULLMUTEX;
    // A read-only connection to a project in WAL mode cannot remove the -wal and -shm files
    // it creates on its first read, and leaves them beside the project. When there are none
    // yet, a read-write connection that may not write (query_only) stands in for it and
    // removes them on close; a WAL or a rollback journal already there (another process has
    // the project open, or a killed one left it) gets a truly read-only connection, which
    // neither checkpoints nor rolls back.
    std::error_code ignored;
    const bool trulyReadOnly = std::filesystem::exists(path + "-wal", ignored)
                               || std::filesystem::exists(path + "-journal", ignored);
    switch (mode) {
    case Mode::ReadOnly:
        flags |= trulyReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
        break;
    case Mode::ReadWrite:
        flags |= SQLITE_OPEN_READWRITE;
        break;
    case Mode::Create:
        flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
        break;
    }
    const int rc = sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        const std::string message = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
        sqlite3_close(m_db);
        m_db = nullptr;
        throw Error(path, "cannot open: " + message);
    }
    sqlite3_extended_result_codes(m_db, 1);
    if (mode == Mode::ReadOnly && !trulyReadOnly
        && sqlite3_exec(m_db, "PRAGMA query_only = ON", nullptr, nullptr, nullptr) != SQLITE_OK) {
        const std::string message = sqlite3_errmsg(m_db);
        sqlite3_close(m_db);
        m_db = nullptr;
        throw Error(path, "cannot open: " + message);
    }
    // Another process may hold the write lock for a moment (a batch run beside the GUI).
    sqlite3_busy_timeout(m_db, kBusyTimeoutMs);
    // frontier_shard(config_hash, n): the shard of n a trial belongs to (shard.h), so that
    // claims and counts of a shard stay one query.
    if (sqlite3_create_function_v2(m_db, "frontier_shard", 2,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                                   &shardFunction, nullptr, nullptr, nullptr)
        != SQLITE_OK) {
        const std::string message = sqlite3_errmsg(m_db);
        sqlite3_close(m_db);
        m_db = nullptr;
        throw Error(path, "cannot open: " + message);
    }
}

Database::~Database()
{
    if (m_db)
        sqlite3_close_v2(m_db);
}

Database::Database(Database &&other) noexcept
    : m_db(std::exchange(other.m_db, nullptr))
    , m_path(std::move(other.m_path))
    , m_mode(other.m_mode)
    , m_failedBusy(other.m_failedBusy)
{}

Database &Database::operator=(Database &&other) noexcept
{
    if (this != &other) {
        if (m_db)
            sqlite3_close_v2(m_db);
        m_db = std::exchange(other.m_db, nullptr);
        m_path = std::move(other.m_path);
        m_mode = other.m_mode;
        m_failedBusy = other.m_failedBusy;
    }
    return *this;
}

void Database::exec(std::string_view sql)
{
    while (!sql.empty()) {
        sqlite3_stmt *stmt = nullptr;
        const char *tail = nullptr;
        if (sqlite3_prepare_v2(m_db, sql.data(), int(sql.size()), &stmt, &tail) != SQLITE_OK)
            fail("cannot prepare '" + std::string(sql.substr(0, 60)) + "'");
        if (!stmt) // only whitespace or a comment was left
            break;
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        }
        sqlite3_finalize(stmt);
        if (rc != SQLITE_DONE)
            fail("cannot run '" + std::string(sql.substr(0, 60)) + "'");
        sql.remove_prefix(size_t(tail - sql.data()));
    }
}

int64_t Database::queryInt(std::string_view sql)
{
    Statement s(*this, sql);
    if (!s.step())
        fail("no result from '" + std::string(sql) + "'");
    return s.int64(0);
}

int64_t Database::lastInsertRowId() const
{
    return sqlite3_last_insert_rowid(m_db);
}

int Database::changes() const
{
    return sqlite3_changes(m_db);
}

bool Database::inTransaction() const
{
    return sqlite3_get_autocommit(m_db) == 0;
}

void Database::fail(const std::string &what) const
{
    const int code = sqlite3_errcode(m_db);
    std::string message = sqlite3_errmsg(m_db);
    const int primary = code & 0xff;
    m_failedBusy = primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
    if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
        message = "the project file is damaged or not a Frontier project (" + message + ")";
    throw Error(m_path, what + ": " + message);
}

void Database::retryWhileBusy(const std::function<void()> &work)
{
    using Clock = std::chrono::steady_clock;
    const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
    auto pause = std::chrono::milliseconds(2);
    for (;;) {
        m_failedBusy = false;
        try {
            work();
            return;
        } catch (const Error &) {
            if (!m_failedBusy || Clock::now() + pause > deadline)
                throw;
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(100));
    }
}

} // namespace frontier::store

#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

struct sqlite3;

namespace frontier::store {

// One SQLite connection (the C API), owned: closed by the destructor. Move-only.
//
// Thread-safety: a connection may be handed from one thread to another but must not be
// used by two threads at once; give every reader thread its own connection (WAL lets
// readers run while one writer writes). Every failure throws
// frontier::Error("<path>", "<what>: <SQLite's message>"), one line.
class Database
{
public:
    enum class Mode {
        ReadOnly,  // never writes (a newer or corrupt file stays untouched)
        ReadWrite, // the file must exist
        Create     // read-write, created when missing
    };

    Database(const std::string &path, Mode mode);
    ~Database();
    Database(Database &&other) noexcept;
    Database &operator=(Database &&other) noexcept;
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    sqlite3 *handle() const { return m_db; }
    const std::string &path() const { return m_path; }
    bool readOnly() const { return m_mode == Mode::ReadOnly; }

    // Runs one or more SQL statements without parameters (DDL, pragmas), each prepared
    // and stepped to completion; rows they return are ignored.
    void exec(std::string_view sql);

    // A single integer from a statement without parameters, e.g. "PRAGMA user_version".
    int64_t queryInt(std::string_view sql);

    int64_t lastInsertRowId() const;
    int changes() const;        // rows changed by the last INSERT/UPDATE/DELETE
    bool inTransaction() const; // false when in autocommit mode

    // Throws Error naming the file with `what` and the connection's last error message.
    [[noreturn]] void fail(const std::string &what) const;

    // How long a statement waits for another connection's lock (the busy timeout), ms.
    static constexpr int kBusyTimeoutMs = 10000;

    // Runs `work` and runs it again while it throws because another connection holds a
    // lock that SQLite's busy handler does not wait for (SQLITE_BUSY or SQLITE_LOCKED at
    // once: switching to WAL while another process creates the file, a read transaction
    // that cannot become a write one), with a growing pause, for up to kBusyTimeoutMs in
    // all. Any other error, or the last busy one, propagates. `work` must leave nothing
    // half-done when it throws (a Transaction inside it rolls back).
    void retryWhileBusy(const std::function<void()> &work);

private:
    sqlite3 *m_db = nullptr;
    std::string m_path;
    Mode m_mode = Mode::ReadOnly;
    mutable bool m_failedBusy = false; // the last fail() was SQLITE_BUSY or SQLITE_LOCKED
};

} // namespace frontier::store

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3_stmt;

namespace frontier::store {

class Database;

// A prepared statement (RAII: finalized by the destructor; move-only). Parameters are
// 1-based, columns 0-based, as in SQLite. Typical use:
//
//     Statement s(db, "SELECT id FROM studies WHERE name = ?1");
//     s.bindText(1, name);
//     while (s.step())
//         ids.push_back(s.int64(0));
//
// To run it again, reset() (keeps the bindings unless told otherwise). Errors throw
// frontier::Error naming the database file. Not thread-safe (as its connection).
class Statement
{
public:
    Statement(Database &db, std::string_view sql);
    ~Statement();
    Statement(Statement &&other) noexcept;
    Statement &operator=(Statement &&other) noexcept;
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;

    Statement &bindInt64(int index, int64_t value);
    Statement &bindDouble(int index, double value); // NaN is stored as NULL
    Statement &bindText(int index, std::string_view value);
    Statement &bindBlob(int index, const void *data, size_t bytes);
    Statement &bindNull(int index);

    // Advances: true when a row is ready, false when the statement is done.
    bool step();
    // Steps to completion (for writes), then resets.
    void execute();
    void reset(bool clearBindings = false);

    bool isNull(int column) const;
    int64_t int64(int column) const;
    double real(int column) const; // NULL reads as NaN
    std::string text(int column) const;
    std::vector<uint8_t> blob(int column) const;
    // The blob's bytes without a copy; valid until the next step/reset.
    const void *blobData(int column) const;
    size_t blobSize(int column) const;

private:
    void check(int rc, const char *what);

    Database *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
};

} // namespace frontier::store

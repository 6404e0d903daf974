#include "statement.h"

#include "database.h"

#include <sqlite3.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

namespace frontier::store {

Statement::Statement(Database &db, std::string_view sql)
    : m_db(&db)
{
    if (sqlite3_prepare_v3(db.handle(), sql.data(), int(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &m_stmt, nullptr)
        != SQLITE_OK) {
        m_stmt = nullptr;
        db.fail("cannot prepare '" + std::string(sql.substr(0, 60)) + "'");
    }
}

Statement::~Statement()
{
    if (m_stmt)
        sqlite3_finalize(m_stmt);
}

Statement::Statement(Statement &&other) noexcept
    : m_db(other.m_db)
    , m_stmt(std::exchange(other.m_stmt, nullptr))
{}

Statement &Statement::operator=(Statement &&other) noexcept
{
    if (this != &other) {
        if (m_stmt)
            sqlite3_finalize(m_stmt);
        m_db = other.m_db;
        m_stmt = std::exchange(other.m_stmt, nullptr);
    }
    return *this;
}

void Statement::check(int rc, const char *what)
{
    if (rc != SQLITE_OK)
        m_db->fail(what);
}

Statement &Statement::bindInt64(int index, int64_t value)
{
    check(sqlite3_bind_int64(m_stmt, index, value), "cannot bind an integer");
    return *this;
}

Statement &Statement::bindDouble(int index, double value)
{
    if (std::isnan(value))
        return bindNull(index);
    check(sqlite3_bind_double(m_stmt, index, value), "cannot bind a number");
    return *this;
}

Statement &Statement::bindText(int index, std::string_view value)
{
    check(sqlite3_bind_text64(m_stmt, index, value.data(), value.size(), SQLITE_TRANSIENT,
                              SQLITE_UTF8),
          "cannot bind a text");
    return *this;
}

Statement &Statement::bindBlob(int index, const void *data, size_t bytes)
{
    // A zero-length blob must still be a blob, not NULL.
    static const char empty = 0;
    check(sqlite3_bind_blob64(m_stmt, index, bytes ? data : &empty, bytes, SQLITE_TRANSIENT),
          "cannot bind a blob");
    return *this;
}

Statement &Statement::bindNull(int index)
{
    check(sqlite3_bind_null(m_stmt, index), "cannot bind NULL");
    return *this;
}

bool Statement::step()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    // Leave the statement reusable, then report the error of the step.
    const std::string sql = sqlite3_sql(m_stmt) ? sqlite3_sql(m_stmt) : "";
    sqlite3_reset(m_stmt);
    m_db->fail("'" + sql.substr(0, 60) + "' failed");
}

void Statement::execute()
{
    try {
        while (step()) {
        }
    } catch (...) {
        reset();
        throw;
    }
    reset();
}

void Statement::reset(bool clearBindings)
{
    sqlite3_reset(m_stmt);
    if (clearBindings)
        sqlite3_clear_bindings(m_stmt);
}

bool Statement::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

int64_t Statement::int64(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

double Statement::real(int column) const
{
    if (isNull(column))
        return std::numeric_limits<double>::quiet_NaN();
    return sqlite3_column_double(m_stmt, column);
}

std::string Statement::text(int column) const
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    const int n = sqlite3_column_bytes(m_stmt, column);
    return p ? std::string(p, size_t(n)) : std::string();
}

std::vector<uint8_t> Statement::blob(int column) const
{
    const auto *p = static_cast<const uint8_t *>(sqlite3_column_blob(m_stmt, column));
    const int n = sqlite3_column_bytes(m_stmt, column);
    return p ? std::vector<uint8_t>(p, p + n) : std::vector<uint8_t>();
}

const void *Statement::blobData(int column) const
{
    return sqlite3_column_blob(m_stmt, column);
}

size_t Statement::blobSize(int column) const
{
    return size_t(sqlite3_column_bytes(m_stmt, column));
}

} // namespace frontier::store

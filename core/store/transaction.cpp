#include "transaction.h"

#include "database.h"

#include <sqlite3.h>

namespace frontier::store {

Transaction::Transaction(Database &db, Kind kind, std::function<void()> onRollback)
    : m_db(db)
    , m_onRollback(std::move(onRollback))
    , m_savepoint(db.inTransaction())
{
    if (m_savepoint)
        m_db.exec("SAVEPOINT frontier_tx");
    else
        m_db.exec(kind == Kind::Immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
}

Transaction::~Transaction()
{
    if (m_done)
        return;
    // Best effort and silent: the destructor may run during stack unwinding.
    sqlite3 *h = m_db.handle();
    if (m_savepoint) {
        sqlite3_exec(h, "ROLLBACK TO frontier_tx; RELEASE frontier_tx", nullptr, nullptr, nullptr);
    } else if (sqlite3_get_autocommit(h) == 0) {
        sqlite3_exec(h, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    if (m_onRollback) {
        try {
            m_onRollback();
        } catch (...) {
        }
    }
}

void Transaction::commit()
{
    m_db.exec(m_savepoint ? "RELEASE frontier_tx" : "COMMIT");
    m_done = true;
}

} // namespace frontier::store

#pragma once

#include <functional>

namespace frontier::store {

class Database;

// An explicit transaction that rolls back unless commit() was called (Qt Creator's
// sqlitetransaction.h). Started inside another transaction it becomes a SAVEPOINT, so
// functions that write can always open their own and still compose: the inner one is
// released into the outer one by commit(), or undone alone when it is destroyed early.
//
//     Transaction t(db);
//     ... writes ...
//     t.commit();  // an exception before this line undoes the writes
//
// Kind::Immediate takes the write lock at once (no upgrade deadlock between writers);
// Kind::Deferred is for a consistent read snapshot over several statements.
// onRollback runs after a rollback (e.g. to drop caches of ids inserted meanwhile).
// The destructor never throws.
class Transaction
{
public:
    enum class Kind { Deferred, Immediate };

    explicit Transaction(Database &db, Kind kind = Kind::Immediate,
                         std::function<void()> onRollback = {});
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    void commit();
    bool isSavepoint() const { return m_savepoint; }

private:
    Database &m_db;
    std::function<void()> m_onRollback;
    bool m_savepoint = false;
    bool m_done = false;
};

} // namespace frontier::store

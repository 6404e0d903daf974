// The RAII layer over SQLite's C API: Database, Statement, Transaction.

#include "common/error.h"
#include "store/database.h"
#include "store/statement.h"
#include "store/transaction.h"

#include "testutil.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <stdexcept>

using namespace frontier;
using namespace frontier::store;

class TestSqlite : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void bindAndRead();
    void transactionRollsBackUnlessCommitted();
    void nestedTransactionIsASavepoint();
    void onRollbackRuns();
    void errorsNameTheFile();

private:
    std::string path(const char *name) const { return m_dir->filePath(name).toStdString(); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestSqlite::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestSqlite::bindAndRead()
{
    Database db(path("a.db"), Database::Mode::Create);
    db.exec("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB)");
    Statement insert(db, "INSERT INTO t VALUES (?1, ?2, ?3, ?4)");
    const std::string withNul("a\0b", 3);
    const unsigned char bytes[] = {0, 1, 2, 255};
    insert.bindInt64(1, -(int64_t(1) << 40))
        .bindDouble(2, 0.1)
        .bindText(3, withNul)
        .bindBlob(4, bytes, sizeof bytes)
        .execute();
    insert.bindInt64(1, 7).bindDouble(2, NAN).bindNull(3).bindBlob(4, nullptr, 0).execute();
    QCOMPARE(db.lastInsertRowId(), int64_t(2));

    Statement read(db, "SELECT i, r, s, b FROM t ORDER BY rowid");
    QVERIFY(read.step());
    QCOMPARE(read.int64(0), -(int64_t(1) << 40));
    QCOMPARE(read.real(1), 0.1);
    QCOMPARE(read.text(2), withNul);
    QCOMPARE(read.blob(3), std::vector<uint8_t>(bytes, bytes + 4));
    QVERIFY(read.step());
    QVERIFY(read.isNull(1));           // NaN is stored as NULL ...
    QVERIFY(std::isnan(read.real(1))); // ... and reads back as NaN
    QVERIFY(read.isNull(2));
    QVERIFY(!read.isNull(3)); // an empty blob is not NULL
    QCOMPARE(read.blobSize(3), size_t(0));
    QVERIFY(!read.step());
    read.reset();
    QVERIFY(read.step()); // reusable after reset
    QCOMPARE(db.queryInt("SELECT count(*) FROM t"), int64_t(2));
}

void TestSqlite::transactionRollsBackUnlessCommitted()
{
    Database db(path("a.db"), Database::Mode::Create);
    db.exec("CREATE TABLE t (x INTEGER)");
    try {
        Transaction t(db);
        db.exec("INSERT INTO t VALUES (1)");
        QCOMPARE(db.queryInt("SELECT count(*) FROM t"), int64_t(1));
        throw std::runtime_error("failure in the middle");
    } catch (const std::runtime_error &) {
    }
    QCOMPARE(db.queryInt("SELECT count(*) FROM t"), int64_t(0));
    QVERIFY(!db.inTransaction());
    {
        Transaction t(db);
        db.exec("INSERT INTO t VALUES (2)");
        t.commit();
    }
    QCOMPARE(db.queryInt("SELECT count(*) FROM t"), int64_t(1));
    {
        Transaction t(db, Transaction::Kind::Deferred);
        db.exec("INSERT INTO t VALUES (3)");
    } // no commit, no exception: still rolled back
    QCOMPARE(db.queryInt("SELECT count(*) FROM t"), int64_t(1));
}

void TestSqlite::nestedTransactionIsASavepoint()
{
    Database db(path("a.db"), Database::Mode::Create);
    db.exec("CREATE TABLE t (x INTEGER)");
    {
        Transaction outer(db);
        QVERIFY(!outer.isSavepoint());
        db.exec("INSERT INTO t VALUES (1)");
        {
            Transaction inner(db);
            QVERIFY(inner.isSavepoint());
            db.exec("INSERT INTO t VALUES (2)");
        } // undone alone
        {
            Transaction inner(db);
            db.exec("INSERT INTO t VALUES (3)");
            inner.commit();
        }
        QVERIFY(db.inTransaction());
        outer.commit();
    }
    Statement s(db, "SELECT group_concat(x) FROM t");
    QVERIFY(s.step());
    QCOMPARE(s.text(0), std::string("1,3"));
}

void TestSqlite::onRollbackRuns()
{
    Database db(path("a.db"), Database::Mode::Create);
    int rolledBack = 0;
    {
        Transaction t(db, Transaction::Kind::Immediate, [&] { ++rolledBack; });
    }
    {
        Transaction t(db, Transaction::Kind::Immediate, [&] { ++rolledBack; });
        t.commit();
    }
    QCOMPARE(rolledBack, 1);
}

void TestSqlite::errorsNameTheFile()
{
    const std::string file = path("named.db");
    Database db(file, Database::Mode::Create);
    try {
        Statement s(db, "SELEC nonsense");
        QFAIL("bad SQL was prepared");
    } catch (const Error &e) {
        const std::string what = e.what();
        QVERIFY2(what.rfind(file + ": ", 0) == 0, e.what());
        QVERIFY(what.find('\n') == std::string::npos);
    }
    db.exec("CREATE TABLE u (x INTEGER UNIQUE)");
    db.exec("INSERT INTO u VALUES (1)");
    Statement dup(db, "INSERT INTO u VALUES (?1)");
    dup.bindInt64(1, 1);
    QVERIFY_THROWS_EXCEPTION(Error, dup.execute());
    dup.bindInt64(1, 2);
    dup.execute(); // still usable after the failure
    QCOMPARE(db.queryInt("SELECT count(*) FROM u"), int64_t(2));
    QVERIFY_THROWS_EXCEPTION(Error, Database(path("missing/dir/x.db"), Database::Mode::Create));
    QVERIFY_THROWS_EXCEPTION(Error, Database(path("absent.db"), Database::Mode::ReadWrite));
}

QTEST_GUILESS_MAIN(TestSqlite)
#include "tst_sqlite.moc"

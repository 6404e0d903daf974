// The project file as a file: schema versions (newer refused and untouched, older
// migrated after a backup), and damaged, truncated or foreign files.

#include "common/error.h"
#include "common/fileutil.h"
#include "store/project.h"
#include "store/schema.h"
#include "store/writer.h"

#include "testutil.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace frontier;
using namespace frontier::store;

namespace {

// "prefix<i>" (GCC 12 warns falsely about "literal" + std::string at -O3).
std::string numbered(const char *prefix, int64_t i)
{
    std::string s(prefix);
    s += std::to_string(i);
    return s;
}

std::vector<uint8_t> bytesOf(const std::string &path)
{
    return readFileBytes(path);
}

void writeBytes(const std::string &path, const std::vector<uint8_t> &bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
}

// A project with some content, closed, its WAL folded into the file.
void makeProject(const std::string &path)
{
    Project p(path);
    const int64_t s = p.createStudy("s", "{}");
    std::vector<FinishedTrial> trials;
    for (int i = 0; i < 300; ++i)
        trials.push_back({{numbered("h", i), std::string(200, 'x')}, {{"accuracy", 0.5}}});
    p.insertFinishedTrials(s, trials);
    p.database().exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

} // namespace

class TestProjectFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void newerSchemaIsRefusedAndUntouched();
    void olderSchemaIsMigratedAfterABackup();
    void version3GainsWorkers();
    void version4GainsStudyShards();
    void failedMigrationsLeaveNoBackups();
    void damagedFilesGiveAClearError_data();
    void damagedFilesGiveAClearError();
    void corruptPageIsFound();
    void zeroLengthFileBecomesAProject();
    void opensWhatAKilledWriterLeft();

private:
    std::string path(const char *name = "p.frontier") const
    {
        return m_dir->filePath(QString::fromLatin1(name)).toStdString();
    }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestProjectFile::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestProjectFile::newerSchemaIsRefusedAndUntouched()
{
    const std::string file = path();
    makeProject(file);
    {
        // As a newer Frontier would leave it: a higher version, in WAL mode.
        Database db(file, Database::Mode::ReadWrite);
        db.exec("PRAGMA user_version = 7");
    }
    const std::vector<uint8_t> before = bytesOf(file);
    for (int access = 0; access < 3; ++access) {
        try {
            if (access == 0)
                Project p(file);
            else if (access == 1)
                Project p(file, Project::Access::ReadOnly);
            else
                Writer w(file);
            QFAIL("a newer project file was opened");
        } catch (const Error &e) {
            const std::string what = e.what();
            QVERIFY2(what.rfind(file + ": ", 0) == 0, e.what());
            QVERIFY2(what.find("newer") != std::string::npos, e.what());
            QVERIFY2(what.find("version 7") != std::string::npos, e.what());
            QVERIFY2(what.find("up to " + std::to_string(schema::kCurrentVersion))
                         != std::string::npos,
                     e.what());
            QVERIFY(what.find('\n') == std::string::npos);
        }
        QVERIFY(bytesOf(file) == before);
    }
    const QStringList entries = QDir(m_dir->path()).entryList(QDir::Files);
    for (const QString &e : entries)
        QVERIFY2(!e.contains(QLatin1String(".bak")), qPrintable(e));
}

void TestProjectFile::olderSchemaIsMigratedAfterABackup()
{
    const std::string file = path();
    {
        // A version-1 project file, as the first Frontier wrote it.
        Database db(file, Database::Mode::Create);
        db.exec("PRAGMA journal_mode = WAL");
        Transaction t(db);
        schema::migrate(db, 0, 1);
        db.exec("INSERT INTO studies (name, spec) VALUES ('old', '{}');"
                "INSERT INTO trials (study_id, config_hash, config, status, metrics)"
                " VALUES (1, 'h', '{}', 'done', '{\"accuracy\":0.75}')");
        t.commit();
    }
    std::string backup;
    {
        Project p(file);
        QCOMPARE(p.schemaVersion(), schema::kCurrentVersion);
        backup = p.backupPath();
        QCOMPARE(backup, file + ".v1.bak");
        QVERIFY(QFile::exists(QString::fromStdString(backup)));
        // The old data is there, and so are the new tables.
        const int64_t s = p.findStudy("old")->id;
        QCOMPARE(p.metricTable(s, {"accuracy"}).at(0, 0), 0.75);
        const int64_t m = p.putModel("m", {1, 2});
        OutputCache c;
        c.key = {m, "fp32", "d", "test", -1};
        p.putOutputs(c);
        QVERIFY(p.hasOutputs(c.key));
        QCOMPARE(p.integrityCheck(), std::string("ok"));
    }
    {
        // The backup is the old file: version 1, same data, still openable by version 1.
        Database old(backup, Database::Mode::ReadOnly);
        QCOMPARE(old.queryInt("PRAGMA user_version"), int64_t(1));
        QCOMPARE(old.queryInt("SELECT count(*) FROM trials"), int64_t(1));
        QCOMPARE(old.queryInt("SELECT count(*) FROM sqlite_master WHERE name = 'output_caches'"),
                 int64_t(0));
    }
    // Opening again migrates nothing and backs up nothing.
    Project again(file);
    QVERIFY(again.backupPath().empty());
    // A read-only open of an older file is refused (it would need a migration).
    const std::string older = path("older.frontier");
    {
        Database db(older, Database::Mode::Create);
        Transaction t(db);
        schema::migrate(db, 0, 1);
        t.commit();
    }
    QVERIFY_THROWS_EXCEPTION(Error, Project(older, Project::Access::ReadOnly));
    // A second migration of another old file picks a fresh backup name.
    QFile::copy(QString::fromStdString(backup), QString::fromStdString(path("second.frontier")));
    QFile::copy(QString::fromStdString(backup),
                QString::fromStdString(path("second.frontier") + ".v1.bak"));
    Project second(path("second.frontier"));
    QCOMPARE(second.backupPath(), path("second.frontier") + ".v1.bak.1");
}

void TestProjectFile::version3GainsWorkers()
{
    const std::string file = path();
    {
        // A version-3 file with a trial left running by a killed run.
        Database db(file, Database::Mode::Create);
        db.exec("PRAGMA journal_mode = WAL");
        Transaction t(db);
        schema::migrate(db, 0, 3);
        db.exec("INSERT INTO studies (name, spec) VALUES ('old', '{}');"
                "INSERT INTO trials (study_id, config_hash, config, status)"
                " VALUES (1, 'a', '{}', 'running'), (1, 'b', '{}', 'done')");
        t.commit();
    }
    Project p(file);
    QCOMPARE(p.schemaVersion(), schema::kCurrentVersion);
    QCOMPARE(p.backupPath(), file + ".v3.bak");
    QVERIFY(p.workers().empty());
    QVERIFY(p.leases().empty());
    // The running trial has no worker: it goes back to pending; the done one stays done.
    p.reclaimDeadWorkers(1);
    const TrialCounts counts = p.trialCounts(1);
    QCOMPARE(counts.pending, int64_t(1));
    QCOMPARE(counts.done, int64_t(1));
    const int64_t w = p.registerWorker();
    QCOMPARE(p.claimTrials(1, w, 10).size(), size_t(1));
    QVERIFY(p.acquireLease("model:m", w));
    QCOMPARE(p.integrityCheck(), std::string("ok"));
    Statement fk(p.database(), "PRAGMA foreign_key_check");
    QVERIFY(!fk.step()); // no row: every reference holds
}

void TestProjectFile::version4GainsStudyShards()
{
    const std::string file = path();
    {
        Database db(file, Database::Mode::Create);
        db.exec("PRAGMA journal_mode = WAL");
        Transaction t(db);
        schema::migrate(db, 0, 4);
        db.exec("INSERT INTO studies (name, spec) VALUES ('old', '{}');"
                "INSERT INTO trials (study_id, config_hash, config, status)"
                " VALUES (1, '00', '{}', 'pending'), (1, '01', '{}', 'done'),"
                " (1, '02', '{}', 'pending')");
        t.commit();
    }
    Project p(file);
    QCOMPARE(p.schemaVersion(), schema::kCurrentVersion);
    QCOMPARE(p.backupPath(), file + ".v4.bak");
    // An old study is whole; a shard is recorded once and another one is refused.
    QVERIFY(!p.studyShard(1).sharded());
    p.setStudyShard(1, Shard{0, 2});
    QCOMPARE(p.studyShard(1), (Shard{0, 2}));
    p.setStudyShard(1, Shard{0, 2});
    QVERIFY_THROWS_EXCEPTION(Error, p.setStudyShard(1, Shard{1, 2}));
    // Counts and claims of a shard see only its trials: hashes 00 and 02 are shard 0 of 2.
    QCOMPARE(p.trialCounts(1).total(), int64_t(3));
    QCOMPARE(p.trialCounts(1, Shard{0, 2}).pending, int64_t(2));
    QCOMPARE(p.trialCounts(1, Shard{1, 2}).done, int64_t(1));
    QCOMPARE(p.trialCounts(1, Shard{1, 2}).pending, int64_t(0));
    const int64_t w = p.registerWorker();
    QCOMPARE(p.claimTrials(1, w, 10, Shard{1, 2}).size(), size_t(0));
    QCOMPARE(p.claimTrials(1, w, 10, Shard{0, 2}).size(), size_t(2));
    QCOMPARE(p.integrityCheck(), std::string("ok"));
}

void TestProjectFile::failedMigrationsLeaveNoBackups()
{
    const std::string file = path();
    {
        // A version-3 file that migration 4 cannot take: a table of that name is there.
        Database db(file, Database::Mode::Create);
        db.exec("PRAGMA journal_mode = WAL");
        Transaction t(db);
        schema::migrate(db, 0, 3);
        db.exec("CREATE TABLE leases (x);"
                "INSERT INTO studies (name, spec) VALUES ('old', '{}')");
        t.commit();
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    const std::vector<uint8_t> before = bytesOf(file);
    for (int attempt = 0; attempt < 3; ++attempt) {
        try {
            Project p(file);
            QFAIL("the migration went through");
        } catch (const Error &e) {
            QVERIFY2(std::string(e.what()).find("leases") != std::string::npos, e.what());
        }
    }
    QVERIFY(bytesOf(file) == before);
    const QStringList entries = QDir(m_dir->path()).entryList(QDir::Files);
    for (const QString &e : entries)
        QVERIFY2(!e.contains(QLatin1String(".bak")), qPrintable(entries.join(QLatin1Char(' '))));
    // A successful attempt afterwards keeps exactly one backup.
    {
        Database db(file, Database::Mode::ReadWrite);
        db.exec("DROP TABLE leases");
    }
    Project p(file);
    QCOMPARE(p.schemaVersion(), schema::kCurrentVersion);
    QCOMPARE(QDir(m_dir->path()).entryList({QStringLiteral("*.bak*")}, QDir::Files).size(), 1);
}

void TestProjectFile::damagedFilesGiveAClearError_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expect");
    QTest::newRow("text file") << "text"
                               << "not a Frontier project file";
    QTest::newRow("short file") << "short"
                                << "not a Frontier project file";
    QTest::newRow("truncated to half") << "half"
                                       << "truncated";
    QTest::newRow("truncated header") << "header"
                                      << "truncated";
    QTest::newRow("foreign database") << "foreign"
                                      << "another program";
    QTest::newRow("garbage header") << "garbage"
                                    << "damaged";
}

void TestProjectFile::damagedFilesGiveAClearError()
{
    QFETCH(QString, kind);
    QFETCH(QString, expect);
    const std::string file = path();
    if (kind == "text") {
        writeBytes(file, std::vector<uint8_t>(5000, 'a'));
    } else if (kind == "short") {
        writeBytes(file, {'S', 'Q', 'L'});
    } else if (kind == "foreign") {
        Database db(file, Database::Mode::Create);
        db.exec("CREATE TABLE notes (text TEXT)");
    } else {
        makeProject(file);
        std::vector<uint8_t> b = bytesOf(file);
        QVERIFY(b.size() > 8192);
        if (kind == "half")
            b.resize(b.size() / 2);
        else if (kind == "header")
            b.resize(60);
        else
            b[16] = 3; // page size 0x03.. is not a power of two
        writeBytes(file, b);
    }
    const std::vector<uint8_t> before = bytesOf(file);
    for (Project::Access access : {Project::Access::ReadWrite, Project::Access::ReadOnly}) {
        try {
            Project p(file, access);
            QFAIL("a damaged file was opened");
        } catch (const Error &e) {
            const std::string what = e.what();
            QVERIFY2(what.rfind(file + ": ", 0) == 0, e.what());
            QVERIFY2(what.find(expect.toStdString()) != std::string::npos, e.what());
            QVERIFY(what.find('\n') == std::string::npos);
        }
        QVERIFY(bytesOf(file) == before); // refused files are never written
    }
}

void TestProjectFile::corruptPageIsFound()
{
    // Damage inside the file (not its header) surfaces when the page is read, or at the
    // latest through integrityCheck(), as an Error naming the file; never a crash.
    const std::string file = path();
    makeProject(file);
    std::vector<uint8_t> b = bytesOf(file);
    for (size_t i = 4096 + 100; i < b.size(); i += 7)
        b[i] = uint8_t(b[i] * 31 + 17);
    writeBytes(file, b);
    bool reported = false;
    try {
        Project p(file);
        const std::optional<StudyRecord> s = p.findStudy("s");
        if (s)
            p.trials(s->id);
        reported = p.integrityCheck() != "ok";
    } catch (const Error &e) {
        QVERIFY2(std::string(e.what()).rfind(file + ": ", 0) == 0, e.what());
        reported = true;
    }
    QVERIFY(reported);
}

void TestProjectFile::zeroLengthFileBecomesAProject()
{
    const std::string file = path();
    writeBytes(file, {});
    Project p(file);
    QCOMPARE(p.schemaVersion(), schema::kCurrentVersion);
    QVERIFY(p.backupPath().empty());
}

void TestProjectFile::opensWhatAKilledWriterLeft()
{
    // The files as a SIGKILL would leave them: copied while the writer still has its
    // connection open, committed work only in the WAL, one transaction half done.
    const std::string file = path();
    const std::string copy = path("killed.frontier");
    Project p(file);
    p.database().exec("PRAGMA wal_autocheckpoint = 0");
    const int64_t s = p.createStudy("s", "{}");
    std::vector<FinishedTrial> trials;
    for (int i = 0; i < 500; ++i)
        trials.push_back({{numbered("h", i), "{}"}, {{"accuracy", 0.25 * (i % 4)}}});
    p.insertFinishedTrials(s, trials);
    std::unique_ptr<Transaction> open = p.begin();
    p.addTrials(s, {{"uncommitted", "{}"}});
    for (const char *suffix : {"", "-wal"}) {
        QVERIFY(QFile::copy(QString::fromStdString(file + suffix),
                            QString::fromStdString(copy + suffix)));
    }
    QVERIFY(bytesOf(copy + "-wal").size() > bytesOf(copy).size());

    Project recovered(copy);
    QCOMPARE(recovered.trialCounts(s).done, int64_t(500));
    QCOMPARE(recovered.trialCounts(s).pending, int64_t(0)); // the open transaction is gone
    QCOMPARE(recovered.metricTable(s, {"accuracy"}).at(3, 0), 0.75);
    QCOMPARE(recovered.integrityCheck(), std::string("ok"));
}

QTEST_GUILESS_MAIN(TestProjectFile)
#include "tst_projectfile.moc"

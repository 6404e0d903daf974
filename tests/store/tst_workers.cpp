// Processes computing one project at once: workers, leases on assets, claims on trials,
// and the reclaiming of a worker whose process is gone; concurrent opens of a new file.

#include "common/error.h"
#include "store/liveness.h"
#include "store/project.h"
#include "store/schema.h"
#include "store/workersession.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdio>
#include <cstdlib>
#include <set>

using namespace frontier;
using namespace frontier::store;

namespace {

// The pid of a process that has run and been reaped: no process has it now (pids are
// not reused this soon).
int64_t deadPid()
{
    QProcess p;
    p.start(QStringLiteral("true"), {});
    p.waitForStarted();
    const int64_t pid = p.processId();
    p.waitForFinished();
    return pid;
}

// Adds a worker row as another process would have written it.
int64_t addWorker(Project &p, const std::string &host, int64_t pid, int64_t start,
                  int64_t heartbeatAge)
{
    Statement s(p.database(), "INSERT INTO workers (host, pid, process_start, heartbeat)"
                              " VALUES (?1, ?2, ?3, CAST(strftime('%s', 'now') AS INTEGER) - ?4)");
    s.bindText(1, host).bindInt64(2, pid).bindInt64(3, start).bindInt64(4, heartbeatAge);
    s.execute();
    return p.database().lastInsertRowId();
}

std::vector<TrialConfig> configs(int n)
{
    std::vector<TrialConfig> out;
    for (int i = 0; i < n; ++i) {
        std::string hash("h");
        hash.append(std::to_string(i));
        out.push_back({hash, "{}"});
    }
    return out;
}

} // namespace

class TestWorkers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void thisProcessIsAlive();
    void leaseIsExclusiveUntilReleased();
    void claimsAreDisjoint();
    void deadWorkerIsReclaimed_data();
    void deadWorkerIsReclaimed();
    void sessionUnregisters();
    void concurrentOpensOfANewFile();

private:
    std::string path(const char *name = "p.frontier") const
    {
        return m_dir->filePath(QString::fromLatin1(name)).toStdString();
    }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestWorkers::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestWorkers::thisProcessIsAlive()
{
    const liveness::ProcessId &self = liveness::self();
    QVERIFY(self.pid > 0);
    QVERIFY(!self.host.empty());
    QVERIFY(self.start > 0); // read from /proc
    QCOMPARE(liveness::check(self), liveness::State::Alive);
    QCOMPARE(liveness::check({self.host, deadPid(), 0}), liveness::State::Gone);
    // The same pid with another start time is a later process that reused it.
    QCOMPARE(liveness::check({self.host, self.pid, self.start + 1}), liveness::State::Gone);
    QCOMPARE(liveness::check({"another-host", self.pid, self.start}), liveness::State::Unknown);
}

void TestWorkers::leaseIsExclusiveUntilReleased()
{
    Project p(path());
    const int64_t a = p.registerWorker();
    const int64_t b = p.registerWorker(); // both this (live) process
    QVERIFY(p.acquireLease("model:m", a));
    QVERIFY(p.acquireLease("model:m", a)); // already held
    QVERIFY(!p.acquireLease("model:m", b));
    QVERIFY(p.acquireLease("outputs:1/int4/d", b)); // another resource
    QCOMPARE(p.leases().size(), size_t(2));
    p.releaseLease("model:m", b); // not b's: nothing happens
    QVERIFY(!p.acquireLease("model:m", b));
    p.releaseLease("model:m", a);
    QVERIFY(p.acquireLease("model:m", b));
    QCOMPARE(p.leases().front().workerId, b);
}

void TestWorkers::claimsAreDisjoint()
{
    Project p(path());
    const int64_t study = p.createStudy("s", "{}");
    p.addTrials(study, configs(50));
    const int64_t a = p.registerWorker();
    const int64_t b = p.registerWorker();
    std::set<int64_t> seen;
    int64_t last = 0;
    for (int round = 0; round < 4; ++round) {
        for (int64_t w : {a, b}) {
            const std::vector<ClaimedTrial> claimed = p.claimTrials(study, w, 7);
            for (const ClaimedTrial &c : claimed) {
                QVERIFY(seen.insert(c.id).second);
                QVERIFY(c.id > last); // lowest ids first, in order
                last = c.id;
            }
        }
    }
    QCOMPARE(seen.size(), size_t(50)); // 8 claims of 7: all of them
    QCOMPARE(p.claimTrials(study, a, 7).size(), size_t(0));
    QCOMPARE(p.trialCounts(study).running, int64_t(50));
    QCOMPARE(p.trialsRunningElsewhere(study, a) + p.trialsRunningElsewhere(study, b), int64_t(50));
    // A live worker's claims survive reclaiming.
    QCOMPARE(p.reclaimDeadWorkers(study), 0);
    QCOMPARE(p.trialCounts(study).running, int64_t(50));
    // Unregistering puts the claims of that worker back, and only those.
    const int64_t ofB = p.trialsRunningElsewhere(study, a);
    p.unregisterWorker(b);
    QCOMPARE(p.trialCounts(study).pending, ofB);
    QCOMPARE(p.trialsRunningElsewhere(study, a), int64_t(0));
}

void TestWorkers::deadWorkerIsReclaimed_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<bool>("livePid");
    QTest::addColumn<int>("startOffset");
    QTest::addColumn<int>("heartbeatAge");
    QTest::addColumn<bool>("reclaimed");
    const QString here = QString::fromStdString(liveness::self().host);
    QTest::newRow("pid gone") << here << false << 0 << 0 << true;
    QTest::newRow("pid reused by another process") << here << true << 1 << 0 << true;
    QTest::newRow("alive here, old heartbeat") << here << true << 0 << 100000 << false;
    QTest::newRow("another host, fresh heartbeat") << "elsewhere" << true << 0 << 0 << false;
    QTest::newRow("another host, stale heartbeat")
        << "elsewhere" << true << 0 << int(liveness::kStaleSeconds + 5) << true;
}

void TestWorkers::deadWorkerIsReclaimed()
{
    QFETCH(QString, host);
    QFETCH(bool, livePid);
    QFETCH(int, startOffset);
    QFETCH(int, heartbeatAge);
    QFETCH(bool, reclaimed);
    Project p(path());
    const int64_t study = p.createStudy("s", "{}");
    p.addTrials(study, configs(10));
    const liveness::ProcessId &self = liveness::self();
    const int64_t other = addWorker(p, host.toStdString(), livePid ? self.pid : deadPid(),
                                    self.start + startOffset, heartbeatAge);
    // What it held when it stopped (acquireLease would reclaim it first).
    Statement lease(p.database(),
                    "INSERT INTO leases (resource, worker_id) VALUES ('model:m', ?1)");
    lease.bindInt64(1, other).execute();
    QCOMPARE(p.claimTrials(study, other, 4).size(), size_t(4));

    const int64_t me = p.registerWorker(); // reclaims on the way
    QCOMPARE(p.acquireLease("model:m", me), reclaimed);
    QCOMPARE(p.workers().size(), size_t(reclaimed ? 1 : 2));
    p.reclaimDeadWorkers(study);
    const TrialCounts counts = p.trialCounts(study);
    QCOMPARE(counts.running, int64_t(reclaimed ? 0 : 4));
    QCOMPARE(counts.pending, int64_t(reclaimed ? 10 : 6));
    // The reclaimed trials are claimed again, once.
    QCOMPARE(p.claimTrials(study, me, 100).size(), size_t(reclaimed ? 10 : 6));
}

void TestWorkers::sessionUnregisters()
{
    {
        Project p(path());
        const int64_t study = p.createStudy("s", "{}");
        p.addTrials(study, configs(5));
        // Running trials of a run from before workers were recorded: no worker at all.
        p.database().exec("UPDATE trials SET status = 'running' WHERE id <= 2");
        {
            const WorkerSession session(path());
            QCOMPARE(p.workers().size(), size_t(1));
            QCOMPARE(p.workers().front().pid, liveness::self().pid);
            QVERIFY(p.acquireLease("model:m", session.id()));
            QCOMPARE(p.reclaimDeadWorkers(study), 0);
            QCOMPARE(p.trialCounts(study).pending, int64_t(5)); // the orphans came back
            QCOMPARE(p.claimTrials(study, session.id(), 3).size(), size_t(3));
        }
        QVERIFY(p.workers().empty());
        QVERIFY(p.leases().empty());
        QCOMPARE(p.trialCounts(study).pending, int64_t(5));
    }
    // A read-only project cannot register.
    Project ro(path(), Project::Access::ReadOnly);
    QVERIFY_THROWS_EXCEPTION(Error, ro.registerWorker());
}

void TestWorkers::concurrentOpensOfANewFile()
{
    // Processes creating the same new project at once all open it: the switch to WAL and
    // the schema creation wait for each other instead of failing with "database is locked".
    for (int round = 0; round < 10; ++round) {
        const QString file = QString::fromStdString(
            path(std::string("c").append(std::to_string(round)).append(".frontier").c_str()));
        std::vector<std::unique_ptr<QProcess>> children;
        for (int c = 0; c < 4; ++c) {
            auto child = std::make_unique<QProcess>();
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("TST_WORKERS_OPEN"), file);
            child->setProcessEnvironment(env);
            child->start(QCoreApplication::applicationFilePath(), {});
            children.push_back(std::move(child));
        }
        for (const auto &child : children) {
            QVERIFY(child->waitForFinished(60000));
            QVERIFY2(child->exitCode() == 0, child->readAllStandardError().constData());
        }
        Project p(file.toStdString(), Project::Access::ReadOnly);
        QCOMPARE(p.schemaVersion(), schema::kCurrentVersion);
        QCOMPARE(p.studies().size(), size_t(1));
        QVERIFY(p.workers().empty());
    }
}

// A child process of concurrentOpensOfANewFile: opens (creating) the project, registers
// a study and a worker, and exits.
int openAsChild(const char *file)
{
    try {
        Project p(file);
        p.createStudy("s", "{}");
        p.unregisterWorker(p.registerWorker());
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
}

int main(int argc, char **argv)
{
    if (const char *file = std::getenv("TST_WORKERS_OPEN"))
        return openAsChild(file);
    QCoreApplication app(argc, argv);
    TestWorkers test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_workers.moc"

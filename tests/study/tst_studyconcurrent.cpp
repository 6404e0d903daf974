// Two `frontier study run` processes on one new project at once
// (fixtures/concurrent-spec.json: synth-digits, one small MLP, 36 trials): both finish, the
// model is trained once and each variant run once between them, and the trials are those
// of a run alone, value for value. A run killed while it trains leaves a lease behind; the
// next run reclaims it at once and trains the model itself.

#include "store/project.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <thread>

using namespace frontier;

namespace {

const QString kFrontier = QStringLiteral(FRONTIER_BINARY_DIR "/bin/frontier");
const QString kSpec = QStringLiteral(FRONTIER_TEST_DATA "/fixtures/concurrent-spec.json");

QStringList runArgs(const QString &spec, const QString &project)
{
    return {QStringLiteral("study"),
            QStringLiteral("run"),
            spec,
            QStringLiteral("--project"),
            project,
            QStringLiteral("--threads"),
            QStringLiteral("1"),
            QStringLiteral("--json")};
}

struct Result
{
    int exitCode = -1;
    QJsonObject report;
    QByteArray out;
    QByteArray err;
};

Result finish(QProcess &p)
{
    Result r;
    if (!p.waitForFinished(120000))
        return r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    r.report = QJsonDocument::fromJson(r.out).object();
    return r;
}

Result frontierRun(const QStringList &args)
{
    QProcess p;
    p.start(kFrontier, args);
    return finish(p);
}

QByteArray trialsCsv(const QString &project, const QString &study)
{
    return frontierRun({QStringLiteral("study"), QStringLiteral("trials"),
                        QStringLiteral("--project"), project, QStringLiteral("--study"), study,
                        QStringLiteral("--csv")})
        .out;
}

int number(const Result &r, const char *key)
{
    return r.report.value(QLatin1String(key)).toInt(-1);
}

} // namespace

class TestStudyConcurrent : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void twoRunsShareTheWork();
    void leaseOfAKilledRunIsReclaimed();

private:
    QTemporaryDir m_dir;
    QByteArray m_reference; // `study trials --csv` of a run alone
    int m_trials = 0;
    int m_variants = 0;
};

void TestStudyConcurrent::initTestCase()
{
    // Each run trains a model; on the portable path (exact fma emulated in SSE2) that takes
    // minutes. What these tests check does not depend on the kernels' path.
    if (qgetenv("FRONTIER_ISA") == "portable"
        && qEnvironmentVariableIntValue("FRONTIER_SLOW_TESTS") == 0)
        QSKIP("concurrent runs on the portable path: set FRONTIER_SLOW_TESTS=1 to run");
    QVERIFY(QFile::exists(kFrontier));
    const QString project = m_dir.filePath(QStringLiteral("alone.frontier"));
    const Result r = frontierRun(runArgs(kSpec, project));
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(number(r, "models_trained"), 1);
    m_trials = number(r, "trials");
    m_variants = number(r, "variants_run");
    QCOMPARE(m_trials, 36);
    m_reference = trialsCsv(project, QStringLiteral("concurrent"));
    QCOMPARE(m_reference.count('\n'), m_trials + 1);
}

void TestStudyConcurrent::twoRunsShareTheWork()
{
    int waited = 0;
    for (int round = 0; round < 10; ++round) {
        const QString project = m_dir.filePath(QStringLiteral("pair%1.frontier").arg(round));
        QProcess a, b;
        a.start(kFrontier, runArgs(kSpec, project));
        b.start(kFrontier, runArgs(kSpec, project));
        const Result ra = finish(a);
        const Result rb = finish(b);
        QVERIFY2(ra.exitCode == 0, ra.err.constData());
        QVERIFY2(rb.exitCode == 0, rb.err.constData());
        for (const Result *r : {&ra, &rb}) {
            QCOMPARE(r->report.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
            QCOMPARE(number(*r, "trials"), m_trials);
        }
        // The work was done once, by one or the other.
        QCOMPARE(number(ra, "models_trained") + number(rb, "models_trained"), 1);
        QCOMPARE(number(ra, "models_trained") + number(ra, "models_reused"), 1);
        QCOMPARE(number(rb, "models_trained") + number(rb, "models_reused"), 1);
        QCOMPARE(number(ra, "variants_run") + number(rb, "variants_run"), m_variants);
        QCOMPARE(number(ra, "computed") + number(rb, "computed") + number(ra, "reused")
                     + number(rb, "reused"),
                 m_trials);
        for (const Result *r : {&ra, &rb})
            QCOMPARE(number(*r, "computed") + number(*r, "computed_elsewhere")
                         + number(*r, "reused"),
                     m_trials);
        // Both report the front over every trial.
        QCOMPARE(number(ra, "front_size"), number(rb, "front_size"));
        QVERIFY(number(ra, "front_size") > 0);
        const QByteArray err = ra.err + rb.err;
        waited += err.contains("another process is computing") ? 1 : 0;

        QCOMPARE(trialsCsv(project, QStringLiteral("concurrent")), m_reference);
        store::Project p(project.toStdString(), store::Project::Access::ReadOnly);
        QCOMPARE(p.models().size(), size_t(1));
        QVERIFY2(p.workers().empty(), QByteArray(ra.err + "\n---\n" + rb.err).constData());
        QVERIFY(p.leases().empty());
        const store::TrialCounts counts = p.trialCounts(p.findStudy("concurrent")->id);
        QCOMPARE(counts.done, int64_t(m_trials));
        QVERIFY(p.findStudy("concurrent")->status == store::StudyStatus::Done);
    }
    qInfo("the second process waited for an asset of the first in %d of 10 rounds", waited);
}

void TestStudyConcurrent::leaseOfAKilledRunIsReclaimed()
{
    // The spec with a model that trains for a while, so that the kill finds it training.
    QFile in(kSpec);
    QVERIFY(in.open(QIODevice::ReadOnly));
    QByteArray text = in.readAll();
    text.replace("\"epochs\": 24", "\"epochs\": 400");
    QVERIFY(text.contains("\"epochs\": 400"));
    const QString spec = m_dir.filePath(QStringLiteral("slow-spec.json"));
    {
        QFile out(spec);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(text);
    }
    const QString project = m_dir.filePath(QStringLiteral("killed.frontier"));
    QProcess victim;
    victim.start(kFrontier, runArgs(spec, project));
    QVERIFY(victim.waitForStarted());
    const int64_t victimPid = victim.processId();
    bool leased = false;
    QElapsedTimer timer;
    timer.start();
    while (!leased && timer.elapsed() < 60000 && victim.state() == QProcess::Running) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        try {
            store::Project p(project.toStdString(), store::Project::Access::ReadOnly);
            for (const store::LeaseRecord &l : p.leases())
                leased = leased || l.resource.rfind("model:", 0) == 0;
        } catch (const std::exception &) {
            // Not created yet, or still at an older version.
        }
    }
    QVERIFY2(leased, "the run never held the model's lease");
    victim.kill(); // SIGKILL
    QVERIFY(victim.waitForFinished());
    {
        store::Project p(project.toStdString(), store::Project::Access::ReadOnly);
        QCOMPARE(p.leases().size(), size_t(1));
        QCOMPARE(p.workers().size(), size_t(1));
        QCOMPARE(p.workers().front().pid, victimPid);
        QVERIFY(p.models().empty());
    }
    // The next run does not wait for the stale lease (the lease timeout is minutes).
    timer.restart();
    const Result r = frontierRun(runArgs(spec, project));
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(number(r, "models_trained"), 1);
    QCOMPARE(number(r, "computed"), m_trials);
    QVERIFY2(!r.err.contains("another process is computing"), r.err.constData());
    store::Project p(project.toStdString(), store::Project::Access::ReadOnly);
    QVERIFY(p.leases().empty());
    QVERIFY(p.workers().empty());
    QCOMPARE(p.models().size(), size_t(1));
    QCOMPARE(p.trialCounts(p.findStudy("concurrent")->id).done, int64_t(m_trials));
}

QTEST_GUILESS_MAIN(TestStudyConcurrent)
#include "tst_studyconcurrent.moc"

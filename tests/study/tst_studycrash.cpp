// Crash safety of `frontier study run`: a study (fixtures/crash-spec.json: two small models,
// nine variants, about 90,000 trials, so that training, inference and trial writing each
// take a good share of the run) is killed with SIGKILL at seeded random moments, resumed
// with `frontier study resume` after each kill, and finally compared with an uninterrupted
// run: the same trials with bitwise the same metrics, PRAGMA integrity_check = ok after
// every kill, and no trial left pending or running. Kills continue over several chains of
// run/resume (a chain ends when a resume finishes) until there have been five.

#include "common/random.h"
#include "store/project.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <map>

using namespace frontier;

namespace {

const QString kFrontier = QStringLiteral(FRONTIER_BINARY_DIR "/bin/frontier");

const QString kSpec = QStringLiteral(FRONTIER_TEST_DATA "/fixtures/crash-spec.json");

QString studyName(const QString &spec)
{
    QFile f(spec);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("name")).toString();
}

struct Run
{
    int exitCode = -1;
    bool killed = false;
    double seconds = 0;
    QByteArray err;
};

// Runs frontier with `args`; kills it with SIGKILL after killAfterMs (< 0: never).
Run runFrontier(const QStringList &args, int killAfterMs = -1)
{
    QProcess p;
    p.setProgram(kFrontier);
    p.setArguments(args);
    QElapsedTimer timer;
    timer.start();
    p.start();
    Run r;
    if (!p.waitForStarted(10000))
        return r;
    if (killAfterMs >= 0 && !p.waitForFinished(killAfterMs)) {
        p.kill(); // SIGKILL on Unix
        r.killed = true;
    }
    p.waitForFinished(-1);
    r.seconds = double(timer.nsecsElapsed()) * 1e-9;
    r.err = p.readAllStandardError();
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    return r;
}

using Stored = std::map<std::string, std::vector<std::pair<std::string, double>>>;

Stored readStudy(const std::string &path, const QString &study, store::TrialCounts *counts)
{
    store::Project project(path, store::Project::Access::ReadOnly);
    const auto record = project.findStudy(study.toStdString());
    Stored out;
    if (!record)
        return out;
    *counts = project.trialCounts(record->id);
    for (const store::TrialRecord &t : project.trials(record->id, store::TrialStatus::Done))
        out[t.configHash] = project.trialMetrics(t.id);
    return out;
}

bool studyExists(const QString &project, const QString &study)
{
    QProcess p;
    p.start(kFrontier, {QStringLiteral("study"), QStringLiteral("list"),
                        QStringLiteral("--project"), project, QStringLiteral("--json")});
    p.waitForFinished(-1);
    const QJsonArray studies = QJsonDocument::fromJson(p.readAllStandardOutput())
                                   .object()
                                   .value(QStringLiteral("studies"))
                                   .toArray();
    for (const QJsonValue &s : studies) {
        if (s.toObject().value(QStringLiteral("name")).toString() == study)
            return true;
    }
    return false;
}

} // namespace

// The crashed chain's study equals the reference: same trials, bitwise the same metrics,
// nothing pending or running, integrity ok, status done.
void compareWithReference(const QString &reference, const QString &crashed, const QString &study)
{
    store::TrialCounts a, b;
    const Stored want = readStudy(reference.toStdString(), study, &a);
    const Stored got = readStudy(crashed.toStdString(), study, &b);
    QVERIFY(!want.empty());
    QCOMPARE(got.size(), want.size());
    for (const auto &[hash, metrics] : want) {
        const auto it = got.find(hash);
        QVERIFY2(it != got.end(), hash.c_str());
        QCOMPARE(it->second.size(), metrics.size());
        for (size_t i = 0; i < metrics.size(); ++i) {
            QCOMPARE(it->second[i].first, metrics[i].first);
            const double x = it->second[i].second, y = metrics[i].second;
            QVERIFY2(std::memcmp(&x, &y, sizeof x) == 0 || (std::isnan(x) && std::isnan(y)),
                     (hash + " " + metrics[i].first).c_str());
        }
    }
    QCOMPARE(b.running, int64_t(0));
    QCOMPARE(b.pending, int64_t(0));
    QCOMPARE(b.failed, a.failed);
    store::Project project(crashed.toStdString(), store::Project::Access::ReadOnly);
    QCOMPARE(project.integrityCheck(), std::string("ok"));
    QCOMPARE(int(project.findStudy(study.toStdString())->status), int(store::StudyStatus::Done));
}

class TestStudyCrash : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void killedRunsResumeToIdenticalResults()
    {
        QVERIFY(QFile::exists(kFrontier));
        const QString spec = kSpec;
        const QString study = studyName(spec);
        QVERIFY(!study.isEmpty());
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString reference = dir.filePath(QStringLiteral("reference.frontier"));
        const QString crashed = dir.filePath(QStringLiteral("crashed.frontier"));
        const QStringList threads{QStringLiteral("--threads"), QStringLiteral("2")};

        const Run straight = runFrontier(QStringList{QStringLiteral("study"), QStringLiteral("run"),
                                                     spec, QStringLiteral("--project"), reference}
                                         + threads);
        QVERIFY2(straight.exitCode == 0, straight.err.constData());
        qInfo("uninterrupted run: %.1f s", straight.seconds);

        // Chains of run/resume, each killed at seeded random moments until one finishes;
        // every finished chain is compared with the reference; at least five kills in all.
        Random random(20240611);
        int kills = 0;
        int chains = 0;
        for (int attempt = 0; attempt < 24 && (kills < 5 || QFile::exists(crashed)); ++attempt) {
            // A moment within an uninterrupted run's time: over the attempts every phase
            // (data, training, inference, writing trials) gets hit.
            const int ms
                = kills < 5 ? int(1000 * straight.seconds * random.uniform(0.03, 0.6)) : -1;
            const bool exists = studyExists(crashed, study);
            const QStringList args
                = exists ? QStringList{QStringLiteral("study"),     QStringLiteral("resume"),
                                       QStringLiteral("--project"), crashed,
                                       QStringLiteral("--study"),   study}
                         : QStringList{QStringLiteral("study"), QStringLiteral("run"), spec,
                                       QStringLiteral("--project"), crashed};
            const Run r = runFrontier(args + threads, ms);
            const QList<QByteArray> lines = r.err.trimmed().split('\n');
            qInfo("attempt %d (%s): %s after %d ms; last log line: %s", attempt + 1,
                  exists ? "resume" : "run", r.killed ? "killed" : "finished", ms,
                  lines.isEmpty() ? "" : lines.last().constData());
            if (r.killed) {
                ++kills;
                if (QFile::exists(crashed)) {
                    store::Project check(crashed.toStdString(), store::Project::Access::ReadOnly);
                    QCOMPARE(check.integrityCheck(), std::string("ok"));
                }
                continue;
            }
            QVERIFY2(r.exitCode == 0, r.err.constData());
            compareWithReference(reference, crashed, study);
            if (QTest::currentTestFailed())
                return;
            ++chains;
            for (const char *suffix : {"", "-wal", "-shm"})
                QFile::remove(crashed + QLatin1String(suffix));
        }
        qInfo("%d kills, %d chains resumed to the end and compared", kills, chains);
        QVERIFY(kills >= 5);
        QVERIFY(chains >= 1);
    }
};

QTEST_GUILESS_MAIN(TestStudyCrash)
#include "tst_studycrash.moc"

// A study computed in shards and merged (docs/scale-out.md), through the real `frontier`
// binary on fixtures/shard-spec.json (synth-digits, two small MLPs, about 120 trials):
// merged shards give the trials CSV of one whole run for 1, 3 and 7 shards, also after a
// shard was killed with SIGKILL and resumed, and from the generated Slurm scripts run
// without Slurm; merging again writes nothing; the merge refuses shards of another spec,
// Frontier version or kernel path, a trial with other metrics, missing shards (unless
// --partial), corrupt and missing files, each with one line naming the file, and leaves
// the target as it was; bad --shard values and mismatched shards are refused.

#include "store/project.h"
#include "store/shard.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sqlite3.h>

using namespace frontier;

namespace {

const QString kFrontier = QStringLiteral(FRONTIER_BINARY_DIR "/bin/frontier");
const QString kSpec = QStringLiteral(FRONTIER_TEST_DATA "/fixtures/shard-spec.json");
const QString kStudy = QStringLiteral("shards");

struct Result
{
    int exitCode = -1;
    bool killed = false;
    QByteArray out;
    QByteArray err;
};

Result runFrontier(const QStringList &args, int killAfterMs = -1,
                   const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(kFrontier, args);
    Result r;
    if (!p.waitForStarted(10000))
        return r;
    if (killAfterMs >= 0 && !p.waitForFinished(killAfterMs)) {
        p.kill(); // SIGKILL
        r.killed = true;
    }
    p.waitForFinished(300000);
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

Result runShard(const QString &project, const QString &shard, int killAfterMs = -1)
{
    QStringList args{QStringLiteral("study"),
                     QStringLiteral("run"),
                     kSpec,
                     QStringLiteral("--project"),
                     project,
                     QStringLiteral("--threads"),
                     QStringLiteral("2")};
    if (!shard.isEmpty())
        args << QStringLiteral("--shard") << shard;
    return runFrontier(args, killAfterMs);
}

Result merge(const QString &into, const QStringList &shards, const QStringList &extra = {})
{
    return runFrontier(QStringList{QStringLiteral("study"), QStringLiteral("merge"),
                                   QStringLiteral("--into"), into}
                       + extra + shards);
}

QByteArray trialsCsv(const QString &project)
{
    return runFrontier({QStringLiteral("study"), QStringLiteral("trials"),
                        QStringLiteral("--project"), project, QStringLiteral("--study"), kStudy,
                        QStringLiteral("--csv")})
        .out;
}

QJsonObject statusJson(const QString &project)
{
    return QJsonDocument::fromJson(
               runFrontier({QStringLiteral("study"), QStringLiteral("status"),
                            QStringLiteral("--project"), project, QStringLiteral("--json")})
                   .out)
        .object();
}

// Every row of every table, hashed: what "the file did not change" means here.
QByteArray contentHash(const QString &path)
{
    sqlite3 *db = nullptr;
    QCryptographicHash h(QCryptographicHash::Sha256);
    if (sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr)
        != SQLITE_OK) {
        sqlite3_close(db);
        return {};
    }
    QStringList tables;
    sqlite3_stmt *s = nullptr;
    sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", -1,
                       &s, nullptr);
    while (sqlite3_step(s) == SQLITE_ROW)
        tables << QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(s, 0)));
    sqlite3_finalize(s);
    for (const QString &t : tables) {
        h.addData(t.toUtf8());
        const QByteArray sql = "SELECT * FROM \"" + t.toUtf8() + "\" ORDER BY rowid";
        if (sqlite3_prepare_v2(db, sql.constData(), -1, &s, nullptr) != SQLITE_OK) {
            // WITHOUT ROWID tables
            const QByteArray plain = "SELECT * FROM \"" + t.toUtf8() + "\" ORDER BY 1, 2";
            sqlite3_prepare_v2(db, plain.constData(), -1, &s, nullptr);
        }
        while (sqlite3_step(s) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(s); ++c) {
                const void *b = sqlite3_column_blob(s, c);
                const int n = sqlite3_column_bytes(s, c);
                h.addData(QByteArrayView(static_cast<const char *>(b), b ? n : 0));
                h.addData(QByteArrayView("|"));
            }
        }
        sqlite3_finalize(s);
    }
    sqlite3_close(db);
    return h.result().toHex();
}

bool execSql(const QString &path, const char *sql)
{
    sqlite3 *db = nullptr;
    bool ok = sqlite3_open(path.toUtf8().constData(), &db) == SQLITE_OK
              && sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
    if (!ok)
        qWarning("%s", sqlite3_errmsg(db));
    sqlite3_close(db);
    return ok;
}

bool copyProject(const QString &from, const QString &to)
{
    QFile::remove(to);
    // A finished run leaves no WAL behind; the file alone is the project.
    return QFile::copy(from, to);
}

void verifyOneLineError(const Result &r, const QString &mustName, const char *mustSay)
{
    QVERIFY2(r.exitCode != 0 && r.exitCode != -1, r.out.constData());
    const QByteArray line = r.err.trimmed();
    QVERIFY2(!line.contains('\n'), line.constData());
    QVERIFY2(line.contains(mustName.toUtf8()), line.constData());
    QVERIFY2(line.contains(mustSay), line.constData());
}

} // namespace

class TestStudyShards : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_reference;
    QByteArray m_referenceCsv;
    QStringList m_three; // shards 0..2 of 3
    double m_shardSeconds = 0;

    QString path(const QString &name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(QFile::exists(kFrontier));
        QVERIFY(m_dir.isValid());
        m_reference = path(QStringLiteral("reference.frontier"));
        const Result r = runShard(m_reference, {});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        m_referenceCsv = trialsCsv(m_reference);
        QVERIFY(m_referenceCsv.count('\n') > 50);
        for (int i = 0; i < 3; ++i) {
            m_three << path(QStringLiteral("three/shard-%1-of-3.frontier").arg(i));
            QDir().mkpath(path(QStringLiteral("three")));
            QElapsedTimer t;
            t.start();
            const Result s = runShard(m_three.back(), QStringLiteral("%1/3").arg(i));
            m_shardSeconds = std::max(m_shardSeconds, double(t.elapsed()) / 1000);
            QVERIFY2(s.exitCode == 0, s.err.constData());
        }
    }

    void shardOfIsStable()
    {
        // The first 8 bytes of the hash, big-endian, modulo n.
        QCOMPARE(store::shardOf("0000000000000007ffff", 4), 3);
        QCOMPARE(store::shardOf("ffffffffffffffff", 10), int(UINT64_MAX % 10));
        QCOMPARE(store::shardOf("0123456789abcdef0000", 1), 0);
        QCOMPARE(store::Shard::parse("2/7"), (store::Shard{2, 7}));
        for (const char *bad : {"3/3", "0/0", "x/2", "-1/2", "1/", "/2", "1/2/3", " 1/2", ""})
            QVERIFY_THROWS_EXCEPTION(std::exception, store::Shard::parse(bad));
    }

    void mergedShardsEqualOneRun_data()
    {
        QTest::addColumn<int>("shards");
        QTest::newRow("1 shard") << 1;
        QTest::newRow("3 shards") << 3;
        QTest::newRow("7 shards") << 7;
    }

    void mergedShardsEqualOneRun()
    {
        QFETCH(int, shards);
        const QString dir = path(QStringLiteral("n%1").arg(shards));
        QVERIFY(QDir().mkpath(dir));
        QStringList files;
        int64_t doneInShards = 0;
        for (int i = 0; i < shards; ++i) {
            files << dir + QStringLiteral("/shard-%1.frontier").arg(i);
            const Result r = runShard(files.back(), QStringLiteral("%1/%2").arg(i).arg(shards));
            QVERIFY2(r.exitCode == 0, r.err.constData());
            const QJsonObject s
                = statusJson(files.back()).value(QStringLiteral("studies")).toArray()[0].toObject();
            QCOMPARE(s.value(QStringLiteral("shard")).toString(),
                     QStringLiteral("%1/%2").arg(i).arg(shards));
            QCOMPARE(s.value(QStringLiteral("pending")).toInt(), 0);
            doneInShards += s.value(QStringLiteral("done")).toInt();
        }
        const QString merged = dir + QStringLiteral("/merged.frontier");
        const Result m = merge(merged, files);
        QVERIFY2(m.exitCode == 0, m.err.constData());
        QCOMPARE(trialsCsv(merged), m_referenceCsv);
        const QJsonObject s
            = statusJson(merged).value(QStringLiteral("studies")).toArray()[0].toObject();
        QCOMPARE(s.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        QCOMPARE(int64_t(s.value(QStringLiteral("done")).toInt()), doneInShards);
        QVERIFY(!s.contains(QStringLiteral("shard")));
        // The stored front is that of the whole run.
        const QJsonObject want
            = statusJson(m_reference).value(QStringLiteral("studies")).toArray()[0].toObject();
        QCOMPARE(s.value(QStringLiteral("front")).toObject(),
                 want.value(QStringLiteral("front")).toObject());

        // Idempotent: the second merge writes nothing, whatever the order of the files.
        const QByteArray before = contentHash(merged);
        QStringList reversed = files;
        std::reverse(reversed.begin(), reversed.end());
        const Result again = merge(merged, reversed);
        QVERIFY2(again.exitCode == 0, again.err.constData());
        QVERIFY2(again.out.contains("nothing new"), again.out.constData());
        QCOMPARE(contentHash(merged), before);
    }

    void killedShardResumesToTheSameMerge()
    {
        const QString dir = path(QStringLiteral("killed"));
        QVERIFY(QDir().mkpath(dir));
        const QString shard = dir + QStringLiteral("/shard-1-of-3.frontier");
        // Kill at moments within an uninterrupted shard's time, then go on with `run` (what
        // a resubmitted Slurm task does) or `resume` (which takes the stored shard).
        int kills = 0;
        bool finished = false;
        const double moments[] = {0.35, 0.6, 0.85};
        for (int k = 0; k < 3 && !finished; ++k) {
            const bool started
                = QFile::exists(shard)
                  && !statusJson(shard).value(QStringLiteral("studies")).toArray().isEmpty();
            const QStringList resume{QStringLiteral("study"), QStringLiteral("resume"),
                                     QStringLiteral("--project"), shard};
            const int ms = int(1000 * m_shardSeconds * moments[k]);
            const Result r = started && k % 2 == 1 ? runFrontier(resume, ms)
                                                   : runShard(shard, QStringLiteral("1/3"), ms);
            if (!r.killed) {
                QVERIFY2(r.exitCode == 0, r.err.constData());
                finished = true;
                break;
            }
            ++kills;
            if (QFile::exists(shard)) {
                store::Project check(shard.toStdString(), store::Project::Access::ReadOnly);
                QCOMPARE(check.integrityCheck(), std::string("ok"));
            }
        }
        qInfo("%d kills of a shard (uninterrupted %.2f s)", kills, m_shardSeconds);
        QVERIFY(kills >= 1);
        if (!finished) {
            const Result r = runShard(shard, QStringLiteral("1/3"));
            QVERIFY2(r.exitCode == 0, r.err.constData());
        }
        const QString merged = dir + QStringLiteral("/merged.frontier");
        const Result m = merge(merged, {m_three[0], shard, m_three[2]});
        QVERIFY2(m.exitCode == 0, m.err.constData());
        QCOMPARE(trialsCsv(merged), m_referenceCsv);
    }

    void refusesMismatchedShards_data()
    {
        QTest::addColumn<QByteArray>("sql");
        QTest::addColumn<QByteArray>("says");
        QTest::newRow("another spec")
            << QByteArray("UPDATE studies SET spec = replace(spec, '\"seed\":3', '\"seed\":4')")
            << QByteArray("another spec");
        QTest::newRow("another Frontier version")
            << QByteArray("UPDATE runs SET frontier_version = '0.0.1'")
            << QByteArray("Frontier version");
        QTest::newRow("another kernel path")
            << QByteArray("UPDATE runs SET isa = CASE isa WHEN 'portable' THEN 'avx2' ELSE "
                          "'portable' END, kernels = replace(kernels, 'avx2', 'portable')")
            << QByteArray("kernel path");
        QTest::newRow("an unfinished shard")
            << QByteArray("UPDATE studies SET status = 'running'") << QByteArray("not finished");
        QTest::newRow("a trial with other metrics")
            << QByteArray("UPDATE trials SET metrics = json_set(metrics, '$.accuracy', 0.123)"
                          " WHERE id = (SELECT min(id) FROM trials WHERE status = 'done')")
            << QByteArray("other results");
    }

    void refusesMismatchedShards()
    {
        QFETCH(QByteArray, sql);
        QFETCH(QByteArray, says);
        const QString dir = path(QStringLiteral("refuse-%1").arg(QTest::currentDataTag()));
        QVERIFY(QDir().mkpath(dir));
        // Shard 2, or a second copy of shard 0 for the duplicate trial, edited.
        const bool duplicate = says == "other results";
        const QString bad = dir + QStringLiteral("/bad.frontier");
        QVERIFY(copyProject(duplicate ? m_three[0] : m_three[2], bad));
        QVERIFY(execSql(bad, sql.constData()));
        const QStringList files = duplicate ? QStringList{m_three[0], m_three[1], m_three[2], bad}
                                            : QStringList{m_three[0], m_three[1], bad};
        // A new target is not left behind ...
        const QString fresh = dir + QStringLiteral("/fresh.frontier");
        verifyOneLineError(merge(fresh, files), bad, says.constData());
        QVERIFY(!QFile::exists(fresh));
        // ... and an existing one is left as it was.
        const QString target = dir + QStringLiteral("/target.frontier");
        QVERIFY(merge(target, m_three.mid(0, 2), {QStringLiteral("--partial")}).exitCode == 0);
        const QByteArray before = contentHash(target);
        verifyOneLineError(merge(target, files), bad, says.constData());
        QCOMPARE(contentHash(target), before);
    }

    void duplicateShardWithTheSameResultsMerges()
    {
        const QString copy = path(QStringLiteral("three/copy-of-shard-0.frontier"));
        QVERIFY(copyProject(m_three[0], copy));
        const QString merged = path(QStringLiteral("duplicate.frontier"));
        const Result m = merge(merged, m_three + QStringList{copy});
        QVERIFY2(m.exitCode == 0, m.err.constData());
        QCOMPARE(trialsCsv(merged), m_referenceCsv);
        QFile::remove(copy);
    }

    void refusesBadFiles()
    {
        const QString target = path(QStringLiteral("badfiles.frontier"));
        const QString text = path(QStringLiteral("notes.frontier"));
        {
            QFile f(text);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("these are notes, not a project\n");
        }
        verifyOneLineError(merge(target, {m_three[0], text, m_three[2]}), text, "not");
        const QString truncated = path(QStringLiteral("truncated.frontier"));
        {
            QFile from(m_three[1]);
            QVERIFY(from.open(QIODevice::ReadOnly));
            QFile to(truncated);
            QVERIFY(to.open(QIODevice::WriteOnly));
            to.write(from.read(from.size() / 2 + 100));
        }
        verifyOneLineError(merge(target, {m_three[0], truncated, m_three[2]}), truncated,
                           "truncated");
        const QString missing = path(QStringLiteral("no-such-shard.frontier"));
        verifyOneLineError(merge(target, {m_three[0], missing}), missing, "no such file");
        QVERIFY(!QFile::exists(target));
        const QByteArray before = contentHash(m_three[0]);
        verifyOneLineError(merge(m_three[0], m_three), m_three[0], "target");
        QCOMPARE(contentHash(m_three[0]), before);
    }

    void incompleteSetsNeedPartial()
    {
        const QString merged = path(QStringLiteral("partial.frontier"));
        verifyOneLineError(merge(merged, {m_three[0], m_three[2]}), m_three[0], "shard 1/3");
        QVERIFY(!QFile::exists(merged));
        const Result m = merge(merged, {m_three[0], m_three[2]}, {QStringLiteral("--partial")});
        QVERIFY2(m.exitCode == 0, m.err.constData());
        const QJsonObject s
            = statusJson(merged).value(QStringLiteral("studies")).toArray()[0].toObject();
        QCOMPARE(s.value(QStringLiteral("status")).toString(), QStringLiteral("pending"));
        QVERIFY(s.value(QStringLiteral("pending")).toInt() > 0);
        // The missing shard's trials are computed by a resume of the merged project ...
        const Result r = runFrontier({QStringLiteral("study"), QStringLiteral("resume"),
                                      QStringLiteral("--project"), merged});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(trialsCsv(merged), m_referenceCsv);
        // ... and merging the last shard afterwards finds it all there already.
        const Result last = merge(merged, m_three);
        QVERIFY2(last.exitCode == 0, last.err.constData());
        QCOMPARE(trialsCsv(merged), m_referenceCsv);
    }

    void refusesBadShardOptions_data()
    {
        QTest::addColumn<QString>("shard");
        for (const char *bad : {"3/3", "0/0", "x/2", "-1/2", "1/", "2"})
            QTest::newRow(bad) << QString::fromLatin1(bad);
    }

    void refusesBadShardOptions()
    {
        QFETCH(QString, shard);
        const QString project = path(QStringLiteral("badshard.frontier"));
        verifyOneLineError(runShard(project, shard), QStringLiteral("--shard"),
                           shard.toUtf8().constData());
        QVERIFY(!QFile::exists(project));
    }

    void refusesAnotherShardOfTheSameFile()
    {
        const QString shard = m_three[1];
        const QByteArray before = contentHash(shard);
        verifyOneLineError(runShard(shard, QStringLiteral("2/3")), shard, "shard 1/3");
        verifyOneLineError(runShard(shard, {}), shard, "--shard 1/3");
        verifyOneLineError(
            runFrontier({QStringLiteral("study"), QStringLiteral("resume"),
                         QStringLiteral("--project"), shard, QStringLiteral("--study"), kStudy,
                         QStringLiteral("--shard"), QStringLiteral("0/3")}),
            shard, "shard 1/3");
        verifyOneLineError(runShard(m_reference, QStringLiteral("0/3")), m_reference,
                           "whole study");
        QCOMPARE(contentHash(shard), before);
        // The same shard again computes nothing.
        const Result r = runShard(shard, QStringLiteral("1/3"));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains(" 0 computed"), r.out.constData());
    }

    void statusOfShardFiles()
    {
        const QString pattern = path(QStringLiteral("three/shard-*-of-3.frontier"));
        const Result r
            = runFrontier({QStringLiteral("study"), QStringLiteral("status"),
                           QStringLiteral("--project"), pattern, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        const QJsonArray rows = o.value(QStringLiteral("shards")).toArray();
        QCOMPARE(rows.size(), 3);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(rows[i].toObject().value(QStringLiteral("shard")).toString(),
                     QStringLiteral("%1/3").arg(i));
            QCOMPARE(rows[i].toObject().value(QStringLiteral("pending")).toInt(), 0);
        }
        const QJsonObject whole
            = statusJson(m_reference).value(QStringLiteral("studies")).toArray()[0].toObject();
        QCOMPARE(
            o.value(QStringLiteral("total")).toObject().value(QStringLiteral("trials")).toInt(),
            whole.value(QStringLiteral("trials")).toInt());
        QVERIFY(o.value(QStringLiteral("missing")).toArray().isEmpty());
        // The text table has a line per shard and a total.
        const Result text = runFrontier({QStringLiteral("study"), QStringLiteral("status"),
                                         QStringLiteral("--project"), pattern});
        QVERIFY2(text.exitCode == 0, text.err.constData());
        QVERIFY(text.out.contains("total"));
        QCOMPARE(text.out.count(" 1/3 "), 1);
        verifyOneLineError(
            runFrontier({QStringLiteral("study"), QStringLiteral("status"),
                         QStringLiteral("--project"), path(QStringLiteral("none-*.frontier"))}),
            QStringLiteral("none-*.frontier"), "no file matches");
    }

    void slurmScriptsRunWithoutSlurm()
    {
        const QString out = path(QStringLiteral("slurm"));
        const Result w = runFrontier(
            {QStringLiteral("study"), QStringLiteral("slurm"), kSpec, QStringLiteral("--shards"),
             QStringLiteral("3"), QStringLiteral("--out"), out, QStringLiteral("--time"),
             QStringLiteral("0:10:00"), QStringLiteral("--cpus-per-task"), QStringLiteral("2")});
        QVERIFY2(w.exitCode == 0, w.err.constData());
        QVERIFY2(w.out.contains("submit.sh"), w.out.constData());
        QFile array(out + QStringLiteral("/array.sbatch"));
        QVERIFY(array.open(QIODevice::ReadOnly));
        const QByteArray script = array.readAll();
        QVERIFY(script.contains("#SBATCH --array=0-2\n"));
        QVERIFY(script.contains("#SBATCH --time=0:10:00\n"));
        QVERIFY(script.contains("#SBATCH --cpus-per-task=2\n"));
        QVERIFY(script.contains(
            QByteArray("'").append(QFileInfo(kSpec).absoluteFilePath().toUtf8()).append("'")));
        QVERIFY(script.contains("--shard \"$i\"/3"));
        // Each array task by hand (as Slurm would run it), then the merge job.
        for (int i = 0; i < 3; ++i) {
            QProcess task;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("SLURM_ARRAY_TASK_ID"), QString::number(i));
            env.insert(QStringLiteral("SLURM_CPUS_PER_TASK"), QStringLiteral("2"));
            task.setProcessEnvironment(env);
            task.start(QStringLiteral("bash"), {array.fileName()});
            QVERIFY(task.waitForFinished(300000));
            QVERIFY2(task.exitCode() == 0, task.readAllStandardError().constData());
        }
        QProcess mergeJob;
        mergeJob.start(QStringLiteral("bash"), {out + QStringLiteral("/merge.sbatch")});
        QVERIFY(mergeJob.waitForFinished(300000));
        QVERIFY2(mergeJob.exitCode() == 0, mergeJob.readAllStandardError().constData());
        QCOMPARE(trialsCsv(out + QStringLiteral("/merged.frontier")), m_referenceCsv);

        // submit.sh: the array with --parsable, then the merge after it (afterok).
        const QString fake = out + QStringLiteral("/fake-sbatch");
        {
            QFile f(fake);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("#!/bin/bash\necho \"$@\" >> \"$0.calls\"\n"
                    "case \"$*\" in *array.sbatch*) echo '4242;cluster' ;; *) echo 4243 ;; esac\n");
            f.setPermissions(f.permissions() | QFileDevice::ExeOwner);
        }
        QProcess submit;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SBATCH"), fake);
        submit.setProcessEnvironment(env);
        submit.start(QStringLiteral("bash"), {out + QStringLiteral("/submit.sh")});
        QVERIFY(submit.waitForFinished(30000));
        QVERIFY2(submit.exitCode() == 0, submit.readAllStandardError().constData());
        QVERIFY2(submit.readAllStandardOutput().contains("array 4242"), "submit output");
        QFile calls(fake + QStringLiteral(".calls"));
        QVERIFY(calls.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = calls.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QVERIFY(lines[0].startsWith("--parsable ") && lines[0].endsWith("array.sbatch"));
        QVERIFY2(lines[1].contains("--dependency=afterok:4242 ")
                     && lines[1].endsWith("merge.sbatch"),
                 lines[1].constData());

        // Bad input: one line naming what is wrong.
        verifyOneLineError(runFrontier({QStringLiteral("study"), QStringLiteral("slurm"), kSpec,
                                        QStringLiteral("--shards"), QStringLiteral("0"),
                                        QStringLiteral("--out"), out}),
                           QStringLiteral("--shards"), "whole number");
        verifyOneLineError(
            runFrontier({QStringLiteral("study"), QStringLiteral("slurm"), kSpec,
                         QStringLiteral("--shards"), QStringLiteral("2"), QStringLiteral("--out"),
                         out, QStringLiteral("--time"), QStringLiteral("soon")}),
            QStringLiteral("--time"), "soon");
        verifyOneLineError(
            runFrontier({QStringLiteral("study"), QStringLiteral("slurm"),
                         path(QStringLiteral("no-spec.json")), QStringLiteral("--shards"),
                         QStringLiteral("2"), QStringLiteral("--out"), out}),
            QStringLiteral("no-spec.json"), "");
    }
};

QTEST_GUILESS_MAIN(TestStudyShards)
#include "tst_studyshards.moc"

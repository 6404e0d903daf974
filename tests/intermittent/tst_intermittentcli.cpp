// `frontier intermittent` as a user runs it: the JSON contract, the timeline CSV, and
// one-line errors with non-zero exit codes.

#include "testutil.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run frontierCli(const QStringList &args)
{
    QProcess p;
    p.setProgram(QStringLiteral(FRONTIER_BINARY_DIR "/bin/frontier"));
    p.setArguments(args);
    p.start();
    p.waitForFinished(120000);
    Run r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

QStringList simulate(QStringList extra)
{
    QStringList args{QStringLiteral("intermittent"), QStringLiteral("simulate"),
                     QStringLiteral("--recipe"), QStringLiteral("lenet")};
    args += extra;
    return args;
}

} // namespace

class TestIntermittentCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void json();
    void timelineAndTable();
    void errors_data();
    void errors();
};

void TestIntermittentCli::json()
{
    const Run r = frontierCli(simulate({QStringLiteral("--format"), QStringLiteral("q1.15,int8"),
                                        QStringLiteral("--power"), QStringLiteral("2mW"),
                                        QStringLiteral("--search"), QStringLiteral("--json")}));
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o.value(QStringLiteral("platform")).toString(), QStringLiteral("msp430fr5994"));
    QCOMPARE(
        o.value(QStringLiteral("harvester")).toObject().value(QStringLiteral("kind")).toString(),
        QStringLiteral("power"));
    const QJsonArray configs = o.value(QStringLiteral("configurations")).toArray();
    QCOMPARE(configs.size(), 3);
    QStringList names;
    for (const QJsonValue &c : configs)
        names << c.toObject().value(QStringLiteral("name")).toString();
    QCOMPARE(names, (QStringList{QStringLiteral("naive"), QStringLiteral("per-task"),
                                 QStringLiteral("searched")}));
    const QJsonObject naive = configs[0].toObject().value(QStringLiteral("result")).toObject();
    QCOMPARE(naive.value(QStringLiteral("terminates")).toBool(), false);
    QVERIFY(naive.value(QStringLiteral("latency_s")).isNull());
    const QJsonObject searched = configs[2].toObject().value(QStringLiteral("result")).toObject();
    const QJsonObject perTask = configs[1].toObject().value(QStringLiteral("result")).toObject();
    QVERIFY(searched.value(QStringLiteral("terminates")).toBool());
    QVERIFY(searched.value(QStringLiteral("latency_s")).toDouble()
            <= perTask.value(QStringLiteral("latency_s")).toDouble());
    const QJsonObject e = searched.value(QStringLiteral("energy")).toObject();
    FRONTIER_COMPARE_REL(e.value(QStringLiteral("total_j")).toDouble(),
                         e.value(QStringLiteral("compute_j")).toDouble()
                             + e.value(QStringLiteral("data_movement_j")).toDouble()
                             + e.value(QStringLiteral("preservation_j")).toDouble()
                             + e.value(QStringLiteral("reexecution_j")).toDouble()
                             + e.value(QStringLiteral("reboot_j")).toDouble(),
                         1e-12);
    QCOMPARE(configs[2].toObject().value(QStringLiteral("tilings")).toArray().size(), 6);
    QCOMPARE(o.value(QStringLiteral("search"))
                 .toObject()
                 .value(QStringLiteral("formats"))
                 .toArray()
                 .size(),
             2);
}

void TestIntermittentCli::timelineAndTable()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("timeline.csv"));
    const Run r = frontierCli(simulate({QStringLiteral("--capacitor"), QStringLiteral("4.7mF"),
                                        QStringLiteral("--timeline"), path}));
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(r.out.contains("capacitor 4.700 mF"));
    QVERIFY(r.out.contains("per-task"));
    QVERIFY(r.out.contains("does not finish"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = f.readAll().split('\n');
    QCOMPARE(lines.first(), QByteArray("t_s,voltage_v,layer,tasks_done,event"));
    QVERIFY(lines.size() > 100);
    int failures = 0;
    for (const QByteArray &l : lines)
        failures += l.endsWith(",failure") ? 1 : 0;
    QVERIFY(failures > 0);
    QVERIFY(lines[lines.size() - 2].endsWith(",end"));
}

void TestIntermittentCli::errors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    QTest::newRow("no subcommand")
        << QStringList{QStringLiteral("intermittent"), QStringLiteral("run")} << 2
        << "unknown subcommand 'run'";
    QTest::newRow("power and trace")
        << simulate({QStringLiteral("--power"), QStringLiteral("1mW"), QStringLiteral("--trace"),
                     QStringLiteral("x.csv")})
        << 2 << "at most one of --power and --trace";
    QTest::newRow("zero capacitor")
        << simulate({QStringLiteral("--capacitor"), QStringLiteral("0F")}) << 1
        << "--capacitor: must be above 0";
    QTest::newRow("float format") << simulate({QStringLiteral("--format"), QStringLiteral("fp16")})
                                  << 1 << "key 'format': 'fp16' does not run on the vector unit";
    QTest::newRow("missing trace")
        << simulate({QStringLiteral("--trace"), QStringLiteral("/nonexistent/t.csv")}) << 1
        << "/nonexistent/t.csv";
    QTest::newRow("preset without intermittent section")
        << simulate({QStringLiteral("--preset"), QStringLiteral("asic45")}) << 1
        << "key 'intermittent': missing";
}

void TestIntermittentCli::errors()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    const Run r = frontierCli(args);
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY2(r.err.contains(message.toUtf8()), r.err.constData());
    QCOMPARE(r.err.count('\n'), 1);
    QVERIFY(r.out.isEmpty());
}

QTEST_GUILESS_MAIN(TestIntermittentCli)
#include "tst_intermittentcli.moc"

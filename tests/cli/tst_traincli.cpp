// `frontier train --method fp32|qat|rct`: JSON keys the report reads, eval reproducing the
// training-time accuracy of the saved variant, and one-line errors for bad knobs.

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

class TestTrainCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void badKnobs_data();
    void badKnobs();
    void methodsReportAndEvalReproduces_data();
    void methodsReportAndEvalReproduces();

private:
    struct Run
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    Run frontier(const QStringList &args);
    QTemporaryDir m_dir;
};

TestTrainCli::Run TestTrainCli::frontier(const QStringList &args)
{
    QProcess p;
    p.setProgram(QStringLiteral(FRONTIER_BINARY_DIR "/bin/frontier"));
    p.setArguments(args);
    p.start();
    Run r;
    if (!p.waitForFinished(600000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

void TestTrainCli::badKnobs_data()
{
    QTest::addColumn<QStringList>("knobs");
    QTest::addColumn<QString>("option");
    QTest::newRow("b_min > b_max")
        << QStringList{"--method", "rct", "--rct-min", "9", "--rct-max", "4"} << "--rct-min";
    QTest::newRow("bits 17") << QStringList{"--method", "qat", "--bits", "17"} << "--bits";
    QTest::newRow("bits 1") << QStringList{"--method", "qat", "--bits", "1"} << "--bits";
    QTest::newRow("rct-max 32") << QStringList{"--method", "rct", "--rct-max", "32"} << "--rct-max";
    QTest::newRow("T_min >= T_max")
        << QStringList{"--method", "rct", "--rct-t-min", "3", "--rct-t-max", "1"} << "--rct-t-min";
    QTest::newRow("every 0") << QStringList{"--method", "rct", "--rct-every", "0"} << "--rct-every";
    QTest::newRow("unknown method") << QStringList{"--method", "sgd8"} << "--method";
    QTest::newRow("not a number") << QStringList{"--method", "rct", "--rct-min", "two"}
                                  << "--rct-min";
}

void TestTrainCli::badKnobs()
{
    QFETCH(QStringList, knobs);
    QFETCH(QString, option);
    const QString out = m_dir.filePath(QStringLiteral("bad.fmodel"));
    const Run r = frontier(
        QStringList{"train", "--recipe", "mlp", "--dataset", "mnist", "--out", out} + knobs);
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.out.isEmpty());
    const QByteArray err = r.err.trimmed();
    QVERIFY2(!err.contains('\n'), err.constData());
    QVERIFY2(err.contains(option.toUtf8()), err.constData());
    QVERIFY(!QFile::exists(out));
}

void TestTrainCli::methodsReportAndEvalReproduces_data()
{
    QTest::addColumn<QString>("method");
    QTest::newRow("fp32") << "fp32";
    QTest::newRow("qat") << "qat";
    QTest::newRow("rct") << "rct";
}

void TestTrainCli::methodsReportAndEvalReproduces()
{
    QFETCH(QString, method);
    const QString model = m_dir.filePath(method + QStringLiteral(".fmodel"));
    const Run t = frontier({"train", "--recipe", "mlp", "--dataset", "mnist", "--epochs", "1",
                            "--widths", "32", "--method", method, "--out", model, "--json"});
    QCOMPARE(t.exitCode, 0);
    const QJsonObject j = QJsonDocument::fromJson(t.out).object();
    QCOMPARE(j.value(QStringLiteral("method")).toString(), method);
    const double accuracy = j.value(QStringLiteral("test_accuracy")).toDouble();
    QVERIFY2(accuracy > 0.85, qPrintable(QString::number(accuracy)));
    for (const char *preset : {"asic45", "cortex-m4f"}) {
        const double gemm
            = j[QStringLiteral("train_gemm_energy_pj")][QLatin1String(preset)].toDouble();
        const double total = j[QStringLiteral("train_energy_pj")][QLatin1String(preset)].toDouble();
        QVERIFY(gemm > 0 && total >= gemm);
    }
    QVERIFY(j.value(QStringLiteral("param_memory_bytes")).toDouble() > 0);
    const QJsonObject bits = j.value(QStringLiteral("final_bits")).toObject();
    QCOMPARE(bits.size(), 2); // fc1, logits
    const int expected = method == QLatin1String("fp32")  ? 32
                         : method == QLatin1String("qat") ? 8
                                                          : 0;
    for (const QJsonValue v : bits) {
        if (expected)
            QCOMPARE(v.toInt(), expected);
        else
            QVERIFY(v.toInt() >= 2 && v.toInt() <= 16);
    }
    // eval in the trained format reproduces the accuracy train reported.
    const QString format = j.value(QStringLiteral("format")).toString();
    QStringList args{"eval", "--model", model, "--dataset", "mnist", "--json"};
    if (format != QLatin1String("fp32"))
        args << "--format" << format;
    const Run e = frontier(args);
    QCOMPARE(e.exitCode, 0);
    const QJsonObject ej = QJsonDocument::fromJson(e.out).object();
    const double evalAccuracy
        = format == QLatin1String("fp32")
              ? ej.value(QStringLiteral("accuracy")).toDouble()
              : ej[QStringLiteral("variants")][0][QStringLiteral("accuracy")].toDouble();
    QCOMPARE(evalAccuracy, accuracy);
}

QTEST_GUILESS_MAIN(TestTrainCli)
#include "tst_traincli.moc"

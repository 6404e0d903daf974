// End-to-end tests of the `frontier` command: real processes, real files, real data.

#include "data/npy.h"

#include "testutil.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>

#include <sys/stat.h>

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void versionAndHelp();
    void usageErrors_data();
    void usageErrors();
    void badInputIsOneLineError_data();
    void badInputIsOneLineError();
    void dataInfoMnist();
    void dataInfoCsvWithLabelColumn();
    void dataPreviewWritesPng();
    void trainEvalRoundTrip();
    void evalInputDumpsScores();
    void modelInfoTable();
    void corruptModelIsRejected();
    void importOnnx();
    void evalOnnxDumpsExporterOutputs();
    void benchPopcountLimitPerPath();

private:
    struct Run
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    Run frontier(const QStringList &args, int timeoutMs = 300000);
    QJsonObject json(const Run &run);

    QTemporaryDir m_dir;
    QString m_irisModel;
};

TestCli::Run TestCli::frontier(const QStringList &args, int timeoutMs)
{
    QProcess p;
    p.setProgram(QStringLiteral(FRONTIER_BINARY_DIR "/bin/frontier"));
    p.setArguments(args);
    p.start();
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

QJsonObject TestCli::json(const Run &run)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(run.out, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        qWarning("not one JSON object: %s", run.out.constData());
    return doc.object();
}

void TestCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(QFile::exists(QStringLiteral(FRONTIER_BINARY_DIR "/bin/frontier")));
}

void TestCli::versionAndHelp()
{
    const Run v = frontier({QStringLiteral("--version")});
    QCOMPARE(v.exitCode, 0);
    QVERIFY(v.out.startsWith("frontier "));
    const Run h = frontier({QStringLiteral("--help")});
    QCOMPARE(h.exitCode, 0);
    for (const char *cmd : {"data", "train", "eval", "model", "bench"})
        QVERIFY2(h.out.contains(cmd), cmd);
    const Run th = frontier({QStringLiteral("train"), QStringLiteral("--help")});
    QCOMPARE(th.exitCode, 0);
    QVERIFY(th.out.contains("--recipe"));
}

void TestCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no command") << QStringList() << QString();
    QTest::newRow("unknown command")
        << QStringList{QStringLiteral("frobnicate")} << QStringLiteral("unknown command");
    QTest::newRow("unknown option")
        << QStringList{QStringLiteral("eval"), QStringLiteral("--bogus")}
        << QStringLiteral("bogus");
    QTest::newRow("train without recipe")
        << QStringList{QStringLiteral("train"), QStringLiteral("--dataset"), QStringLiteral("iris"),
                       QStringLiteral("--out"), QStringLiteral("x.fmodel")}
        << QStringLiteral("--recipe is required");
    QTest::newRow("unknown recipe") << QStringList{
        QStringLiteral("train"),     QStringLiteral("--recipe"), QStringLiteral("vgg99"),
        QStringLiteral("--dataset"), QStringLiteral("iris"),     QStringLiteral("--out"),
        QStringLiteral("x.fmodel")} << QStringLiteral("unknown recipe");
    QTest::newRow("bad epochs")
        << QStringList{QStringLiteral("train"),    QStringLiteral("--recipe"),
                       QStringLiteral("mlp"),      QStringLiteral("--dataset"),
                       QStringLiteral("iris"),     QStringLiteral("--out"),
                       QStringLiteral("x.fmodel"), QStringLiteral("--epochs"),
                       QStringLiteral("-3")}
        << QStringLiteral("--epochs");
}

void TestCli::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, expected);
    const Run r = frontier(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.out.isEmpty());
    QVERIFY2(QString::fromUtf8(r.err).contains(expected), r.err.constData());
}

void TestCli::badInputIsOneLineError_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("mustNotExist");

    const QString dir = m_dir.path();
    const QString out = dir + QStringLiteral("/never.fmodel");
    QTest::newRow("missing dataset file")
        << QStringList{QStringLiteral("data"), QStringLiteral("info"),
                       dir + QStringLiteral("/nope.csv")}
        << QStringLiteral("nope.csv") << QString();
    QTest::newRow("unknown catalog name")
        << QStringList{QStringLiteral("data"), QStringLiteral("info"),
                       QStringLiteral("no-such-set")}
        << QStringLiteral("no-such-set") << QString();

    QFile truncated(dir + QStringLiteral("/truncated.npy"));
    truncated.open(QIODevice::WriteOnly);
    QByteArray header("{'descr': '<f4', 'fortran_order': False, 'shape': (10, 4), }");
    while ((10 + header.size() + 1) % 64 != 0)
        header.append(' ');
    header.append('\n');
    truncated.write(QByteArray("\x93NUMPY\x01\x00", 8));
    truncated.write(QByteArray(1, char(header.size() & 0xff))
                    + QByteArray(1, char(header.size() >> 8)));
    truncated.write(header);
    truncated.write(QByteArray(20, '\0'));
    truncated.close();
    QTest::newRow("truncated npy input")
        << QStringList{QStringLiteral("data"), QStringLiteral("info"), truncated.fileName()}
        << QStringLiteral("truncated.npy") << QString();

    QFile badCsv(dir + QStringLiteral("/bad.csv"));
    badCsv.open(QIODevice::WriteOnly);
    badCsv.write("1,2,a\n3,?,b\n5,6,a\n7,8,b\n");
    badCsv.close();
    QTest::newRow("csv with missing cell, training") << QStringList{QStringLiteral("train"),
                                                                    QStringLiteral("--recipe"),
                                                                    QStringLiteral("mlp"),
                                                                    QStringLiteral("--dataset"),
                                                                    badCsv.fileName(),
                                                                    QStringLiteral("--out"),
                                                                    out}
                                                     << QStringLiteral("bad.csv") << out;

    // A hostile cell (an escape sequence, 300 characters, a NUL) is echoed escaped and cut.
    QFile hostile(dir + QStringLiteral("/hostile.csv"));
    hostile.open(QIODevice::WriteOnly);
    hostile.write(QByteArray("1,2,a\n3,\x1b[31m") + QByteArray(300, 'x')
                  + QByteArray("\0z,b\n5,6,a\n7,8,b\n", 15));
    hostile.close();
    QTest::newRow("hostile csv cell")
        << QStringList{QStringLiteral("data"), QStringLiteral("info"), hostile.fileName()}
        << QStringLiteral("hostile.csv: row 2, column 2: '\\x1b[31m")
               + QString(75, QLatin1Char('x')) + QStringLiteral("…' is not a number")
        << QString();

    QFile oneClass(dir + QStringLiteral("/oneclass.csv"));
    oneClass.open(QIODevice::WriteOnly);
    oneClass.write("1,2,a\n3,4,a\n5,6,a\n7,8,a\n9,1,a\n2,3,a\n4,5,a\n6,7,a\n");
    oneClass.close();
    QTest::newRow("csv with one class, training") << QStringList{QStringLiteral("train"),
                                                                 QStringLiteral("--recipe"),
                                                                 QStringLiteral("mlp"),
                                                                 QStringLiteral("--dataset"),
                                                                 oneClass.fileName(),
                                                                 QStringLiteral("--out"),
                                                                 out}
                                                  << QStringLiteral("oneclass.csv") << out;

    QFile notModel(dir + QStringLiteral("/notamodel.fmodel"));
    notModel.open(QIODevice::WriteOnly);
    notModel.write("this is not a model file at all");
    notModel.close();
    const QString scores = dir + QStringLiteral("/scores.npy");
    QTest::newRow("eval with a bad model") << QStringList{QStringLiteral("eval"),
                                                          QStringLiteral("--model"),
                                                          notModel.fileName(),
                                                          QStringLiteral("--dataset"),
                                                          QStringLiteral("iris"),
                                                          QStringLiteral("--dump-scores"),
                                                          scores}
                                           << QStringLiteral("notamodel.fmodel") << scores;

    // Commands that need a project refuse a missing one and create nothing.
    const QString nosuch = dir + QStringLiteral("/nosuch.frontier");
    QTest::newRow("sweep on a missing project") << QStringList{QStringLiteral("sweep"),
                                                               QStringLiteral("--project"),
                                                               nosuch,
                                                               QStringLiteral("--study"),
                                                               QStringLiteral("s"),
                                                               QStringLiteral("--policy"),
                                                               QStringLiteral("ari"),
                                                               QStringLiteral("--variants"),
                                                               QStringLiteral("int4,fp32"),
                                                               QStringLiteral("--taus"),
                                                               QStringLiteral("0:1:11")}
                                                << QStringLiteral("no such project file") << nosuch;
    QTest::newRow("resume on a missing project")
        << QStringList{QStringLiteral("study"), QStringLiteral("resume"),
                       QStringLiteral("--project"), nosuch}
        << QStringLiteral("no such project file") << nosuch;
    QFile empty(dir + QStringLiteral("/empty.frontier"));
    empty.open(QIODevice::WriteOnly);
    empty.close();
    QTest::newRow("sweep on an empty file") << QStringList{QStringLiteral("sweep"),
                                                           QStringLiteral("--project"),
                                                           empty.fileName(),
                                                           QStringLiteral("--study"),
                                                           QStringLiteral("s"),
                                                           QStringLiteral("--policy"),
                                                           QStringLiteral("ari"),
                                                           QStringLiteral("--variants"),
                                                           QStringLiteral("int4,fp32"),
                                                           QStringLiteral("--taus"),
                                                           QStringLiteral("0:1:11")}
                                            << QStringLiteral("empty database") << QString();
    // Input that is not a regular file: a FIFO would block, /dev/zero never ends.
    const QString fifo = dir + QStringLiteral("/fifo.csv");
    QVERIFY(::mkfifo(fifo.toLocal8Bit().constData(), 0600) == 0);
    QTest::newRow("dataset from a fifo")
        << QStringList{QStringLiteral("data"), QStringLiteral("info"), fifo}
        << QStringLiteral("not a regular file") << QString();
    QTest::newRow("model from /dev/zero")
        << QStringList{QStringLiteral("model"), QStringLiteral("info"), QStringLiteral("/dev/zero")}
        << QStringLiteral("not a regular file") << QString();
    QTest::newRow("project that is a fifo")
        << QStringList{QStringLiteral("study"), QStringLiteral("list"), QStringLiteral("--project"),
                       fifo}
        << QStringLiteral("not a regular file") << QString();
}

void TestCli::badInputIsOneLineError()
{
    QFETCH(QStringList, args);
    QFETCH(QString, expected);
    QFETCH(QString, mustNotExist);
    const Run r = frontier(args);
    QCOMPARE(r.exitCode, 1);
    const QString err = QString::fromUtf8(r.err).trimmed();
    QVERIFY2(err.startsWith(QStringLiteral("frontier: ")), qPrintable(err));
    QVERIFY2(!err.contains(QLatin1Char('\n')), qPrintable(err));
    QVERIFY2(err.contains(expected), qPrintable(err));
    if (!mustNotExist.isEmpty())
        QVERIFY(!QFile::exists(mustNotExist));
    // An empty file given as a project stays as it was.
    QCOMPARE(QFileInfo(m_dir.filePath(QStringLiteral("empty.frontier"))).size(), 0);
}

void TestCli::dataInfoMnist()
{
    const Run r = frontier({QStringLiteral("data"), QStringLiteral("info"), QStringLiteral("mnist"),
                            QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject o = json(r);
    QCOMPARE(o.value(QStringLiteral("samples")).toInt(), 10000);
    QCOMPARE(o.value(QStringLiteral("train")).toInt(), 7000);
    QCOMPARE(o.value(QStringLiteral("calibration")).toInt(), 1000);
    QCOMPARE(o.value(QStringLiteral("test")).toInt(), 2000);
    const QJsonArray classes = o.value(QStringLiteral("classes")).toArray();
    QCOMPARE(classes.size(), 10);
    const int expected[] = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
    for (int c = 0; c < 10; ++c)
        QCOMPARE(classes.at(c).toObject().value(QStringLiteral("count")).toInt(), expected[c]);
}

void TestCli::dataInfoCsvWithLabelColumn()
{
    // Any CSV works with --label-column; wine.csv has its label last.
    const QString wine = QString::fromStdString(frontier::test::sharedDatasets())
                         + QStringLiteral("/uci/wine.csv");
    const Run r = frontier({QStringLiteral("data"), QStringLiteral("info"), wine,
                            QStringLiteral("--label-column"), QStringLiteral("last"),
                            QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject o = json(r);
    QCOMPARE(o.value(QStringLiteral("samples")).toInt(), 178);
    QCOMPARE(o.value(QStringLiteral("classes")).toArray().size(), 3);
    QCOMPARE(o.value(QStringLiteral("shape")).toArray().at(0).toInt(), 13);
}

void TestCli::dataPreviewWritesPng()
{
    const QString png = m_dir.filePath(QStringLiteral("grid.png"));
    const Run r = frontier({QStringLiteral("data"), QStringLiteral("preview"),
                            QStringLiteral("optdigits"), QStringLiteral("--out"), png});
    QCOMPARE(r.exitCode, 0);
    QFile f(png);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(f.read(8) == QByteArray("\x89PNG\r\n\x1a\n", 8));

    const Run tabular
        = frontier({QStringLiteral("data"), QStringLiteral("preview"), QStringLiteral("iris"),
                    QStringLiteral("--out"), m_dir.filePath(QStringLiteral("iris.png"))});
    QCOMPARE(tabular.exitCode, 1);
    QVERIFY(tabular.err.contains("not an image dataset"));
    QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("iris.png"))));
}

void TestCli::trainEvalRoundTrip()
{
    m_irisModel = m_dir.filePath(QStringLiteral("iris.fmodel"));
    const Run t
        = frontier({QStringLiteral("train"), QStringLiteral("--recipe"), QStringLiteral("mlp"),
                    QStringLiteral("--dataset"), QStringLiteral("iris"), QStringLiteral("--out"),
                    m_irisModel, QStringLiteral("--json")});
    QCOMPARE(t.exitCode, 0);
    const QJsonObject tj = json(t);
    const double trainAcc = tj.value(QStringLiteral("test_accuracy")).toDouble();
    QVERIFY2(trainAcc >= 0.85, qPrintable(QString::number(trainAcc)));
    QVERIFY(tj.value(QStringLiteral("train_seconds")).toDouble() > 0);
    QVERIFY(QFile::exists(m_irisModel));

    // eval on the same split reproduces the accuracy train reported.
    const Run e
        = frontier({QStringLiteral("eval"), QStringLiteral("--model"), m_irisModel,
                    QStringLiteral("--dataset"), QStringLiteral("iris"), QStringLiteral("--json")});
    QCOMPARE(e.exitCode, 0);
    QCOMPARE(json(e).value(QStringLiteral("accuracy")).toDouble(), trainAcc);

    // Same seed, same model bytes: training is deterministic.
    const QString again = m_dir.filePath(QStringLiteral("iris2.fmodel"));
    QCOMPARE(frontier({QStringLiteral("train"), QStringLiteral("--recipe"), QStringLiteral("mlp"),
                       QStringLiteral("--dataset"), QStringLiteral("iris"), QStringLiteral("--out"),
                       again, QStringLiteral("--threads"), QStringLiteral("1")})
                 .exitCode,
             0);
    QFile a(m_irisModel), b(again);
    QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
    QVERIFY(a.readAll() == b.readAll());
}

void TestCli::evalInputDumpsScores()
{
    QVERIFY(!m_irisModel.isEmpty());
    const std::string x = m_dir.filePath(QStringLiteral("x.npy")).toStdString();
    std::vector<float> values(5 * 4);
    for (size_t i = 0; i < values.size(); ++i)
        values[i] = float(i % 7) - 3.0f;
    frontier::data::writeNpy(x, {5, 4}, values.data());
    const QString scores = m_dir.filePath(QStringLiteral("s.npy"));
    const Run r = frontier({QStringLiteral("eval"), QStringLiteral("--model"), m_irisModel,
                            QStringLiteral("--input"), QString::fromStdString(x),
                            QStringLiteral("--dump-scores"), scores});
    QCOMPARE(r.exitCode, 0);
    const frontier::data::NpyArray s = frontier::data::readNpy(scores.toStdString());
    QCOMPARE(s.shape, (std::vector<int64_t>{5, 3}));
    for (int i = 0; i < 5; ++i) {
        double sum = 0;
        for (int c = 0; c < 3; ++c)
            sum += s.data[size_t(i * 3 + c)];
        QVERIFY(std::abs(sum - 1.0) < 1e-5); // softmax scores
    }

    // A tensor of the wrong shape is refused, and no scores are written.
    const std::string bad = m_dir.filePath(QStringLiteral("bad.npy")).toStdString();
    frontier::data::writeNpy(bad, {5, 3}, values.data());
    const QString scores2 = m_dir.filePath(QStringLiteral("s2.npy"));
    const Run w = frontier({QStringLiteral("eval"), QStringLiteral("--model"), m_irisModel,
                            QStringLiteral("--input"), QString::fromStdString(bad),
                            QStringLiteral("--dump-scores"), scores2});
    QCOMPARE(w.exitCode, 1);
    QVERIFY(w.err.contains("bad.npy"));
    QVERIFY(!QFile::exists(scores2));

    // A calibration tensor holding a NaN is refused, naming it.
    const std::string nan = m_dir.filePath(QStringLiteral("nan.npy")).toStdString();
    std::vector<float> withNan = values;
    withNan[7] = std::nanf("");
    frontier::data::writeNpy(nan, {5, 4}, withNan.data());
    const Run c = frontier({QStringLiteral("eval"), QStringLiteral("--model"), m_irisModel,
                            QStringLiteral("--input"), QString::fromStdString(x),
                            QStringLiteral("--format"), QStringLiteral("int8"),
                            QStringLiteral("--calibration"), QString::fromStdString(nan)});
    QCOMPARE(c.exitCode, 1);
    QVERIFY2(c.err.contains("nan.npy") && c.err.contains("non-finite") && c.err.count('\n') == 1,
             c.err.constData());
}

void TestCli::modelInfoTable()
{
    QVERIFY(!m_irisModel.isEmpty());
    const Run r = frontier(
        {QStringLiteral("model"), QStringLiteral("info"), m_irisModel, QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject o = json(r);
    const QJsonArray layers = o.value(QStringLiteral("layers")).toArray();
    QVERIFY(layers.size() >= 3);
    double macs = 0, params = 0;
    for (const QJsonValue &l : layers) {
        macs += l.toObject().value(QStringLiteral("macs")).toDouble();
        params += l.toObject().value(QStringLiteral("params")).toDouble();
    }
    const QJsonObject total = o.value(QStringLiteral("total")).toObject();
    QCOMPARE(total.value(QStringLiteral("macs")).toDouble(), macs);
    QCOMPARE(total.value(QStringLiteral("params")).toDouble(), params);
    QVERIFY(macs > 0);
    const Run text = frontier({QStringLiteral("model"), QStringLiteral("info"), m_irisModel});
    QCOMPARE(text.exitCode, 0);
    QVERIFY(text.out.contains("dense"));
    QVERIFY(text.out.contains("total"));
}

void TestCli::corruptModelIsRejected()
{
    QVERIFY(!m_irisModel.isEmpty());
    QFile f(m_irisModel);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QByteArray bytes = f.readAll();
    f.close();
    const QString cut = m_dir.filePath(QStringLiteral("cut.fmodel"));
    QFile c(cut);
    QVERIFY(c.open(QIODevice::WriteOnly));
    c.write(bytes.left(bytes.size() * 2 / 3));
    c.close();
    const Run r = frontier({QStringLiteral("model"), QStringLiteral("info"), cut});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("cut.fmodel"), r.err.constData());
}

void TestCli::importOnnx()
{
    const QString fixtures = QStringLiteral(FRONTIER_SOURCE_DIR "/tests/model/onnx/fixtures/");
    const QString out = m_dir.filePath(QStringLiteral("lenet.fmodel"));
    const Run r = frontier({QStringLiteral("import"), fixtures + QStringLiteral("lenet.onnx"),
                            QStringLiteral("--out"), out, QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject o = json(r);
    QCOMPARE(o.value(QStringLiteral("ops")).toObject().value(QStringLiteral("conv2d")).toInt(), 2);
    QVERIFY(o.value(QStringLiteral("layers")).toArray().size() >= 8);
    QVERIFY(QFile::exists(out));

    // Garbage in: one line naming the file, nothing written.
    QFile bad(m_dir.filePath(QStringLiteral("garbage.onnx")));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write(QByteArray(300, '\x07'));
    bad.close();
    const QString never = m_dir.filePath(QStringLiteral("garbage.fmodel"));
    const Run g
        = frontier({QStringLiteral("import"), bad.fileName(), QStringLiteral("--out"), never});
    QCOMPARE(g.exitCode, 1);
    QVERIFY2(g.err.contains("garbage.onnx"), g.err.constData());
    QVERIFY(!QFile::exists(never));
}

void TestCli::evalOnnxDumpsExporterOutputs()
{
    // eval accepts .onnx directly; its dumped scores match the exporter's own outputs.
    const QString fixtures = QStringLiteral(FRONTIER_SOURCE_DIR "/tests/model/onnx/fixtures/");
    const QString scores = m_dir.filePath(QStringLiteral("lenet.scores.npy"));
    const Run r = frontier({QStringLiteral("eval"), QStringLiteral("--model"),
                            fixtures + QStringLiteral("lenet.onnx"), QStringLiteral("--input"),
                            fixtures + QStringLiteral("lenet.input.npy"),
                            QStringLiteral("--dump-scores"), scores});
    QCOMPARE(r.exitCode, 0);
    const auto ours = frontier::data::readNpy(scores.toStdString());
    const auto theirs = frontier::data::readNpy(
        QString(fixtures + QStringLiteral("lenet.expected.npy")).toStdString());
    QCOMPARE(ours.shape, theirs.shape);
    double norm = 1;
    for (float v : theirs.data)
        norm = std::max(norm, double(std::abs(v)));
    for (size_t i = 0; i < ours.data.size(); ++i)
        QVERIFY(std::abs(double(ours.data[i]) - theirs.data[i]) <= 1e-5 * norm);
}

// bench --json with an sc variant on every path the CPU has: one popcount limit per path,
// measured on that path (portable's is the slowest), and every sc row names a path that
// has one.
void TestCli::benchPopcountLimitPerPath()
{
    const Run r = frontier(
        {QStringLiteral("bench"), QStringLiteral("--isa"), QStringLiteral("all"),
         QStringLiteral("--seconds"), QStringLiteral("0.02"), QStringLiteral("--threads"),
         QStringLiteral("1"), QStringLiteral("--batch"), QStringLiteral("16"),
         QStringLiteral("--formats"), QStringLiteral("sc6"), QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject o = json(r);
    QVERIFY(!o.contains(QStringLiteral("popcount_bits_per_s_per_core")));
    QMap<QString, double> limits;
    for (const QJsonValue &v : o.value(QStringLiteral("popcount_limit")).toArray()) {
        const QJsonObject l = v.toObject();
        QVERIFY(l.value(QStringLiteral("bits_per_s_per_core")).toDouble() > 0);
        limits.insert(l.value(QStringLiteral("isa")).toString(),
                      l.value(QStringLiteral("bits_per_s_per_core")).toDouble());
    }
    QSet<QString> paths;
    for (const QJsonValue &v : o.value(QStringLiteral("results")).toArray()) {
        const QJsonObject row = v.toObject();
        paths.insert(row.value(QStringLiteral("isa")).toString());
        if (row.value(QStringLiteral("format")).toString() == QLatin1String("sc6")) {
            QVERIFY(row.value(QStringLiteral("bit_ops_per_s")).toDouble() > 0);
            QVERIFY(limits.contains(row.value(QStringLiteral("isa")).toString()));
        }
    }
    QCOMPARE(QSet<QString>(limits.keyBegin(), limits.keyEnd()), paths);
    QVERIFY(paths.contains(QStringLiteral("portable")));
    for (auto it = limits.cbegin(); it != limits.cend(); ++it)
        QVERIFY2(it.value() >= limits.value(QStringLiteral("portable")), qPrintable(it.key()));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"

// The npz plugin: NumPy .npz archives as datasets, loaded from the build's plugin folder,
// against the same MNIST samples read by the built-in IDX loader; damaged archives give
// one-line errors naming the file.

#include "npzwriter.h"

#include "plugin/pluginloader.h"

#include "common/error.h"
#include "data/idxloader.h"
#include "data/loadedset.h"

#include "pluginrun.h"
#include "testutil.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

using namespace frontier;

namespace {

using test::frontierRun;
using test::Run;

} // namespace

class TestNpz : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void kerasLayoutMatchesIdx_data();
    void kerasLayoutMatchesIdx();
    void tabularXY();
    void trainsAndEvaluatesFromTheCommandLine();
    void damagedArchives_data();
    void damagedArchives();
    void withoutThePlugin();

private:
    std::string write(const std::string &name, const std::vector<test::ZipMember> &members,
                      bool deflate = true);

    QTemporaryDir m_dir;
    data::Dataset m_mnist; // the first 1000 test images, as the IDX loader reads them
    std::vector<uint8_t> m_pixels;
    std::vector<int64_t> m_labels;
};

std::string TestNpz::write(const std::string &name, const std::vector<test::ZipMember> &members,
                           bool deflate)
{
    const std::string path = m_dir.filePath(QString::fromStdString(name)).toStdString();
    test::writeBytes(path, test::zipBytes(members, deflate));
    return path;
}

void TestNpz::initTestCase()
{
    const std::vector<plugin::PluginRecord> records
        = plugin::loadPluginsFrom({FRONTIER_PLUGINS_DIR});
    bool npz = false;
    for (const plugin::PluginRecord &r : records)
        npz = npz || (r.name == "npz" && r.loaded);
    QVERIFY2(npz, "the npz plugin did not load from " FRONTIER_PLUGINS_DIR);

    const std::string mnist = test::sharedDatasets() + "/mnist";
    const data::Dataset all
        = data::loadIdx(mnist + "/t10k-images-idx3-ubyte.gz", mnist + "/t10k-labels-idx1-ubyte.gz");
    std::vector<int> first(1000);
    for (int i = 0; i < 1000; ++i)
        first[size_t(i)] = i;
    m_mnist = all.subset(first);
    for (float v : m_mnist.x) {
        QVERIFY(v >= 0 && v <= 255 && v == std::floor(v));
        m_pixels.push_back(uint8_t(v));
    }
    m_labels.assign(m_mnist.y.begin(), m_mnist.y.end());
}

void TestNpz::kerasLayoutMatchesIdx_data()
{
    QTest::addColumn<bool>("deflate");
    QTest::addColumn<bool>("channelsLast");
    QTest::newRow("savez_compressed, (N, 28, 28)") << true << false;
    QTest::newRow("savez, (N, 28, 28, 1)") << false << true;
}

void TestNpz::kerasLayoutMatchesIdx()
{
    QFETCH(bool, deflate);
    QFETCH(bool, channelsLast);
    const size_t image = 28 * 28;
    auto shape = [&](int64_t n) {
        return channelsLast ? std::vector<int64_t>{n, 28, 28, 1} : std::vector<int64_t>{n, 28, 28};
    };
    const std::string path
        = write(deflate ? "mnist-z.npz" : "mnist.npz",
                {{"x_train.npy", test::npyBytes("|u1", shape(600), m_pixels.data(), 600 * image)},
                 {"y_train.npy", test::npyBytes("<i8", {600}, m_labels.data(), 600 * 8)},
                 {"x_test.npy",
                  test::npyBytes("|u1", shape(400), m_pixels.data() + 600 * image, 400 * image)},
                 {"y_test.npy", test::npyBytes("<i8", {400}, m_labels.data() + 600, 400 * 8)}},
                deflate);
    const data::LoadedSet set = data::loadPath(path, {});
    QCOMPARE(set.data.shape, std::vector<int>({1, 28, 28}));
    QCOMPARE(set.data.size(), 1000);
    QVERIFY(set.data.x == m_mnist.x); // bit for bit the IDX loader's samples
    QVERIFY(set.data.y == m_mnist.y);
    QCOMPARE(set.data.numClasses(), 10);
    QCOMPARE(set.split, data::LoadedSet::Split::TrainTest);
    QCOMPARE(set.trainCount, 600);
    QCOMPARE(set.defaultNormalization, std::string("x/255"));
    QCOMPARE(set.data.contentHash.size(), size_t(64)); // the file's SHA-256
}

void TestNpz::tabularXY()
{
    std::vector<float> x = {0.5f, 1.5f, -2.0f, 3.0f, 4.0f, 5.0f};
    std::vector<int32_t> y = {1, 0, 2};
    const std::string path = write("tab.npz",
                                   {{"x.npy", test::npyBytes("<f4", {3, 2}, x.data(), 24)},
                                    {"y.npy", test::npyBytes("<i4", {3}, y.data(), 12)}},
                                   false);
    const data::LoadedSet set = data::loadPath(path, {});
    QCOMPARE(set.data.shape, std::vector<int>({2}));
    QVERIFY(set.data.x == x);
    QCOMPARE(set.data.y, std::vector<int>({1, 0, 2}));
    QCOMPARE(set.data.numClasses(), 3);
    QCOMPARE(set.split, data::LoadedSet::Split::Stratified);
    QCOMPARE(set.defaultNormalization, std::string("per-feature"));
}

void TestNpz::trainsAndEvaluatesFromTheCommandLine()
{
    // 1000 MNIST images as an .npz file: train, then evaluate, like any dataset file.
    std::vector<int64_t> shape = {1000, 28, 28};
    const std::string path = write(
        "mnist1000.npz", {{"x.npy", test::npyBytes("|u1", shape, m_pixels.data(), m_pixels.size())},
                          {"y.npy", test::npyBytes("<i8", {1000}, m_labels.data(), 8000)}});
    const QString plugins = QStringLiteral(FRONTIER_PLUGINS_DIR);
    const Run info = frontierRun({QStringLiteral("data"), QStringLiteral("info"),
                                  QString::fromStdString(path), QStringLiteral("--json")},
                                 plugins);
    QVERIFY2(info.exitCode == 0, info.err.constData());
    const QJsonObject o = QJsonDocument::fromJson(info.out).object();
    QVERIFY2(info.out.contains("1000"), info.out.constData());
    QVERIFY(!o.isEmpty());
    const QString model = m_dir.filePath(QStringLiteral("m.fmodel"));
    const Run train = frontierRun(
        {QStringLiteral("train"), QStringLiteral("--recipe"), QStringLiteral("mlp"),
         QStringLiteral("--dataset"), QString::fromStdString(path), QStringLiteral("--epochs"),
         QStringLiteral("3"), QStringLiteral("--out"), model, QStringLiteral("--json"),
         QStringLiteral("--threads"), QStringLiteral("2")},
        plugins);
    QVERIFY2(train.exitCode == 0, train.err.constData());
    const double accuracy = QJsonDocument::fromJson(train.out)
                                .object()
                                .value(QStringLiteral("test_accuracy"))
                                .toDouble();
    QVERIFY2(accuracy > 0.8, train.out.constData()); // 3 epochs on 700 digits
    const Run eval = frontierRun({QStringLiteral("eval"), QStringLiteral("--model"), model,
                                  QStringLiteral("--dataset"), QString::fromStdString(path),
                                  QStringLiteral("--json")},
                                 plugins);
    QVERIFY2(eval.exitCode == 0, eval.err.constData());
}

void TestNpz::damagedArchives_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("reason");
    std::vector<float> x(12, 1.0f);
    std::vector<int64_t> y = {0, 1, 0};
    const std::vector<uint8_t> good
        = test::zipBytes({{"x.npy", test::npyBytes("<f4", {3, 4}, x.data(), 48)},
                          {"y.npy", test::npyBytes("<i8", {3}, y.data(), 24)}},
                         true);
    auto bytes = [](const std::vector<uint8_t> &b) {
        return QByteArray(reinterpret_cast<const char *>(b.data()), qsizetype(b.size()));
    };
    QTest::newRow("truncated") << bytes(good).left(good.size() / 2)
                               << QStringLiteral("no end-of-central-directory record");
    std::vector<uint8_t> flipped = good;
    flipped[40] ^= 0x55; // inside the first member's compressed data
    QTest::newRow("damaged data") << bytes(flipped) << QStringLiteral("x.npy");
    QTest::newRow("not a zip") << QByteArray("x,y\n1,2\n") << QStringLiteral("not a zip archive");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("not a zip archive");
    QTest::newRow("object array") << bytes(
        test::zipBytes({{"x.npy", test::npyBytes("|O", {3}, y.data(), 24)}}, false))
                                  << QStringLiteral("object arrays (pickles) are not read");
    QTest::newRow("no samples array")
        << bytes(test::zipBytes({{"a.npy", test::npyBytes("<f4", {3, 4}, x.data(), 48)},
                                 {"b.npy", test::npyBytes("<f4", {3, 4}, x.data(), 48)}},
                                false))
        << QStringLiteral("has no samples array");
    QTest::newRow("labels count") << bytes(
        test::zipBytes({{"x.npy", test::npyBytes("<f4", {3, 4}, x.data(), 48)},
                        {"y.npy", test::npyBytes("<i8", {2}, y.data(), 16)}},
                       false)) << QStringLiteral("has 2 entries for 3 samples");
    QTest::newRow("short array data")
        << bytes(test::zipBytes({{"x.npy", test::npyBytes("<f4", {3, 4}, x.data(), 40)}}, false))
        << QStringLiteral("needs 48 bytes of data");
    std::vector<float> nan = x;
    nan[5] = NAN;
    QTest::newRow("not finite") << bytes(
        test::zipBytes({{"x.npy", test::npyBytes("<f4", {3, 4}, nan.data(), 48)}}, false))
                                << QStringLiteral("element 5 is not a finite float32 value");
}

void TestNpz::damagedArchives()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, reason);
    const QString path = m_dir.filePath(QStringLiteral("bad.npz"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
    f.close();
    try {
        data::loadPath(path.toStdString(), {});
        QFAIL("no error");
    } catch (const Error &e) {
        const QString what = QString::fromUtf8(e.what());
        QVERIFY2(what.startsWith(path), qPrintable(what));
        QVERIFY2(what.contains(reason), qPrintable(what));
        QVERIFY2(what.contains(QStringLiteral("plugin npz")), qPrintable(what));
    }
    const Run r = frontierRun({QStringLiteral("data"), QStringLiteral("info"), path},
                              QStringLiteral(FRONTIER_PLUGINS_DIR));
    QCOMPARE(r.exitCode, 1);
    const QString err = QString::fromUtf8(r.err.trimmed());
    QCOMPARE(err.count(QLatin1Char('\n')), 0);
    QVERIFY2(err.contains(path) && err.contains(reason), qPrintable(err));
}

void TestNpz::withoutThePlugin()
{
    std::vector<float> x(4, 1.0f);
    const std::string path
        = write("lonely.npz", {{"x.npy", test::npyBytes("<f4", {2, 2}, x.data(), 16)}});
    const Run r = frontierRun(
        {QStringLiteral("data"), QStringLiteral("info"), QString::fromStdString(path)},
        m_dir.filePath(QStringLiteral("nothing")));
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("unknown dataset file type"), r.err.constData());
    QVERIFY2(!r.err.contains("plugin npz"), r.err.constData()); // no loader for it is listed
}

QTEST_GUILESS_MAIN(TestNpz)
#include "tst_npz.moc"

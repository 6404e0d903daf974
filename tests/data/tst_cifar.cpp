#include "data/catalog.h"
#include "data/cifarloader.h"

#include "datatestutil.h"
#include "testutil.h"

using namespace frontier::data;
using frontier::test::writeBytes;

namespace {

// `n` records; record r has label labels[r % labels.size()] and pixels (r + k) % 256.
std::vector<uint8_t> batch(int n, const std::vector<uint8_t> &labels)
{
    std::vector<uint8_t> out;
    for (int r = 0; r < n; ++r) {
        out.push_back(labels[size_t(r) % labels.size()]);
        for (int k = 0; k < 3072; ++k)
            out.push_back(uint8_t((r + k) % 256));
    }
    return out;
}

} // namespace

class TestCifar : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void loadsRecords()
    {
        QTemporaryDir tmp;
        const QString path = tmp.filePath("data_batch_1.bin");
        writeBytes(path, batch(4, {3, 9}));
        const Dataset d = loadCifar10(path.toStdString());
        QCOMPARE(d.size(), 4);
        QCOMPARE(d.shape, (std::vector<int>{3, 32, 32}));
        QCOMPARE(d.y, (std::vector<int>{3, 9, 3, 9}));
        QCOMPARE(d.classNames.size(), size_t(10));
        QCOMPARE(d.classNames[0], std::string("airplane"));
        QCOMPARE(d.classNames[9], std::string("truck"));
        // Planes in file order: R then G then B, row-major.
        QCOMPARE(d.sample(2)[0], 2.0f);
        QCOMPARE(d.sample(2)[1024], float((2 + 1024) % 256));
        QCOMPARE(d.sample(2)[3071], float((2 + 3071) % 256));
        QCOMPARE(d.contentHash.size(), size_t(64));
    }

    void corrupt_data()
    {
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<QStringList>("fragments");
        auto raw = [](const std::vector<uint8_t> &v) {
            return QByteArray(reinterpret_cast<const char *>(v.data()), qsizetype(v.size()));
        };
        std::vector<uint8_t> truncated = batch(3, {1});
        truncated.resize(truncated.size() - 100);
        QTest::newRow("truncated")
            << raw(truncated)
            << QStringList{"size 9119 bytes", "not a multiple of the 3073-byte",
                           "2973 bytes left over"};
        std::vector<uint8_t> extra = batch(2, {1});
        extra.push_back(0);
        QTest::newRow("one byte too many")
            << raw(extra) << QStringList{"not a multiple", "1 bytes left over"};
        QTest::newRow("foreign file")
            << QByteArray("hello, world\n") << QStringList{"not a multiple"};
        QTest::newRow("label out of range")
            << raw(batch(3, {1, 10}))
            << QStringList{"record 1 (byte offset 3073)", "label 10 is outside 0..9"};
        QTest::newRow("empty") << QByteArray() << QStringList{"empty file"};
    }

    void corrupt()
    {
        QFETCH(QByteArray, file);
        QFETCH(QStringList, fragments);
        QTemporaryDir tmp;
        const QString path = tmp.filePath("data_batch_1.bin");
        writeBytes(path, std::vector<uint8_t>(file.begin(), file.end()));
        fragments << path;
        FRONTIER_VERIFY_ERROR(loadCifar10(path.toStdString()), (fragments));
    }

    void findsBatches()
    {
        QTemporaryDir tmp;
        for (const char *name :
             {"data_batch_10.bin", "data_batch_2.bin", "test_batch.bin", "batches.meta.txt"})
            writeBytes(tmp.filePath(QLatin1String(name)), batch(1, {0}));
        frontier::test::writeGzip(tmp.filePath("data_batch_2.bin.gz"), batch(1, {0}));
        frontier::test::writeGzip(tmp.filePath("data_batch_3.bin.gz"), batch(1, {0}));
        const CifarFiles files = findCifar10Files(tmp.path().toStdString());
        QCOMPARE(files.train.size(), size_t(3));
        QVERIFY(files.train[0].ends_with("data_batch_2.bin")); // raw beats its .gz copy
        QVERIFY(files.train[1].ends_with("data_batch_3.bin.gz"));
        QVERIFY(files.train[2].ends_with("data_batch_10.bin")); // numeric order
        QVERIFY(files.test.ends_with("test_batch.bin"));

        QTemporaryDir empty;
        FRONTIER_VERIFY_ERROR(findCifar10Files(empty.path().toStdString()),
                              ({empty.path(), "no CIFAR-10 binary batches"}));
    }

    void prepareFolder()
    {
        // A folder path: official split (the data batches train, test_batch test).
        QTemporaryDir tmp;
        writeBytes(tmp.filePath("data_batch_1.bin"), batch(30, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
        writeBytes(tmp.filePath("data_batch_2.bin"), batch(20, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
        writeBytes(tmp.filePath("test_batch.bin"), batch(7, {5}));
        LoadOptions options;
        options.calibrationFraction = 0.2;
        const PreparedData p = prepare(tmp.path().toStdString(), options);
        QCOMPARE(p.train.size(), 40);
        QCOMPARE(p.calibration.size(), 10);
        QCOMPARE(p.test.size(), 7);
        QCOMPARE(p.test.classCounts()[5], 7);
        QCOMPARE(p.calibration.classCounts(), std::vector<int>(10, 1));
        QCOMPARE(p.normalization.kind, frontier::Normalization::Kind::Global);
        QCOMPARE(p.normalization.scale[0], 1.0f / 255.0f);
        QCOMPARE(p.test.sample(0)[1], 1.0f / 255.0f);
        QVERIFY(
            QString::fromStdString(p.description).contains(QLatin1String("official train/test")));
    }
};

QTEST_GUILESS_MAIN(TestCifar)
#include "tst_cifar.moc"

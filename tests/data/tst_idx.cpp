#include "data/idxloader.h"

#include "common/fileutil.h"

#include "datatestutil.h"
#include "testutil.h"

#include <QCryptographicHash>
#include <QDir>

using namespace frontier::data;
using frontier::test::writeBytes;
using frontier::test::writeGzip;

namespace {

void put32(std::vector<uint8_t> &v, uint32_t x)
{
    for (int s = 24; s >= 0; s -= 8)
        v.push_back(uint8_t(x >> s));
}

std::vector<uint8_t> idxImages(uint32_t n, uint32_t rows, uint32_t cols)
{
    std::vector<uint8_t> v;
    put32(v, 2051);
    put32(v, n);
    put32(v, rows);
    put32(v, cols);
    for (uint32_t i = 0; i < n * rows * cols; ++i)
        v.push_back(uint8_t(i * 7));
    return v;
}

std::vector<uint8_t> idxLabels(const std::vector<uint8_t> &labels)
{
    std::vector<uint8_t> v;
    put32(v, 2049);
    put32(v, uint32_t(labels.size()));
    v.insert(v.end(), labels.begin(), labels.end());
    return v;
}

QString mnistDir()
{
    return QString::fromStdString(frontier::test::sharedDatasets()) + QStringLiteral("/mnist");
}

} // namespace

class TestIdx : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void realMnistTestSet()
    {
        const std::string images = mnistDir().toStdString() + "/t10k-images-idx3-ubyte.gz";
        const std::string labels = mnistDir().toStdString() + "/t10k-labels-idx1-ubyte.gz";
        if (!frontier::fileExists(images))
            QSKIP("the shared MNIST files are not available");
        const Dataset d = loadIdx(images, labels);
        QCOMPARE(d.size(), 10000);
        QCOMPARE(d.shape, (std::vector<int>{1, 28, 28}));
        QCOMPARE(d.numClasses(), 10);
        QCOMPARE(d.classCounts(),
                 (std::vector<int>{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}));
        QCOMPARE(d.y.front(), 7); // the first test digit is a 7
        const auto [lo, hi] = std::minmax_element(d.x.begin(), d.x.end());
        QCOMPARE(*lo, 0.0f);
        QCOMPARE(*hi, 255.0f);
        QCOMPARE(d.contentHash.size(), size_t(64));

        // The gzip layer: the README's size and md5 of the uncompressed images file.
        const std::vector<uint8_t> raw = frontier::readMaybeGzip(images);
        QCOMPARE(raw.size(), size_t(7840016));
        QCOMPARE(QCryptographicHash::hash(QByteArrayView(raw.data(), qsizetype(raw.size())),
                                          QCryptographicHash::Md5)
                     .toHex(),
                 QByteArray("2646ac647ad5339dbf082846283269ea"));

        // A raw copy hashes like the gzip one (the hash is of the decoded content).
        QTemporaryDir tmp;
        writeBytes(tmp.filePath("t10k-images-idx3-ubyte"), raw);
        writeBytes(tmp.filePath("t10k-labels-idx1-ubyte"), frontier::readMaybeGzip(labels));
        const Dataset copy = loadIdxFolder(tmp.path().toStdString());
        QCOMPARE(copy.contentHash, d.contentHash);
        QCOMPARE(copy.x, d.x);
        QCOMPARE(copy.y, d.y);
    }

    void sharedFolder()
    {
        if (!QDir(mnistDir()).exists())
            QSKIP("the shared MNIST files are not available");
        const std::vector<IdxPair> pairs = findIdxPairs(mnistDir().toStdString());
        QCOMPARE(pairs.size(), size_t(1));
        QCOMPARE(pairs[0].prefix, std::string("t10k"));
        QVERIFY(pairs[0].labels.find("t10k-labels-idx1-ubyte.gz") != std::string::npos);
    }

    void folderPairs()
    {
        QTemporaryDir tmp;
        writeBytes(tmp.filePath("t10k-images-idx3-ubyte"), idxImages(3, 4, 5));
        writeGzip(tmp.filePath("t10k-labels-idx1-ubyte.gz"), idxLabels({1, 2, 3}));
        writeGzip(tmp.filePath("train-images-idx3-ubyte.gz"), idxImages(2, 4, 5));
        writeBytes(tmp.filePath("train-labels-idx1-ubyte"), idxLabels({4, 5}));
        const std::vector<IdxPair> pairs = findIdxPairs(tmp.path().toStdString());
        QCOMPARE(pairs.size(), size_t(2));
        QCOMPARE(pairs[0].prefix, std::string("train"));
        QCOMPARE(pairs[1].prefix, std::string("t10k"));
        const Dataset d = loadIdxFolder(tmp.path().toStdString());
        QCOMPARE(d.size(), 5);
        QCOMPARE(d.shape, (std::vector<int>{1, 4, 5}));
        QCOMPARE(d.y, (std::vector<int>{4, 5, 1, 2, 3}));
    }

    void kaggleNames()
    {
        // The Kaggle copies name their files "train-images.idx3-ubyte".
        QTemporaryDir tmp;
        writeBytes(tmp.filePath("train-images.idx3-ubyte"), idxImages(2, 3, 3));
        writeBytes(tmp.filePath("train-labels.idx1-ubyte"), idxLabels({7, 8}));
        const std::string images = tmp.filePath("train-images.idx3-ubyte").toStdString();
        QCOMPARE(idxLabelsFor(images), tmp.filePath("train-labels.idx1-ubyte").toStdString());
        QCOMPARE(idxLabelsFor(tmp.filePath("digits.idx").toStdString()), std::string());
        const std::vector<IdxPair> pairs = findIdxPairs(tmp.path().toStdString());
        QCOMPARE(pairs.size(), size_t(1));
        QCOMPARE(pairs[0].prefix, std::string("train"));
        QCOMPARE(loadIdxFolder(tmp.path().toStdString()).y, (std::vector<int>{7, 8}));
    }

    void folderErrors()
    {
        QTemporaryDir tmp;
        FRONTIER_VERIFY_ERROR(findIdxPairs(tmp.path().toStdString()),
                              ({tmp.path(), "no IDX images file"}));
        writeBytes(tmp.filePath("train-images-idx3-ubyte"), idxImages(2, 4, 5));
        FRONTIER_VERIFY_ERROR(findIdxPairs(tmp.path().toStdString()),
                              ({tmp.path(), "train-images-idx3-ubyte", "no labels file"}));
        FRONTIER_VERIFY_ERROR(findIdxPairs(tmp.filePath("nope").toStdString()),
                              ({"nope", "no such folder"}));
    }

    void unlabelled()
    {
        QTemporaryDir tmp;
        writeBytes(tmp.filePath("x.idx"), idxImages(3, 2, 2));
        const Dataset d = loadIdx(tmp.filePath("x.idx").toStdString(), "");
        QCOMPARE(d.size(), 3);
        QVERIFY(!d.hasLabels());
        QCOMPARE(d.sample(1)[0], float(uint8_t(4 * 7)));
    }

    void corrupt_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<bool>("blameLabels"); // which file the message must name
        QTest::addColumn<QStringList>("fragments");
        auto row = [](const char *kind, bool labels, QStringList fragments) {
            QTest::newRow(kind) << QString::fromLatin1(kind) << labels << fragments;
        };
        row("foreign magic", false, {"bad magic number 0x47494638", "expected 2051"});
        row("wrong data type", false, {"bad magic number 0x00000903", "unsigned-byte"});
        row("labels bad magic", true, {"bad magic number", "expected 2049"});
        row("swapped files", false, {"bad magic number 0x00000801", "swapped"});
        row("wrong rank", false, {"bad magic number 0x00000802", "2 dimensions"});
        row("truncated images", false, {"truncated IDX data", "7830 bytes", "needs 7856"});
        row("trailing bytes", false, {"5 bytes after the 10 items"});
        row("truncated header", false, {"truncated IDX header", "10 bytes"});
        row("tiny file", false, {"only 2 bytes"});
        row("zero rows", false, {"bad IDX dimension 1: 0"});
        row("count mismatch", true, {"has 9 labels", "10 images"});
        row("label out of range", true, {"label 12 of item 3", "byte offset 11", "0..9"});
        row("truncated labels", true, {"truncated IDX data"});
        row("truncated gzip", false, {"truncated gzip data"});
        row("missing file", true, {"no such file"});
    }

    void corrupt()
    {
        QFETCH(QString, kind);
        QFETCH(bool, blameLabels);
        QFETCH(QStringList, fragments);
        QTemporaryDir tmp;
        QString images = tmp.filePath("img-images-idx3-ubyte");
        QString labels = tmp.filePath("img-labels-idx1-ubyte");
        std::vector<uint8_t> img = idxImages(10, 28, 28);
        std::vector<uint8_t> lab = idxLabels({0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        if (kind == "foreign magic") {
            img[0] = 'G', img[1] = 'I', img[2] = 'F', img[3] = '8';
        } else if (kind == "wrong data type") {
            img[2] = 0x09;
        } else if (kind == "labels bad magic") {
            lab[3] = 0x05;
        } else if (kind == "swapped files") {
            std::swap(img, lab);
        } else if (kind == "wrong rank") {
            img[3] = 2;
        } else if (kind == "truncated images") {
            img.resize(img.size() - 26);
        } else if (kind == "trailing bytes") {
            img.insert(img.end(), 5, 0);
        } else if (kind == "truncated header") {
            img.resize(10);
        } else if (kind == "tiny file") {
            img.resize(2);
        } else if (kind == "zero rows") {
            img[11] = 0;
            img.resize(16);
        } else if (kind == "count mismatch") {
            lab = idxLabels({0, 1, 2, 3, 4, 5, 6, 7, 8});
        } else if (kind == "label out of range") {
            lab[8 + 3] = 12;
        } else if (kind == "truncated labels") {
            lab.pop_back();
        }
        if (kind == "truncated gzip") {
            images += ".gz";
            writeGzip(images, img);
            std::vector<uint8_t> gz = frontier::test::readBytes(images);
            gz.resize(gz.size() / 2);
            writeBytes(images, gz);
        } else {
            writeBytes(images, img);
        }
        if (kind == "missing file")
            labels += "-missing";
        else
            writeBytes(labels, lab);
        QStringList expected = fragments;
        expected << (blameLabels ? labels : images);
        FRONTIER_VERIFY_ERROR(loadIdx(images.toStdString(), labels.toStdString()), (expected));
    }
};

QTEST_GUILESS_MAIN(TestIdx)
#include "tst_idx.moc"

#include "common/error.h"
#include "common/fileutil.h"
#include "common/normalization.h"
#include "common/random.h"

#include "testutil.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <zlib.h>

using namespace frontier;

class TestCommon : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void randomIsReproducible();
    void randomBelowIsInRange();
    void randomNormalMoments();
    void errorIsOneLine();
    void gzipRoundTrip();
    void gzipTruncatedIsAnError();
    void gzipTrailingDataIsAnError();
    void atomicWriteLeavesNoTempFile();
    void normalizationPerFeature();
};

void TestCommon::randomIsReproducible()
{
    Random a(42), b(42), c(43);
    // Fixed reference values: a change of generator would silently change every
    // dataset and split, so pin the first output.
    const uint64_t first = a.next();
    QCOMPARE(first, b.next());
    QVERIFY(first != c.next());
    Random d(42);
    QCOMPARE(d.next(), first);
    QCOMPARE(Random(7).split(3).next(), Random(7).split(3).next());
    QVERIFY(Random(7).split(3).next() != Random(7).split(4).next());
}

void TestCommon::randomBelowIsInRange()
{
    Random r(1);
    std::vector<int> counts(7, 0);
    for (int i = 0; i < 70000; ++i) {
        const int64_t v = r.below(7);
        QVERIFY(v >= 0 && v < 7);
        ++counts[size_t(v)];
    }
    for (int c : counts)
        QVERIFY2(c > 9500 && c < 10500, qPrintable(QString::number(c)));
}

void TestCommon::randomNormalMoments()
{
    Random r(5);
    double sum = 0, sum2 = 0;
    const int n = 200000;
    for (int i = 0; i < n; ++i) {
        const double v = r.normal();
        sum += v;
        sum2 += v * v;
    }
    QVERIFY(std::abs(sum / n) < 0.01);
    QVERIFY(std::abs(sum2 / n - 1.0) < 0.02);
}

void TestCommon::errorIsOneLine()
{
    const Error e("file.csv", "row 3\ncolumn 2: bad");
    QCOMPARE(std::string(e.what()), std::string("file.csv: row 3 column 2: bad"));
    QCOMPARE(e.where(), std::string("file.csv"));

    // Raw values echoed from a hostile file: control bytes, NUL, DEL and invalid UTF-8 are
    // escaped (the message does not end at the NUL), valid UTF-8 is kept, and a long quoted
    // value is cut; apostrophes inside words do not count as quotes.
    const std::string raw = std::string("a\x01"
                                        "b")
                            + '\0' + "c\x7f\xff\xc3(\xe2\x82" + "µs";
    const Error hostile("x.csv", "cell '" + raw + "' is not a number");
    const std::string what = hostile.what();
    QCOMPARE(what, std::string("x.csv: cell 'a\\x01b\\x00c\\x7f\\xff\\xc3(\\xe2\\x82µs' is "
                               "not a number"));
    QCOMPARE(std::strlen(hostile.what()), what.size());
    const std::string longValue(500, 'x');
    const Error flood("x.csv", "the preset's key 'name': '" + longValue + "' is unknown");
    const std::string cut = flood.what();
    QVERIFY2(cut.size() < 160, cut.c_str());
    QVERIFY(cut.find(std::string(80, 'x') + "…'") != std::string::npos);
    QVERIFY(cut.find(std::string(81, 'x')) == std::string::npos);
    QVERIFY2(cut.rfind("x.csv: the preset's key 'name': '", 0) == 0, cut.c_str());
    QVERIFY(cut.find("' is unknown") != std::string::npos);
    // A long message with no quoted value is kept whole.
    const std::string list(300, 'y');
    QCOMPARE(std::string(Error("f", list).what()), "f: " + list);
}

static QByteArray gzipBytes(const QByteArray &plain)
{
    z_stream zs{};
    deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    QByteArray out(int(deflateBound(&zs, uLong(plain.size()))) + 64, 0);
    zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(plain.data()));
    zs.avail_in = uInt(plain.size());
    zs.next_out = reinterpret_cast<Bytef *>(out.data());
    zs.avail_out = uInt(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(int(zs.total_out));
    deflateEnd(&zs);
    return out;
}

void TestCommon::gzipRoundTrip()
{
    QTemporaryDir dir;
    QByteArray plain;
    for (int i = 0; i < 100000; ++i)
        plain.append(char(i * 7 % 251));
    const QString path = dir.filePath(QStringLiteral("x.gz"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(gzipBytes(plain));
    f.close();
    const std::vector<uint8_t> got = readMaybeGzip(path.toStdString());
    QCOMPARE(got.size(), size_t(plain.size()));
    QVERIFY(std::equal(got.begin(), got.end(), reinterpret_cast<const uint8_t *>(plain.data())));
}

void TestCommon::gzipTruncatedIsAnError()
{
    QTemporaryDir dir;
    QByteArray plain(50000, 'a');
    for (int i = 0; i < plain.size(); ++i)
        plain[i] = char(i * 31 % 127);
    QByteArray gz = gzipBytes(plain);
    gz.truncate(gz.size() / 2);
    const QString path = dir.filePath(QStringLiteral("t.gz"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(gz);
    f.close();
    try {
        readMaybeGzip(path.toStdString());
        QFAIL("truncated gzip was accepted");
    } catch (const Error &e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("truncated")), e.what());
        QVERIFY(QString::fromUtf8(e.what()).startsWith(path));
    }
}

void TestCommon::gzipTrailingDataIsAnError()
{
    QTemporaryDir dir;
    const QByteArray gz = gzipBytes(QByteArray(20000, 'x'));
    const struct
    {
        QByteArray bytes;
        const char *message;
    } cases[] = {{gz + QByteArray("garbage"), "7 bytes of trailing data after the gzip stream"},
                 {gz + gz, "a second gzip member at byte"}};
    for (const auto &c : cases) {
        const QString path = dir.filePath(QStringLiteral("t.gz"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(c.bytes);
        f.close();
        try {
            readMaybeGzip(path.toStdString());
            QFAIL("trailing data was accepted");
        } catch (const Error &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String(c.message)), e.what());
            QVERIFY2(QString::fromUtf8(e.what()).contains(QString::number(gz.size())), e.what());
            QVERIFY(QString::fromUtf8(e.what()).startsWith(path));
        }
    }
}

void TestCommon::atomicWriteLeavesNoTempFile()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("out.bin")).toStdString();
    const char data[] = "hello";
    writeFileAtomic(path, data, 5);
    QCOMPARE(readFileBytes(path).size(), size_t(5));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1);
    // A folder that does not exist: error, nothing written.
    const std::string bad = dir.filePath(QStringLiteral("missing/out.bin")).toStdString();
    QVERIFY_THROWS_EXCEPTION(Error, writeFileAtomic(bad, data, 5));
    QVERIFY(!fileExists(bad));
}

void TestCommon::normalizationPerFeature()
{
    Normalization n{Normalization::Kind::PerFeature, {1.0f, 2.0f}, {0.5f, 2.0f}};
    std::vector<float> x = {3, 4, 5, 6};
    n.apply(x.data(), 2, 2);
    QCOMPARE(x, (std::vector<float>{1.0f, 4.0f, 2.0f, 8.0f}));
    QVERIFY_THROWS_EXCEPTION(Error, n.apply(x.data(), 1, 4));
}

QTEST_GUILESS_MAIN(TestCommon)
#include "tst_common.moc"

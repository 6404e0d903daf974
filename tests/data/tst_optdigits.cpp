#include "data/optdigitsloader.h"

#include "common/fileutil.h"

#include "datatestutil.h"
#include "testutil.h"

using namespace frontier::data;
using frontier::test::writeText;

namespace {

std::string optdigits(const char *file)
{
    return frontier::test::sharedDatasets() + "/optdigits/" + file;
}

// One valid line: 64 values (i % 17) and the label.
std::string line(int label, int first = 0)
{
    std::string s = std::to_string(first);
    for (int i = 1; i < 64; ++i) {
        s += ',';
        s += std::to_string(i % 17);
    }
    s += ',';
    s += std::to_string(label);
    s += '\n';
    return s;
}

} // namespace

class TestOptdigits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void realFiles()
    {
        if (!frontier::fileExists(optdigits("optdigits.tra")))
            QSKIP("the shared optdigits files are not available");
        const Dataset tra = loadOptdigits(optdigits("optdigits.tra"));
        const Dataset tes = loadOptdigits(optdigits("optdigits.tes"));
        QCOMPARE(tra.size(), 3823);
        QCOMPARE(tes.size(), 1797);
        QCOMPARE(tra.shape, (std::vector<int>{1, 8, 8}));
        QCOMPARE(tra.numClasses(), 10);
        // Published class counts of the training file.
        QCOMPARE(tra.classCounts(),
                 (std::vector<int>{376, 389, 380, 389, 387, 376, 377, 387, 380, 382}));
        for (const Dataset *d : {&tra, &tes}) {
            const auto [lo, hi] = std::minmax_element(d->x.begin(), d->x.end());
            QCOMPARE(*lo, 0.0f);
            QCOMPARE(*hi, 16.0f);
        }
        const Dataset both = loadOptdigits(
            std::vector<std::string>{optdigits("optdigits.tra"), optdigits("optdigits.tes")});
        QCOMPARE(both.size(), 3823 + 1797);
        QCOMPARE(both.y.back(), tes.y.back());
    }

    void headerAndBlankLines()
    {
        QTemporaryDir tmp;
        const QString path = tmp.filePath("t.tra");
        std::string header = "Block 1";
        for (int i = 2; i <= 64; ++i) {
            header += ",Block ";
            header += std::to_string(i);
        }
        writeText(path, header + ",Class\r\n" + line(3) + "\n" + line(9, 16));
        const Dataset d = loadOptdigits(path.toStdString());
        QCOMPARE(d.size(), 2);
        QCOMPARE(d.y, (std::vector<int>{3, 9}));
        QCOMPARE(d.sample(1)[0], 16.0f);
        QCOMPARE(d.sample(0)[63], float(63 % 17));
    }

    void errors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("fragments");
        QTest::newRow("value above 16")
            << QString::fromStdString(line(1) + line(2, 17))
            << QStringList{"row 2, column 1", "value 17 is outside 0..16"};
        QTest::newRow("negative value")
            << QString::fromStdString(line(1, -1)) << QStringList{"row 1, column 1", "value -1"};
        QTest::newRow("label out of range")
            << QString::fromStdString(line(1) + line(10))
            << QStringList{"row 2, column 65", "label 10 is outside 0..9"};
        std::string short64 = line(4);
        short64.erase(short64.rfind(','));
        QTest::newRow("missing field") << QString::fromStdString(short64 + "\n")
                                       << QStringList{"row 1 has 64 fields, expected 65"};
        std::string longer = line(4);
        longer.back() = ',';
        longer += "5\n";
        QTest::newRow("extra field")
            << QString::fromStdString(longer) << QStringList{"row 1 has 66 fields"};
        const std::string fraction = "1.5" + line(4).substr(1);
        QTest::newRow("not an integer")
            << QString::fromStdString(fraction)
            << QStringList{"row 1, column 1", "'1.5' is not an integer"};
        std::string word = line(1) + line(2);
        word[word.find('\n') + 1] = 'x';
        QTest::newRow("letters in data") << QString::fromStdString(word)
                                         << QStringList{"row 2, column 1", "'x' is not an integer"};
        QTest::newRow("empty") << QString() << QStringList{"no samples"};
        QTest::newRow("header only")
            << QStringLiteral("Block 1,Class\n") << QStringList{"no samples"};
    }

    void errors()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, fragments);
        QTemporaryDir tmp;
        const QString path = tmp.filePath("bad.tra");
        writeText(path, text.toStdString());
        fragments << path;
        FRONTIER_VERIFY_ERROR(loadOptdigits(path.toStdString()), (fragments));
    }
};

QTEST_GUILESS_MAIN(TestOptdigits)
#include "tst_optdigits.moc"

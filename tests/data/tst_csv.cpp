#include "data/csvloader.h"

#include "common/fileutil.h"

#include "datatestutil.h"
#include "testutil.h"

using namespace frontier::data;
using frontier::test::writeText;

namespace {

std::string uci(const char *file)
{
    return frontier::test::sharedDatasets() + "/uci/" + file;
}

CsvOptions labelled(const std::string &column)
{
    CsvOptions o;
    o.labelColumn = column;
    return o;
}

} // namespace

Q_DECLARE_METATYPE(CsvOptions)

class TestCsv : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (!frontier::fileExists(uci("iris.csv")))
            QSKIP("the shared UCI files are not available");
    }

    void iris()
    {
        const Dataset d = loadCsv(uci("iris.csv"));
        QCOMPARE(d.size(), 150);
        QCOMPARE(d.shape, std::vector<int>{4});
        QCOMPARE(d.classNames,
                 (std::vector<std::string>{"Iris-setosa", "Iris-versicolor", "Iris-virginica"}));
        QCOMPARE(d.classCounts(), (std::vector<int>{50, 50, 50}));
        QCOMPARE(d.x[0], 5.1f);
        QCOMPARE(d.x[3], 0.2f);
        QCOMPARE(d.name, std::string("iris.csv"));
        QCOMPARE(d.contentHash,
                 frontier::sha256Hex(frontier::readFileBytes(uci("iris.csv")).data(),
                                     frontier::readFileBytes(uci("iris.csv")).size()));
    }

    void wine()
    {
        // This copy of wine has the cultivar in the last column (the README says first).
        const Dataset d = loadCsv(uci("wine.csv"), labelled("last"));
        QCOMPARE(d.size(), 178);
        QCOMPARE(d.shape, std::vector<int>{13});
        QCOMPARE(d.classNames, (std::vector<std::string>{"1", "2", "3"}));
        QCOMPARE(d.classCounts(), (std::vector<int>{59, 71, 48}));
        QCOMPARE(d.x[7], 0.28f); // ".28" parses
    }

    void breastCancer()
    {
        // This copy has no id column (the README says "id first"): 9 features, then 2/4.
        const std::string path = uci("breast-cancer-wisconsin.csv");
        // All 699 rows when the bare-nuclei column (the one with '?') is dropped.
        CsvOptions all = labelled("last");
        all.dropColumns = {"5"};
        const Dataset full = loadCsv(path, all);
        QCOMPARE(full.size(), 699);
        QCOMPARE(full.shape, std::vector<int>{8});

        // Without dropMissing, the first '?' is reported with its row and column.
        const CsvOptions strict = labelled("last");
        FRONTIER_VERIFY_ERROR(loadCsv(path, strict),
                              ({QString::fromStdString(path), "row 24, column 6",
                                "missing value '?'", "--drop-missing"}));

        CsvOptions dropped = strict;
        dropped.dropMissing = true;
        dropped.classNames = {{"2", "benign"}, {"4", "malignant"}};
        const Dataset d = loadCsv(path, dropped);
        QCOMPARE(d.size(), 683);
        QCOMPARE(d.shape, std::vector<int>{9});
        QCOMPARE(d.classNames, (std::vector<std::string>{"benign", "malignant"}));
        QCOMPARE(d.classCounts(), (std::vector<int>{444, 239}));
        QCOMPARE(d.x[0], 5.0f);
    }

    void parses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<CsvOptions>("options");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("features");
        QTest::addColumn<QStringList>("classes");
        QTest::addColumn<QList<int>>("labels");
        QTest::addColumn<float>("firstValue");

        QTest::newRow("no header, string labels in order of appearance")
            << "1,2,b\n3,4,a\n5,6,b\n7,8,c\n"
            << CsvOptions() << 4 << 2 << QStringList{"b", "a", "c"} << QList<int>{0, 1, 0, 2}
            << 1.0f;
        QTest::newRow("integer labels sorted numerically")
            << "1,2,10\n3,4,2\n5,6,-1\n7,8,2\n"
            << CsvOptions() << 4 << 2 << QStringList{"-1", "2", "10"} << QList<int>{2, 1, 0, 1}
            << 1.0f;
        QTest::newRow("header detected")
            << "width,height,kind\n1,2,x\n3,4,y\n"
            << CsvOptions() << 2 << 2 << QStringList{"x", "y"} << QList<int>{0, 1} << 1.0f;
        QTest::newRow("label by header name")
            << "kind,width,height\nx,1,2\ny,3,4\n"
            << labelled("kind") << 2 << 2 << QStringList{"x", "y"} << QList<int>{0, 1} << 1.0f;
        QTest::newRow("label first")
            << "0,1.5,2\n1,3,4\n"
            << labelled("first") << 2 << 2 << QStringList{"0", "1"} << QList<int>{0, 1} << 1.5f;
        QTest::newRow("label by index")
            << "1.5,7,2\n3,8,4\n"
            << labelled("1") << 2 << 2 << QStringList{"7", "8"} << QList<int>{0, 1} << 1.5f;
        CsvOptions dropByName;
        dropByName.dropColumns = {"id"};
        QTest::newRow("drop by name")
            << "id,a,c\n9,1.25,u\n8,2,v\n"
            << dropByName << 2 << 1 << QStringList{"u", "v"} << QList<int>{0, 1} << 1.25f;
        CsvOptions dropMissing;
        dropMissing.dropMissing = true;
        QTest::newRow("drop missing")
            << "1,2,a\n?,4,b\n5,,c\n7,8,\n9,10,d\n"
            << dropMissing << 2 << 2 << QStringList{"a", "d"} << QList<int>{0, 1} << 1.0f;
        QTest::newRow("CRLF, BOM, blank lines, quotes, spaces")
            << "\xEF\xBB\xBF 1 , 2 ,\"a, b\"\r\n\r\n3,4,\"c \"\"q\"\"\"\r\n"
            << CsvOptions() << 2 << 2 << QStringList{"a, b", "c \"q\""} << QList<int>{0, 1} << 1.0f;
        CsvOptions none = labelled("none");
        QTest::newRow("unlabelled") << "1,2\n3,4\n"
                                    << none << 2 << 2 << QStringList{} << QList<int>{} << 1.0f;
        CsvOptions tab;
        tab.delimiter = '\t';
        QTest::newRow("tab separated")
            << "1\t2\ta\n"
            << tab << 1 << 2 << QStringList{"a"} << QList<int>{0} << 1.0f;
        QTest::newRow("scientific and signs")
            << "-1e-3,+2.5E2,a\n"
            << CsvOptions() << 1 << 2 << QStringList{"a"} << QList<int>{0} << -0.001f;
    }

    void parses()
    {
        QFETCH(QString, text);
        QFETCH(CsvOptions, options);
        QFETCH(int, rows);
        QFETCH(int, features);
        QFETCH(QStringList, classes);
        QFETCH(QList<int>, labels);
        QFETCH(float, firstValue);
        QTemporaryDir tmp;
        const QString path = tmp.filePath("t.csv");
        writeText(path, text.toStdString());
        const Dataset d = loadCsv(path.toStdString(), options);
        QCOMPARE(d.size(), rows);
        QCOMPARE(d.shape, std::vector<int>{features});
        QStringList names;
        for (const std::string &n : d.classNames)
            names << QString::fromStdString(n);
        QCOMPARE(names, classes);
        QCOMPARE(QList<int>(d.y.begin(), d.y.end()), labels);
        QCOMPARE(d.x.front(), firstValue);
    }

    void headerNamesTheFeatures()
    {
        QTemporaryDir tmp;
        const QString path = tmp.filePath("named.csv");
        writeText(path, "id,width,kind,height\n9,1,x,2\n8,3,y,4\n");
        CsvOptions options = labelled("kind");
        options.dropColumns = {"id"};
        const Dataset d = loadCsv(path.toStdString(), options);
        // The kept feature columns' names, in file order; a subset keeps them.
        QCOMPARE(d.featureNames, (std::vector<std::string>{"width", "height"}));
        QCOMPARE(d.subset({1}).featureNames, d.featureNames);
        // No header row: no names.
        QVERIFY(loadCsv(uci("iris.csv")).featureNames.empty());
    }

    void gzipped()
    {
        QTemporaryDir tmp;
        const std::string text = "1,2,a\n3,4,b\n";
        frontier::test::writeGzip(tmp.filePath("t.csv.gz"),
                                  std::vector<uint8_t>(text.begin(), text.end()));
        QCOMPARE(loadCsv(tmp.filePath("t.csv.gz").toStdString()).size(), 2);
    }

    void errors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<CsvOptions>("options");
        QTest::addColumn<QStringList>("fragments");
        QTest::newRow("missing '?' with header")
            << "a,b,label\n1,2,x\n3,?,y\n"
            << CsvOptions() << QStringList{"row 3, column 2 (b)", "missing value '?'"};
        QTest::newRow("empty cell")
            << "1,2,x\n3,,y\n"
            << CsvOptions() << QStringList{"row 2, column 2", "missing value ''"};
        QTest::newRow("missing label")
            << "1,2,x\n3,4,?\n"
            << CsvOptions() << QStringList{"row 2, column 3", "missing value"};
        QTest::newRow("blank lines count") << "1,2,a\n\n\n3,?,b\n"
                                           << CsvOptions() << QStringList{"row 4, column 2"};
        QTest::newRow("ragged short")
            << "1,2,x\n3,4\n"
            << CsvOptions() << QStringList{"row 2 has 2 columns, expected 3"};
        QTest::newRow("ragged long")
            << "1,2,x\n3,4,y\n5,6,7,z\n"
            << CsvOptions() << QStringList{"row 3 has 4 columns, expected 3"};
        QTest::newRow("not a number")
            << "1,2,x\n3,abc,y\n"
            << CsvOptions() << QStringList{"row 2, column 2", "'abc' is not a number"};
        QTest::newRow("trailing junk") << "1,2,x\n3,4kg,y\n"
                                       << CsvOptions() << QStringList{"row 2, column 2", "'4kg'"};
        QTest::newRow("infinite") << "1,2,x\n3,inf,y\n"
                                  << CsvOptions()
                                  << QStringList{"row 2, column 2", "not a finite float"};
        QTest::newRow("float overflow")
            << "1,2,x\n1e39,4,y\n"
            << CsvOptions() << QStringList{"row 2, column 1", "not a finite float"};
        QTest::newRow("unterminated quote")
            << "1,2,\"x\n"
            << CsvOptions() << QStringList{"row 1, column 3", "unterminated quote"};
        QTest::newRow("empty file") << "" << CsvOptions() << QStringList{"no data rows"};
        QTest::newRow("header only")
            << "a,b,c\n"
            << CsvOptions() << QStringList{"no data rows after the header"};
        QTest::newRow("label index out of range")
            << "1,2,x\n"
            << labelled("7") << QStringList{"label column index 7", "3 columns"};
        QTest::newRow("label name unknown")
            << "a,b,c\n1,2,x\n"
            << labelled("species") << QStringList{"label column 'species' not found"};
        CsvOptions dropLabel;
        dropLabel.dropColumns = {"2"};
        QTest::newRow("label dropped")
            << "1,2,x\n"
            << dropLabel << QStringList{"label column is also listed as dropped"};
        CsvOptions dropAll;
        dropAll.dropColumns = {"0", "1"};
        QTest::newRow("no features") << "1,2,x\n" << dropAll << QStringList{"no feature columns"};
        CsvOptions dropMissing;
        dropMissing.dropMissing = true;
        QTest::newRow("every row missing") << "1,?,x\n?,2,y\n"
                                           << dropMissing << QStringList{"no data rows left"};
        QTest::newRow("same number twice")
            << "1,2,1\n3,4,01\n"
            << CsvOptions() << QStringList{"'01' and '1' are the same number"};
    }

    void errors()
    {
        QFETCH(QString, text);
        QFETCH(CsvOptions, options);
        QFETCH(QStringList, fragments);
        QTemporaryDir tmp;
        const QString path = tmp.filePath("bad.csv");
        writeText(path, text.toStdString());
        fragments << path;
        FRONTIER_VERIFY_ERROR(loadCsv(path.toStdString(), options), (fragments));
    }

    void missingFile()
    {
        FRONTIER_VERIFY_ERROR(loadCsv("/nonexistent/x.csv"),
                              ({"/nonexistent/x.csv", "no such file"}));
    }
};

QTEST_GUILESS_MAIN(TestCsv)
#include "tst_csv.moc"

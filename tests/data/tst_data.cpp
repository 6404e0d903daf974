// The data module end to end: the catalog, the search path and prepare() on real data.

#include "data/catalog.h"
#include "data/idxloader.h"
#include "data/npy.h"
#include "data/split.h"

#include "common/fileutil.h"

#include "datatestutil.h"
#include "testutil.h"

#include <QDir>

using namespace frontier::data;
using frontier::Normalization;

namespace {

std::string shared(const std::string &relative)
{
    return frontier::test::sharedDatasets() + "/" + relative;
}

LoadOptions synthSamples(int n)
{
    LoadOptions options;
    options.synthSamples = n;
    return options;
}

QString cleaned(const std::string &path)
{
    return QDir::cleanPath(QString::fromStdString(path));
}

// Mean and population standard deviation of feature j over a set.
std::pair<double, double> moments(const Dataset &d, int j)
{
    double sum = 0, sq = 0;
    for (int i = 0; i < d.size(); ++i)
        sum += d.sample(i)[j];
    const double mean = sum / d.size();
    for (int i = 0; i < d.size(); ++i)
        sq += (d.sample(i)[j] - mean) * (d.sample(i)[j] - mean);
    return {mean, std::sqrt(sq / d.size())};
}

} // namespace

class TestData : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        qunsetenv("FRONTIER_DATA_DIR");
        if (!frontier::fileExists(shared("mnist/t10k-images-idx3-ubyte.gz")))
            QSKIP("the shared datasets are not available");
    }

    void cleanup() { qunsetenv("FRONTIER_DATA_DIR"); }

    void searchPath()
    {
        const std::vector<std::string> path = dataSearchPath();
        QCOMPARE(path.size(), size_t(2));
        QCOMPARE(QString::fromStdString(path[0]), cleaned(FRONTIER_SOURCE_DIR "/datasets"));
        QCOMPARE(QString::fromStdString(path[1]), cleaned(frontier::test::sharedDatasets()));

        qputenv("FRONTIER_DATA_DIR", "/first/dir:/second/dir/");
        const std::vector<std::string> withEnv = dataSearchPath();
        QCOMPARE(withEnv.size(), size_t(4));
        QCOMPARE(withEnv[0], std::string("/first/dir"));
        QCOMPARE(withEnv[1], std::string("/second/dir"));
        QCOMPARE(withEnv[2], path[0]);
    }

    void catalog()
    {
        QCOMPARE(cleaned(catalogPath()), cleaned(FRONTIER_SOURCE_DIR "/datasets/catalog.json"));
        const std::vector<std::string> names = catalogNames();
        QVERIFY(std::is_sorted(names.begin(), names.end()));
        for (const char *name : {"synth-digits", "mnist", "optdigits", "iris", "wine",
                                 "breast-cancer", "cifar10", "fashion-mnist"})
            QVERIFY2(std::find(names.begin(), names.end(), name) != names.end(), name);
    }

    void mnist()
    {
        const PreparedData p = prepare("mnist");
        QCOMPARE(p.train.size(), 7000);
        QCOMPARE(p.calibration.size(), 1000);
        QCOMPARE(p.test.size(), 2000);
        QCOMPARE(p.normalization.kind, Normalization::Kind::Global);
        QCOMPARE(p.normalization.offset[0], 0.0f);
        QCOMPARE(p.normalization.scale[0], 1.0f / 255.0f);
        QCOMPARE(p.train.name, std::string("mnist"));
        QCOMPARE(p.normalizationText, std::string("x/255"));
        QVERIFY(p.description.find("normalisation x/255") != std::string::npos);
        QCOMPARE(catalogFilesMissing("mnist"), std::string());

        // train = images 0..6999, calibration = 7000..7999, test = the last 2000.
        const Dataset raw = loadIdx(shared("mnist/t10k-images-idx3-ubyte.gz"),
                                    shared("mnist/t10k-labels-idx1-ubyte.gz"));
        const struct
        {
            const Dataset *part;
            int first;
        } parts[] = {{&p.train, 0}, {&p.calibration, 7000}, {&p.test, 8000}};
        for (const auto &[part, first] : parts) {
            for (int i = 0; i < part->size(); i += 97) {
                QCOMPARE(part->y[size_t(i)], raw.y[size_t(first + i)]);
                for (int j = 0; j < 784; j += 13)
                    QCOMPARE(part->sample(i)[j], raw.sample(first + i)[j] * (1.0f / 255.0f));
            }
            QCOMPARE(part->y.back(), raw.y[size_t(first + part->size() - 1)]);
        }
        QCOMPARE(p.train.contentHash, raw.contentHash);

        const Dataset all = load("mnist");
        QCOMPARE(all.size(), 10000);
        QCOMPARE(all.classCounts(),
                 (std::vector<int>{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}));
        const QString description = QString::fromStdString(p.description);
        for (const char *part : {"mnist", "t10k-images-idx3-ubyte.gz", "train 7000",
                                 "calibration 1000", "test 2000", "x/255"})
            QVERIFY2(description.contains(QLatin1String(part)), qPrintable(description));
    }

    void optdigits()
    {
        const PreparedData p = prepare("optdigits");
        QCOMPARE(p.train.size() + p.calibration.size(), 3823);
        QCOMPARE(p.calibration.size(), 382); // 10 % of the .tra file, stratified
        QCOMPARE(p.test.size(), 1797);
        QCOMPARE(p.normalization.scale[0], 1.0f / 16.0f);
        QCOMPARE(p.train.shape, (std::vector<int>{1, 8, 8}));
        const std::vector<int> calibration = p.calibration.classCounts();
        for (int c : calibration)
            QVERIFY(c >= 37 && c <= 40);
        QCOMPARE(load("optdigits").size(), 3823 + 1797);
    }

    void tabular_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("features");
        QTest::addColumn<QStringList>("classes");
        QTest::newRow("iris") << "iris" << 150 << 4
                              << QStringList{"Iris-setosa", "Iris-versicolor", "Iris-virginica"};
        QTest::newRow("wine") << "wine" << 178 << 13 << QStringList{"1", "2", "3"};
        QTest::newRow("breast-cancer")
            << "breast-cancer" << 683 << 9 << QStringList{"benign", "malignant"};
    }

    void tabular()
    {
        QFETCH(QString, name);
        QFETCH(int, rows);
        QFETCH(int, features);
        QFETCH(QStringList, classes);
        const Dataset raw = load(name.toStdString());
        QCOMPARE(raw.size(), rows);
        QCOMPARE(raw.shape, std::vector<int>{features});
        QStringList names;
        for (const std::string &n : raw.classNames)
            names << QString::fromStdString(n);
        QCOMPARE(names, classes);

        const PreparedData p = prepare(name.toStdString());
        QCOMPARE(p.train.size() + p.calibration.size() + p.test.size(), rows);
        QCOMPARE(p.test.size(), int(std::floor(0.2 * rows + 0.5)));
        QCOMPARE(p.normalization.kind, Normalization::Kind::PerFeature);

        // Fitted on the train part only: the offsets are the raw train means, and the
        // train part comes back standardised while the test part does not exactly.
        const SplitIndices parts = stratifiedSplit3(raw.y, 0.2, 0.1, 1);
        const Dataset rawTrain = raw.subset(parts.train);
        const Dataset rawAll = raw;
        bool testDiffers = false;
        for (int j = 0; j < features; ++j) {
            FRONTIER_COMPARE_REL(p.normalization.offset[size_t(j)], moments(rawTrain, j).first,
                                 1e-5);
            const auto [mean, sd] = moments(p.train, j);
            QVERIFY2(std::abs(mean) < 1e-4, qPrintable(QString::number(mean)));
            FRONTIER_COMPARE_REL(sd, 1.0, 1e-4);
            testDiffers = testDiffers || std::abs(moments(p.test, j).first) > 1e-3;
            QVERIFY(std::abs(moments(rawAll, j).first - p.normalization.offset[size_t(j)]) > 0.0);
        }
        QVERIFY(testDiffers);
        QVERIFY(QString::fromStdString(p.description).contains(QLatin1String("fitted on train")));
    }

    void seededSplits()
    {
        LoadOptions options;
        options.seed = 7;
        const PreparedData a = prepare("iris", options);
        const PreparedData b = prepare("iris", options);
        QCOMPARE(a.test.x, b.test.x);
        options.seed = 8;
        const PreparedData c = prepare("iris", options);
        QVERIFY(a.test.x != c.test.x);
        QCOMPARE(a.test.classCounts(), (std::vector<int>{10, 10, 10}));
    }

    void synthDigits()
    {
        LoadOptions options;
        options.synthSamples = 1000;
        options.seed = 3;
        const PreparedData p = prepare("synth-digits", options);
        QCOMPARE(p.test.size(), 200);
        QCOMPARE(p.calibration.size(), 80);
        QCOMPARE(p.train.size(), 720);
        QCOMPARE(p.test.classCounts(), std::vector<int>(10, 20));
        QCOMPARE(p.normalization.scale[0], 1.0f / 255.0f);
        for (float v : p.train.x)
            QVERIFY(v >= 0.0f && v <= 1.0f);
        QVERIFY(QString::fromStdString(p.description).contains(QLatin1String("seed=3")));
    }

    void options()
    {
        LoadOptions none;
        none.normalization = "none";
        const PreparedData raw = prepare("mnist", none);
        QCOMPARE(raw.normalization.kind, Normalization::Kind::None);
        QCOMPARE(*std::max_element(raw.test.x.begin(), raw.test.x.end()), 255.0f);

        LoadOptions bad;
        bad.normalization = "minmax";
        FRONTIER_VERIFY_ERROR(prepare("iris", bad), ({"normalization", "minmax"}));
        LoadOptions fraction;
        fraction.testFraction = 0;
        FRONTIER_VERIFY_ERROR(prepare("iris", fraction), ({"test fraction"}));
        fraction.testFraction = 0.2;
        fraction.calibrationFraction = 1.0;
        FRONTIER_VERIFY_ERROR(prepare("iris", fraction), ({"calibration fraction"}));
    }

    void paths()
    {
        // Relative to the search path, absolute, and folders.
        LoadOptions last;
        last.labelColumn = "last";
        QCOMPARE(load("uci/iris.csv", last).size(), 150);
        QCOMPARE(load(shared("optdigits/optdigits.tes")).size(), 1797);
        const PreparedData tra = prepare(shared("optdigits/optdigits.tra"));
        QCOMPARE(tra.normalization.scale[0], 1.0f / 16.0f);
        QCOMPARE(tra.test.size(), 765); // 20 % of 3823, stratified
        const PreparedData folder = prepare(shared("optdigits"));
        QCOMPARE(folder.test.size(), 1797); // .tra/.tes folder: official split
        const PreparedData idx = prepare(shared("mnist"));
        QCOMPARE(idx.test.size(), 2000);
        QCOMPARE(idx.test.classCounts()[1], 227); // 1135 * 0.2
        QCOMPARE(load(shared("mnist/t10k-images-idx3-ubyte.gz")).size(), 10000);

        // Plain CSV paths do not drop '?' rows unless asked.
        FRONTIER_VERIFY_ERROR(prepare(shared("uci/breast-cancer-wisconsin.csv")),
                              ({"breast-cancer-wisconsin.csv", "row 24, column 6", "'?'"}));
        LoadOptions drop;
        drop.dropMissing = true;
        QCOMPARE(load("uci/breast-cancer-wisconsin.csv", drop).size(), 683);
    }

    void npyPath()
    {
        QTemporaryDir tmp;
        std::vector<float> x(40 * 3);
        std::vector<int64_t> y(40);
        for (int i = 0; i < 40; ++i) {
            y[size_t(i)] = i % 4;
            for (int j = 0; j < 3; ++j)
                x[size_t(i * 3 + j)] = float(i * j);
        }
        writeNpy(tmp.filePath("feat.npy").toStdString(), {40, 3}, x.data());
        writeNpyInt64(tmp.filePath("feat_labels.npy").toStdString(), y);
        const PreparedData p = prepare(tmp.filePath("feat.npy").toStdString());
        QCOMPARE(p.test.size(), 8);
        QCOMPARE(p.test.classCounts(), (std::vector<int>{2, 2, 2, 2}));
        QCOMPARE(p.normalization.kind, Normalization::Kind::PerFeature);

        writeNpyInt64(tmp.filePath("other.npy").toStdString(), std::vector<int64_t>(40, 1));
        LoadOptions options;
        options.labelsFile = tmp.filePath("other.npy").toStdString();
        QCOMPARE(load(tmp.filePath("feat.npy").toStdString(), options).classCounts(),
                 (std::vector<int>{0, 40}));
    }

    void unlabelledCsv()
    {
        QTemporaryDir tmp;
        std::string text;
        for (int i = 0; i < 50; ++i)
            text += std::to_string(i) + "," + std::to_string(2 * i) + "\n";
        frontier::test::writeText(tmp.filePath("u.csv"), text);
        LoadOptions options;
        options.labelColumn = "none";
        const PreparedData p = prepare(tmp.filePath("u.csv").toStdString(), options);
        QCOMPARE(p.test.size(), 10);
        QVERIFY(!p.train.hasLabels());
        QVERIFY(QString::fromStdString(p.description).contains(QLatin1String("random split")));
    }

    void cifarThroughDataDir()
    {
        // FRONTIER_DATA_DIR comes first in the search path; the repository catalog still
        // names "cifar10", whose folder is found there.
        QTemporaryDir tmp;
        QDir(tmp.path()).mkdir(QStringLiteral("cifar-10-batches-bin"));
        std::vector<uint8_t> batch;
        for (int r = 0; r < 20; ++r) {
            batch.push_back(uint8_t(r % 10));
            batch.insert(batch.end(), 3072, uint8_t(r));
        }
        frontier::test::writeBytes(tmp.filePath("cifar-10-batches-bin/data_batch_1.bin"), batch);
        batch.resize(3073 * 5);
        frontier::test::writeBytes(tmp.filePath("cifar-10-batches-bin/test_batch.bin"), batch);
        qputenv("FRONTIER_DATA_DIR", tmp.path().toLocal8Bit());
        const PreparedData p = prepare("cifar10");
        QCOMPARE(p.train.size() + p.calibration.size(), 20);
        QCOMPARE(p.test.size(), 5);
        QCOMPARE(p.train.classNames[3], std::string("cat"));
        QCOMPARE(p.train.name, std::string("cifar10"));
    }

    void missingFiles()
    {
        // Without the data: the error names the file and every folder searched.
        QTemporaryDir tmp;
        qputenv("FRONTIER_DATA_DIR", tmp.path().toLocal8Bit());
        const QString datasets = cleaned(FRONTIER_SOURCE_DIR "/datasets");
        FRONTIER_VERIFY_ERROR(prepare("cifar10"), ({"cifar10", "cifar-10-batches-bin", "not found",
                                                    tmp.path(), datasets, "FRONTIER_DATA_DIR"}));
        FRONTIER_VERIFY_ERROR(
            prepare("no/such/file.csv"),
            ({"no/such/file.csv", "no such file", tmp.path(), datasets, "catalog names", "mnist"}));

        // A catalog of one's own, first in the search path, with a dangling file.
        frontier::test::writeText(tmp.filePath("catalog.json"), R"({"version": 1, "datasets": {
            "ghost": {"format": "csv", "files": {"data": "ghost/ghost.csv"}}}})");
        QCOMPARE(cleaned(catalogPath()), cleaned(tmp.filePath("catalog.json").toStdString()));
        QCOMPARE(catalogNames(), (std::vector<std::string>{"ghost", "synth-digits"}));
        FRONTIER_VERIFY_ERROR(load("ghost"), ({"ghost/ghost.csv", "not found", tmp.path()}));
        // The same, as the project tree shows it, without throwing.
        const QString missing = QString::fromStdString(catalogFilesMissing("ghost"));
        QVERIFY2(missing.startsWith("not found: searched ") && missing.contains(tmp.path())
                     && missing.contains("ghost/ghost.csv"),
                 qPrintable(missing));
        QCOMPARE(catalogFilesMissing("synth-digits"), std::string()); // built in, no files
        QCOMPARE(load("synth-digits", synthSamples(20)).size(), 20);  // built in
    }

    void badCatalog_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QStringList>("fragments");
        QTest::newRow("syntax") << "{\"version\": 1,\n \"datasets\": {,}}"
                                << QStringList{"invalid JSON at line 2"};
        QTest::newRow("no datasets") << "[]" << QStringList{"\"datasets\" object"};
        QTest::newRow("version") << "{\"version\": 2, \"datasets\": {}}"
                                 << QStringList{"catalog version 2"};
        QTest::newRow("format") << R"({"datasets": {"x": {"format": "parquet"}}})"
                                << QStringList{"dataset 'x'", "unknown format 'parquet'"};
        QTest::newRow("split") << R"({"datasets": {"x": {"format": "synth-digits",
                                     "split": {"kind": "kfold"}}}})"
                               << QStringList{"unknown split kind 'kfold'"};
        QTest::newRow("range") << R"({"datasets": {"x": {"format": "synth-digits",
                                     "split": {"kind": "ranges", "train": [5, 1]}}}})"
                               << QStringList{"split range \"train\""};
        QTest::newRow("normalisation") << R"({"datasets": {"x": {"format": "synth-digits",
                                             "normalization": "x/0"}}})"
                                       << QStringList{"unknown mode 'x/0'"};
    }

    void badCatalog()
    {
        QFETCH(QString, json);
        QFETCH(QStringList, fragments);
        QTemporaryDir tmp;
        frontier::test::writeText(tmp.filePath("catalog.json"), json.toStdString());
        qputenv("FRONTIER_DATA_DIR", tmp.path().toLocal8Bit());
        if (!fragments.front().startsWith(QLatin1String("unknown mode")))
            fragments << tmp.filePath("catalog.json");
        FRONTIER_VERIFY_ERROR(prepare("x", synthSamples(50)), (fragments));
    }

    void rangeBeyondData()
    {
        QTemporaryDir tmp;
        frontier::test::writeText(tmp.filePath("catalog.json"), R"({"datasets": {"x": {
            "format": "synth-digits", "samples": 30, "split": {"kind": "ranges",
            "train": [0, 20], "calibration": [20, 25], "test": [25, 40]}}}})");
        qputenv("FRONTIER_DATA_DIR", tmp.path().toLocal8Bit());
        FRONTIER_VERIFY_ERROR(prepare("x"), ({"test range [25, 40)", "30 samples"}));
    }
};

QTEST_GUILESS_MAIN(TestData)
#include "tst_data.moc"

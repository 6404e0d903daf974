#include "data/normalize.h"

#include "datatestutil.h"
#include "testutil.h"

using namespace frontier::data;
using frontier::Normalization;

namespace {

Dataset table(const std::vector<std::vector<float>> &rows)
{
    Dataset d;
    d.shape = {int(rows.front().size())};
    for (const auto &row : rows)
        d.x.insert(d.x.end(), row.begin(), row.end());
    return d;
}

} // namespace

class TestNormalize : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scaleModes_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<float>("scale");
        QTest::newRow("x/255") << QStringLiteral("x/255") << 1.0f / 255.0f;
        QTest::newRow("x/16") << QStringLiteral("x/16") << 1.0f / 16.0f;
        QTest::newRow("x/2.5") << QStringLiteral("x/2.5") << 0.4f;
    }

    void scaleModes()
    {
        QFETCH(QString, mode);
        QFETCH(float, scale);
        const Normalization n = fitNormalization(table({{1, 2}}), mode.toStdString());
        QCOMPARE(n.kind, Normalization::Kind::Global);
        QCOMPARE(n.offset, std::vector<float>{0.0f});
        QCOMPARE(n.scale, std::vector<float>{scale});
    }

    void none()
    {
        QCOMPARE(fitNormalization(table({{1, 2}}), "none").kind, Normalization::Kind::None);
    }

    void perFeature()
    {
        // Column 0: 1, 3 (mean 2, sd 1); column 1: constant 5 (scale 1).
        Dataset d = table({{1, 5}, {3, 5}});
        const Normalization n = fitNormalization(d, "per-feature");
        QCOMPARE(n.kind, Normalization::Kind::PerFeature);
        QCOMPARE(n.offset, (std::vector<float>{2.0f, 5.0f}));
        QCOMPARE(n.scale, (std::vector<float>{1.0f, 1.0f}));
        applyNormalization(d, n);
        QCOMPARE(d.x, (std::vector<float>{-1.0f, 0.0f, 1.0f, 0.0f}));
    }

    void global()
    {
        // Values 0, 2, 4, 6: mean 3, population sd sqrt(5).
        Dataset d = table({{0, 2}, {4, 6}});
        const Normalization n = fitNormalization(d, "global");
        QCOMPARE(n.kind, Normalization::Kind::Global);
        FRONTIER_COMPARE_REL(n.offset[0], 3.0, 1e-7);
        FRONTIER_COMPARE_REL(n.scale[0], 1.0 / std::sqrt(5.0), 1e-6);
    }

    void badModes_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::newRow("unknown") << QStringLiteral("zscore");
        QTest::newRow("x/0") << QStringLiteral("x/0");
        QTest::newRow("x/-3") << QStringLiteral("x/-3");
        QTest::newRow("x/abc") << QStringLiteral("x/abc");
        QTest::newRow("empty") << QString();
    }

    void badModes()
    {
        QFETCH(QString, mode);
        FRONTIER_VERIFY_ERROR(fitNormalization(table({{1}}), mode.toStdString()),
                              ({"normalization", "unknown mode"}));
    }

    void emptyTrainingSet()
    {
        Dataset d;
        d.shape = {3};
        FRONTIER_VERIFY_ERROR(fitNormalization(d, "per-feature"), ({"empty training set"}));
    }

    void describe()
    {
        QCOMPARE(describeNormalization("x/255"), std::string("x/255"));
        QVERIFY(describeNormalization("per-feature").find("fitted on train") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestNormalize)
#include "tst_normalize.moc"

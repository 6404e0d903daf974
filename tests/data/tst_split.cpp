#include "data/split.h"

#include "common/error.h"
#include "common/random.h"

#include "testutil.h"

#include <algorithm>
#include <set>

using namespace frontier::data;

namespace {

// Labels with unequal classes: 0 x 500, 1 x 300, 2 x 150, 3 x 37, 4 x 13, shuffled.
std::vector<int> unevenLabels()
{
    std::vector<int> labels;
    const int counts[] = {500, 300, 150, 37, 13};
    for (int c = 0; c < 5; ++c)
        labels.insert(labels.end(), size_t(counts[c]), c);
    frontier::Random rng(7);
    rng.shuffle(labels);
    return labels;
}

std::vector<int> countsOf(const std::vector<int> &indices, const std::vector<int> &labels)
{
    std::vector<int> counts(5, 0);
    for (int i : indices)
        ++counts[size_t(labels[size_t(i)])];
    return counts;
}

} // namespace

class TestSplit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void threeWay_data()
    {
        QTest::addColumn<double>("test");
        QTest::addColumn<double>("calibration");
        QTest::addColumn<qulonglong>("seed");
        QTest::newRow("20/10 seed 1") << 0.2 << 0.1 << qulonglong(1);
        QTest::newRow("30/0 seed 2") << 0.3 << 0.0 << qulonglong(2);
        QTest::newRow("50/50 seed 99") << 0.5 << 0.5 << qulonglong(99);
        QTest::newRow("tiny test") << 0.01 << 0.05 << qulonglong(3);
    }

    void threeWay()
    {
        QFETCH(double, test);
        QFETCH(double, calibration);
        QFETCH(qulonglong, seed);
        const std::vector<int> labels = unevenLabels();
        const int n = int(labels.size());
        const SplitIndices parts = stratifiedSplit3(labels, test, calibration, seed);

        // Sizes: rounded totals.
        QCOMPARE(int(parts.test.size()), int(std::floor(test * n + 0.5)));
        const int rest = n - int(parts.test.size());
        QCOMPARE(int(parts.calibration.size()), int(std::floor(calibration * rest + 0.5)));

        // Sorted, disjoint, union = all.
        for (const std::vector<int> *part : {&parts.train, &parts.calibration, &parts.test})
            QVERIFY(std::is_sorted(part->begin(), part->end()));
        std::vector<int> all;
        for (const std::vector<int> *part : {&parts.train, &parts.calibration, &parts.test})
            all.insert(all.end(), part->begin(), part->end());
        std::sort(all.begin(), all.end());
        QCOMPARE(int(all.size()), n);
        for (int i = 0; i < n; ++i)
            QCOMPARE(all[size_t(i)], i);

        // Class proportions kept: within one sample of the ideal per class.
        const std::vector<int> total = countsOf(all, labels);
        const std::vector<int> inTest = countsOf(parts.test, labels);
        for (int c = 0; c < 5; ++c)
            QVERIFY2(std::abs(inTest[size_t(c)] - test * total[size_t(c)]) <= 1.0,
                     qPrintable(QStringLiteral("class %1: %2 of %3")
                                    .arg(c)
                                    .arg(inTest[size_t(c)])
                                    .arg(total[size_t(c)])));

        // Seeded: same seed, same split; another seed, another split.
        const SplitIndices again = stratifiedSplit3(labels, test, calibration, seed);
        QCOMPARE(again.train, parts.train);
        QCOMPARE(again.calibration, parts.calibration);
        QCOMPARE(again.test, parts.test);
        const SplitIndices other = stratifiedSplit3(labels, test, calibration, seed + 1000);
        QVERIFY(other.test != parts.test);
    }

    void largestRemainder()
    {
        // 3 classes of 5: 20 % of 15 = 3 held out, one per class.
        const std::vector<int> labels = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2};
        std::vector<int> all(labels.size());
        for (size_t i = 0; i < all.size(); ++i)
            all[i] = int(i);
        std::vector<int> kept, held;
        stratifiedSplit(all, labels, 0.2, 5, kept, held);
        QCOMPARE(held.size(), size_t(3));
        QCOMPARE(countsOf(held, labels), (std::vector<int>{1, 1, 1, 0, 0}));
        // 10 %: 1.5 -> 2 held out; remainders 0.5 each, ties to the lower classes.
        stratifiedSplit(all, labels, 0.1, 5, kept, held);
        QCOMPARE(countsOf(held, labels), (std::vector<int>{1, 1, 0, 0, 0}));
    }

    void subsetOfIndices()
    {
        const std::vector<int> labels = unevenLabels();
        std::vector<int> evens;
        for (int i = 0; i < int(labels.size()); i += 2)
            evens.push_back(i);
        std::vector<int> kept, held;
        stratifiedSplit(evens, labels, 0.25, 11, kept, held);
        std::set<int> seen(kept.begin(), kept.end());
        for (int i : held) {
            QVERIFY(i % 2 == 0);
            QVERIFY(seen.insert(i).second);
        }
        QCOMPARE(seen.size(), evens.size());
    }

    void extremes()
    {
        const std::vector<int> labels = unevenLabels();
        std::vector<int> all(labels.size());
        for (size_t i = 0; i < all.size(); ++i)
            all[i] = int(i);
        std::vector<int> kept, held;
        stratifiedSplit(all, labels, 0.0, 1, kept, held);
        QVERIFY(held.empty());
        QCOMPARE(kept, all);
        stratifiedSplit(all, labels, 1.0, 1, kept, held);
        QVERIFY(kept.empty());
        QCOMPARE(held, all);
    }

    void badFractions()
    {
        const std::vector<int> labels = {0, 1, 0, 1};
        QVERIFY_THROWS_EXCEPTION(frontier::Error, stratifiedSplit3(labels, 1.0, 0.1, 1));
        QVERIFY_THROWS_EXCEPTION(frontier::Error, stratifiedSplit3(labels, 0.2, -0.1, 1));
        std::vector<int> kept, held;
        QVERIFY_THROWS_EXCEPTION(frontier::Error,
                                 stratifiedSplit({0, 9}, labels, 0.5, 1, kept, held));
    }
};

QTEST_GUILESS_MAIN(TestSplit)
#include "tst_split.moc"

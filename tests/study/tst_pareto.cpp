// Pareto fronts against the O(n²) filter (random points with ties and duplicates),
// hypervolume against hand cases, an exact lattice count and a seeded Monte Carlo
// estimate, the knee on a hand case, and constraint queries.

#include "common/error.h"
#include "common/random.h"
#include "study/constraint.h"
#include "study/hypervolume.h"
#include "study/pareto.h"

#include "testutil.h"

#include <QtTest>

#include <cmath>

using namespace frontier;
using namespace frontier::study;

namespace {

std::vector<Sense> randomSenses(Random &r, int k)
{
    std::vector<Sense> s;
    for (int d = 0; d < k; ++d)
        s.push_back(r.below(2) ? Sense::Maximize : Sense::Minimize);
    return s;
}

// n points of k values; `levels` > 0 draws integers in [0, levels) (many ties and
// duplicates), otherwise uniform reals.
std::vector<double> randomPoints(Random &r, int n, int k, int levels)
{
    std::vector<double> p(static_cast<size_t>(n) * size_t(k));
    for (double &v : p)
        v = levels > 0 ? double(r.below(levels)) : r.uniform();
    return p;
}

} // namespace

class TestPareto : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void frontEqualsNaive_data();
    void frontEqualsNaive();
    void frontHandCase();
    void frontErrors();
    void hypervolumeHandCases_data();
    void hypervolumeHandCases();
    void hypervolumeLatticeExact_data();
    void hypervolumeLatticeExact();
    void hypervolumeMonteCarlo_data();
    void hypervolumeMonteCarlo();
    void hypervolumeIgnoresDominatedPoints();
    void kneeHandCase();
    void objectives();
    void constraintQueries();
};

void TestPareto::frontEqualsNaive_data()
{
    QTest::addColumn<int>("k");
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("levels");
    QTest::addColumn<int>("seed");
    for (int k : {1, 2, 3, 4, 5}) {
        for (int n : {0, 1, 2, 60, 700}) {
            for (int levels : {0, 3, 8}) {
                for (int seed : {1, 2}) {
                    QTest::addRow("k%d/n%d/levels%d/%d", k, n, levels, seed)
                        << k << n << levels << seed;
                }
            }
        }
    }
}

void TestPareto::frontEqualsNaive()
{
    QFETCH(int, k);
    QFETCH(int, n);
    QFETCH(int, levels);
    QFETCH(int, seed);
    Random r(uint64_t(seed * 1000 + k * 100 + levels));
    const std::vector<Sense> senses = randomSenses(r, k);
    const std::vector<double> p = randomPoints(r, n, k, levels);
    const std::vector<int> fast = paretoFront(p, senses);
    const std::vector<int> naive = paretoFrontNaive(p, senses);
    QCOMPARE(fast, naive);
    if (n > 0)
        QVERIFY(!fast.empty());
    // Every point off the front is dominated by a front point.
    std::vector<char> on(static_cast<size_t>(n), 0);
    for (int i : fast)
        on[size_t(i)] = 1;
    for (int i = 0; i < n; ++i) {
        if (on[size_t(i)])
            continue;
        bool covered = false;
        for (int f : fast)
            covered = covered || dominates(&p[size_t(f * k)], &p[size_t(i * k)], senses);
        QVERIFY(covered);
    }
}

void TestPareto::frontHandCase()
{
    // energy (min), accuracy (max). Duplicates of a front point are all kept; equal energy
    // with lower accuracy is dominated; equal accuracy with more energy is dominated.
    const std::vector<double> p{
        10, 0.90, // 0 front
        10, 0.90, // 1 duplicate of 0: front
        10, 0.85, // 2 same energy, worse accuracy
        20, 0.95, // 3 front
        25, 0.95, // 4 same accuracy, more energy
        5,  0.50, // 5 front
        30, 0.99, // 6 front
        30, 0.98, // 7 dominated by 6
    };
    const std::vector<Sense> s{Sense::Minimize, Sense::Maximize};
    QCOMPARE(paretoFront(p, s), (std::vector<int>{0, 1, 3, 5, 6}));
    QCOMPARE(paretoFrontNaive(p, s), (std::vector<int>{0, 1, 3, 5, 6}));
    // The same in 3-D with a constant third objective goes through the k-D path.
    std::vector<double> p3;
    for (size_t i = 0; i < p.size(); i += 2)
        p3.insert(p3.end(), {p[i], p[i + 1], 7.0});
    QCOMPARE(paretoFront(p3, {Sense::Minimize, Sense::Maximize, Sense::Minimize}),
             (std::vector<int>{0, 1, 3, 5, 6}));
    // Infinities are values like others.
    const std::vector<double> inf{INFINITY, 0.0, 1.0, INFINITY, 1.0, 2.0};
    QCOMPARE(paretoFront(inf, {Sense::Minimize, Sense::Minimize}), (std::vector<int>{0, 2}));
}

void TestPareto::frontErrors()
{
    const std::vector<Sense> s{Sense::Minimize, Sense::Maximize};
    QVERIFY_THROWS_EXCEPTION(Error, paretoFront(std::vector<double>{1, 2, 3}, s));
    QVERIFY_THROWS_EXCEPTION(Error, paretoFront(std::vector<double>{1, NAN}, s));
    QVERIFY_THROWS_EXCEPTION(Error, paretoFront(std::vector<double>{1, 2}, {}));
    QVERIFY_THROWS_EXCEPTION(Error, hypervolume(std::vector<double>{1, 2}, s, {1}));
    QVERIFY_THROWS_EXCEPTION(Error, hypervolume(std::vector<double>{1, INFINITY}, s, {3, 3}));
    QCOMPARE(kneePoint(std::vector<double>{}, s), -1);
}

void TestPareto::hypervolumeHandCases_data()
{
    QTest::addColumn<QString>("senses"); // one letter per objective: n = min, x = max
    QTest::addColumn<QVector<double>>("points");
    QTest::addColumn<QVector<double>>("reference");
    QTest::addColumn<double>("volume");
    QTest::newRow("empty") << "nn" << QVector<double>{} << QVector<double>{1, 1} << 0.0;
    QTest::newRow("1-D") << "n" << QVector<double>{3, 1, 2} << QVector<double>{5} << 4.0;
    QTest::newRow("2-D staircase")
        << "nn" << QVector<double>{1, 3, 2, 2, 3, 1} << QVector<double>{4, 4} << 6.0;
    QTest::newRow("2-D one box") << "nn" << QVector<double>{1, 1} << QVector<double>{3, 5} << 8.0;
    QTest::newRow("2-D outside the reference")
        << "nn" << QVector<double>{1, 3, 5, 0, 2, 4} << QVector<double>{4, 4} << 3.0;
    // energy (min) vs accuracy (max), reference energy 100, accuracy 0.5:
    // (20, 0.9): 80 x 0.4 = 32; (50, 0.95) adds 50 x 0.05 = 2.5.
    QTest::newRow("2-D min/max") << "nx" << QVector<double>{20, 0.9, 50, 0.95}
                                 << QVector<double>{100, 0.5} << 34.5;
    QTest::newRow("3-D one box") << "nnn" << QVector<double>{0, 0, 0} << QVector<double>{1, 2, 3}
                                 << 6.0;
    // Boxes of 4 and 2 overlapping in [1,2]^3: 4 + 2 - 1.
    QTest::newRow("3-D two boxes")
        << "nnn" << QVector<double>{0, 0, 1, 1, 1, 0} << QVector<double>{2, 2, 2} << 5.0;
    // Three boxes of 2 cells in [0,2]^3, pairwise sharing the cell [1,2]^3: 4 cells.
    QTest::newRow("3-D corners") << "nnn" << QVector<double>{0, 1, 1, 1, 0, 1, 1, 1, 0}
                                 << QVector<double>{2, 2, 2} << 4.0;
    QTest::newRow("3-D max") << "xxx" << QVector<double>{1, 1, 1} << QVector<double>{0, 0, 0}
                             << 1.0;
    QTest::newRow("4-D one box") << "nnnn" << QVector<double>{0, 0, 0, 0}
                                 << QVector<double>{1, 2, 3, 4} << 24.0;
}

void TestPareto::hypervolumeHandCases()
{
    QFETCH(QString, senses);
    QFETCH(QVector<double>, points);
    QFETCH(QVector<double>, reference);
    QFETCH(double, volume);
    std::vector<Sense> s;
    for (QChar c : senses)
        s.push_back(c == QLatin1Char('x') ? Sense::Maximize : Sense::Minimize);
    const std::vector<double> p(points.begin(), points.end());
    const std::vector<double> ref(reference.begin(), reference.end());
    FRONTIER_COMPARE_REL(hypervolume(p, s, ref), volume, 1e-12);
}

void TestPareto::hypervolumeLatticeExact_data()
{
    QTest::addColumn<int>("k");
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("seed");
    for (int k : {2, 3, 4}) {
        for (int n : {1, 5, 40, 200}) {
            for (int seed : {1, 2, 3})
                QTest::addRow("k%d/n%d/%d", k, n, seed) << k << n << seed;
        }
    }
}

void TestPareto::hypervolumeLatticeExact()
{
    // Integer points in [0, 8)^k against the reference 8: the dominated region is a union
    // of unit cells, so counting the cells c with some point p <= c is exact.
    QFETCH(int, k);
    QFETCH(int, n);
    QFETCH(int, seed);
    Random r(uint64_t(seed * 31 + k));
    const int levels = 8;
    const std::vector<double> p = randomPoints(r, n, k, levels);
    const std::vector<Sense> s(size_t(k), Sense::Minimize);
    int64_t cells = 1;
    for (int d = 0; d < k; ++d)
        cells *= levels;
    int64_t covered = 0;
    std::vector<int> c(size_t(k), 0);
    for (int64_t idx = 0; idx < cells; ++idx) {
        int64_t rest = idx;
        for (int d = 0; d < k; ++d) {
            c[size_t(d)] = int(rest % levels);
            rest /= levels;
        }
        for (int i = 0; i < n; ++i) {
            bool below = true;
            for (int d = 0; d < k && below; ++d)
                below = p[size_t(i * k + d)] <= c[size_t(d)];
            if (below) {
                ++covered;
                break;
            }
        }
    }
    QCOMPARE(hypervolume(p, s, std::vector<double>(size_t(k), double(levels))), double(covered));
}

void TestPareto::hypervolumeMonteCarlo_data()
{
    QTest::addColumn<int>("k");
    QTest::addColumn<int>("seed");
    for (int k : {2, 3, 4}) {
        for (int seed : {1, 2})
            QTest::addRow("k%d/%d", k, seed) << k << seed;
    }
}

void TestPareto::hypervolumeMonteCarlo()
{
    // Continuous points, mixed senses; the estimate draws uniform samples in the box
    // between the best corner and the reference (fixed seed), tolerance 5 sigma.
    QFETCH(int, k);
    QFETCH(int, seed);
    Random r{uint64_t(seed)};
    const int n = 60;
    const std::vector<Sense> s = randomSenses(r, k);
    std::vector<double> p = randomPoints(r, n, k, 0);
    std::vector<double> ref(static_cast<size_t>(k));
    for (int d = 0; d < k; ++d)
        ref[size_t(d)] = s[size_t(d)] == Sense::Minimize ? 1.0 : 0.0;
    const double exact = hypervolume(p, s, ref);

    Random mc(99);
    const int samples = 400000;
    int hits = 0;
    std::vector<double> x(static_cast<size_t>(k));
    for (int t = 0; t < samples; ++t) {
        for (double &v : x)
            v = mc.uniform();
        for (int i = 0; i < n; ++i) {
            bool dom = true;
            for (int d = 0; d < k && dom; ++d) {
                const double v = p[size_t(i * k + d)];
                dom = s[size_t(d)] == Sense::Minimize ? v <= x[size_t(d)] : v >= x[size_t(d)];
            }
            if (dom) {
                ++hits;
                break;
            }
        }
    }
    const double share = double(hits) / samples; // the box is the unit cube
    const double sigma = std::sqrt(share * (1 - share) / samples);
    QVERIFY2(
        std::abs(exact - share) <= 5 * sigma + 1e-12,
        qPrintable(
            QStringLiteral("exact %1, Monte Carlo %2 +- %3").arg(exact).arg(share).arg(sigma)));
    QVERIFY(share > 0.05 && share < 0.999);
}

void TestPareto::hypervolumeIgnoresDominatedPoints()
{
    Random r(4);
    for (int k : {2, 3, 4}) {
        const std::vector<Sense> s(size_t(k), Sense::Minimize);
        const std::vector<double> p = randomPoints(r, 100, k, 0);
        std::vector<double> front;
        for (int i : paretoFront(p, s))
            front.insert(front.end(), p.begin() + i * k, p.begin() + (i + 1) * k);
        const std::vector<double> ref(size_t(k), 1.0);
        FRONTIER_COMPARE_REL(hypervolume(p, s, ref), hypervolume(front, s, ref), 1e-12);
        std::vector<double> twice = p;
        twice.insert(twice.end(), p.begin(), p.end());
        FRONTIER_COMPARE_REL(hypervolume(twice, s, ref), hypervolume(p, s, ref), 1e-12);
    }
}

void TestPareto::kneeHandCase()
{
    // Energy and error both minimised: normalised sums 1, 0.5, 0.4, 0.5, 1 -> (2, 2).
    const std::vector<double> p{0, 10, 1, 4, 2, 2, 4, 1, 10, 0, 6, 6};
    QCOMPARE(kneePoint(p, {Sense::Minimize, Sense::Minimize}), 2);
    // The same with accuracy = 10 - error, maximised.
    std::vector<double> q = p;
    for (size_t i = 1; i < q.size(); i += 2)
        q[i] = 10 - q[i];
    QCOMPARE(kneePoint(q, {Sense::Minimize, Sense::Maximize}), 2);
    // In 2-D: the point farthest below the line between the extremes.
    QCOMPARE(kneePoint(std::vector<double>{5, 5}, {Sense::Minimize, Sense::Minimize}), 0);
    QCOMPARE(
        kneePoint(std::vector<double>{1, 9, 9, 1, 5, 5, 3, 6}, {Sense::Minimize, Sense::Minimize}),
        3);
}

void TestPareto::objectives()
{
    const std::vector<Objective> o = parseObjectives("energy_pj:min, accuracy : max");
    QCOMPARE(int(o.size()), 2);
    QCOMPARE(o[0].name, std::string("energy_pj"));
    QVERIFY(o[0].sense == Sense::Minimize);
    QVERIFY(o[1].sense == Sense::Maximize);
    QCOMPARE(objectivesToString(o), std::string("energy_pj:min,accuracy:max"));
    QVERIFY(sensesOf(o) == (std::vector<Sense>{Sense::Minimize, Sense::Maximize}));
    for (const char *bad :
         {"", "energy_pj", "energy_pj:least", ":min", "a:min,,b:max", "a:min,a:max"}) {
        QVERIFY_THROWS_EXCEPTION(Error, parseObjectives(bad));
    }
}

void TestPareto::constraintQueries()
{
    const std::vector<std::string> cols{"energy_pj", "accuracy", "latency_us"};
    // energy, accuracy, latency
    const std::vector<double> rows{
        500, 0.99, 10, // 0
        100, 0.97, 30, // 1
        200, 0.98, 50, // 2
        150, 0.98, 20, // 3
        150, 0.99, 20, // 4 ties 3 on energy: the first wins
        90,  NAN,  5,  // 5 no accuracy: never qualifies
    };
    const auto query = [&](const char *where, Sense sense = Sense::Minimize) {
        return bestRow(rows, 3, 0, sense, parseConstraints(where, cols));
    };
    QCOMPARE(query("accuracy>=0.98"), 3);
    QCOMPARE(query("accuracy >= 0.98 and latency_us<10"), -1);
    QCOMPARE(query("accuracy>=0.98, latency_us<=20"), 3);
    QCOMPARE(query("accuracy>0.98"), 4);
    QCOMPARE(query("accuracy==0.97"), 1);
    QCOMPARE(query(""), 5);
    QCOMPARE(query("accuracy>=0.999"), -1);
    QCOMPARE(query("accuracy>=0.98", Sense::Maximize), 0);
    const Constraint c = Constraint::parse("accuracy>=0.98", cols);
    QCOMPARE(c.toString(cols), std::string("accuracy>=0.98"));
    QVERIFY(!c.holds(NAN));
    for (const char *bad : {"accuracy", "acc>=0.9", "accuracy>=x", "accuracy>=", ">=0.5"})
        QVERIFY_THROWS_EXCEPTION(Error, Constraint::parse(bad, cols));
}

QTEST_GUILESS_MAIN(TestPareto)
#include "tst_pareto.moc"

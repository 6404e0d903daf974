#pragma once

// Shared helpers for the QtTest suites: one relative-tolerance comparison, fixed-seed
// random data, and the locations of fixtures and of the shared real datasets.

#include <QString>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <string>
#include <vector>

namespace frontier::test {

// |a - b| <= tol * max(1, |a|, |b|)
inline bool closeRel(double a, double b, double tol)
{
    const double scale = std::max({1.0, std::abs(a), std::abs(b)});
    return std::abs(a - b) <= tol * scale;
}

// Largest relative deviation between two equally sized vectors, scaled by the
// largest magnitude of the reference (so that near-zero entries do not dominate).
inline double maxRelDiff(const std::vector<float> &got, const std::vector<float> &want)
{
    double ref = 1e-30;
    for (float w : want)
        ref = std::max(ref, double(std::abs(w)));
    double worst = 0;
    for (size_t i = 0; i < got.size() && i < want.size(); ++i)
        worst = std::max(worst, std::abs(double(got[i]) - double(want[i])) / ref);
    if (got.size() != want.size())
        return INFINITY;
    return worst;
}

inline std::string sharedDatasets()
{
    return std::string(FRONTIER_SOURCE_DIR) + "/../shared/datasets";
}

inline std::string testData(const std::string &relative)
{
    return std::string(FRONTIER_TEST_DATA) + "/" + relative;
}

} // namespace frontier::test

#define FRONTIER_COMPARE_REL(actual, expected, tol)                                                \
    do {                                                                                           \
        const double a_ = double(actual);                                                          \
        const double e_ = double(expected);                                                        \
        if (!frontier::test::closeRel(a_, e_, tol))                                                \
            QFAIL(qPrintable(QStringLiteral("%1 = %2, expected %3 (rel. tol. %4)")                 \
                                 .arg(QStringLiteral(#actual))                                     \
                                 .arg(a_, 0, 'g', 10)                                              \
                                 .arg(e_, 0, 'g', 10)                                              \
                                 .arg(tol)));                                                      \
    } while (false)

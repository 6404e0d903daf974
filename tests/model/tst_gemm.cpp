// The GEMM kernel of the inference path (core/model/layers/gemm.h) against a double
// reference, on shapes that hit every tile size, partial panels and k blocks, and its
// reproducibility contract: splitting the rows never changes a bit.

#include "testutil.h"

#include "model/layers/gemm.h"

#include "common/random.h"

#include <QtTest>

#include <cstring>
#include <vector>

using namespace frontier;
using namespace frontier::model;
using frontier::test::maxRelDiff;

namespace {

struct Problem
{
    int m, n, k;
    std::vector<float> a, w, bias; // a [m, k], w [n, k] (dense layout), bias [n] or [m]
};

// A in [0, 1) as the activations of a network are; weights and bias in [-1, 1).
Problem makeProblem(int m, int n, int k, bool rowBias, uint64_t seed)
{
    Random rng(seed);
    Problem p{m, n, k, {}, {}, {}};
    p.a.resize(size_t(m) * size_t(k));
    p.w.resize(size_t(n) * size_t(k));
    p.bias.resize(size_t(rowBias ? m : n));
    for (float &v : p.a) // activations: pixels or ReLU outputs
        v = rng.uniformF();
    for (float &v : p.w)
        v = rng.uniformF() * 2.0f - 1.0f;
    for (float &v : p.bias)
        v = rng.uniformF() * 2.0f - 1.0f;
    return p;
}

std::vector<float> reference(const Problem &p, bool rowBias, bool relu)
{
    std::vector<float> c(size_t(p.m) * size_t(p.n));
    for (int i = 0; i < p.m; ++i) {
        for (int j = 0; j < p.n; ++j) {
            double acc = rowBias ? p.bias[size_t(i)] : p.bias[size_t(j)];
            for (int q = 0; q < p.k; ++q)
                acc += double(p.a[size_t(i) * p.k + q]) * p.w[size_t(j) * p.k + q];
            c[size_t(i) * p.n + j] = relu && !(acc > 0.0) ? 0.0f : float(acc);
        }
    }
    return c;
}

} // namespace

class TestGemm : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesReference_data();
    void matchesReference();
    void kZeroGivesBias();
};

void TestGemm::matchesReference_data()
{
    QTest::addColumn<int>("m");
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("k");
    QTest::addColumn<bool>("packed"); // B packed (dense) or row-major with ld > n (conv)
    QTest::addColumn<bool>("rowBias");
    QTest::addColumn<bool>("relu");
    QTest::newRow("1x1x1") << 1 << 1 << 1 << true << false << false;
    QTest::newRow("mlp fc1 block") << 64 << 256 << 784 << true << false << true;
    QTest::newRow("mlp fc3, 10 columns") << 64 << 10 << 128 << true << false << false;
    QTest::newRow("every tile size") << 37 << 33 << 19 << true << false << true;
    QTest::newRow("two k blocks") << 13 << 48 << 1030 << true << false << false;
    QTest::newRow("conv rows, partial panel") << 16 << 100 << 150 << false << true << true;
    QTest::newRow("conv 6 filters") << 6 << 784 << 25 << false << true << false;
    QTest::newRow("one row, 17 columns") << 1 << 17 << 9 << false << true << true;
}

void TestGemm::matchesReference()
{
    QFETCH(int, m);
    QFETCH(int, n);
    QFETCH(int, k);
    QFETCH(bool, packed);
    QFETCH(bool, rowBias);
    QFETCH(bool, relu);
    const Problem p = makeProblem(m, n, k, rowBias, 5);

    // B = wᵀ, packed once or as a row-major [k, ld] matrix with ld > n.
    gemm::AlignedVector storage;
    gemm::PanelView b;
    if (packed) {
        storage.resize(size_t(gemm::packedPanelsSize(k, n)));
        gemm::packPanelsTransposed(p.w.data(), n, k, storage.data());
        b = {storage.data(), gemm::panelWidth, int64_t(k) * gemm::panelWidth};
    } else {
        const int ld = n + 3;
        storage.assign(size_t(k) * ld, 0.0f);
        for (int q = 0; q < k; ++q) {
            for (int j = 0; j < n; ++j)
                storage[size_t(q) * ld + j] = p.w[size_t(j) * k + q];
        }
        b = gemm::rowMajor(storage.data(), ld);
    }
    gemm::Epilogue e;
    (rowBias ? e.rowBias : e.columnBias) = p.bias.data();
    e.activation = relu ? gemm::Activation::Relu : gemm::Activation::None;

    // Output with a leading dimension > n: the gap must stay untouched.
    const int ldc = n + 5;
    std::vector<float> c(size_t(m) * ldc, 42.0f);
    gemm::sgemm(m, n, k, p.a.data(), k, b, c.data(), ldc, e);
    std::vector<float> got(size_t(m) * n);
    for (int i = 0; i < m; ++i) {
        std::copy_n(c.data() + size_t(i) * ldc, n, got.data() + size_t(i) * n);
        for (int j = n; j < ldc; ++j)
            QCOMPARE(c[size_t(i) * ldc + j], 42.0f);
    }
    const double diff = maxRelDiff(got, reference(p, rowBias, relu));
    QVERIFY2(diff <= 1e-6, qPrintable(QStringLiteral("max rel. diff %1").arg(diff)));

    // Row by row (and in uneven splits): bitwise the same, whatever the tiling.
    std::vector<float> split(size_t(m) * n);
    for (int i0 = 0; i0 < m;) {
        const int rows = std::min(m - i0, 1 + i0 % 5);
        gemm::Epilogue part = e;
        if (rowBias)
            part.rowBias = p.bias.data() + i0;
        gemm::sgemm(rows, n, k, p.a.data() + size_t(i0) * k, k, b, split.data() + size_t(i0) * n, n,
                    part);
        i0 += rows;
    }
    QVERIFY(std::memcmp(split.data(), got.data(), got.size() * sizeof(float)) == 0);
}

void TestGemm::kZeroGivesBias()
{
    const std::vector<float> bias = {-1.0f, 2.0f, 0.5f};
    gemm::Epilogue e;
    e.columnBias = bias.data();
    e.activation = gemm::Activation::Relu;
    std::vector<float> c(6, 9.0f);
    gemm::sgemm(2, 3, 0, nullptr, 0, gemm::rowMajor(nullptr, 3), c.data(), 3, e);
    QCOMPARE(c, (std::vector<float>{0.0f, 2.0f, 0.5f, 0.0f, 2.0f, 0.5f}));
}

QTEST_GUILESS_MAIN(TestGemm)
#include "tst_gemm.moc"

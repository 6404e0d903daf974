#include "orderedgemm.h"

#include "common/random.h"

#include <cmath>
#include <cstring>

namespace frontier::numeric {

namespace {

void scalarGemm(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b,
                int64_t ldb, float *c, int64_t ldc)
{
    for (int64_t i = 0; i < m; ++i) {
        float *row = c + i * ldc;
        for (int64_t j = 0; j < n; ++j)
            row[j] = 0.0f;
        for (int64_t p = 0; p < k; ++p) {
            const float x = a[i * lda + p];
            const float *brow = b + p * ldb;
            for (int64_t j = 0; j < n; ++j)
                row[j] = std::fma(x, brow[j], row[j]);
        }
    }
}

// Whether model::gemm::sgemm computes the ordered fma chain on this build (its register
// kernels do; a portable kernel with separate multiply and add would not). Checked once,
// bit for bit, on random operands whose products and sums round: a kernel that reorders
// or rounds differently fails it.
bool sgemmIsOrderedFma()
{
    static const bool ok = [] {
        const int m = 13, n = 45, k = 37;
        Random rng(20240601);
        std::vector<float> a(size_t(m * k)), b(size_t(k * n)), c1(size_t(m * n)), c2(size_t(m * n));
        for (float &v : a)
            v = float(rng.uniform(-1.0, 1.0));
        for (float &v : b)
            v = float(rng.uniform(-1.0, 1.0));
        scalarGemm(m, n, k, a.data(), k, b.data(), n, c1.data(), n);
        model::gemm::sgemm(m, n, k, a.data(), k, model::gemm::rowMajor(b.data(), n), c2.data(), n,
                           {});
        return std::memcmp(c1.data(), c2.data(), c1.size() * sizeof(float)) == 0;
    }();
    return ok;
}

} // namespace

void orderedGemm(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b,
                 int64_t ldb, float *c, int64_t ldc)
{
    if (m <= 0 || n <= 0)
        return;
    if (sgemmIsOrderedFma()) {
        model::gemm::sgemm(int(m), int(n), int(k), a, lda, model::gemm::rowMajor(b, ldb), c, ldc,
                           {});
        return;
    }
    scalarGemm(m, n, k, a, lda, b, ldb, c, ldc);
}

PackedWeights packWeights(const float *w, int n, int k)
{
    PackedWeights p;
    p.n = n;
    p.k = k;
    if (sgemmIsOrderedFma()) {
        p.panels.resize(size_t(model::gemm::packedPanelsSize(k, n)));
        model::gemm::packPanelsTransposed(w, n, k, p.panels.data());
    } else {
        p.transposed.resize(size_t(int64_t(n) * k));
        for (int j = 0; j < n; ++j) {
            for (int i = 0; i < k; ++i)
                p.transposed[size_t(int64_t(i) * n + j)] = w[int64_t(j) * k + i];
        }
    }
    return p;
}

void orderedGemmPacked(int64_t m, const float *a, int64_t lda, const PackedWeights &w, float *c,
                       int64_t ldc)
{
    if (m <= 0 || w.n <= 0)
        return;
    if (!w.panels.empty()) {
        const model::gemm::PanelView view{w.panels.data(), model::gemm::panelWidth,
                                          int64_t(w.k) * model::gemm::panelWidth};
        model::gemm::sgemm(int(m), w.n, w.k, a, lda, view, c, ldc, {});
        return;
    }
    scalarGemm(m, w.n, w.k, a, lda, w.transposed.data(), w.n, c, ldc);
}

} // namespace frontier::numeric

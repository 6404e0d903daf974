#include "orderedgemm.h"

namespace frontier::numeric {

namespace {

model::gemm::Epilogue oneChain()
{
    model::gemm::Epilogue e;
    e.singleChain = true;
    return e;
}

} // namespace

void orderedGemm(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b,
                 int64_t ldb, float *c, int64_t ldc)
{
    if (m <= 0 || n <= 0)
        return;
    model::gemm::sgemm(int(m), int(n), int(k), a, lda, model::gemm::rowMajor(b, ldb), c, ldc,
                       oneChain());
}

PackedWeights packWeights(const float *w, int n, int k)
{
    PackedWeights p;
    p.n = n;
    p.k = k;
    p.panels.resize(size_t(model::gemm::packedPanelsSize(k, n)));
    model::gemm::packPanelsTransposed(w, n, k, p.panels.data());
    return p;
}

void orderedGemmPacked(int64_t m, const float *a, int64_t lda, const PackedWeights &w, float *c,
                       int64_t ldc)
{
    if (m <= 0 || w.n <= 0)
        return;
    const model::gemm::PanelView view{w.panels.data(), model::gemm::panelWidth,
                                      int64_t(w.k) * model::gemm::panelWidth};
    model::gemm::sgemm(int(m), w.n, w.k, a, lda, view, c, ldc, oneChain());
}

} // namespace frontier::numeric

#include "gemm.h"

#include "kernels/sgemmkernel.h"

#include "common/cpu.h"

#include <algorithm>

namespace frontier::model::gemm {

namespace {

// The register kernel of the active instruction-set path (common/cpu.h). Each path is the
// same source compiled with other -m flags (kernels/sgemmkernel.cpp) and gives the same
// bits; the portable one is the reference.
kernels::PanelFn panelKernel()
{
    switch (cpu::activeIsa()) {
    case cpu::Isa::Avx512:
        return &kernels::avx512::panel;
    case cpu::Isa::Avx2:
        return &kernels::avx2::panel;
    case cpu::Isa::Portable:
        break;
    }
    return &kernels::portable::panel;
}

} // namespace

int64_t packedPanelsSize(int k, int n)
{
    const int64_t panels = (int64_t(n) + panelWidth - 1) / panelWidth;
    return panels * panelWidth * k;
}

void packPanelsTransposed(const float *w, int n, int k, float *out, int64_t ldw)
{
    if (ldw == 0)
        ldw = k;
    const int panels = (n + panelWidth - 1) / panelWidth;
    for (int q = 0; q < panels; ++q) {
        float *dst = out + int64_t(q) * k * panelWidth;
        const int j0 = q * panelWidth;
        const int cols = std::min(panelWidth, n - j0);
        for (int p = 0; p < k; ++p) {
            float *row = dst + int64_t(p) * panelWidth;
            for (int j = 0; j < cols; ++j)
                row[j] = w[int64_t(j0 + j) * ldw + p];
            std::fill(row + cols, row + panelWidth, 0.0f);
        }
    }
}

void sgemm(int m, int n, int k, const float *a, int64_t lda, const PanelView &b, float *c,
           int64_t ldc, const Epilogue &e)
{
    const bool relu = e.activation == Activation::Relu;
    if (k == 0) {
        for (int i = 0; i < m; ++i) {
            for (int j = 0; j < n; ++j) {
                float v = e.rowBias ? e.rowBias[i] : e.columnBias ? e.columnBias[j] : 0.0f;
                if (relu)
                    v = v > 0.0f ? v : 0.0f;
                c[i * ldc + j] = v;
            }
        }
        return;
    }
    const kernels::PanelFn panel = panelKernel();
    const int panels = (n + panelWidth - 1) / panelWidth;
    for (int q = 0; q < panels; ++q) {
        const int j0 = q * panelWidth;
        panel(m, std::min(panelWidth, n - j0), k, a, lda, b.data + q * b.panelStride, b.ld, c + j0,
              ldc, e.rowBias, e.columnBias ? e.columnBias + j0 : nullptr, relu, e.singleChain);
    }
}

const char *kernelIsa()
{
    return cpu::isaName(cpu::activeIsa());
}

void gemmTrain(bool transA, bool transB, int m, int n, int k, const float *a, int64_t lda,
               const float *b, int64_t ldb, float *c, int64_t ldc, bool accumulate,
               const Epilogue &epilogue)
{
    if (m <= 0 || n <= 0)
        return;
    thread_local std::vector<float> aScratch, bScratch, cScratch;
    if (transA) {
        float *t = alignedScratch(aScratch, int64_t(m) * k);
        for (int p = 0; p < k; ++p) {
            const float *row = a + int64_t(p) * lda;
            for (int i = 0; i < m; ++i)
                t[int64_t(i) * k + p] = row[i];
        }
        a = t;
        lda = k;
    }
    PanelView view = rowMajor(b, ldb);
    if (transB) {
        float *packed = alignedScratch(bScratch, packedPanelsSize(k, n));
        packPanelsTransposed(b, n, k, packed, ldb);
        view = {packed, panelWidth, int64_t(k) * panelWidth};
    }
    if (!accumulate) {
        sgemm(m, n, k, a, lda, view, c, ldc, epilogue);
        return;
    }
    float *product = alignedScratch(cScratch, int64_t(m) * n);
    sgemm(m, n, k, a, lda, view, product, n, {});
    for (int i = 0; i < m; ++i) {
        float *dst = c + int64_t(i) * ldc;
        const float *src = product + int64_t(i) * n;
        for (int j = 0; j < n; ++j)
            dst[j] += src[j];
    }
}

float *alignedScratch(std::vector<float> &buffer, int64_t count)
{
    const size_t need = size_t(count) + 16;
    if (buffer.size() < need)
        buffer.resize(need);
    const auto address = reinterpret_cast<uintptr_t>(buffer.data());
    return buffer.data() + ((64 - address % 64) % 64) / sizeof(float);
}

} // namespace frontier::model::gemm

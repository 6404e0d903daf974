#pragma once

#include "model/layers/gemm.h"

#include <cstdint>
#include <vector>

namespace frontier::numeric {

// C = A * B (row-major, leading dimensions lda, ldb, ldc) where every element is the
// float32 fused multiply-add chain in ascending k, starting from +0:
//   c = 0; for k = 0..K-1: c = fma(A[m, k], B[k, n], c)
// This fixes the rounding of float32 accumulation to the bit, whatever the blocking, the
// vector width or the thread: a straightforward loop with std::fma gives the same result.
// It runs model::gemm::sgemm with Epilogue::singleChain, whose every instruction-set path
// (AVX-512, AVX2, the portable dmath::fma loop) computes exactly this chain; tst_variantengine
// checks the result against an independent std::fma reference, at k above and below the
// fp32 GEMM's block of 128, on every path the host supports.
// m, n, k >= 0. Thread-safe (no mutable state after the first call).
void orderedGemm(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b,
                 int64_t ldb, float *c, int64_t ldc);

// B = W^T for a weight matrix W [n, k] (row-major), packed once for orderedGemmPacked().
struct PackedWeights
{
    int n = 0;
    int k = 0;
    model::gemm::AlignedVector panels; // gemm::packPanelsTransposed layout
};
PackedWeights packWeights(const float *w, int n, int k);

// C [m, n] = A [m, k] * W^T with the same fma chain as orderedGemm().
void orderedGemmPacked(int64_t m, const float *a, int64_t lda, const PackedWeights &w, float *c,
                       int64_t ldc);

} // namespace frontier::numeric

#pragma once

// Single-precision GEMM for the inference path of the dense and conv2d layers:
//
//     C[m x n] = act(A[m x k] · B[k x n] + bias)
//
// A is read in place (row-major: a block of samples, or conv2d weights); B is read in
// column panels of panelWidth floats, either from a row-major matrix (im2col columns) or
// from a copy packed once (packPanelsTransposed: dense weights). The register kernel
// keeps a tile of C in registers (AVX-512F: up to 12 rows x 32 columns; AVX2 with FMA:
// 6 x 16), multiplies with fused multiply-adds and applies bias and ReLU before its
// single store. The kernel is chosen at run time (common/cpu.h): AVX-512, AVX2+FMA or the
// portable reference (scalar dmath::fma), all with the same order of roundings per element, so
// every path gives the same bits.
//
// Accuracy and reproducibility: every element C(i, j) is computed in one fixed order
// that depends on k only: the products A(i, p) · B(p, j) are summed in blocks of 128
// consecutive p (in increasing p, from the bias for the first block, from 0 for the
// others), the block sums added to the running value in increasing order, then the
// activation applied. With Epilogue::singleChain the blocks are one: a single fused chain
// c = bias; for p = 0..k-1: c = fma(A(i, p), B(p, j), c) (the minifloat contract). The error of
// this blocked summation grows with 128 + k / 128 rather than k. The order does not depend on m, n,
// the tiling or the caller's split of the rows, so splitting a GEMM by rows (blocks of samples,
// threads) or by columns never changes a bit of the result.
//
// Reentrant, no shared state: concurrent calls may share A and B (read-only), not C.

#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

namespace frontier::model::gemm {

// Columns of a B panel; a packed panel row is 128 bytes.
constexpr int panelWidth = 32;

// std::allocator with 64-byte (cache line) alignment, for packed operands.
template<typename T>
struct AlignedAllocator
{
    using value_type = T;
    AlignedAllocator() = default;
    template<typename U>
    AlignedAllocator(const AlignedAllocator<U> &) noexcept
    {}
    T *allocate(size_t count)
    {
        return static_cast<T *>(::operator new(count * sizeof(T), std::align_val_t(64)));
    }
    void deallocate(T *p, size_t) noexcept { ::operator delete(p, std::align_val_t(64)); }
    template<typename U>
    bool operator==(const AlignedAllocator<U> &) const noexcept
    {
        return true;
    }
};

using AlignedVector = std::vector<float, AlignedAllocator<float>>;

// A read-only k x n operand: element (p, j) is at
//     data[(j / panelWidth) * panelStride + p * ld + j % panelWidth].
// A row-major matrix with leading dimension ld is {data, ld, panelWidth}; a packed
// matrix is {data, panelWidth, k · panelWidth}. Rows of the last panel may be read up
// to the panel's real width only (masked loads), so no padding is required.
struct PanelView
{
    const float *data = nullptr;
    int64_t ld = 0;
    int64_t panelStride = 0;
};

inline PanelView rowMajor(const float *b, int64_t ld)
{
    return {b, ld, panelWidth};
}

// Size in floats of packPanelsTransposed()'s output for a k x n operand.
int64_t packedPanelsSize(int k, int n);

// Packs B = Wᵀ, where w is [n x k] row-major with leading dimension ldw (0: k; a dense
// layer's weight [units, in]), into panels: out[(j / 32) · k · 32 + p · 32 + j % 32] =
// w[j · ldw + p], zero-padded to a multiple of 32 columns. `out` holds
// packedPanelsSize(k, n) floats.
void packPanelsTransposed(const float *w, int n, int k, float *out, int64_t ldw = 0);

enum class Activation { None, Relu };

struct Epilogue
{
    const float *rowBias = nullptr;    // m values added to the rows (conv2d: per filter)
    const float *columnBias = nullptr; // n values added to the columns (dense: per unit)
    Activation activation = Activation::None;
    bool singleChain = false; // one fma chain over all of k instead of blocks of 128
};

// C = act(A · B + bias) for A row-major with leading dimension lda (>= k), B as described
// by `b`, C row-major with leading dimension ldc (>= n). At most one of the biases may be
// set. m, n >= 1, k >= 0 (k == 0 gives act(bias)). C may not overlap A or B.
void sgemm(int m, int n, int k, const float *a, int64_t lda, const PanelView &b, float *c,
           int64_t ldc, const Epilogue &epilogue);

// C [m x n] = op(A) · op(B) (+ epilogue), or C += op(A) · op(B) when accumulate (the
// epilogue is then ignored), for training: op(A) is A [m x k] (lda), or the transpose of A
// stored [k x m] when transA; op(B) is B [k x n] (ldb), or the transpose of B stored
// [n x k] when transB. Transposes are copied into per-thread scratch; the product is
// sgemm's, so training gives the same bits on every instruction-set path too.
void gemmTrain(bool transA, bool transB, int m, int n, int k, const float *a, int64_t lda,
               const float *b, int64_t ldb, float *c, int64_t ldc, bool accumulate,
               const Epilogue &epilogue = {});

// The kernel path sgemm() runs now: "avx512", "avx2" or "portable" (cpu::activeIsa()).
const char *kernelIsa();

// A pointer into `buffer` aligned to 64 bytes with room for `count` floats (the buffer
// grows when needed and keeps its allocation otherwise). For per-call scratch packing.
float *alignedScratch(std::vector<float> &buffer, int64_t count);

} // namespace frontier::model::gemm

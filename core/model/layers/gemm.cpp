#include "gemm.h"

#include <algorithm>
#include <array>
#include <utility>

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#define FRONTIER_GEMM_SIMD 1
// GCC 12's own AVX-512 headers trip -Wmaybe-uninitialized when inlined (GCC bug 105593,
// fixed in 12.3/13; see eigen.h).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#endif

namespace frontier::model::gemm {

// Implementation notes.
//
// Loop order: for every 32-column panel of B, every row tile of A runs the whole k
// range in one call of the register kernel, so C is written once, with its bias and
// activation, and never read. A is read in place; B panels stream from L2 (a packed
// panel is k · 128 bytes), which the hardware prefetchers keep up with: on the MLP's
// 64 x 784 x 256 blocks this ran ~5 % faster than BLIS-style k blocks of 128 that keep a
// panel in L1 but send partial sums of C through memory.
//
// Accuracy: the kernel sums the products in blocks of kBlock, each block from zero in
// registers, added to a running sum also kept in registers (blocked summation: the
// rounding error grows with kBlock + k / kBlock instead of k). On 64 x 784 x 256 with
// activations in [0, 1) and weights in [-1, 1) the largest error relative to the largest
// output fell from 9.8e-7 (one running sum, as Eigen and MLAS do) to 2.8e-7; it costs
// registers, so with AVX-512 tiles of a blocked sum have at most maxRowsBlocked = 7 rows
// (~1 % slower than 12-row tiles without it); with AVX2 the running sums wait on the
// stack instead (they are touched once per block, and 3-row tiles would be latency-bound).
//
// Rows are split into tiles of at most maxRows (maxRowsBlocked), as even as possible; each
// tile size has its own instance of the register kernel. With AVX-512 a tile of r rows
// and 2 · 16 columns keeps 2r accumulators (24 for r = 12) and needs per step of p two
// vector loads of B and r broadcasts of A; AVX2 (16 registers) takes 6 rows x 2 · 8
// columns and two strips per panel. Packing A (as BLIS does) cost more than it saved
// here: on a 64 x 784 block of samples the transposing copy took 15 % of the GEMM time,
// and reading the rows in place runs the kernel at ~98 % of the FMA peak (measured on
// Zen 5, see docs/bench-notes/speed.md).

namespace {

#if defined(__AVX512F__)

// The vector operations the register kernel needs, for one instruction set.
struct Isa
{
    using Vec = __m512;
    using Mask = __mmask16;
    static constexpr int lanes = 16;
    static constexpr int maxVectors = 2;     // per tile row: 32 columns
    static constexpr int maxRows = 12;       // k <= kBlock: 24 accumulators of 32 registers
    static constexpr int maxRowsBlocked = 7; // k > kBlock: 14 block sums + 14 running sums

    static Mask mask(int count) { return Mask((uint32_t(1) << count) - 1u); }
    static Vec load(const float *p) { return _mm512_loadu_ps(p); }
    static Vec load(Mask m, const float *p) { return _mm512_maskz_loadu_ps(m, p); }
    static void store(float *p, Vec v) { _mm512_storeu_ps(p, v); }
    static void store(Mask m, float *p, Vec v) { _mm512_mask_storeu_ps(p, m, v); }
    static Vec broadcast(const float *p) { return _mm512_set1_ps(*p); }
    static Vec zero() { return _mm512_setzero_ps(); }
    static Vec fmadd(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
    static Vec add(Vec a, Vec b) { return _mm512_add_ps(a, b); }
    static Vec max(Vec a, Vec b) { return _mm512_max_ps(a, b); }
};

#elif defined(FRONTIER_GEMM_SIMD)

struct Isa
{
    using Vec = __m256;
    using Mask = __m256i;
    static constexpr int lanes = 8;
    static constexpr int maxVectors = 2;     // per tile row: 16 columns
    static constexpr int maxRows = 6;        // k <= kBlock: 12 accumulators of 16 registers
    static constexpr int maxRowsBlocked = 6; // running sums wait on the stack per block

    static Mask mask(int count)
    {
        const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), lane);
    }
    static Vec load(const float *p) { return _mm256_loadu_ps(p); }
    static Vec load(Mask m, const float *p) { return _mm256_maskload_ps(p, m); }
    static void store(float *p, Vec v) { _mm256_storeu_ps(p, v); }
    static void store(Mask m, float *p, Vec v) { _mm256_maskstore_ps(p, m, v); }
    static Vec broadcast(const float *p) { return _mm256_broadcast_ss(p); }
    static Vec zero() { return _mm256_setzero_ps(); }
    static Vec fmadd(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
    static Vec add(Vec a, Vec b) { return _mm256_add_ps(a, b); }
    static Vec max(Vec a, Vec b) { return _mm256_max_ps(a, b); }
};

#else

struct Isa
{
    static constexpr int maxRows = 12;
    static constexpr int maxRowsBlocked = 12;
};

#endif

constexpr int kBlock = 128;

// Row tile t of `tiles` tiles of at most maxRows over m rows: [begin(t), begin(t) + size(t)).
struct RowTiling
{
    int tiles, base, extra;
    RowTiling(int m, int maxRows)
        : tiles((m + maxRows - 1) / maxRows)
        , base(m / tiles)
        , extra(m % tiles)
    {}
    int begin(int t) const { return t * base + std::min(t, extra); }
    int size(int t) const { return base + (t < extra ? 1 : 0); }
};

#if defined(FRONTIER_GEMM_SIMD)

using Vec = Isa::Vec;
using Mask = Isa::Mask;

// (The mask is passed as a lane count: vector types in a function pointer type lose
// their alignment attributes, which GCC warns about.)
using Kernel = void (*)(int k, const float *a, int64_t lda, const float *b, int64_t ldb, float *c,
                        int64_t ldc, int lastLanes, const float *rowBias, const float *columnBias,
                        bool relu);

// C tile [MR x lanes·NV] = act(bias + A tile [MR x k] · B panel [k x lanes·NV]), summed in
// blocks of kBlock (Blocked, k > kBlock: each block in registers from zero, then added to
// a running sum also kept in registers; otherwise one block started from the bias). Only
// the first lastLanes lanes of the last vector of a row are read (B, the column bias) and
// written (C).
template<int MR, int NV, bool Blocked>
void kernel(int k, const float *a, int64_t lda, const float *b, int64_t ldb, float *c, int64_t ldc,
            int lastLanes, const float *rowBias, const float *columnBias, bool relu)
{
    constexpr int L = Isa::lanes;
    const Mask mask = Isa::mask(lastLanes);

    // acc (+)= A[:, p0 .. p0 + kc) · B[p0 .. p0 + kc, :]
    auto multiply = [&](Vec(&acc)[MR][NV], int kc) {
        for (int p = 0; p < kc; ++p, ++a, b += ldb) {
            Vec bv[NV];
#pragma GCC unroll 4
            for (int j = 0; j < NV; ++j)
                bv[j] = j == NV - 1 ? Isa::load(mask, b + L * j) : Isa::load(b + L * j);
#pragma GCC unroll 16
            for (int i = 0; i < MR; ++i) {
                const Vec av = Isa::broadcast(a + i * lda);
#pragma GCC unroll 4
                for (int j = 0; j < NV; ++j)
                    acc[i][j] = Isa::fmadd(av, bv[j], acc[i][j]);
            }
        }
    };

    Vec sum[MR][NV];
    {
        Vec cb[NV];
#pragma GCC unroll 4
        for (int j = 0; j < NV; ++j) {
            cb[j] = Isa::zero();
            if (columnBias) {
                cb[j] = j == NV - 1 ? Isa::load(mask, columnBias + L * j)
                                    : Isa::load(columnBias + L * j);
            }
        }
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
            for (int j = 0; j < NV; ++j)
                sum[i][j] = rowBias ? Isa::broadcast(rowBias + i) : cb[j];
        }
    }
    multiply(sum, std::min(k, kBlock));
    if constexpr (Blocked) {
        for (int k0 = kBlock; k0 < k; k0 += kBlock) {
            Vec block[MR][NV];
#pragma GCC unroll 16
            for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
                for (int j = 0; j < NV; ++j)
                    block[i][j] = Isa::zero();
            }
            multiply(block, std::min(kBlock, k - k0));
#pragma GCC unroll 16
            for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
                for (int j = 0; j < NV; ++j)
                    sum[i][j] = Isa::add(sum[i][j], block[i][j]);
            }
        }
    }

    if (relu) {
        // max(x, 0) returns 0 for NaN, as relu's x > 0 ? x : 0 does.
        const Vec zero = Isa::zero();
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
            for (int j = 0; j < NV; ++j)
                sum[i][j] = Isa::max(sum[i][j], zero);
        }
    }
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
        for (int j = 0; j < NV; ++j) {
            float *dst = c + i * ldc + L * j;
            if (j == NV - 1)
                Isa::store(mask, dst, sum[i][j]);
            else
                Isa::store(dst, sum[i][j]);
        }
    }
}

template<int NV, bool Blocked, int... R>
constexpr std::array<Kernel, sizeof...(R)> kernelsFor(std::integer_sequence<int, R...>)
{
    return {&kernel<R + 1, NV, Blocked>...};
}

// single[NV - 1][MR - 1] for k <= kBlock, blocked[NV - 1][MR - 1] for longer sums.
static_assert(Isa::maxVectors == 2);
constexpr std::array<std::array<Kernel, Isa::maxRows>, 2> single = {
    kernelsFor<1, false>(std::make_integer_sequence<int, Isa::maxRows>()),
    kernelsFor<2, false>(std::make_integer_sequence<int, Isa::maxRows>()),
};
constexpr std::array<std::array<Kernel, Isa::maxRowsBlocked>, 2> blocked = {
    kernelsFor<1, true>(std::make_integer_sequence<int, Isa::maxRowsBlocked>()),
    kernelsFor<2, true>(std::make_integer_sequence<int, Isa::maxRowsBlocked>()),
};

// All row tiles against one panel of `cols` (1..32) columns, in strips of at most
// lanes · maxVectors columns.
void panel(int m, int cols, int k, const float *a, int64_t lda, const float *b, int64_t ldb,
           float *c, int64_t ldc, const float *rowBias, const float *columnBias, bool relu)
{
    constexpr int strip = Isa::lanes * Isa::maxVectors;
    const bool isBlocked = k > kBlock;
    const RowTiling tiling(m, isBlocked ? Isa::maxRowsBlocked : Isa::maxRows);
    for (int j0 = 0; j0 < cols; j0 += strip) {
        const int width = std::min(strip, cols - j0);
        const int nv = (width + Isa::lanes - 1) / Isa::lanes;
        const int lastLanes = width - Isa::lanes * (nv - 1);
        const Kernel *row
            = isBlocked ? blocked[size_t(nv - 1)].data() : single[size_t(nv - 1)].data();
        const float *cb = columnBias ? columnBias + j0 : nullptr;
        for (int t = 0; t < tiling.tiles; ++t) {
            const int r0 = tiling.begin(t);
            row[tiling.size(t) - 1](k, a + r0 * lda, lda, b + j0, ldb, c + r0 * ldc + j0, ldc,
                                    lastLanes, rowBias ? rowBias + r0 : nullptr, cb, relu);
        }
    }
}

#else // portable kernel: same order of operations per element

void panel(int m, int cols, int k, const float *a, int64_t lda, const float *b, int64_t ldb,
           float *c, int64_t ldc, const float *rowBias, const float *columnBias, bool relu)
{
    const RowTiling tiling(m, Isa::maxRows);
    for (int t = 0; t < tiling.tiles; ++t) {
        const int r0 = tiling.begin(t);
        const int mr = tiling.size(t);
        float sum[Isa::maxRows][panelWidth];
        float block[Isa::maxRows][panelWidth];
        for (int i = 0; i < mr; ++i) {
            for (int j = 0; j < cols; ++j)
                sum[i][j] = rowBias ? rowBias[r0 + i] : columnBias ? columnBias[j] : 0.0f;
        }
        for (int k0 = 0; k0 < k; k0 += kBlock) {
            float(*acc)[panelWidth] = k0 == 0 ? sum : block;
            if (k0 > 0) {
                for (int i = 0; i < mr; ++i)
                    std::fill(block[i], block[i] + cols, 0.0f);
            }
            for (int p = k0; p < std::min(k, k0 + kBlock); ++p) {
                const float *bp = b + p * ldb;
                for (int i = 0; i < mr; ++i) {
                    const float av = a[(r0 + i) * lda + p];
                    for (int j = 0; j < cols; ++j)
                        acc[i][j] += av * bp[j];
                }
            }
            if (k0 > 0) {
                for (int i = 0; i < mr; ++i) {
                    for (int j = 0; j < cols; ++j)
                        sum[i][j] += block[i][j];
                }
            }
        }
        for (int i = 0; i < mr; ++i) {
            for (int j = 0; j < cols; ++j) {
                const float v = sum[i][j];
                c[(r0 + i) * ldc + j] = relu ? (v > 0.0f ? v : 0.0f) : v;
            }
        }
    }
}

#endif

} // namespace

int64_t packedPanelsSize(int k, int n)
{
    const int64_t panels = (int64_t(n) + panelWidth - 1) / panelWidth;
    return panels * panelWidth * k;
}

void packPanelsTransposed(const float *w, int n, int k, float *out)
{
    const int panels = (n + panelWidth - 1) / panelWidth;
    for (int q = 0; q < panels; ++q) {
        float *dst = out + int64_t(q) * k * panelWidth;
        const int j0 = q * panelWidth;
        const int cols = std::min(panelWidth, n - j0);
        for (int p = 0; p < k; ++p) {
            float *row = dst + int64_t(p) * panelWidth;
            for (int j = 0; j < cols; ++j)
                row[j] = w[int64_t(j0 + j) * k + p];
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
    const int panels = (n + panelWidth - 1) / panelWidth;
    for (int q = 0; q < panels; ++q) {
        const int j0 = q * panelWidth;
        panel(m, std::min(panelWidth, n - j0), k, a, lda, b.data + q * b.panelStride, b.ld, c + j0,
              ldc, e.rowBias, e.columnBias ? e.columnBias + j0 : nullptr, relu);
    }
}

const char *kernelIsa()
{
#if defined(__AVX512F__)
    return "avx512";
#elif defined(FRONTIER_GEMM_SIMD)
    return "avx2";
#else
    return "portable";
#endif
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

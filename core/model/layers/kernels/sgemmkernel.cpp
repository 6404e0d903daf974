// The sgemm register kernels for one instruction-set path. This file is compiled three
// times with FRONTIER_ISA_NS set to portable, avx2 or avx512 and the matching -m flags;
// the preprocessor picks the vector operations from the flags (__AVX512F__, __AVX2__).
// See sgemmkernel.h for the contract and why nothing here has external inline linkage.

#include "sgemmkernel.h"

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#define FRONTIER_SGEMM_SIMD 1
// GCC 12's own AVX-512 headers trip -Wmaybe-uninitialized when inlined (GCC bug 105593,
// fixed in 12.3/13; see eigen.h).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#else
#include "common/detmath.h"
#endif

#ifndef FRONTIER_ISA_NS
#error "FRONTIER_ISA_NS must name the instruction-set path (portable, avx2, avx512)"
#endif

namespace frontier::model::gemm::kernels::FRONTIER_ISA_NS {

namespace {

// Implementation notes.
//
// Loop order: every row tile of A runs the whole k range against one strip of the panel
// in one call of the register kernel, so C is written once, with its bias and activation,
// and never read. A is read in place; B panels stream from L2 (a packed panel is
// k · 128 bytes), which the hardware prefetchers keep up with.
//
// Blocked summation keeps a running sum and a block sum per accumulator; the block sums
// fill the registers (AVX-512: 12 rows x 2 vectors of 32 registers, AVX2: 6 x 2 of 16) and
// the running sums wait on the stack, touched once per block of 128 products. (AVX-512
// tiles of 7 rows with both sums in registers ran 20 % slower: 14 multiply-adds per 9
// loads instead of 24 per 14.)
//
// Rows are split into tiles of at most maxRows (maxRowsBlocked), as even as possible;
// each tile size has its own instance of the register kernel.

constexpr int panelColumns = 32; // gemm::panelWidth

inline int minOf(int a, int b)
{
    return a < b ? a : b;
}

#if defined(__AVX512F__)

// Unrolling of the k loop of the register kernel (see multiply()).
#define FRONTIER_SGEMM_UNROLL _Pragma("GCC unroll 1")

struct Isa
{
    using Vec = __m512;
    using Mask = __mmask16;
    static constexpr int lanes = 16;
    static constexpr int maxVectors = 2;      // per tile row: 32 columns
    static constexpr int maxRows = 12;        // single chain: 24 accumulators of 32 registers
    static constexpr int maxRowsBlocked = 12; // 24 block sums; running sums wait on the stack

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

#elif defined(FRONTIER_SGEMM_SIMD)

#define FRONTIER_SGEMM_UNROLL _Pragma("GCC unroll 4")

struct Isa
{
    using Vec = __m256;
    using Mask = __m256i;
    static constexpr int lanes = 8;
    static constexpr int maxVectors = 2;     // per tile row: 16 columns
    static constexpr int maxRows = 6;        // 12 accumulators of 16 registers
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
    static constexpr int maxRows = 8;
};

#endif

// Row tile t of `tiles` tiles of at most maxRows over m rows: [begin(t), begin(t) + size(t)).
struct RowTiling
{
    int tiles, base, extra;
    RowTiling(int m, int maxRows)
        : tiles((m + maxRows - 1) / maxRows)
        , base(m / tiles)
        , extra(m % tiles)
    {}
    int begin(int t) const { return t * base + minOf(t, extra); }
    int size(int t) const { return base + (t < extra ? 1 : 0); }
};

#if defined(FRONTIER_SGEMM_SIMD)

using Vec = Isa::Vec;
using Mask = Isa::Mask;

// (The mask is passed as a lane count: vector types in a function pointer type lose
// their alignment attributes, which GCC warns about.)
using Kernel = void (*)(int k, const float *a, int64_t lda, const float *b, int64_t ldb, float *c,
                        int64_t ldc, int lastLanes, const float *rowBias, const float *columnBias,
                        bool relu);

// C tile [MR x lanes·NV] = act(bias + A tile [MR x k] · B panel [k x lanes·NV]), summed in
// blocks of kBlock (Blocked: each block in registers from zero, then added to a running
// sum; otherwise one chain started from the bias). Only the first lastLanes lanes of the
// last vector of a row are read (B, the column bias) and written (C); Full strips
// (lastLanes == lanes) use plain loads and stores (masked ones cost more, on AMD above all).
template<int MR, int NV, bool Blocked, bool Full>
void kernel(int k, const float *a, int64_t lda, const float *b, int64_t ldb, float *c, int64_t ldc,
            int lastLanes, const float *rowBias, const float *columnBias, bool relu)
{
    constexpr int L = Isa::lanes;
    const Mask mask = Isa::mask(lastLanes);
    auto loadLast = [&](const float *p) {
        if constexpr (Full)
            return Isa::load(p);
        else
            return Isa::load(mask, p);
    };

    // acc (+)= A[:, p0 .. p0 + kc) · B[p0 .. p0 + kc, :]. Unrolled on AVX2: with
    // AVX2's 12 accumulators a k step is too short to hide the loop's own instructions.
    auto multiply = [&](Vec(&acc)[MR][NV], int kc) {
        FRONTIER_SGEMM_UNROLL
        for (int p = 0; p < kc; ++p, ++a, b += ldb) {
            Vec bv[NV];
#pragma GCC unroll 4
            for (int j = 0; j < NV; ++j)
                bv[j] = j == NV - 1 ? loadLast(b + L * j) : Isa::load(b + L * j);
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
    if constexpr (Blocked) {
        multiply(sum, minOf(k, kBlock));
        for (int k0 = kBlock; k0 < k; k0 += kBlock) {
            Vec block[MR][NV];
#pragma GCC unroll 16
            for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
                for (int j = 0; j < NV; ++j)
                    block[i][j] = Isa::zero();
            }
            multiply(block, minOf(kBlock, k - k0));
#pragma GCC unroll 16
            for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
                for (int j = 0; j < NV; ++j)
                    sum[i][j] = Isa::add(sum[i][j], block[i][j]);
            }
        }
    } else {
        multiply(sum, k);
    }

    if (relu) {
        // max(x, 0) returns 0 for NaN and +0 for -0, as relu's x > 0 ? x : 0 does.
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
            if (j == NV - 1 && !Full)
                Isa::store(mask, dst, sum[i][j]);
            else
                Isa::store(dst, sum[i][j]);
        }
    }
}

// Kernel tables indexed [MR - 1] (plain arrays: see sgemmkernel.h).
template<int N>
struct KernelTable
{
    Kernel at[N];
};

template<int... R>
struct IndexList
{};

template<int N, int... R>
struct MakeIndexList : MakeIndexList<N - 1, N - 1, R...>
{};
template<int... R>
struct MakeIndexList<0, R...>
{
    using type = IndexList<R...>;
};

template<int NV, bool Blocked, bool Full, int... R>
constexpr KernelTable<int(sizeof...(R))> makeTable(IndexList<R...>)
{
    return {{&kernel<R + 1, NV, Blocked, Full>...}};
}

using RowsList = MakeIndexList<Isa::maxRows>::type;
using BlockedRowsList = MakeIndexList<Isa::maxRowsBlocked>::type;

static_assert(Isa::maxVectors == 2);
// [NV - 1][Full] for a strip of NV vectors, the last one partial or full.
constexpr KernelTable<Isa::maxRows> single[2][2]
    = {{makeTable<1, false, false>(RowsList()), makeTable<1, false, true>(RowsList())},
       {makeTable<2, false, false>(RowsList()), makeTable<2, false, true>(RowsList())}};
constexpr KernelTable<Isa::maxRowsBlocked> blocked[2][2]
    = {{makeTable<1, true, false>(BlockedRowsList()), makeTable<1, true, true>(BlockedRowsList())},
       {makeTable<2, true, false>(BlockedRowsList()), makeTable<2, true, true>(BlockedRowsList())}};

#endif

} // namespace

#if defined(FRONTIER_SGEMM_SIMD)

void panel(FRONTIER_SGEMM_PANEL_ARGS)
{
    constexpr int strip = Isa::lanes * Isa::maxVectors;
    const bool isBlocked = k > kBlock && !singleChain;
    const RowTiling tiling(m, isBlocked ? Isa::maxRowsBlocked : Isa::maxRows);
    for (int j0 = 0; j0 < cols; j0 += strip) {
        const int width = minOf(strip, cols - j0);
        const int nv = (width + Isa::lanes - 1) / Isa::lanes;
        const int lastLanes = width - Isa::lanes * (nv - 1);
        const int full = lastLanes == Isa::lanes ? 1 : 0;
        const Kernel *row = isBlocked ? blocked[nv - 1][full].at : single[nv - 1][full].at;
        const float *cb = columnBias ? columnBias + j0 : nullptr;
        for (int t = 0; t < tiling.tiles; ++t) {
            const int r0 = tiling.begin(t);
            row[tiling.size(t) - 1](k, a + r0 * lda, lda, b + j0, ldb, c + r0 * ldc + j0, ldc,
                                    lastLanes, rowBias ? rowBias + r0 : nullptr, cb, relu);
        }
    }
}

#else

// The reference path: the same order of operations per element, each product fused with
// its addition by dmath::fma (exact, in SSE2 double arithmetic), so it matches the vector
// kernels bit for bit on any x86-64 CPU.
void panel(FRONTIER_SGEMM_PANEL_ARGS)
{
    const RowTiling tiling(m, Isa::maxRows);
    const int chunk = singleChain ? (k > 0 ? k : 1) : kBlock;
    for (int t = 0; t < tiling.tiles; ++t) {
        const int r0 = tiling.begin(t);
        const int mr = tiling.size(t);
        float sum[Isa::maxRows][panelColumns];
        float block[Isa::maxRows][panelColumns];
        for (int i = 0; i < mr; ++i) {
            for (int j = 0; j < cols; ++j)
                sum[i][j] = rowBias ? rowBias[r0 + i] : columnBias ? columnBias[j] : 0.0f;
        }
        for (int k0 = 0; k0 < k; k0 += chunk) {
            float(*acc)[panelColumns] = k0 == 0 ? sum : block;
            if (k0 > 0) {
                for (int i = 0; i < mr; ++i) {
                    for (int j = 0; j < cols; ++j)
                        block[i][j] = 0.0f;
                }
            }
            const int end = minOf(k, k0 + chunk);
            for (int p = k0; p < end; ++p) {
                const float *bp = b + p * ldb;
                for (int i = 0; i < mr; ++i) {
                    const float av = a[(r0 + i) * lda + p];
                    for (int j = 0; j < cols; ++j)
                        acc[i][j] = dmath::fma(av, bp[j], acc[i][j]);
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

} // namespace frontier::model::gemm::kernels::FRONTIER_ISA_NS

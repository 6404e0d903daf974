#include "saturatinggemm.h"

#include "common/cpu.h"
#include "common/simd.h"

#include <algorithm>

namespace frontier::numeric {

namespace {

// Columns [j0, j1) one chain at a time: the portable path.
void scalarColumns(int m, int64_t j0, int64_t j1, int64_t k, const int32_t *w, const int32_t *x,
                   int64_t ldx, const int64_t *start, int64_t lo, int64_t hi, int64_t *out,
                   int64_t ldc)
{
    for (int r = 0; r < m; ++r) {
        int64_t *row = out + int64_t(r) * ldc;
        for (int64_t j = j0; j < j1; ++j)
            row[j] = start[r];
        const int32_t *wr = w + int64_t(r) * k;
        for (int64_t i = 0; i < k; ++i) {
            const int64_t wi = wr[i];
            const int32_t *xi = x + i * ldx;
            for (int64_t j = j0; j < j1; ++j)
                row[j] = std::min(std::max(row[j] + wi * xi[j], lo), hi);
        }
    }
}

// AVX2: R rows x 8 columns (two registers of four int64 lanes per row) kept in registers
// over the whole k loop. No 64-bit min/max: compare and blend.
template<int R, bool Clamp>
FRONTIER_TARGET_AVX2 void tileAvx2(int64_t k, const int32_t *w, const int32_t *x, int64_t ldx,
                                   const int64_t *start, int64_t lo, int64_t hi, int64_t *out,
                                   int64_t ldc, int cols)
{
    // Lanes j < cols are live (masked loads and stores for a last tile of < 8 columns).
    const bool full = cols == 8;
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i live = _mm256_cmpgt_epi32(_mm256_set1_epi32(cols), lane);
    const __m128i live0 = _mm256_castsi256_si128(live);
    const __m128i live1 = _mm256_extracti128_si256(live, 1);
    const __m256i store0 = _mm256_cvtepi32_epi64(live0);
    const __m256i store1 = _mm256_cvtepi32_epi64(live1);
    const __m256i vlo = _mm256_set1_epi64x(lo);
    const __m256i vhi = _mm256_set1_epi64x(hi);
    __m256i acc0[R];
    __m256i acc1[R];
    for (int r = 0; r < R; ++r) {
        acc0[r] = _mm256_set1_epi64x(start[r]);
        acc1[r] = acc0[r];
    }
    for (int64_t i = 0; i < k; ++i) {
        const int32_t *xi = x + i * ldx;
        const __m128i l0 = full ? _mm_loadu_si128(reinterpret_cast<const __m128i *>(xi))
                                : _mm_maskload_epi32(xi, live0);
        const __m128i l1 = full ? _mm_loadu_si128(reinterpret_cast<const __m128i *>(xi + 4))
                                : _mm_maskload_epi32(xi + 4, live1);
        const __m256i x0 = _mm256_cvtepi32_epi64(l0);
        const __m256i x1 = _mm256_cvtepi32_epi64(l1);
        for (int r = 0; r < R; ++r) {
            const __m256i wv = _mm256_set1_epi64x(w[int64_t(r) * k + i]);
            __m256i s0 = _mm256_add_epi64(acc0[r], _mm256_mul_epi32(wv, x0));
            __m256i s1 = _mm256_add_epi64(acc1[r], _mm256_mul_epi32(wv, x1));
            if (!Clamp) {
                acc0[r] = s0;
                acc1[r] = s1;
                continue;
            }
            s0 = _mm256_blendv_epi8(s0, vhi, _mm256_cmpgt_epi64(s0, vhi));
            s1 = _mm256_blendv_epi8(s1, vhi, _mm256_cmpgt_epi64(s1, vhi));
            acc0[r] = _mm256_blendv_epi8(s0, vlo, _mm256_cmpgt_epi64(vlo, s0));
            acc1[r] = _mm256_blendv_epi8(s1, vlo, _mm256_cmpgt_epi64(vlo, s1));
        }
    }
    for (int r = 0; r < R; ++r) {
        long long *row = reinterpret_cast<long long *>(out + int64_t(r) * ldc);
        if (full) {
            _mm256_storeu_si256(reinterpret_cast<__m256i *>(row), acc0[r]);
            _mm256_storeu_si256(reinterpret_cast<__m256i *>(row + 4), acc1[r]);
        } else {
            _mm256_maskstore_epi64(row, store0, acc0[r]);
            _mm256_maskstore_epi64(row + 4, store1, acc1[r]);
        }
    }
}

// AVX-512: R rows x 16 columns (two registers of eight int64 lanes per row); the last
// columns of a row through masks.
template<int R, bool Clamp>
FRONTIER_TARGET_AVX512 void tileAvx512(int64_t k, const int32_t *w, const int32_t *x, int64_t ldx,
                                       const int64_t *start, int64_t lo, int64_t hi, int64_t *out,
                                       int64_t ldc, __mmask16 mask)
{
    const __m512i vlo = _mm512_set1_epi64(lo);
    const __m512i vhi = _mm512_set1_epi64(hi);
    const __mmask8 m0 = __mmask8(mask & 0xff);
    const __mmask8 m1 = __mmask8(mask >> 8);
    __m512i acc0[R];
    __m512i acc1[R];
    for (int r = 0; r < R; ++r) {
        acc0[r] = _mm512_set1_epi64(start[r]);
        acc1[r] = acc0[r];
    }
    for (int64_t i = 0; i < k; ++i) {
        const __m512i xi = _mm512_maskz_loadu_epi32(mask, x + i * ldx);
        const __m512i x0 = _mm512_cvtepi32_epi64(_mm512_castsi512_si256(xi));
        const __m512i x1 = _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(xi, 1));
        for (int r = 0; r < R; ++r) {
            const __m512i wv = _mm512_set1_epi64(w[int64_t(r) * k + i]);
            const __m512i s0 = _mm512_add_epi64(acc0[r], _mm512_mul_epi32(wv, x0));
            const __m512i s1 = _mm512_add_epi64(acc1[r], _mm512_mul_epi32(wv, x1));
            if (!Clamp) {
                acc0[r] = s0;
                acc1[r] = s1;
                continue;
            }
            acc0[r] = _mm512_min_epi64(_mm512_max_epi64(s0, vlo), vhi);
            acc1[r] = _mm512_min_epi64(_mm512_max_epi64(s1, vlo), vhi);
        }
    }
    for (int r = 0; r < R; ++r) {
        _mm512_mask_storeu_epi64(out + int64_t(r) * ldc, m0, acc0[r]);
        _mm512_mask_storeu_epi64(out + int64_t(r) * ldc + 8, m1, acc1[r]);
    }
}

using Avx2Tile = void (*)(int64_t, const int32_t *, const int32_t *, int64_t, const int64_t *,
                          int64_t, int64_t, int64_t *, int64_t, int);
using Avx512Tile = void (*)(int64_t, const int32_t *, const int32_t *, int64_t, const int64_t *,
                            int64_t, int64_t, int64_t *, int64_t, __mmask16);
constexpr int kAvx2Rows = 4;
constexpr int kAvx512Rows = 8;
// [clamp][rows]
constexpr Avx2Tile kAvx2Tiles[2][kAvx2Rows + 1]
    = {{nullptr, tileAvx2<1, false>, tileAvx2<2, false>, tileAvx2<3, false>, tileAvx2<4, false>},
       {nullptr, tileAvx2<1, true>, tileAvx2<2, true>, tileAvx2<3, true>, tileAvx2<4, true>}};
constexpr Avx512Tile kAvx512Tiles[2][kAvx512Rows + 1]
    = {{nullptr, tileAvx512<1, false>, tileAvx512<2, false>, tileAvx512<3, false>,
        tileAvx512<4, false>, tileAvx512<5, false>, tileAvx512<6, false>, tileAvx512<7, false>,
        tileAvx512<8, false>},
       {nullptr, tileAvx512<1, true>, tileAvx512<2, true>, tileAvx512<3, true>, tileAvx512<4, true>,
        tileAvx512<5, true>, tileAvx512<6, true>, tileAvx512<7, true>, tileAvx512<8, true>}};

} // namespace

void saturatingGemm(int m, int64_t n, int64_t k, const int32_t *w, const int32_t *x, int64_t ldx,
                    const int64_t *start, int64_t lo, int64_t hi, int64_t *out, int64_t ldc)
{
    if (m <= 0 || n <= 0)
        return;
    // A 64-bit accumulator never clamps (its precondition): the plain sums.
    const int clamp = lo == INT64_MIN && hi == INT64_MAX ? 0 : 1;
    switch (cpu::activeIsa()) {
    case cpu::Isa::Avx512:
        // Column strips of 16 outer, row tiles inner: a strip of x stays in L1 for every row.
        for (int64_t j = 0; j < n; j += 16) {
            const int64_t cols = std::min<int64_t>(16, n - j);
            const __mmask16 mask = __mmask16((1u << cols) - 1u);
            for (int r = 0; r < m; r += kAvx512Rows) {
                const int rows = std::min(kAvx512Rows, m - r);
                kAvx512Tiles[clamp][rows](k, w + int64_t(r) * k, x + j, ldx, start + r, lo, hi,
                                          out + int64_t(r) * ldc + j, ldc, mask);
            }
        }
        return;
    case cpu::Isa::Avx2:
        for (int64_t j = 0; j < n; j += 8) {
            const int cols = int(std::min<int64_t>(8, n - j));
            for (int r = 0; r < m; r += kAvx2Rows) {
                const int rows = std::min(kAvx2Rows, m - r);
                kAvx2Tiles[clamp][rows](k, w + int64_t(r) * k, x + j, ldx, start + r, lo, hi,
                                        out + int64_t(r) * ldc + j, ldc, cols);
            }
        }
        return;
    case cpu::Isa::Portable:
        break;
    }
    scalarColumns(m, 0, n, k, w, x, ldx, start, lo, hi, out, ldc);
}

// ---- 16-bit pairs ----

namespace {

int32_t pair(int32_t even, int32_t odd)
{
    return int32_t(uint32_t(uint16_t(int16_t(even))) | (uint32_t(uint16_t(int16_t(odd))) << 16));
}

// AVX2: R rows x 16 columns (two registers of eight int32 lanes per row), masked tails.
template<int R>
FRONTIER_TARGET_AVX2 void pairTileAvx2(int64_t kPairs, const int32_t *w, const int32_t *x,
                                       int64_t ldx, const int64_t *start, int64_t *out, int64_t ldc,
                                       int cols)
{
    const bool full = cols == 16;
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i live0 = _mm256_cmpgt_epi32(_mm256_set1_epi32(cols), lane);
    const __m256i live1 = _mm256_cmpgt_epi32(_mm256_set1_epi32(cols - 8), lane);
    __m256i acc0[R];
    __m256i acc1[R];
    for (int r = 0; r < R; ++r) {
        acc0[r] = _mm256_set1_epi32(int32_t(start[r]));
        acc1[r] = acc0[r];
    }
    for (int64_t i = 0; i < kPairs; ++i) {
        const int32_t *xi = x + i * ldx;
        const __m256i x0 = full ? _mm256_loadu_si256(reinterpret_cast<const __m256i *>(xi))
                                : _mm256_maskload_epi32(xi, live0);
        const __m256i x1 = full ? _mm256_loadu_si256(reinterpret_cast<const __m256i *>(xi + 8))
                                : _mm256_maskload_epi32(xi + 8, live1);
        for (int r = 0; r < R; ++r) {
            const __m256i wv = _mm256_set1_epi32(w[int64_t(r) * kPairs + i]);
            acc0[r] = _mm256_add_epi32(acc0[r], _mm256_madd_epi16(wv, x0));
            acc1[r] = _mm256_add_epi32(acc1[r], _mm256_madd_epi16(wv, x1));
        }
    }
    for (int r = 0; r < R; ++r) {
        alignas(32) int32_t lanes[16];
        _mm256_store_si256(reinterpret_cast<__m256i *>(lanes), acc0[r]);
        _mm256_store_si256(reinterpret_cast<__m256i *>(lanes + 8), acc1[r]);
        int64_t *row = out + int64_t(r) * ldc;
        for (int j = 0; j < cols; ++j)
            row[j] = lanes[j];
    }
}

// AVX-512: R rows x 32 columns (two registers of sixteen int32 lanes per row).
template<int R>
FRONTIER_TARGET_AVX512 void pairTileAvx512(int64_t kPairs, const int32_t *w, const int32_t *x,
                                           int64_t ldx, const int64_t *start, int64_t *out,
                                           int64_t ldc, __mmask32 mask)
{
    const __mmask16 m0 = __mmask16(mask & 0xffffu);
    const __mmask16 m1 = __mmask16(mask >> 16);
    __m512i acc0[R];
    __m512i acc1[R];
    for (int r = 0; r < R; ++r) {
        acc0[r] = _mm512_set1_epi32(int32_t(start[r]));
        acc1[r] = acc0[r];
    }
    for (int64_t i = 0; i < kPairs; ++i) {
        const int32_t *xi = x + i * ldx;
        const __m512i x0 = _mm512_maskz_loadu_epi32(m0, xi);
        const __m512i x1 = _mm512_maskz_loadu_epi32(m1, xi + 16);
        for (int r = 0; r < R; ++r) {
            const __m512i wv = _mm512_set1_epi32(w[int64_t(r) * kPairs + i]);
            acc0[r] = _mm512_add_epi32(acc0[r], _mm512_madd_epi16(wv, x0));
            acc1[r] = _mm512_add_epi32(acc1[r], _mm512_madd_epi16(wv, x1));
        }
    }
    for (int r = 0; r < R; ++r) {
        int64_t *row = out + int64_t(r) * ldc;
        _mm512_mask_storeu_epi64(row, __mmask8(m0 & 0xff),
                                 _mm512_cvtepi32_epi64(_mm512_castsi512_si256(acc0[r])));
        _mm512_mask_storeu_epi64(row + 8, __mmask8(m0 >> 8),
                                 _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(acc0[r], 1)));
        _mm512_mask_storeu_epi64(row + 16, __mmask8(m1 & 0xff),
                                 _mm512_cvtepi32_epi64(_mm512_castsi512_si256(acc1[r])));
        _mm512_mask_storeu_epi64(row + 24, __mmask8(m1 >> 8),
                                 _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(acc1[r], 1)));
    }
}

using PairAvx2Tile = void (*)(int64_t, const int32_t *, const int32_t *, int64_t, const int64_t *,
                              int64_t *, int64_t, int);
using PairAvx512Tile = void (*)(int64_t, const int32_t *, const int32_t *, int64_t, const int64_t *,
                                int64_t *, int64_t, __mmask32);
constexpr int kPairAvx2Rows = 4;
constexpr int kPairAvx512Rows = 8;
constexpr PairAvx2Tile kPairAvx2Tiles[kPairAvx2Rows + 1]
    = {nullptr, pairTileAvx2<1>, pairTileAvx2<2>, pairTileAvx2<3>, pairTileAvx2<4>};
constexpr PairAvx512Tile kPairAvx512Tiles[kPairAvx512Rows + 1] = {
    nullptr,           pairTileAvx512<1>, pairTileAvx512<2>, pairTileAvx512<3>, pairTileAvx512<4>,
    pairTileAvx512<5>, pairTileAvx512<6>, pairTileAvx512<7>, pairTileAvx512<8>};

} // namespace

bool pairsAvailable()
{
    return cpu::activeIsa() != cpu::Isa::Portable;
}

int64_t pairCount(int64_t k)
{
    return (k + 1) / 2;
}

void pairs16(const int32_t *rows, int m, int64_t k, int32_t *out)
{
    const int64_t kp = pairCount(k);
    for (int r = 0; r < m; ++r) {
        const int32_t *src = rows + int64_t(r) * k;
        for (int64_t i = 0; i < kp; ++i)
            out[int64_t(r) * kp + i] = pair(src[2 * i], 2 * i + 1 < k ? src[2 * i + 1] : 0);
    }
}

void packPairs16(const int32_t *x, int64_t k, int64_t n, int64_t ldx, int32_t *out)
{
    for (int64_t i = 0; i < pairCount(k); ++i) {
        const int32_t *even = x + 2 * i * ldx;
        const int32_t *odd = 2 * i + 1 < k ? even + ldx : nullptr;
        int32_t *dst = out + i * n;
        for (int64_t j = 0; j < n; ++j)
            dst[j] = pair(even[j], odd ? odd[j] : 0);
    }
}

void pairGemm(int m, int64_t n, int64_t kPairs, const int32_t *w, const int32_t *x,
              const int64_t *start, int64_t *out, int64_t ldc)
{
    if (m <= 0 || n <= 0)
        return;
    if (cpu::activeIsa() == cpu::Isa::Avx512) {
        for (int64_t j = 0; j < n; j += 32) {
            const int64_t cols = std::min<int64_t>(32, n - j);
            const __mmask32 mask = cols == 32 ? ~__mmask32(0) : __mmask32((1u << cols) - 1u);
            for (int r = 0; r < m; r += kPairAvx512Rows) {
                const int rows = std::min(kPairAvx512Rows, m - r);
                kPairAvx512Tiles[rows](kPairs, w + int64_t(r) * kPairs, x + j, n, start + r,
                                       out + int64_t(r) * ldc + j, ldc, mask);
            }
        }
        return;
    }
    for (int64_t j = 0; j < n; j += 16) {
        const int cols = int(std::min<int64_t>(16, n - j));
        for (int r = 0; r < m; r += kPairAvx2Rows) {
            const int rows = std::min(kPairAvx2Rows, m - r);
            kPairAvx2Tiles[rows](kPairs, w + int64_t(r) * kPairs, x + j, n, start + r,
                                 out + int64_t(r) * ldc + j, ldc, cols);
        }
    }
}

} // namespace frontier::numeric

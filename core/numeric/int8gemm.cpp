#include "int8gemm.h"

#include "common/simd.h"

#include "common/cpu.h"

#include <algorithm>
#include <cstring>

namespace frontier::numeric {

// Implementation notes. A tile is R rows of a (samples) x 32 outputs (two registers of 16
// int32 lanes); per step of 4 k it loads the two 64-byte weight blocks once and, for each
// row, broadcasts the row's 4 activation bytes and issues two vpdpbusd. Outputs beyond n
// are zero weights (the packing pads to a multiple of 32) and are not stored (masked).

Int8Weights::Int8Weights(const int32_t *codes, int n, int k)
    : m_n(n)
    , m_k(k)
{
    const int blocks = (n + 31) / 32 * 2; // pairs of 16-output blocks, zero padded
    const int k4 = paddedK() / 4;
    m_packed.assign(size_t(blocks) * size_t(k4) * 64, 0);
    for (int j = 0; j < n; ++j) {
        for (int p = 0; p < k; ++p) {
            const size_t at
                = ((size_t(j / 16) * size_t(k4) + size_t(p / 4)) * 16 + size_t(j % 16)) * 4
                  + size_t(p % 4);
            m_packed[at] = int8_t(codes[int64_t(j) * k + p]);
        }
    }
}

bool Int8Weights::available()
{
    return cpu::activeIsa() == cpu::Isa::Avx512 && cpu::features().avx512vnni;
}

namespace {

template<int R>
FRONTIER_TARGET_AVX512_VNNI void tile(int k4, const uint8_t *a, int64_t lda, const int8_t *w0,
                                      const int8_t *w1, int32_t *c, int64_t ldc, __mmask16 m0,
                                      __mmask16 m1)
{
    __m512i acc0[R];
    __m512i acc1[R];
    for (int r = 0; r < R; ++r) {
        acc0[r] = _mm512_setzero_si512();
        acc1[r] = _mm512_setzero_si512();
    }
    for (int p = 0; p < k4; ++p) {
        const __m512i b0 = _mm512_loadu_si512(w0 + int64_t(p) * 64);
        const __m512i b1 = _mm512_loadu_si512(w1 + int64_t(p) * 64);
        for (int r = 0; r < R; ++r) {
            int32_t four;
            std::memcpy(&four, a + r * lda + int64_t(p) * 4, 4);
            const __m512i x = _mm512_set1_epi32(four);
            acc0[r] = _mm512_dpbusd_epi32(acc0[r], x, b0);
            acc1[r] = _mm512_dpbusd_epi32(acc1[r], x, b1);
        }
    }
    for (int r = 0; r < R; ++r) {
        _mm512_mask_storeu_epi32(c + r * ldc, m0, acc0[r]);
        _mm512_mask_storeu_epi32(c + r * ldc + 16, m1, acc1[r]);
    }
}

using TileFn = void (*)(int, const uint8_t *, int64_t, const int8_t *, const int8_t *, int32_t *,
                        int64_t, __mmask16, __mmask16);
constexpr int kRows = 8;
constexpr TileFn kTiles[kRows + 1]
    = {nullptr, tile<1>, tile<2>, tile<3>, tile<4>, tile<5>, tile<6>, tile<7>, tile<8>};

} // namespace

void Int8Weights::multiply(int m, const uint8_t *a, int32_t *acc, int64_t ldc) const
{
    const int k4 = paddedK() / 4;
    const int64_t lda = paddedK();
    for (int j = 0; j < m_n; j += 32) {
        const int width = m_n - j < 32 ? m_n - j : 32;
        const __mmask16 m0 = width >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << width) - 1);
        const __mmask16 m1
            = width >= 32 ? __mmask16(0xFFFF)
                          : (width > 16 ? __mmask16((1u << (width - 16)) - 1) : __mmask16(0));
        const int8_t *w0 = m_packed.data() + size_t(j / 16) * size_t(k4) * 64;
        const int8_t *w1 = w0 + size_t(k4) * 64; // zero weights beyond n (masked out)
        for (int i = 0; i < m; i += kRows) {
            const int rows = m - i < kRows ? m - i : kRows;
            kTiles[rows](k4, a + int64_t(i) * lda, lda, w0, w1, acc + int64_t(i) * ldc + j, ldc, m0,
                         m1);
        }
    }
}

namespace {

template<int R>
FRONTIER_TARGET_AVX512_VNNI void columnTile(int k4, const int8_t *w, int64_t ldw, const uint8_t *a0,
                                            const uint8_t *a1, int32_t *c, int64_t ldc,
                                            __mmask16 m0, __mmask16 m1)
{
    __m512i acc0[R];
    __m512i acc1[R];
    for (int r = 0; r < R; ++r) {
        acc0[r] = _mm512_setzero_si512();
        acc1[r] = _mm512_setzero_si512();
    }
    for (int p = 0; p < k4; ++p) {
        const __m512i x0 = _mm512_loadu_si512(a0 + int64_t(p) * 64);
        const __m512i x1 = _mm512_loadu_si512(a1 + int64_t(p) * 64);
        for (int r = 0; r < R; ++r) {
            int32_t four;
            std::memcpy(&four, w + r * ldw + int64_t(p) * 4, 4);
            const __m512i b = _mm512_set1_epi32(four);
            acc0[r] = _mm512_dpbusd_epi32(acc0[r], x0, b);
            acc1[r] = _mm512_dpbusd_epi32(acc1[r], x1, b);
        }
    }
    for (int r = 0; r < R; ++r) {
        _mm512_mask_storeu_epi32(c + r * ldc, m0, acc0[r]);
        _mm512_mask_storeu_epi32(c + r * ldc + 16, m1, acc1[r]);
    }
}

using ColumnTileFn = void (*)(int, const int8_t *, int64_t, const uint8_t *, const uint8_t *,
                              int32_t *, int64_t, __mmask16, __mmask16);
constexpr ColumnTileFn kColumnTiles[kRows + 1]
    = {nullptr,       columnTile<1>, columnTile<2>, columnTile<3>, columnTile<4>,
       columnTile<5>, columnTile<6>, columnTile<7>, columnTile<8>};

} // namespace

void Int8Columns::multiply(int m, const int8_t *w, int32_t *acc, int64_t ldc) const
{
    const int64_t ldw = int64_t(m_k4) * 4;
    for (int64_t j = 0; j < m_pixels; j += 32) {
        const int64_t width = m_pixels - j < 32 ? m_pixels - j : 32;
        const __mmask16 m0 = width >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << width) - 1);
        const __mmask16 m1
            = width >= 32 ? __mmask16(0xFFFF)
                          : (width > 16 ? __mmask16((1u << (width - 16)) - 1) : __mmask16(0));
        const uint8_t *a0 = m_packed.data() + size_t(j / 16) * size_t(m_k4) * 64;
        const uint8_t *a1 = a0 + size_t(m_k4) * 64;
        for (int i = 0; i < m; i += kRows) {
            const int rows = m - i < kRows ? m - i : kRows;
            kColumnTiles[rows](m_k4, w + int64_t(i) * ldw, ldw, a0, a1, acc + int64_t(i) * ldc + j,
                               ldc, m0, m1);
        }
    }
}

void Int8Columns::reset(int k, int64_t pixels)
{
    m_k4 = (k + 3) / 4;
    m_pixels = pixels;
    const size_t size = size_t((pixels + 31) / 32 * 2 * m_k4 * 64);
    if (m_packed.size() != size)
        m_packed.assign(size, 0);
}

namespace {

// 16 pixels at a time: lane i = u0 | u1 << 8 | u2 << 16 | u3 << 24. Returns the first
// pixel not packed.
FRONTIER_TARGET_AVX512_VNNI int64_t packRowsVnni(const float *rows, int count, int shift,
                                                 int64_t pixels, int k4, int p4, uint8_t *packed)
{
    const __m512i vshift = _mm512_set1_epi32(shift);
    int64_t j = 0;
    for (; j < pixels; j += 16) {
        const __mmask16 mask
            = pixels - j >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << (pixels - j)) - 1);
        __m512i lanes = _mm512_setzero_si512();
        for (int r = 0; r < count; ++r) {
            const __m512 v = _mm512_maskz_loadu_ps(mask, rows + int64_t(r) * pixels + j);
            const __m512i u = _mm512_add_epi32(_mm512_cvttps_epi32(v), vshift);
            lanes = _mm512_or_si512(lanes, _mm512_slli_epi32(u, unsigned(8 * r)));
        }
        _mm512_storeu_si512(packed + size_t((j / 16) * k4 * 64 + p4 * 64), lanes);
    }
    return j;
}

} // namespace

void Int8Columns::packRows(int p4, const float *rows, int count, int shift)
{
    const int64_t pixels = m_pixels;
    int64_t j = 0;
    if (Int8Weights::available())
        j = packRowsVnni(rows, count, shift, pixels, m_k4, p4, m_packed.data());
    for (; j < pixels; ++j) {
        uint8_t *dst = m_packed.data() + size_t((j / 16) * m_k4 * 64 + p4 * 64 + (j % 16) * 4);
        for (int r = 0; r < 4; ++r)
            dst[r] = r < count ? uint8_t(int(rows[int64_t(r) * pixels + j]) + shift) : 0;
    }
}

void Int8Columns::pack(const float *col, int k, int64_t pixels, int shift)
{
    reset(k, pixels);
    for (int p4 = 0; p4 < m_k4; ++p4)
        packRows(p4, col + int64_t(p4) * 4 * pixels, std::min(4, k - p4 * 4), shift);
}

} // namespace frontier::numeric

// The convolution and pooling data-movement kernels for one instruction-set path. This file
// is compiled three times with FRONTIER_ISA_NS set to portable, avx2 or avx512 and the
// matching -m flags; the preprocessor picks the vector moves from the flags. See
// convkernel.h for the contract and why nothing here has external inline linkage.

#include "convkernel.h"

#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
// GCC 12's own AVX-512 headers trip -Wmaybe-uninitialized when inlined (GCC bug 105593).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#ifndef FRONTIER_ISA_NS
#error "FRONTIER_ISA_NS must name the instruction-set path (portable, avx2, avx512)"
#endif

namespace frontier::model::convkernels::FRONTIER_ISA_NS {

namespace {

int clampInt(int v, int lo, int hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

int floorDivInt(int a, int b)
{
    const int q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int ceilDivInt(int a, int b)
{
    return -floorDivInt(-a, b);
}

// Rows of an im2col are short (the output width: 10 floats for LeNet's second
// convolution), so they are moved with vector loads and stores sized to the row, not a
// memmove call each.
#if defined(__AVX512F__)

// A masked tail: AVX-512 masked loads do not fault on the lanes they leave out.
inline void copyRow(float *dst, const float *src, int64_t n)
{
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(dst + i, _mm512_loadu_ps(src + i));
    if (i < n) {
        const __mmask16 m = __mmask16((1u << unsigned(n - i)) - 1u);
        _mm512_mask_storeu_ps(dst + i, m, _mm512_maskz_loadu_ps(m, src + i));
    }
}

inline void fillRow(float *dst, int64_t n, float value)
{
    const __m512 v = _mm512_set1_ps(value);
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(dst + i, v);
    if (i < n)
        _mm512_mask_storeu_ps(dst + i, __mmask16((1u << unsigned(n - i)) - 1u), v);
}

#else

// Whole vectors, the last one overlapping the one before it (the rows never overlap each
// other's source), then 4-float vectors the same way, then single floats. No masked
// stores: AMD cores run AVX2's vmaskmovps stores in microcode.
#if defined(__AVX2__)
inline void copy8(float *dst, const float *src)
{
    _mm256_storeu_ps(dst, _mm256_loadu_ps(src));
}
constexpr int64_t wide = 8;
#else
inline void copy8(float *dst, const float *src)
{
    _mm_storeu_ps(dst, _mm_loadu_ps(src));
    _mm_storeu_ps(dst + 4, _mm_loadu_ps(src + 4));
}
constexpr int64_t wide = 8;
#endif

inline void copyRow(float *dst, const float *src, int64_t n)
{
    if (n >= wide) {
        int64_t i = 0;
        for (; i + wide <= n; i += wide)
            copy8(dst + i, src + i);
        if (i < n)
            copy8(dst + n - wide, src + n - wide);
    } else if (n >= 4) {
        _mm_storeu_ps(dst, _mm_loadu_ps(src));
        _mm_storeu_ps(dst + n - 4, _mm_loadu_ps(src + n - 4));
    } else {
        for (int64_t i = 0; i < n; ++i)
            dst[i] = src[i];
    }
}

inline void fillRow(float *dst, int64_t n, float value)
{
    const __m128 v = _mm_set1_ps(value);
    if (n >= 4) {
        int64_t i = 0;
        for (; i + 4 <= n; i += 4)
            _mm_storeu_ps(dst + i, v);
        if (i < n)
            _mm_storeu_ps(dst + n - 4, v);
    } else {
        for (int64_t i = 0; i < n; ++i)
            dst[i] = value;
    }
}

#endif

} // namespace

void copy(float *dst, const float *src, int64_t n)
{
    copyRow(dst, src, n);
}

namespace {

// Row (c, ki, kj) of one sample's im2col, the oh · ow values of its output pixels read
// from `plane` (channel c), `pad` outside the input.
void unfoldRow(const Window &g, const float *plane, int ki, int kj, float pad, float *dst)
{
    const int xLo = clampInt(ceilDivInt(g.pl - kj, g.sw), 0, g.ow);
    const int xHi = clampInt(floorDivInt(g.w - 1 + g.pl - kj, g.sw) + 1, xLo, g.ow);
    const int shift = kj - g.pl;
    for (int oy = 0; oy < g.oh; ++oy, dst += g.ow) {
        const int iy = oy * g.sh - g.pt + ki;
        if (iy < 0 || iy >= g.h) {
            fillRow(dst, g.ow, pad);
            continue;
        }
        const float *src = plane + int64_t(iy) * g.w;
        fillRow(dst, xLo, pad);
        if (g.sw == 1) {
            copyRow(dst + xLo, src + xLo + shift, xHi - xLo);
        } else {
            for (int ox = xLo; ox < xHi; ++ox)
                dst[ox] = src[ox * g.sw + shift];
        }
        fillRow(dst + xHi, g.ow - xHi, pad);
    }
}

} // namespace

void im2col(const Window &g, const float *in, int count, float *col, int64_t ld)
{
    const int64_t p = int64_t(g.oh) * g.ow;
    const int64_t sampleSize = int64_t(g.c) * g.h * g.w;
    for (int c = 0; c < g.c; ++c) {
        for (int ki = 0; ki < g.kh; ++ki) {
            for (int kj = 0; kj < g.kw; ++kj) {
                float *row = col + ((int64_t(c) * g.kh + ki) * g.kw + kj) * ld;
                for (int s = 0; s < count; ++s)
                    unfoldRow(g, in + s * sampleSize + int64_t(c) * g.h * g.w, ki, kj, 0.0f,
                              row + s * p);
            }
        }
    }
}

void im2colRows(const Window &g, const float *in, float *col, int64_t ld, float pad,
                int64_t rowBegin, int64_t rowEnd)
{
    for (int64_t r = rowBegin; r < rowEnd; ++r) {
        const int kj = int(r % g.kw);
        const int ki = int((r / g.kw) % g.kh);
        const int c = int(r / (int64_t(g.kw) * g.kh));
        unfoldRow(g, in + int64_t(c) * g.h * g.w, ki, kj, pad, col + (r - rowBegin) * ld);
    }
}

void im2colStride1(const Window &g, const float *in, float *col, int64_t ld, float *padded)
{
    const bool pad = g.pt || g.pl || g.pb || g.pr;
    const int hp = pad ? g.h + g.pt + g.pb : g.h;
    const int wp = pad ? g.w + g.pl + g.pr : g.w;
    const float *src = in;
    if (pad) {
        for (int c = 0; c < g.c; ++c) {
            for (int y = 0; y < g.h; ++y) {
                copyRow(padded + (int64_t(c) * hp + y + g.pt) * wp + g.pl,
                        in + (int64_t(c) * g.h + y) * g.w, g.w);
            }
        }
        src = padded;
    }
    const int ow = g.ow;
    for (int c = 0; c < g.c; ++c) {
        for (int ki = 0; ki < g.kh; ++ki) {
            for (int kj = 0; kj < g.kw; ++kj) {
                float *dst = col + ((int64_t(c) * g.kh + ki) * g.kw + kj) * ld;
                const float *from = src + (int64_t(c) * hp + ki) * wp + kj;
                for (int oy = 0; oy < g.oh; ++oy, dst += ow, from += int64_t(g.sh) * wp)
                    copyRow(dst, from, ow);
            }
        }
    }
}

void col2im(const Window &g, const float *col, int count, float *in)
{
    const int64_t p = int64_t(g.oh) * g.ow;
    const int64_t ld = int64_t(count) * p;
    const int64_t sampleSize = int64_t(g.c) * g.h * g.w;
    for (int c = 0; c < g.c; ++c) {
        for (int ki = 0; ki < g.kh; ++ki) {
            for (int kj = 0; kj < g.kw; ++kj) {
                const float *row = col + ((int64_t(c) * g.kh + ki) * g.kw + kj) * ld;
                const int xLo = clampInt(ceilDivInt(g.pl - kj, g.sw), 0, g.ow);
                const int xHi = clampInt(floorDivInt(g.w - 1 + g.pl - kj, g.sw) + 1, xLo, g.ow);
                const int shift = kj - g.pl;
                for (int s = 0; s < count; ++s) {
                    float *plane = in + s * sampleSize + int64_t(c) * g.h * g.w;
                    const float *src = row + s * p;
                    for (int oy = 0; oy < g.oh; ++oy, src += g.ow) {
                        const int iy = oy * g.sh - g.pt + ki;
                        if (iy < 0 || iy >= g.h)
                            continue;
                        // One addition per element, in the same order on every path
                        // (the compiler vectorises across ox, never within an element).
                        float *__restrict dst = plane + int64_t(iy) * g.w;
                        const float *__restrict from = src;
                        if (g.sw == 1) {
                            for (int ox = xLo; ox < xHi; ++ox)
                                dst[ox + shift] += from[ox];
                        } else {
                            for (int ox = xLo; ox < xHi; ++ox)
                                dst[ox * g.sw + shift] += from[ox];
                        }
                    }
                }
            }
        }
    }
}

void maxPool2x2(const float *x, int64_t planes, int h, int w, int oh, int ow, float *y)
{
    // "v > best ? v : best" is vmaxps's own rule, so the compiler vectorises the row loop
    // on every path with the same result.
    const auto better = [](float v, float best) {
        return v > best ? v : best;
    };
    const float lowest = -__builtin_inff();
    for (int64_t pl = 0; pl < planes; ++pl) {
        const float *xp = x + pl * h * w;
        float *yp = y + pl * oh * ow;
        for (int oy = 0; oy < oh; ++oy) {
            const float *r0 = xp + 2 * oy * w;
            const float *r1 = r0 + w;
            float *d = yp + oy * ow;
            for (int ox = 0; ox < ow; ++ox) {
                float best = better(r0[2 * ox], lowest);
                best = better(r0[2 * ox + 1], best);
                best = better(r1[2 * ox], best);
                d[ox] = better(r1[2 * ox + 1], best);
            }
        }
    }
}

} // namespace frontier::model::convkernels::FRONTIER_ISA_NS

#include "affine.h"
#include "common/simd.h"

#include "common/cpu.h"

#include <cfloat>

namespace frontier::numeric {

namespace {

float usableScale(float s)
{
    // Zero (or subnormal, whose inverse would overflow) width: the contract's s = 1.
    return s >= FLT_MIN && std::isfinite(s) ? s : 1.0f;
}

} // namespace

AffineParams activationParams(float mn, float mx, int bits, bool symmetric)
{
    mn = std::min(mn, 0.0f);
    mx = std::max(mx, 0.0f);
    AffineParams p;
    p.qmin = -(1 << (bits - 1));
    p.qmax = (1 << (bits - 1)) - 1;
    if (symmetric) {
        p.scale = usableScale(std::max(-mn, mx) / float(p.qmax));
        p.inverse = 1.0f / p.scale;
        p.zeroPoint = 0;
        return p;
    }
    p.scale = usableScale((mx - mn) / float(p.qmax - p.qmin));
    p.inverse = 1.0f / p.scale;
    const float zp = std::nearbyint(float(p.qmin) - mn / p.scale);
    p.zeroPoint = int(std::clamp(zp, float(p.qmin), float(p.qmax)));
    return p;
}

AffineParams weightParams(float maxAbs, int bits)
{
    AffineParams p;
    p.qmax = (1 << (bits - 1)) - 1;
    p.qmin = -p.qmax;
    p.scale = usableScale(maxAbs / float(p.qmax));
    p.inverse = 1.0f / p.scale;
    return p;
}

AffineParams fixedPointParams(int bits, int fractionBits)
{
    AffineParams p;
    p.qmin = -(1 << (bits - 1));
    p.qmax = (1 << (bits - 1)) - 1;
    p.scale = std::ldexp(1.0f, -fractionBits);
    p.inverse = std::ldexp(1.0f, fractionBits);
    return p;
}

namespace {

// quantizeCodes() on the leading multiple of the vector width; returns the count done.
// nearbyint(t) clamped to [qmin - zp, qmax - zp] is exactly quantize() - zp: the clamp
// commutes with the shift by the integer zp, infinities clamp, NaN becomes 0.
FRONTIER_TARGET_AVX512 int64_t quantizeCodesAvx512(const float *x, int64_t n, const AffineParams &p,
                                                   float *out)
{
    const __m512 inv = _mm512_set1_ps(p.inverse);
    const __m512 vlo = _mm512_set1_ps(float(p.qmin - p.zeroPoint));
    const __m512 vhi = _mm512_set1_ps(float(p.qmax - p.zeroPoint));
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 t = _mm512_mul_ps(_mm512_loadu_ps(x + i), inv);
        t = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(t, t, _CMP_ORD_Q), t); // NaN -> 0
        t = _mm512_roundscale_ps(t, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        _mm512_storeu_ps(out + i, _mm512_min_ps(_mm512_max_ps(t, vlo), vhi));
    }
    return i;
}

FRONTIER_TARGET_AVX2 int64_t quantizeCodesAvx2(const float *x, int64_t n, const AffineParams &p,
                                               float *out)
{
    const __m256 inv = _mm256_set1_ps(p.inverse);
    const __m256 vlo = _mm256_set1_ps(float(p.qmin - p.zeroPoint));
    const __m256 vhi = _mm256_set1_ps(float(p.qmax - p.zeroPoint));
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 t = _mm256_mul_ps(_mm256_loadu_ps(x + i), inv);
        t = _mm256_and_ps(_mm256_cmp_ps(t, t, _CMP_ORD_Q), t); // NaN -> 0
        t = _mm256_round_ps(t, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        _mm256_storeu_ps(out + i, _mm256_min_ps(_mm256_max_ps(t, vlo), vhi));
    }
    return i;
}

} // namespace

void quantizeCodes(const float *x, int64_t n, const AffineParams &p, float *out)
{
    int64_t i = 0;
    switch (cpu::activeIsa()) {
    case cpu::Isa::Avx512:
        i = quantizeCodesAvx512(x, n, p, out);
        break;
    case cpu::Isa::Avx2:
        i = quantizeCodesAvx2(x, n, p, out);
        break;
    case cpu::Isa::Portable:
        break;
    }
    for (; i < n; ++i)
        out[i] = float(quantize(x[i], p) - p.zeroPoint);
}

int quantizeStochastic(float x, const AffineParams &p, float u)
{
    float t = x * p.inverse;
    if (std::isnan(t))
        return p.zeroPoint;
    t = std::min(std::max(t, float(p.qmin - p.zeroPoint - 1)), float(p.qmax - p.zeroPoint + 1));
    const float f = std::floor(t);
    const int r = int(f) + (u < t - f ? 1 : 0);
    return std::clamp(p.zeroPoint + r, p.qmin, p.qmax);
}

int64_t quantizeBias(float b, float scale)
{
    const float t = b * (1.0f / scale);
    if (std::isnan(t))
        return 0;
    const double r = std::nearbyint(double(t));
    return int64_t(std::clamp(r, -2147483648.0, 2147483647.0));
}

} // namespace frontier::numeric

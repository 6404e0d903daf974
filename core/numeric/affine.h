#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace frontier::numeric {

// Integer affine quantization of one tensor (activations) or one output channel (weights),
// exactly as DESIGN.md "Numerics" says:
//   q = clamp(zp + nearbyint(x * inverse), qmin, qmax)   inverse = 1.0f / scale in float32,
//                                                         x * inverse in float32, nearbyint
//                                                         rounding half to even
//   x^ = (q - zp) * scale                                 in float32
// Edge cases (not fixed by the contract, chosen here): NaN quantizes to the zero point
// (value 0); +-infinity clamps to qmax/qmin. The rounding mode is the default
// round-to-nearest-even; nothing in Frontier changes it.
//
// All functions are pure and thread-safe.
struct AffineParams
{
    float scale = 1.0f;   // s > 0
    float inverse = 1.0f; // 1.0f / s
    int zeroPoint = 0;
    int qmin = 0;
    int qmax = 0;
};

// Activations: range [mn, mx] widened to include 0, b bits (2..16), q in
// [-2^(b-1), 2^(b-1) - 1].
//   asymmetric: s = (mx - mn) / (qmax - qmin), zp = clamp(nearbyint(qmin - mn / s))
//   symmetric:  s = max(-mn, mx) / (2^(b-1) - 1), zp = 0
// A range of zero width (or one so narrow that s is below FLT_MIN) uses s = 1.
// Non-finite mn or mx are the caller's error (calibration rejects them).
AffineParams activationParams(float mn, float mx, int bits, bool symmetric);

// Weights: symmetric, narrow range q in [-(2^(b-1) - 1), 2^(b-1) - 1], zp = 0,
// s = maxAbs / (2^(b-1) - 1) (s = 1 when maxAbs is 0).
AffineParams weightParams(float maxAbs, int bits);

// Fixed point q<m>.<n> (m + n = bits): s = 2^-n, zp = 0, q in [-2^(bits-1), 2^(bits-1) - 1].
AffineParams fixedPointParams(int bits, int fractionBits);

inline int quantize(float x, const AffineParams &p)
{
    float t = x * p.inverse;
    if (std::isnan(t))
        return p.zeroPoint;
    // Clamping t one step outside the representable codes first keeps the int conversion
    // in range and cannot change the clamped result.
    t = std::min(std::max(t, float(p.qmin - p.zeroPoint - 1)), float(p.qmax - p.zeroPoint + 1));
    return std::clamp(p.zeroPoint + int(std::nearbyint(t)), p.qmin, p.qmax);
}

// Codes of a whole tensor as float32 integers relative to the zero point:
// out[i] = quantize(x[i], p) - p.zeroPoint (what the integer GEMM multiplies). Vectorised
// (AVX-512 when available); the same values as the scalar quantize().
void quantizeCodes(const float *x, int64_t n, const AffineParams &p, float *out);

inline float dequantize(int q, const AffineParams &p)
{
    return float(q - p.zeroPoint) * p.scale;
}

inline float fakeQuantize(float x, const AffineParams &p)
{
    return dequantize(quantize(x, p), p);
}

// Stochastic rounding: with t = x * inverse (float32), q = floor(t) + 1 with probability
// t - floor(t) (when u < t - floor(t), u uniform in [0, 1)), then + zp and clamped.
// NaN and infinities as quantize().
int quantizeStochastic(float x, const AffineParams &p, float u);

// The int32 bias of a layer whose input has scale sIn and whose channel has weight scale
// sW: scale = sIn * sW (float32 product, passed in), q = nearbyint(b * (1.0f / scale))
// clamped to [-2^31, 2^31 - 1]; NaN gives 0.
int64_t quantizeBias(float b, float scale);

// A saturating accumulator of `bits` (8..64) two's complement bits.
struct Accumulator
{
    int64_t lo;
    int64_t hi;

    static Accumulator ofBits(int bits)
    {
        if (bits >= 64)
            return {INT64_MIN, INT64_MAX};
        return {-(int64_t(1) << (bits - 1)), (int64_t(1) << (bits - 1)) - 1};
    }

    // acc + v saturated. |acc|, |v| < 2^62 (always so here: products of two 16-bit codes
    // and sums saturated at <= 64 bits never come near it except for 64-bit accumulators,
    // which cannot overflow for K < 2^31 terms of < 2^31).
    int64_t add(int64_t acc, int64_t v) const { return std::clamp(acc + v, lo, hi); }
    int64_t saturate(int64_t v) const { return std::clamp(v, lo, hi); }
};

} // namespace frontier::numeric

#pragma once

#include "formatspec.h"

#include <cstddef>

namespace frontier::numeric {

// Rounding of float32/float64 values to a minifloat e<E>m<M> (E = 2..8, M = 0..23), the
// result returned as the float32 that holds it exactly:
// - IEEE-like: bias 2^(E-1) - 1, exponent field all-ones reserved for infinity and NaN, so
//   the largest finite value is (2 - 2^-M) * 2^bias;
// - OCP FP8 E4M3 (ocp = true; E = 4, M = 3): all-ones exponent holds normal values except
//   mantissa all-ones (NaN), no infinity, largest finite 448;
// - round to nearest, ties to even, on the exact input; subnormals kept (spacing
//   2^(1 - bias - M)); the sign of zero kept;
// - overflow (a rounded magnitude above the largest finite value, and +-infinity)
//   saturates to +-largest finite, or with saturate = false becomes +-infinity (never for
//   OCP E4M3); NaN stays NaN.
// Pure value type; thread-safe.
class Minifloat
{
public:
    Minifloat(int exponentBits, int mantissaBits, bool ocpE4M3 = false, bool saturate = true);
    static Minifloat fromSpec(const FormatSpec &spec);

    // float32 input: integer operations on the bits (the hot path of the kernels).
    float round(float x) const;
    // round() of count values, in[i] -> out[i] (in == out allowed): the same bits, four
    // lanes at a time with SSE2 (the kernels' activations and outputs).
    void round(const float *in, float *out, size_t count) const;
    // Rounds a double in one step (used for the exact products and sums of :acc mode).
    float roundDouble(double x) const;

    float maxFinite() const { return m_max; }
    float minSubnormal() const;
    int exponentBits() const { return m_e; }
    int mantissaBits() const { return m_m; }

private:
    int m_e;
    int m_m;
    int m_emin;    // exponent of the smallest normal binade
    int m_maxBits; // bits of m_max as a float32
    bool m_saturate;
    float m_max;
};

} // namespace frontier::numeric

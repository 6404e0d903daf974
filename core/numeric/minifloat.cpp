#include "minifloat.h"

#include "common/error.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace frontier::numeric {

// Implementation notes. For E <= 8 and M <= 23 every value of the target format is a
// float32, and every float32 or finite double input scales by a power of two without
// loss in double: a / quantum is exact, so nearbyint() sees the exact quotient and rounds
// it once (half to even, the default rounding mode). The quantum is the spacing of the
// input's binade, or of the subnormal range below 2^emin.

Minifloat::Minifloat(int exponentBits, int mantissaBits, bool ocpE4M3, bool saturate)
    : m_e(exponentBits)
    , m_m(mantissaBits)
    , m_saturate(saturate || ocpE4M3)
{
    if (m_e < 2 || m_e > 8 || m_m < 0 || m_m > 23)
        throw Error("minifloat", "e" + std::to_string(m_e) + "m" + std::to_string(m_m)
                                     + " is outside E = 2..8, M = 0..23");
    if (ocpE4M3 && (m_e != 4 || m_m != 3))
        throw Error("minifloat", "the OCP variant exists only for E4M3");
    const int bias = (1 << (m_e - 1)) - 1;
    m_emin = 1 - bias;
    if (ocpE4M3)
        m_max = float(std::ldexp(2.0 - std::ldexp(1.0, 1 - m_m), bias + 1)); // 448
    else
        m_max = float(std::ldexp(2.0 - std::ldexp(1.0, -m_m), bias));
    m_maxBits = int(std::bit_cast<uint32_t>(m_max));
}

float Minifloat::round(float x) const
{
    // x = sig * 2^(max(e, 1) - 150) with sig < 2^24; drop `shift` low bits of sig with
    // round half to even; the result r * 2^(max(e, 1) - 150 + shift) is a value of the
    // format (so a float32), built by exact power-of-two scaling.
    const uint32_t u = std::bit_cast<uint32_t>(x);
    const uint32_t sign = u & 0x80000000u;
    const uint32_t a = u ^ sign;
    if (a >= 0x7F800000u)
        return roundDouble(double(x)); // infinity or NaN
    const int e = int(a >> 23);
    const int ee = e ? e : 1;
    const uint32_t sig = (a & 0x7FFFFFu) | (e ? 0x800000u : 0u);
    const int binade = e - 127; // for float subnormals below every target's emin anyway
    int shift = 23 - m_m + (binade < m_emin ? m_emin - binade : 0);
    if (e == 0)
        shift = 23 - m_m + (m_emin + 126);
    if (shift <= 0)
        return x; // e8m23: nothing to drop (and finite values cannot overflow)
    float out;
    if (shift >= 25) {
        out = 0.0f; // below half the smallest subnormal
    } else {
        const uint32_t r = (sig + (1u << (shift - 1)) - 1u + ((sig >> shift) & 1u)) >> shift;
        const int q = ee - 150 + shift; // exponent of the result's unit in the last place
        // Exact power-of-two scaling in steps whose factors are normal floats (q spans
        // -149..128); an overflow to infinity is caught just below.
        auto pow2 = [](int p) {
            return std::bit_cast<float>(uint32_t(p + 127) << 23);
        };
        if (q > 127)
            out = float(r) * pow2(q - 64) * 0x1p64f;
        else if (q >= -126)
            out = float(r) * pow2(q);
        else
            out = float(r) * pow2(q + 64) * 0x1p-64f;
        if (std::bit_cast<uint32_t>(out) > uint32_t(m_maxBits))
            out = m_saturate ? m_max : std::numeric_limits<float>::infinity();
    }
    return std::bit_cast<float>(std::bit_cast<uint32_t>(out) | sign);
}

Minifloat Minifloat::fromSpec(const FormatSpec &spec)
{
    return Minifloat(spec.exponentBits, spec.mantissaBits, spec.ocpE4M3, spec.saturate);
}

float Minifloat::minSubnormal() const
{
    return float(std::ldexp(1.0, m_emin - m_m));
}

float Minifloat::roundDouble(double x) const
{
    if (std::isnan(x))
        return float(x);
    if (std::isinf(x))
        return m_saturate ? std::copysign(m_max, float(x)) : float(x);
    const double a = std::fabs(x);
    if (a == 0.0)
        return float(x);
    int e = 0;
    std::frexp(a, &e); // a = f * 2^e, f in [0.5, 1): binade exponent e - 1
    const int binade = std::max(e - 1, m_emin);
    const double quantum = std::ldexp(1.0, binade - m_m);
    const double r = std::nearbyint(a / quantum) * quantum;
    float out;
    if (r > double(m_max))
        out = m_saturate ? m_max : std::numeric_limits<float>::infinity();
    else
        out = float(r);
    return std::signbit(x) ? -out : out;
}

} // namespace frontier::numeric

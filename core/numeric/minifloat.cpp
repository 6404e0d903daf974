#include "minifloat.h"

#include "common/error.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include <emmintrin.h>

namespace frontier::numeric {

namespace {
constexpr float kInfinity = std::numeric_limits<float>::infinity();
} // namespace

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
    float out;
    if (shift <= 0) {
        out = std::bit_cast<float>(a); // M = 23 in a normal binade: nothing to drop
        if (a > uint32_t(m_maxBits))   // E < 8 only: above the format's range
            out = m_saturate ? m_max : kInfinity;
    } else if (shift >= 25) {
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
            out = m_saturate ? m_max : kInfinity;
    }
    return std::bit_cast<float>(std::bit_cast<uint32_t>(out) | sign);
}

// The block form, on the same bits by another route, so that no lane needs a shift of its
// own (SSE2 has none). Magnitudes in a normal binade of the format (|x| >= 2^emin) drop
// the same 23 - M low bits: round half to even by an integer add on the float32 bits,
// whose carry moves into the exponent as the value moves up a binade. Below 2^emin the
// spacing is the fixed 2^(emin - M): (|x| + C) - C with C = 2^(emin - M + 23), whose
// float32 spacing that is, rounds |x| once, half to even (two float32 operations in the
// default rounding mode; C + |x| < 2C, so the sum stays in C's binade). Then the overflow
// of round(), NaN quietened as roundDouble() leaves it, and the sign put back.
// tst_quantizers compares both forms on random bit patterns and on every boundary.
void Minifloat::round(const float *in, float *out, size_t count) const
{
    const int drop = 23 - m_m;
    const __m128i signMask = _mm_set1_epi32(int(0x80000000u));
    // Half an ulp less one, plus the kept significand's last bit (ties to even): bit
    // `drop` of the bits, except for M = 0, where the kept bit is the implicit one.
    const __m128i half
        = _mm_set1_epi32(drop > 0 ? int((1u << (drop - 1)) - 1u + (drop == 23 ? 1u : 0u)) : 0);
    const __m128i lsb = _mm_set1_epi32(drop > 0 && drop < 23 ? 1 : 0);
    const __m128i keep = _mm_set1_epi32(int(~((uint32_t(1) << drop) - 1u)));
    const __m128i dropCount = _mm_cvtsi32_si128(drop);
    const __m128i normalMin = _mm_set1_epi32((m_emin + 127) << 23);
    const __m128i maxBits = _mm_set1_epi32(m_maxBits);
    const __m128i overflow
        = _mm_set1_epi32(m_saturate ? m_maxBits : int(std::bit_cast<uint32_t>(kInfinity)));
    const __m128i infBits = _mm_set1_epi32(int(std::bit_cast<uint32_t>(kInfinity)));
    const __m128i quietBit = _mm_set1_epi32(0x00400000);
    const __m128 magic = _mm_castsi128_ps(_mm_set1_epi32((m_emin - m_m + 23 + 127) << 23));
    auto select = [](__m128i mask, __m128i yes, __m128i no) {
        return _mm_or_si128(_mm_and_si128(mask, yes), _mm_andnot_si128(mask, no));
    };
    size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        const __m128i u = _mm_loadu_si128(reinterpret_cast<const __m128i *>(in + i));
        const __m128i sign = _mm_and_si128(u, signMask);
        const __m128i a = _mm_xor_si128(u, sign);
        const __m128i bias = _mm_add_epi32(half, _mm_and_si128(_mm_srl_epi32(a, dropCount), lsb));
        __m128i r = _mm_and_si128(_mm_add_epi32(a, bias), keep);
        const __m128 af = _mm_castsi128_ps(a);
        const __m128i sub = _mm_castps_si128(_mm_sub_ps(_mm_add_ps(af, magic), magic));
        r = select(_mm_cmplt_epi32(a, normalMin), sub, r);
        r = select(_mm_cmpgt_epi32(r, maxBits), overflow, r);
        r = select(_mm_cmpgt_epi32(a, infBits), _mm_or_si128(a, quietBit), r);
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out + i), _mm_or_si128(r, sign));
    }
    for (; i < count; ++i)
        out[i] = round(in[i]);
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
        out = m_saturate ? m_max : kInfinity;
    else
        out = float(r);
    return std::signbit(x) ? -out : out;
}

} // namespace frontier::numeric

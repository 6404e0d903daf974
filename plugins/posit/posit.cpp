#include "posit.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace frontier::posit {

Format::Format(int n, int es)
    : m_n(n)
    , m_es(es)
{
    if (n < 2 || n > 16)
        throw std::invalid_argument("posit width " + std::to_string(n) + " is outside 2..16");
    if (es < 0 || es > 3)
        throw std::invalid_argument("posit exponent size " + std::to_string(es)
                                    + " is outside 0..3");
}

double Format::maxpos() const
{
    return std::ldexp(1.0, (m_n - 2) << m_es);
}

double Format::minpos() const
{
    return std::ldexp(1.0, -((m_n - 2) << m_es));
}

int Format::maxFractionBits() const
{
    return m_n - 3 - m_es > 0 ? m_n - 3 - m_es : 0;
}

std::string Format::name() const
{
    return "posit" + std::to_string(m_n) + "es" + std::to_string(m_es);
}

uint32_t Format::encode(double x) const
{
    if (x == 0)
        return 0;
    if (!std::isfinite(x))
        return nar();
    const bool negative = x < 0;
    const double a = std::fabs(x);
    const uint32_t maxPattern = (1u << (m_n - 1)) - 1;
    uint32_t p = 0;
    const int maxScale = (m_n - 2) << m_es;
    // a = 1.f · 2^scale, read off the double's bits (a is finite and not 0).
    uint64_t abits = 0;
    std::memcpy(&abits, &a, sizeof abits);
    int scale = int((abits >> 52) & 0x7ff) - 1023;
    uint64_t fraction52 = abits & ((uint64_t(1) << 52) - 1);
    if (scale == -1023) { // subnormal double: far below any minpos here
        scale = -1074;
        fraction52 = 0;
    }
    if (scale >= maxScale) {
        p = maxPattern; // at or beyond maxpos
    } else if (scale < -maxScale) {
        p = 1; // below minpos
    } else {
        // The pattern after the sign bit, beyond n - 1 bits: regime, exponent and the
        // fraction's top 40 bits, the rest folded into the last bit (sticky; the kept
        // bits end at least 24 bits above it, n <= 16).
        const int useedBits = 1 << m_es;
        const int k = scale >= 0 ? scale / useedBits : -((-scale + useedBits - 1) / useedBits);
        const int e = scale - k * useedBits;
        const uint64_t fraction = (fraction52 >> 12) | ((fraction52 & 0xfffu) != 0 ? 1u : 0u);
        uint64_t bits = 0;
        int length = 0;
        if (k >= 0) {
            bits = ((uint64_t(1) << (k + 1)) - 1) << 1; // k + 1 ones, then a 0
            length = k + 2;
        } else {
            bits = 1; // -k zeros, then a 1
            length = -k + 1;
        }
        bits = (bits << m_es) | uint64_t(e);
        bits = (bits << 40) | fraction;
        length += m_es + 40;                  // <= 15 + 3 + 40
        const int shift = length - (m_n - 1); // >= 40 - 13 > 0
        p = static_cast<uint32_t>(bits >> shift);
        const uint64_t rest = bits & ((uint64_t(1) << shift) - 1);
        const bool guard = (rest >> (shift - 1)) & 1u;
        const bool sticky = (rest & ((uint64_t(1) << (shift - 1)) - 1)) != 0;
        if (guard && (sticky || (p & 1u)))
            ++p;
        if (p > maxPattern)
            p = maxPattern;
        if (p == 0)
            p = 1;
    }
    return negative ? (~p + 1u) & mask() : p;
}

double Format::decode(uint32_t pattern) const
{
    pattern &= mask();
    if (pattern == 0)
        return 0;
    if (pattern == nar())
        return std::numeric_limits<double>::quiet_NaN();
    const bool negative = (pattern >> (m_n - 1)) & 1u;
    const uint32_t p = negative ? (~pattern + 1u) & mask() : pattern;
    int at = m_n - 2; // the bit being read, from the one after the sign
    const uint32_t first = (p >> at) & 1u;
    int run = 0;
    while (at >= 0 && ((p >> at) & 1u) == first) {
        ++run;
        --at;
    }
    --at; // the regime's terminating bit (or past the end)
    const int k = first ? run - 1 : -run;
    int e = 0;
    for (int i = 0; i < m_es; ++i) {
        e <<= 1;
        if (at >= 0) {
            e |= int((p >> at) & 1u);
            --at;
        }
    }
    const int fractionBits = at + 1 > 0 ? at + 1 : 0;
    const uint32_t fraction = fractionBits > 0 ? p & ((1u << fractionBits) - 1) : 0;
    // (1 + fraction / 2^fractionBits) · 2^scale, built as the double's bits (exact:
    // |scale| <= 120 and at most 13 fraction bits).
    const int scale = k * (1 << m_es) + e;
    const uint64_t bits
        = (uint64_t(scale + 1023) << 52) | (uint64_t(fraction) << (52 - fractionBits));
    double value = 0;
    std::memcpy(&value, &bits, sizeof value);
    return negative ? -value : value;
}

Rounder::Rounder(Format format)
    : m_format(format)
    , m_values(size_t(1) << format.n())
{
    for (uint32_t p = 0; p < m_values.size(); ++p)
        m_values[p] = float(m_format.decode(p));
}

void Rounder::round(const float *in, float *out, size_t count) const
{
    for (size_t i = 0; i < count; ++i)
        out[i] = m_values[m_format.encode(double(in[i]))];
}

} // namespace frontier::posit

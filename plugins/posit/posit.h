#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace frontier::posit {

// posit<n, es> per the 2022 Posit Standard's encoding and rounding, for n = 2..16 and
// es = 0..3 (the standard itself fixes es = 2; the classic es = 0, 1 are kept for the
// formats published before it). An n-bit pattern is a sign bit then, in two's complement
// for negatives, a regime (a run of equal bits ended by the opposite bit or the end),
// es exponent bits and the fraction; value = (1 + f) · 2^(k·2^es + e). 0 is all zeros,
// NaR (not a real) is 1 followed by zeros.
//
// Rounding (encode): exact values are kept; |x| > maxpos gives ±maxpos and 0 < |x| <
// minpos gives ±minpos (a posit never rounds to 0 or NaR); otherwise x lies between two
// posits u < w, and the result is the one on x's side of the (n+1)-bit posit whose
// pattern is u's followed by a 1, the even pattern when x equals it. That is
// round-to-nearest-even on the pattern, which differs from the nearest value where
// the pattern has no fraction bits left (near maxpos and minpos).
class Format
{
public:
    Format(int n, int es); // throws std::invalid_argument outside the ranges above

    int n() const { return m_n; }
    int es() const { return m_es; }
    uint32_t nar() const { return 1u << (m_n - 1); }
    uint32_t mask() const { return m_n == 32 ? 0xffffffffu : (1u << m_n) - 1; }

    uint32_t encode(double x) const;       // NaN and ±infinity give NaR
    double decode(uint32_t pattern) const; // NaR gives NaN; bits above n are ignored
    float round(float x) const { return float(decode(encode(double(x)))); }

    double maxpos() const; // 2^((n-2)·2^es)
    double minpos() const; // 2^(-(n-2)·2^es)
    // The largest number of fraction bits (regime of two bits): n - 3 - es, at least 0.
    int maxFractionBits() const;

    std::string name() const; // "posit8es0"

private:
    int m_n;
    int m_es;
};

// Format::round, decoding through a table of every pattern's value: the fast path the
// plugin's kernels use (the same results: tst_posit compares them on every pattern,
// every midpoint and its neighbours).
class Rounder
{
public:
    explicit Rounder(Format format);

    const Format &format() const { return m_format; }
    float round(float x) const { return m_values[m_format.encode(double(x))]; }
    void round(const float *in, float *out, size_t count) const;

private:
    Format m_format;
    std::vector<float> m_values; // by pattern; NaR is NaN
};

} // namespace frontier::posit

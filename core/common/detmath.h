#pragma once

// Elementary functions whose results are the same bits on every x86-64 machine.
//
// The C library's exp, log, cos, tanh, pow… are not: glibc picks an implementation per
// CPU at load time (FMA and non-FMA variants that round differently in the last bit for
// some inputs), and Eigen's vectorised exp/tanh/logistic disagree with the scalar ones
// and are chosen per element by the buffer's alignment. Every number that reaches a
// result (softmax, sigmoid and tanh layers, losses, decision modules, threshold rules,
// random normals, learning-rate schedules) goes through these functions instead.
//
// Each one is written in plain double arithmetic (additions, multiplications, one
// division, exact scalings); the project compiles with -ffp-contract=off, so the compiler
// never fuses them and every build computes the same sequence of correctly rounded
// IEEE operations. Accuracy: within 4 ulp (double) of the C library on the documented
// domain, checked against the C library in tests/common/tst_detmath.cpp.

#include <bit>
#include <cmath>
#include <cstdint>

namespace frontier::dmath {

// a · b + c rounded once to float: the IEEE fused multiply-add, in SSE2 double arithmetic
// so that code built for the x86-64 baseline needs neither FMA hardware nor the C
// library's fmaf. The product is exact in double (24 + 24 bits), the sum is rounded to
// double with round-to-odd (the error of the rounded sum, from TwoSum, decides whether
// the last bit moves), and that rounds to the correctly rounded float since double has
// more than 24 + 2 bits. Equal to std::fma(float, float, float) for every input, NaN
// payloads aside (checked in tests/common/tst_detmath.cpp).
//
// Why not fmaf: a call per multiply-add, and on CPUs whose upper vector state is dirty
// after AVX code has run, each call into the C library's VEX-encoded fmaf from SSE code
// pays a state transition (measured: 60 ns per call on an AVX-512 Xeon against 1 ns).
inline float fma(float a, float b, float c)
{
    const double p = double(a) * double(b);
    const double z = double(c);
    double s = p + z;
    if (std::isfinite(s)) {
        const double bv = s - p;
        const double e = (p - (s - bv)) + (z - bv);
        uint64_t bits = std::bit_cast<uint64_t>(s);
        if (e != 0 && (bits & 1) == 0) {
            // The exact sum lies between s and its neighbour toward e: take the odd one.
            bits = (e > 0) == (s > 0) ? bits + 1 : bits - 1;
            s = std::bit_cast<double>(bits);
        }
    }
    return float(s);
}

// e^x. Overflows to +inf above ~709.78, underflows to 0 (through subnormals) below ~-745.1.
double exp(double x);

// Natural logarithm; log(0) = -inf, log(x < 0) = NaN, log(+inf) = +inf.
double log(double x);

// log(1 + x), accurate for small |x|.
double log1p(double x);

// log10(x) = log(x) / ln 10.
double log10(double x);

// cos(x) and sin(x); accurate for |x| <= 1e6 (studies use arguments within [0, 2π]).
double cos(double x);
double sin(double x);

// tanh(x) and the logistic function 1 / (1 + e^-x).
double tanh(double x);
double logistic(double x);

// x^n for an integer n >= 0 (square and multiply, left to right over n's bits).
double powi(double x, int64_t n);

} // namespace frontier::dmath

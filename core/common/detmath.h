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

#include <cstdint>

namespace frontier::dmath {

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

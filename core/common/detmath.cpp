#include "detmath.h"

#include <cmath>
#include <limits>

namespace frontier::dmath {

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// ln 2 split so that k · ln2Hi is exact for |k| < 2^20 (fdlibm's constants).
constexpr double ln2Hi = 0x1.62e42feep-1;
constexpr double ln2Lo = 0x1.a39ef35793c76p-33;
constexpr double invLn2 = 0x1.71547652b82fep+0;
// Adding and subtracting 1.5 · 2^52 rounds a double of magnitude < 2^51 to an integer
// (round to nearest, ties to even) without a library call.
constexpr double roundShift = 0x1.8p52;

// π/2 in three parts, the first two with 33 significant bits (n · part exact for
// |n| < 2^20), and 2/π.
constexpr double pio2Hi = 0x1.921fb544p+0;
constexpr double pio2Mid = 0x1.0b4611a6p-34;
constexpr double pio2Lo = 0x1.3198a2e037073p-69;
constexpr double twoOverPi = 0x1.45f306dc9c883p-1;

double roundToInteger(double x)
{
    return (x + roundShift) - roundShift;
}

// e^r for |r| <= ln 2 / 2: Taylor series to r^13 (the next term is < 4e-18), Horner.
double expKernel(double r)
{
    constexpr double c[] = {
        1.0 / 6227020800.0, // 1/13!
        1.0 / 479001600.0,
        1.0 / 39916800.0,
        1.0 / 3628800.0,
        1.0 / 362880.0,
        1.0 / 40320.0,
        1.0 / 5040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        1.0 / 2.0,
        1.0,
        1.0,
    };
    double p = c[0];
    for (int i = 1; i < int(sizeof(c) / sizeof(c[0])); ++i)
        p = p * r + c[i];
    return p;
}

// sin(r) and cos(r) for |r| <= π/4: Taylor series to r^17 and r^18 (next terms < 1e-19),
// sin r = r + r·z·P(z), cos r = 1 - z/2 + z²·Q(z) with z = r², Horner from the top.
double sinKernel(double r)
{
    const double z = r * r;
    constexpr double c[]
        = {1.0 / 355687428096000.0, -1.0 / 1307674368000.0, 1.0 / 6227020800.0, -1.0 / 39916800.0,
           1.0 / 362880.0,          -1.0 / 5040.0,          1.0 / 120.0,        -1.0 / 6.0};
    double p = c[0];
    for (int i = 1; i < int(sizeof(c) / sizeof(c[0])); ++i)
        p = p * z + c[i];
    return r + r * z * p;
}

double cosKernel(double r)
{
    const double z = r * r;
    constexpr double c[] = {
        -1.0 / 6402373705728000.0, 1.0 / 20922789888000.0, -1.0 / 87178291200.0, 1.0 / 479001600.0,
        -1.0 / 3628800.0,          1.0 / 40320.0,          -1.0 / 720.0,         1.0 / 24.0};
    double q = c[0];
    for (int i = 1; i < int(sizeof(c) / sizeof(c[0])); ++i)
        q = q * z + c[i];
    return 1.0 - 0.5 * z + z * z * q;
}

// x = n · π/2 + r with |r| <= π/4 (about; the rounding of n makes it slightly more).
double reduceHalfPi(double x, int64_t &n)
{
    const double kd = roundToInteger(x * twoOverPi);
    n = int64_t(kd);
    return ((x - kd * pio2Hi) - kd * pio2Mid) - kd * pio2Lo;
}

// e^y - 1, accurate for small |y| (Kahan's correction of (e^y - 1) by y / log(e^y)).
double expm1(double y)
{
    if (std::fabs(y) < 1e-5)
        return y + y * y * (0.5 + y * (1.0 / 6.0));
    const double u = exp(y);
    if (u == 1.0)
        return y;
    if (u == inf)
        return inf;
    const double um1 = u - 1.0;
    if (um1 == -1.0)
        return -1.0;
    return um1 * y / log(u);
}

// sin(x + quarter · π/2): one argument reduction, then the kernel of the quadrant.
double sinShifted(double x, int quarter)
{
    if (x != x || std::fabs(x) == inf)
        return nan;
    int64_t n = 0;
    const double r = reduceHalfPi(x, n);
    switch ((n + quarter) & 3) {
    case 0:
        return sinKernel(r);
    case 1:
        return cosKernel(r);
    case 2:
        return -sinKernel(r);
    default:
        return -cosKernel(r);
    }
}

} // namespace

double exp(double x)
{
    if (x != x)
        return x;
    if (x > 709.782712893384)
        return inf;
    if (x < -745.1332191019412)
        return 0.0;
    const double kd = roundToInteger(x * invLn2);
    const double r = (x - kd * ln2Hi) - kd * ln2Lo;
    // Exact scaling by 2^k (rounded once when the result is subnormal).
    return std::ldexp(expKernel(r), int(kd));
}

double log(double x)
{
    if (x != x)
        return x;
    if (x < 0.0)
        return nan;
    if (x == 0.0)
        return -inf;
    if (x == inf)
        return inf;
    int e = 0;
    double m = std::frexp(x, &e);   // x = m · 2^e, m in [0.5, 1), exact
    if (m < 0x1.6a09e667f3bcdp-1) { // 1/√2
        m *= 2.0;
        --e;
    }
    // log(1 + f) = 2 atanh(s) with s = f / (2 + f) = f - s (f - R), R = Σ 2 z^k / (2k + 1).
    const double f = m - 1.0; // exact (Sterbenz): m in [1/√2, √2)
    const double s = f / (2.0 + f);
    const double z = s * s;
    double r = 2.0 / 25.0;
    for (int k = 11; k >= 1; --k)
        r = r * z + 2.0 / double(2 * k + 1);
    r *= z;
    const double log1pf = f - s * (f - r);
    const double dk = double(e);
    return dk * ln2Hi + (dk * ln2Lo + log1pf);
}

double log1p(double x)
{
    if (x != x)
        return x;
    if (x == inf)
        return inf;
    const double u = 1.0 + x;
    if (u == 1.0)
        return x;
    if (u <= 0.0)
        return u == 0.0 ? -inf : nan;
    // Goldberg's correction: log(u) · x / (u - 1) cancels the rounding of 1 + x.
    return log(u) * (x / (u - 1.0));
}

double log10(double x)
{
    return log(x) / 0x1.26bb1bbb55516p+1; // ln 10
}

double cos(double x)
{
    return sinShifted(x, 1); // cos x = sin(x + π/2)
}

double sin(double x)
{
    return sinShifted(x, 0);
}

double tanh(double x)
{
    if (x != x)
        return x;
    const double a = std::fabs(x);
    if (a > 22.0)
        return x > 0 ? 1.0 : -1.0;
    if (a < 0x1p-28)
        return x;
    const double em = expm1(2.0 * a);
    const double t = em / (em + 2.0);
    return x > 0 ? t : -t;
}

double logistic(double x)
{
    if (x != x)
        return x;
    return 1.0 / (1.0 + exp(-x));
}

double powi(double x, int64_t n)
{
    double result = 1.0;
    double base = x;
    while (n > 0) {
        if (n & 1)
            result *= base;
        base *= base;
        n >>= 1;
    }
    return result;
}

} // namespace frontier::dmath

#include "logisticregression.h"

#include "common/detmath.h"
#include "common/error.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace frontier::policy {

namespace {

using Vec3 = std::array<double, 3>;
using Mat3 = std::array<std::array<double, 3>, 3>;

// log(1 + e^z) without overflow.
double softplus(double z)
{
    return z > 0 ? z + dmath::log1p(dmath::exp(-z)) : dmath::log1p(dmath::exp(z));
}

double sigmoid(double z)
{
    if (z >= 0)
        return 1.0 / (1.0 + dmath::exp(-z));
    const double e = dmath::exp(z);
    return e / (1.0 + e);
}

double penalisedLogLikelihood(const Vec3 &t, const std::vector<double> &p1,
                              const std::vector<double> &p2, const std::vector<uint8_t> &y,
                              double ridge)
{
    double ll = 0;
    for (size_t i = 0; i < y.size(); ++i) {
        const double z = t[0] + t[1] * p1[i] + t[2] * p2[i];
        ll += (y[i] ? z : 0.0) - softplus(z);
    }
    return ll - 0.5 * ridge * (t[0] * t[0] + t[1] * t[1] + t[2] * t[2]);
}

// Solves A x = b for a symmetric positive definite 3x3 A (Cholesky). False if A is not.
bool solveSpd(const Mat3 &a, const Vec3 &b, Vec3 &x)
{
    Mat3 l{};
    for (int i = 0; i < 3; ++i) {
        for (int j = 0; j <= i; ++j) {
            double s = a[size_t(i)][size_t(j)];
            for (int k = 0; k < j; ++k)
                s -= l[size_t(i)][size_t(k)] * l[size_t(j)][size_t(k)];
            if (i == j) {
                if (!(s > 0))
                    return false;
                l[size_t(i)][size_t(i)] = std::sqrt(s);
            } else {
                l[size_t(i)][size_t(j)] = s / l[size_t(j)][size_t(j)];
            }
        }
    }
    Vec3 y{};
    for (int i = 0; i < 3; ++i) {
        double s = b[size_t(i)];
        for (int k = 0; k < i; ++k)
            s -= l[size_t(i)][size_t(k)] * y[size_t(k)];
        y[size_t(i)] = s / l[size_t(i)][size_t(i)];
    }
    for (int i = 2; i >= 0; --i) {
        double s = y[size_t(i)];
        for (int k = i + 1; k < 3; ++k)
            s -= l[size_t(k)][size_t(i)] * x[size_t(k)];
        x[size_t(i)] = s / l[size_t(i)][size_t(i)];
    }
    return true;
}

} // namespace

double LogisticRegression::probability(double p1, double p2) const
{
    return sigmoid(logit(p1, p2));
}

LogisticRegression LogisticRegression::fit(const std::vector<double> &p1,
                                           const std::vector<double> &p2,
                                           const std::vector<uint8_t> &correct, double ridge,
                                           int maxIterations, FitReport *report)
{
    const size_t n = correct.size();
    if (p1.size() != n || p2.size() != n)
        throw Error("logistic regression", "p1, p2 and the targets differ in length");
    if (n == 0)
        throw Error("logistic regression", "no calibration sample to fit on");
    if (!(ridge > 0) || !std::isfinite(ridge))
        throw Error("logistic regression", "the ridge must be finite and > 0");
    for (size_t i = 0; i < n; ++i) {
        if (!std::isfinite(p1[i]) || !std::isfinite(p2[i]))
            throw Error("logistic regression",
                        "non-finite probability at sample " + std::to_string(i));
    }

    Vec3 t{0, 0, 0};
    double ll = penalisedLogLikelihood(t, p1, p2, correct, ridge);
    FitReport rep;
    for (int it = 0; it < maxIterations; ++it) {
        // Gradient and (negated) Hessian of the penalised log-likelihood.
        Vec3 g{-ridge * t[0], -ridge * t[1], -ridge * t[2]};
        Mat3 h{};
        for (int d = 0; d < 3; ++d)
            h[size_t(d)][size_t(d)] = ridge;
        for (size_t i = 0; i < n; ++i) {
            const Vec3 x{1.0, p1[i], p2[i]};
            const double p = sigmoid(t[0] + t[1] * x[1] + t[2] * x[2]);
            const double r = (correct[i] ? 1.0 : 0.0) - p;
            const double w = p * (1.0 - p);
            for (int a = 0; a < 3; ++a) {
                g[size_t(a)] += r * x[size_t(a)];
                for (int b = 0; b <= a; ++b)
                    h[size_t(a)][size_t(b)] += w * x[size_t(a)] * x[size_t(b)];
            }
        }
        for (int a = 0; a < 3; ++a) {
            for (int b = a + 1; b < 3; ++b)
                h[size_t(a)][size_t(b)] = h[size_t(b)][size_t(a)];
        }
        Vec3 step{};
        if (!solveSpd(h, g, step))
            break;
        // Step halving: the penalised log-likelihood is concave, so a short enough step
        // along the Newton direction always increases it.
        double scale = 1.0;
        Vec3 next{};
        double nextLl = ll;
        for (int halvings = 0; halvings < 60; ++halvings) {
            for (int d = 0; d < 3; ++d)
                next[size_t(d)] = t[size_t(d)] + scale * step[size_t(d)];
            nextLl = penalisedLogLikelihood(next, p1, p2, correct, ridge);
            if (nextLl >= ll)
                break;
            scale *= 0.5;
        }
        rep.iterations = it + 1;
        double moved = 0;
        for (int d = 0; d < 3; ++d) {
            moved = std::max(moved, std::abs(next[size_t(d)] - t[size_t(d)])
                                        / (1.0 + std::abs(t[size_t(d)])));
        }
        if (nextLl < ll) {
            rep.converged = true; // no increase representable: the optimum within rounding
            break;
        }
        t = next;
        ll = nextLl;
        if (moved <= 1e-12) {
            rep.converged = true;
            break;
        }
    }
    rep.logLikelihood = ll;
    if (report)
        *report = rep;
    return LogisticRegression(t[0], t[1], t[2]);
}

} // namespace frontier::policy

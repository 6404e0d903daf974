#include "sigmoid.h"

#include "eigen.h"
#include "layerutil.h"

#include "common/detmath.h"

#include <cmath>

namespace frontier::model {

Sigmoid::Sigmoid(const Attributes &a)
{
    detail::checkKnownKeys(a, "sigmoid", {});
}

std::unique_ptr<Layer> Sigmoid::clone() const
{
    return std::make_unique<Sigmoid>(*this);
}

void Sigmoid::apply(const float *x, float *y, size_t n) const
{
    // A scalar loop over a fixed-order logistic: Eigen's vectorised logistic differs from
    // the scalar one and would make each element depend on the buffer's alignment.
    for (size_t i = 0; i < n; ++i)
        y[i] = float(dmath::logistic(double(x[i])));
}

void Sigmoid::applyNaive(const float *x, float *y, size_t n) const
{
    for (size_t i = 0; i < n; ++i)
        y[i] = float(1.0 / (1.0 + dmath::exp(-double(x[i]))));
}

void Sigmoid::gradient(const float *x, const float *y, const float *g, float *gx, size_t n) const
{
    (void)x;
    const detail::ConstArrayMap out(y, Eigen::Index(n));
    detail::ArrayMap(gx, Eigen::Index(n))
        = detail::ConstArrayMap(g, Eigen::Index(n)) * out * (1.0f - out);
}

} // namespace frontier::model

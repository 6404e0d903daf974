#include "tanh.h"

#include "eigen.h"
#include "layerutil.h"

#include "common/detmath.h"

#include <cmath>

namespace frontier::model {

Tanh::Tanh(const Attributes &a)
{
    detail::checkKnownKeys(a, "tanh", {});
}

std::unique_ptr<Layer> Tanh::clone() const
{
    return std::make_unique<Tanh>(*this);
}

void Tanh::apply(const float *x, float *y, size_t n) const
{
    // A scalar loop over a fixed-order tanh (see Sigmoid::apply).
    for (size_t i = 0; i < n; ++i)
        y[i] = float(dmath::tanh(double(x[i])));
}

void Tanh::applyNaive(const float *x, float *y, size_t n) const
{
    for (size_t i = 0; i < n; ++i)
        y[i] = float(dmath::tanh(double(x[i])));
}

void Tanh::gradient(const float *x, const float *y, const float *g, float *gx, size_t n) const
{
    (void)x;
    const detail::ConstArrayMap out(y, Eigen::Index(n));
    detail::ArrayMap(gx, Eigen::Index(n))
        = detail::ConstArrayMap(g, Eigen::Index(n)) * (1.0f - out.square());
}

} // namespace frontier::model

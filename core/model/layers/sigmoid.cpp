#include "sigmoid.h"

#include "eigen.h"
#include "layerutil.h"

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
    detail::ArrayMap(y, Eigen::Index(n)) = detail::ConstArrayMap(x, Eigen::Index(n)).logistic();
}

void Sigmoid::applyNaive(const float *x, float *y, size_t n) const
{
    for (size_t i = 0; i < n; ++i)
        y[i] = float(1.0 / (1.0 + std::exp(-double(x[i]))));
}

void Sigmoid::gradient(const float *x, const float *y, const float *g, float *gx, size_t n) const
{
    (void)x;
    const detail::ConstArrayMap out(y, Eigen::Index(n));
    detail::ArrayMap(gx, Eigen::Index(n))
        = detail::ConstArrayMap(g, Eigen::Index(n)) * out * (1.0f - out);
}

} // namespace frontier::model

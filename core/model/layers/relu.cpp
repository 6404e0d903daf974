#include "relu.h"

#include "eigen.h"
#include "layerutil.h"

namespace frontier::model {

Relu::Relu(const Attributes &a)
{
    detail::checkKnownKeys(a, "relu", {});
}

std::unique_ptr<Layer> Relu::clone() const
{
    return std::make_unique<Relu>(*this);
}

void Relu::apply(const float *x, float *y, size_t n) const
{
    detail::ArrayMap(y, Eigen::Index(n)) = detail::ConstArrayMap(x, Eigen::Index(n)).max(0.0f);
}

void Relu::applyNaive(const float *x, float *y, size_t n) const
{
    for (size_t i = 0; i < n; ++i)
        y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void Relu::gradient(const float *x, const float *y, const float *g, float *gx, size_t n) const
{
    (void)y;
    for (size_t i = 0; i < n; ++i)
        gx[i] = x[i] > 0.0f ? g[i] : 0.0f;
}

} // namespace frontier::model

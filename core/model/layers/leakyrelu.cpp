#include "leakyrelu.h"

#include "eigen.h"
#include "layerutil.h"

namespace frontier::model {

LeakyRelu::LeakyRelu(const Attributes &a)
{
    detail::checkKnownKeys(a, "leakyrelu", {"alpha"});
    m_alpha = attrScalar(a, "leakyrelu", "alpha", 0.01);
}

std::unique_ptr<Layer> LeakyRelu::clone() const
{
    return std::make_unique<LeakyRelu>(*this);
}

void LeakyRelu::apply(const float *x, float *y, size_t n) const
{
    const detail::ConstArrayMap in(x, Eigen::Index(n));
    detail::ArrayMap(y, Eigen::Index(n)) = (in > 0.0f).select(in, in * float(m_alpha));
}

void LeakyRelu::applyNaive(const float *x, float *y, size_t n) const
{
    for (size_t i = 0; i < n; ++i)
        y[i] = x[i] > 0.0f ? x[i] : float(m_alpha) * x[i];
}

void LeakyRelu::gradient(const float *x, const float *y, const float *g, float *gx, size_t n) const
{
    (void)y;
    for (size_t i = 0; i < n; ++i)
        gx[i] = x[i] > 0.0f ? g[i] : float(m_alpha) * g[i];
}

Attributes LeakyRelu::attributes() const
{
    return {{"alpha", {m_alpha}}};
}

} // namespace frontier::model

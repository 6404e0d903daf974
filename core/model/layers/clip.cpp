#include "clip.h"

#include "eigen.h"
#include "layerutil.h"

#include "common/error.h"

#include <limits>

namespace frontier::model {

Clip::Clip(const Attributes &a)
    : m_min(double(std::numeric_limits<float>::lowest()))
    , m_max(double(std::numeric_limits<float>::max()))
{
    detail::checkKnownKeys(a, "clip", {"min", "max"});
    m_min = attrScalar(a, "clip", "min", m_min);
    m_max = attrScalar(a, "clip", "max", m_max);
    if (!(m_min <= m_max))
        throw Error("clip", "min (" + std::to_string(m_min) + ") exceeds max ("
                                + std::to_string(m_max) + ")");
}

std::unique_ptr<Layer> Clip::clone() const
{
    return std::make_unique<Clip>(*this);
}

void Clip::apply(const float *x, float *y, size_t n) const
{
    detail::ArrayMap(y, Eigen::Index(n))
        = detail::ConstArrayMap(x, Eigen::Index(n)).max(float(m_min)).min(float(m_max));
}

void Clip::applyNaive(const float *x, float *y, size_t n) const
{
    const float lo = float(m_min), hi = float(m_max);
    for (size_t i = 0; i < n; ++i)
        y[i] = x[i] < lo ? lo : (x[i] > hi ? hi : x[i]);
}

void Clip::gradient(const float *x, const float *y, const float *g, float *gx, size_t n) const
{
    (void)y;
    const float lo = float(m_min), hi = float(m_max);
    for (size_t i = 0; i < n; ++i)
        gx[i] = (x[i] > lo && x[i] < hi) ? g[i] : 0.0f;
}

Attributes Clip::attributes() const
{
    return {{"min", {m_min}}, {"max", {m_max}}};
}

} // namespace frontier::model

#include "clip.h"

#include "eigen.h"
#include "layerutil.h"

#include "common/error.h"

#include <limits>

namespace frontier::model {

using detail::ArrayMap;
using detail::ConstArrayMap;

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

Shape Clip::outputShape(const std::vector<Shape> &inputs) const
{
    detail::checkInputCount(*this, inputs);
    detail::checkNonEmpty(*this, inputs[0]);
    return inputs[0];
}

void Clip::forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const
{
    (void)ws;
    detail::prepareForward(*this, in, out);
    const ConstArrayMap x(in[0]->data.data(), Eigen::Index(in[0]->data.size()));
    ArrayMap y(out.data.data(), Eigen::Index(out.data.size()));
    y = x.max(float(m_min)).min(float(m_max));
}

void Clip::forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const
{
    detail::prepareForward(*this, in, out);
    for (size_t i = 0; i < out.data.size(); ++i) {
        const float x = in[0]->data[i];
        const float lo = float(m_min), hi = float(m_max);
        out.data[i] = x < lo ? lo : (x > hi ? hi : x);
    }
}

void Clip::backward(const std::vector<const Tensor *> &in, const Tensor &out, const Tensor &gradOut,
                    const std::vector<Tensor *> &gradIn,
                    std::vector<std::vector<float>> &gradParams, const LayerCache &cache,
                    Workspace &ws) const
{
    (void)cache;
    (void)ws;
    detail::prepareBackward(*this, in, out, gradOut, gradIn, gradParams);
    if (gradIn.empty() || !gradIn[0])
        return;
    const std::vector<float> &x = in[0]->data;
    std::vector<float> &gx = gradIn[0]->data;
    const float lo = float(m_min), hi = float(m_max);
    for (size_t i = 0; i < gx.size(); ++i)
        gx[i] = (x[i] > lo && x[i] < hi) ? gradOut.data[i] : 0.0f;
}

Attributes Clip::attributes() const
{
    return {{"min", {m_min}}, {"max", {m_max}}};
}

} // namespace frontier::model
